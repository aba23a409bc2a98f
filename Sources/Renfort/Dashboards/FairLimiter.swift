import NIOConcurrencyHelpers

/// At most `limit` bodies run at once; the others wait for their turn, first come first
/// served. The figures of a period nobody asked for before cost a few milliseconds of the
/// database per centre: an observer's home asks five centres at once, and a few observers
/// asking new periods together started forty such computations side by side on a two-core
/// machine. Sharing the cores among all of them made every request as slow as the busiest
/// moment (the slowest hundredth waited twice the mean); taking them in turn serves the
/// first asked first, and leaves the rest of the server (an adviser's lists, the forms)
/// cores to answer on.
final class FairLimiter: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var mostRunning = 0
        var waited = 0
    }

    let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        precondition(limit > 0, "a limit of at least one")
        self.limit = limit
    }

    /// The most bodies that ran at once, and how many waited for their turn, for tests.
    var counts: (mostRunning: Int, waited: Int) { state.withLockedValue { ($0.mostRunning, $0.waited) } }

    func run<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { state -> Bool in
                guard state.running < limit else {
                    state.waiting.append(continuation)
                    state.waited += 1
                    return false
                }
                state.running += 1
                state.mostRunning = max(state.mostRunning, state.running)
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the place to the first waiting, if any (the count of running stays the same).
    private func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
