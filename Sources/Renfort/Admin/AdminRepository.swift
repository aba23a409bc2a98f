import Foundation
import Logging
import PostgresNIO

/// The platform's own SQL: centres, every account, and the first adviser of a new centre.
enum AdminRepository {
    struct CentreSummary: Sendable {
        let id: Int64
        let slug: String
        let name: String
        let territory: String
    }

    static func centres(on connection: PostgresConnection, logger: Logger) async throws -> [CentreSummary] {
        try await connection.rows("SELECT id, slug, name, territory FROM centres ORDER BY name", logger: logger) { row in
            CentreSummary(id: try row.get("id"), slug: try row.get("slug"), name: try row.get("name"), territory: try row.get("territory"))
        }
    }

    /// In the centre's transaction (memberships are a tenant table): its advisers' addresses.
    static func adviserEmails(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.values(
            "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.role = \(Role.adviser.rawValue) ORDER BY u.email",
            as: String.self, logger: logger)
    }

    struct Account: Sendable {
        let id: Int64
        let email: String
        let displayName: String
        let isAdmin: Bool
        let disabled: Bool
    }

    static func accounts(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Account] {
        try await connection.rows(
            "SELECT id, email, display_name, is_admin, disabled_at IS NOT NULL AS disabled FROM users ORDER BY lower(email) LIMIT \(limit)",
            logger: logger
        ) { row in
            Account(
                id: try row.get("id"), email: try row.get("email"), displayName: try row.get("display_name"), isAdmin: try row.get("is_admin"),
                disabled: try row.get("disabled"))
        }
    }

    static func slugTaken(_ slug: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value("SELECT 1 FROM centres WHERE slug = \(slug)", as: Int32.self, logger: logger) != nil
    }

    /// Creates a centre and sets it for the rest of the transaction (its first adviser's membership).
    static func createCentre(slug: String, name: String, territory: String, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        guard let id = try await connection.value(
            "INSERT INTO centres (slug, name, territory) VALUES (\(slug), \(name), \(territory)) RETURNING id", as: Int64.self, logger: logger)
        else { throw AdminError.notCreated }
        try await connection.execute("SELECT set_config('renfort.tenant_id', \(String(id)), true)", logger: logger)
        return id
    }

    /// Disables an account (its sessions end with it); false when there is none.
    static func disable(user id: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let updated = try await connection.value(
            "UPDATE users SET disabled_at = coalesce(disabled_at, \(now)) WHERE id = \(id) RETURNING id", as: Int64.self, logger: logger)
        try await SessionStore.deleteAll(of: id, on: connection, logger: logger)
        return updated != nil
    }

    static func enable(user id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value("UPDATE users SET disabled_at = NULL WHERE id = \(id) RETURNING id", as: Int64.self, logger: logger) != nil
    }
}

/// What can go wrong with the platform's rows beyond a person's input.
enum AdminError: Error {
    /// An insert returned no row.
    case notCreated
}
