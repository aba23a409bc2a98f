import NIOConcurrencyHelpers

/// Work that must answer within a time limit whatever the database does.
enum Deadline {
    /// The value of `work`, or nil once `limit` has passed; `work` then goes on alone,
    /// unawaited: a query stuck on a frozen database does not return when its task is
    /// cancelled, so waiting for it (as a task group does) would hold the answer.
    static func value<Value: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async -> Value) async -> Value? {
        let waiting = NIOLockedValueBox<CheckedContinuation<Value?, Never>?>(nil)
        let give = { @Sendable (value: Value?) in
            waiting.withLockedValue { continuation in
                defer { continuation = nil }
                return continuation
            }?.resume(returning: value)
        }
        return await withCheckedContinuation { continuation in
            waiting.withLockedValue { $0 = continuation }
            let timer = Task {
                try await Task.sleep(for: limit)
                give(nil)
            }
            Task {
                give(await work())
                timer.cancel()
            }
        }
    }
}
