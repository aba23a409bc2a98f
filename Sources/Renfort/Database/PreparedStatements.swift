import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// SQL fixed when the server starts, for a statement run on many requests: PostgreSQL parses
/// and plans it once per connection instead of at every request (for the figures' statements
/// the planning cost more than a third of the database's time).
protocol StatementText {
    static var sql: String { get }
}

/// `Text`'s statement with its parameters, prepared on a connection the first time it runs
/// there (PostgresNIO keeps the per-connection record), then only bound and executed.
struct Prepared<Text: StatementText>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var sql: String { Text.sql }
    static var name: String { Text.name }

    let bindings: PostgresBindings

    init(_ bindings: PostgresBindings = PostgresBindings()) {
        self.bindings = bindings
    }

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension StatementText {
    /// The statement's name on the server: the Swift type's name, unique in the program
    /// (written once per type: PostgresNIO asks for it at every execution).
    static var name: String {
        let type = ObjectIdentifier(Self.self)
        if let name = statementNames.withLockedValue({ $0[type] }) { return name }
        let name = String(reflecting: Self.self)
        statementNames.withLockedValue { $0[type] = name }
        return name
    }
}

private let statementNames = NIOLockedValueBox([ObjectIdentifier: String]())

extension PostgresConnection {
    /// Runs a prepared statement and returns its rows.
    func rows<Text>(_ statement: Prepared<Text>, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs a query and returns its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs a prepared statement and decodes its rows into an array.
    func all<Text, each Column: PostgresDecodable>(
        _ statement: Prepared<Text>, as types: (repeat (each Column).Type), logger: Logger
    ) async throws -> [(repeat each Column)] {
        try await rows(statement, logger: logger).map { try $0.decode((repeat each Column).self) }
    }

    /// Runs a prepared statement and decodes its first row, if any.
    func first<Text, each Column: PostgresDecodable>(
        _ statement: Prepared<Text>, as types: (repeat (each Column).Type), logger: Logger
    ) async throws -> (repeat each Column)? {
        try await rows(statement, logger: logger).first.map { try $0.decode((repeat each Column).self) }
    }
}
