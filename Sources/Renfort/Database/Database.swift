import Logging
import PostgresNIO

/// The server's access to PostgreSQL: one client, and transactions scoped to a centre.
///
/// Every read or write of a centre's data goes through `withTransaction(tenant:…)`, which
/// sets `renfort.tenant_id` for that transaction only; row-level security does the rest.
///
/// Both wait at most `connectionWait` for a connection, then throw `DatabaseUnavailable`
/// (a 503 page), as they do when the connection is lost under them.
public struct Database: Sendable {
    public let client: PostgresClient
    /// How long a request may wait for a connection (`RENFORT_DB_WAIT_SECONDS`).
    public let connectionWait: Duration

    public static let defaultConnectionWait: Duration = .seconds(4)

    public init(client: PostgresClient, connectionWait: Duration = Database.defaultConnectionWait) {
        self.client = client
        self.connectionWait = connectionWait
    }

    /// Runs `body` on a connection without a transaction: for one statement, which is atomic
    /// by itself (no `BEGIN` and `COMMIT` round trips). Sees no centre's rows.
    @discardableResult
    public func withConnection<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await withLeasedConnection { connection in try await body(connection) }
    }

    /// Runs `body` inside one transaction, with the centre and the user set for row-level
    /// security (nil: none, so tenant tables show no rows). Rolls back if `body` throws and
    /// rethrows its error as it is.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        tenant: Int64? = nil,
        user: Int64? = nil,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withLeasedConnection { connection in
            _ = try await connection.rows(Prepared<Begin>(), logger: logger)
            do {
                if tenant != nil || user != nil {
                    var binds = PostgresBindings()
                    binds.append(tenant.map(String.init) ?? "")
                    binds.append(user.map(String.init) ?? "")
                    _ = try await connection.rows(Prepared<SetScope>(binds), logger: logger)
                }
                let result = try await body(connection)
                _ = try await connection.rows(Prepared<Commit>(), logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

extension Database {
    /// The database answers a query (for /health/ready): false on any error.
    func answers(logger: Logger) async -> Bool {
        do {
            return try await withConnection(logger: logger) { try await $0.value("SELECT 1", as: Int32.self, logger: logger) == 1 }
        } catch { return false }
    }
}

/// A transaction's ends, prepared like the statements between them (parsed once per connection).
enum Begin: StatementText {
    static let sql = "BEGIN"
}

enum Commit: StatementText {
    static let sql = "COMMIT"
}

/// The centre and the person of a transaction, for row-level security.
enum SetScope: StatementText {
    static let sql = "SELECT set_config('renfort.tenant_id', $1, true), set_config('renfort.user_id', $2, true)"
}

extension PostgresConnection {
    /// Runs a query and decodes its rows into an array.
    func all<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery, as types: (repeat (each Column).Type), logger: Logger
    ) async throws -> [(repeat each Column)] {
        let rows = try await self.query(query, logger: logger)
        var result: [(repeat each Column)] = []
        for try await row in rows.decode((repeat each Column).self) {
            result.append(row)
        }
        return result
    }

    /// Runs a query and decodes its first row, if any.
    func first<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery, as types: (repeat (each Column).Type), logger: Logger
    ) async throws -> (repeat each Column)? {
        let rows = try await self.query(query, logger: logger)
        var iterator = rows.decode((repeat each Column).self).makeAsyncIterator()
        let first = try await iterator.next()
        while try await iterator.next() != nil {}
        return first
    }

    /// Runs a statement and returns how many rows it touched.
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        let rows = try await self.query(query, logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}

extension PostgresConnection {
    /// Runs a query and decodes the first column of its first row, if any.
    func value<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Value.Type, logger: Logger) async throws -> Value? {
        let rows = try await self.query(query, logger: logger)
        var result: Value? = nil
        for try await row in rows.decode(Value.self) where result == nil {
            result = row
        }
        return result
    }

    /// Runs a query and decodes the first column of every row.
    func values<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Value.Type, logger: Logger) async throws -> [Value] {
        let rows = try await self.query(query, logger: logger)
        var result: [Value] = []
        for try await row in rows.decode(Value.self) { result.append(row) }
        return result
    }
}

extension PostgresConnection {
    /// Runs a query and builds one value per row, reading its columns by name.
    func rows<Value>(
        _ query: PostgresQuery, logger: Logger, _ build: (PostgresRandomAccessRow) throws -> Value
    ) async throws -> [Value] {
        var result: [Value] = []
        for try await row in try await self.query(query, logger: logger) {
            result.append(try build(row.makeRandomAccess()))
        }
        return result
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` of the row, decoded; a value of the wrong type or outside its
    /// closed list is an error.
    func get<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) throws -> Value {
        try self[name].decode(Value.self)
    }
}
