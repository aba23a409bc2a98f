import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// A request waits a few seconds at most for a database connection, then gets a 503 page;
/// the work done on a connection, once it has one, is never cut short.
@Suite struct ConnectionWaitTests {
    /// Runs `body` with a client of one connection on a fresh database, and a `Database` on
    /// it that waits at most half a second for that connection.
    func withOneConnection(_ body: @Sendable (TestDatabase, Database) async throws -> Void) async throws {
        try await TestDatabase.withFresh { database in
            let client = PostgresClient(
                configuration: database.appURL.clientConfiguration(maximumConnections: 1), backgroundLogger: TestEnvironment.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await body(database, Database(client: client, connectionWait: .milliseconds(500)))
            }
        }
    }

    @Test func aRequestWaitsAtMostTheConfiguredTimeForAConnection() async throws {
        try await withOneConnection { _, database in
            let logger = TestEnvironment.logger
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Holds the only connection for three seconds.
                    _ = try await database.withConnection(logger: logger) { connection in
                        try await connection.execute("SELECT pg_sleep(3)", logger: logger)
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                await #expect(throws: DatabaseUnavailable.self) {
                    try await database.withTransaction(logger: logger) { connection in
                        try await connection.execute("SELECT 1", logger: logger)
                    }
                }
                #expect(ContinuousClock.now - started < .seconds(2.5), "gave up before the connection came back")
                try await group.waitForAll()
            }
        }
    }

    @Test func aTransactionLongerThanTheWaitIsNotCutShort() async throws {
        try await withOneConnection { test, database in
            let logger = TestEnvironment.logger
            try await database.withTransaction(logger: logger) { connection in
                try await connection.execute(
                    "INSERT INTO sessions (token_hash, csrf_token, created_at, last_seen_at) VALUES ('\\x01', 'csrf', now(), now())",
                    logger: logger)
                try await connection.execute("SELECT pg_sleep(1.5)", logger: logger)
            }
            #expect(try await test.count("sessions") == 1)
        }
    }
}
