import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct HealthTests {
    @Test func liveAndReady() async throws {
        try await TestApp.run { browser, _ in
            let live = try await browser.get("/health/live")
            #expect(live.status == .ok)
            #expect(live.text == "ok")
            // The database answers within a second; on a loaded test machine, give it a few tries.
            var ready = try await browser.get("/health/ready")
            for _ in 0..<5 where ready.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                ready = try await browser.get("/health/ready")
            }
            #expect(ready.status == .ok)
            #expect(browser.cookie == nil)
        }
    }

    @Test func notReadyWhenTheDatabaseIsUnreachable() async throws {
        try await TestDatabase.withFresh { database in
            var configuration = TestApp.configuration(for: database)
            configuration.databaseURL = try DatabaseURL("postgres://renfort_app:x@127.0.0.1:9/nothing")
            let app = try await buildApplication(configuration: configuration, logger: TestEnvironment.logger)
            try await app.test(.router) { client in
                let ready = try await client.execute(uri: "/health/ready", method: .get)
                #expect(ready.status == .serviceUnavailable)
                let live = try await client.execute(uri: "/health/live", method: .get)
                #expect(live.status == .ok)

            }
        }
    }

    @Test func readyAnswersWithinASecondWhenTheDatabaseIsFrozen() async throws {
        try await TestApp.runBehindProxy { client, proxy in
            // The pool holds an open connection when the database freezes.
            var ready = try await client.execute(uri: "/health/ready", method: .get)
            for _ in 0..<5 where ready.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                ready = try await client.execute(uri: "/health/ready", method: .get)
            }
            #expect(ready.status == .ok)
            proxy.freeze()
            let started = ContinuousClock.now
            let frozen = try await client.execute(uri: "/health/ready", method: .get)
            #expect(frozen.status == .serviceUnavailable)
            #expect(ContinuousClock.now - started < .seconds(3))
            proxy.thaw()
            var thawed = try await client.execute(uri: "/health/ready", method: .get)
            for _ in 0..<10 where thawed.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                thawed = try await client.execute(uri: "/health/ready", method: .get)
            }
            #expect(thawed.status == .ok)
        }
    }
}
