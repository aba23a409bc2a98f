import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// The private cluster `make test` starts: its owner and server roles, on the `postgres` database.
enum TestEnvironment {
    static var ownerURL: DatabaseURL {
        get throws { try url("RENFORT_TEST_OWNER_URL") }
    }
    static var appURL: DatabaseURL {
        get throws { try url("RENFORT_TEST_APP_URL") }
    }

    private static func url(_ name: String) throws -> DatabaseURL {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw ConfigurationError("\(name) is not set: run the tests with `make test`, which starts the private PostgreSQL cluster")
        }
        return try DatabaseURL(value)
    }

    /// How long the tests' own queries and test servers wait for a connection: a whole suite
    /// opens a hundred databases at once on a shared machine, where 4 s is not always enough.
    static let connectionWait: Duration = .seconds(30)

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static let logger: Logger = {
        var logger = Logger(label: "renfort-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()
}

/// A database of one test: a copy of the template that holds the migrated schema.
struct TestDatabase: Sendable {
    let name: String
    let ownerURL: DatabaseURL
    let appURL: DatabaseURL

    static let templateName = "renfort_test_template"

    /// Runs `body` on a fresh copy of the migrated template. The copies are dropped when the next
    /// run starts, not after each test: every DROP DATABASE forces an immediate checkpoint, and
    /// two hundred of them among running tests stalled the cluster for tens of seconds (tests
    /// then found no connection within the server's four seconds).
    static func withFresh<Result: Sendable>(_ body: (TestDatabase) async throws -> Result) async throws -> Result {
        try await TemplateDatabase.shared.ensureCreated()
        return try await withNew(prefix: "renfort_test_", template: templateName, body)
    }

    /// An empty database (no schema), for the migrator's own tests.
    static func withEmpty<Result: Sendable>(_ body: (TestDatabase) async throws -> Result) async throws -> Result {
        try await withNew(prefix: "renfort_test_empty_", template: "template0", body)
    }

    private static func withNew<Result: Sendable>(
        prefix: String, template: String, _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        try await TestSlots.shared.holding {
            let name = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await createDatabase(name, template: template)
            let database = TestDatabase(
                name: name, ownerURL: try TestEnvironment.ownerURL.with(database: name),
                appURL: try TestEnvironment.appURL.with(database: name))
            return try await body(database)
        }
    }

    static func createDatabase(_ name: String, template: String) async throws {
        let logger = TestEnvironment.logger
        try await PostgresClient.withRunning(try TestEnvironment.ownerURL, logger: logger) { client in
            // The template may still be closing its last connection: try again for a moment.
            var attempt = 0
            while true {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\""), logger: logger)
                    return
                } catch {
                    attempt += 1
                    if attempt > 50 { throw error }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    static func dropDatabase(_ name: String) async throws {
        let logger = TestEnvironment.logger
        try await PostgresClient.withRunning(try TestEnvironment.ownerURL, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: logger)
        }
    }

    /// Runs `body` with a client connected as the owner role.
    @discardableResult
    func asOwner<Result: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await PostgresClient.withRunning(ownerURL, logger: TestEnvironment.logger, body)
    }

    /// Runs `body` with a client connected as the server's role.
    @discardableResult
    func asApp<Result: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await PostgresClient.withRunning(appURL, logger: TestEnvironment.logger, body)
    }

    /// Counts rows as the owner with a centre set (row-level security applies to the owner too).
    func count(_ table: String, tenant: Int64? = nil, where condition: String = "true") async throws -> Int {
        try await asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: tenant, logger: TestEnvironment.logger) { connection in
                try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE \(condition)"), as: Int.self, logger: TestEnvironment.logger) ?? -1
            }
        }
    }
}

/// The migrated template database, made once per test run.
actor TemplateDatabase {
    static let shared = TemplateDatabase()
    private var creation: Task<Void, any Error>?

    /// Creates the template on the first call; every other call waits for that one.
    func ensureCreated() async throws {
        if creation == nil { creation = Task { try await Self.create() } }
        try await creation!.value
    }

    private static func create() async throws {
        let logger = TestEnvironment.logger
        // The previous run's databases, the template among them.
        let leftovers = try await PostgresClient.withRunning(try TestEnvironment.ownerURL, logger: logger) { client in
            try await client.withConnection { connection in
                try await connection.values("SELECT datname FROM pg_database WHERE datname LIKE 'renfort\\_test\\_%'", as: String.self, logger: logger)
            }
        }
        // One still open elsewhere (a server another run left behind) is not this run's to end: it stays.
        for name in leftovers where name != TestDatabase.templateName { try? await TestDatabase.dropDatabase(name) }
        try await TestDatabase.dropDatabase(TestDatabase.templateName)
        try await TestDatabase.createDatabase(TestDatabase.templateName, template: "template0")
        let url = try TestEnvironment.ownerURL.with(database: TestDatabase.templateName)
        let appRole = try TestEnvironment.appURL.username
        try await PostgresClient.withRunning(url, logger: logger) { client in
            try await Migrator(directory: TestEnvironment.repositoryRoot + "/schema").migrate(client: client, appRole: appRole, logger: logger)
        }
    }
}

/// How many tests hold a database at once. Swift Testing starts every test of the run together:
/// 330 databases copied from the template at the same moment saturated the disk (a checkpoint's
/// sync took three minutes) and tests found no connection within 30 s. A test that opens a
/// second database (a centre moved to another) does so inside its own slot.
actor TestSlots {
    static let shared = TestSlots(width: ProcessInfo.processInfo.environment["RENFORT_TEST_DATABASES"].flatMap(Int.init) ?? 24)
    @TaskLocal static var held = false

    private let width: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = max(1, width) }

    nonisolated func holding<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        if Self.held { return try await body() }
        await acquire()
        do {
            let result = try await Self.$held.withValue(true) { try await body() }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if inUse < width {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { inUse -= 1 } else { waiting.removeFirst().resume() }
    }
}
