import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// A request waits a few seconds at most for a database connection, then gets a 503 page;
/// the work done on a connection, once it has one, is never cut short.
@Suite struct ConnectionWaitTests {
    /// Runs `body` with a client of one connection on a fresh database.
    func withOneConnection(_ body: @Sendable (TestDatabase, PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.withFresh { database in
            let client = PostgresClient(
                configuration: database.appURL.clientConfiguration(maximumConnections: 1), backgroundLogger: TestEnvironment.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await body(database, client)
            }
        }
    }

    @Test func aRequestWaitsAtMostTheConfiguredTimeForAConnection() async throws {
        try await withOneConnection { _, client in
            let logger = TestEnvironment.logger
            let (taken, holder) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: ContinuousClock.Instant.self) { group in
                group.addTask {
                    // Holds the only connection for four seconds; returns when it gave it back.
                    try await Database(client: client, connectionWait: .seconds(60)).withConnection(logger: logger) { connection in
                        holder.finish()
                        try await connection.execute("SELECT pg_sleep(4)", logger: logger)
                    }
                    return ContinuousClock.now
                }
                for await _ in taken {}
                await #expect(throws: DatabaseUnavailable.self) {
                    try await Database(client: client, connectionWait: .milliseconds(500)).withTransaction(logger: logger) { connection in
                        try await connection.execute("SELECT 1", logger: logger)
                    }
                }
                let gaveUp = ContinuousClock.now
                let released = try await group.next()
                #expect(released.map { gaveUp < $0 } == true, "gave up before the connection came back")
            }
        }
    }

    @Test func aTransactionLongerThanTheWaitIsNotCutShort() async throws {
        try await withOneConnection { test, client in
            let logger = TestEnvironment.logger
            // The pool's one connection opened first, whatever the machine's load: the wait
            // below is for a connection, the work after it is what must not be cut.
            try await Database(client: client, connectionWait: .seconds(60)).withConnection(logger: logger) { connection in
                try await connection.execute("SELECT 1", logger: logger)
            }
            // A wait of 8 s (an idle connection is handed over at once, but a full suite on two
            // cores delayed it past 2 s once) and work longer than that.
            try await Database(client: client, connectionWait: .seconds(8)).withTransaction(logger: logger) { connection in
                try await connection.execute(
                    "INSERT INTO sessions (token_hash, csrf_token, created_at, last_seen_at) VALUES ('\\x01', 'csrf', now(), now())",
                    logger: logger)
                try await connection.execute("SELECT pg_sleep(10)", logger: logger)
            }
            #expect(try await test.count("sessions") == 1)
        }
    }

    @Test func thePoolHasThreeConnectionsPerCoreUnlessConfigured() throws {
        let url = "postgres://renfort_app:secret@127.0.0.1:5432/renfort"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url]).maximumDatabaseConnections == 3 * cores)
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_DB_CONNECTIONS": "12"]).maximumDatabaseConnections == 12)
        for bad in ["0", "-3", "twelve", "501", "1.5"] {
            #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_DB_CONNECTIONS": bad]) }
        }
    }
}
