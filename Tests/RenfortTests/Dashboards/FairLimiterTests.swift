import NIOConcurrencyHelpers
import Testing

@testable import Renfort

@Suite struct FairLimiterTests {
    @Test func neverRunsMoreThanItsLimit() async throws {
        let limiter = FairLimiter(limit: 3)
        let running = NIOLockedValueBox((now: 0, most: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limiter.run {
                        running.withLockedValue { $0.now += 1; $0.most = max($0.most, $0.now) }
                        try await Task.sleep(for: .milliseconds(5))
                        running.withLockedValue { $0.now -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(running.withLockedValue { $0.most } == 3)
        #expect(limiter.counts.mostRunning == 3)
        #expect(limiter.counts.waited == 9)
        // Every place was given back: three run at once again without waiting.
        let before = limiter.counts.waited
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await limiter.run { } } }
        }
        #expect(limiter.counts.waited == before)
    }

    @Test func servesTheFirstWaitingFirst() async throws {
        let limiter = FairLimiter(limit: 1)
        let (gate, open) = AsyncStream<Void>.makeStream()
        let order = NIOLockedValueBox([Int]())
        // One body holds the only place until the gate opens.
        let holder = Task { await limiter.run { for await _ in gate { break } } }
        while limiter.counts.mostRunning == 0 { await Task.yield() }
        var waiters: [Task<Void, Never>] = []
        for index in 1...5 {
            waiters.append(Task { await limiter.run { order.withLockedValue { $0.append(index) } } })
            // The next one asks only once this one waits.
            while limiter.counts.waited < index { await Task.yield() }
        }
        open.yield()
        await holder.value
        for waiter in waiters { await waiter.value }
        #expect(order.withLockedValue { $0 } == [1, 2, 3, 4, 5])
        #expect(limiter.counts.mostRunning == 1)
    }

    @Test func theLimitIsConfigured() throws {
        let url = "postgres://renfort_app:secret@127.0.0.1:5432/renfort"
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url]).concurrentFigureComputations >= 2)
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_FIGURE_COMPUTATIONS": "3"]).concurrentFigureComputations == 3)
        for bad in ["0", "-1", "many", "65"] {
            #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_FIGURE_COMPUTATIONS": bad]) }
        }
    }
}
