import Foundation
import Logging
import PostgresNIO

/// A person's account as the sign-in needs it.
struct UserRecord: Sendable {
    let id: Int64
    let email: String
    let displayName: String
    let passwordHash: String?
    let isAdmin: Bool
    let disabled: Bool
}

/// All the SQL of users and memberships.
struct AccountRepository: Sendable {
    let database: Database

    func user(email: String, logger: Logger) async throws -> UserRecord? {
        try await database.withTransaction(logger: logger) { connection in
            try await Self.user(email: email, on: connection, logger: logger)
        }
    }

    static func user(email: String, on connection: PostgresConnection, logger: Logger) async throws -> UserRecord? {
        try await connection.first(
            """
            SELECT id, email, display_name, password_hash, is_admin, disabled_at IS NOT NULL
            FROM users WHERE lower(email) = lower(\(email))
            """,
            as: (Int64.self, String.self, String.self, String?.self, Bool.self, Bool.self), logger: logger
        ).map { UserRecord(id: $0.0, email: $0.1, displayName: $0.2, passwordHash: $0.3, isAdmin: $0.4, disabled: $0.5) }
    }

    /// The person's roles in every centre, read under their own user id (row-level security
    /// lets a person read their own memberships and nobody else's).
    func memberships(of userID: Int64, logger: Logger) async throws -> [Membership] {
        // One statement (schema 0010's function sets the user for itself): no transaction needed.
        try await database.withConnection(logger: logger) { connection in
            try await connection.all(
                "SELECT centre_id, centre_slug, centre_name, role, business_id FROM own_memberships(\(userID))",
                as: (Int64.self, String.self, String.self, String.self, Int64?.self), logger: logger)
        }.compactMap { row in
            Role(rawValue: row.3).map {
                Membership(centreID: row.0, centreSlug: row.1, centreName: row.2, role: $0, businessID: row.4)
            }
        }
    }

    /// Creates a person, or finds them by e-mail. Returns the id and whether it is new.
    static func findOrCreateUser(
        email: String, displayName: String, passwordHash: String?, isAdmin: Bool = false,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> (id: Int64, created: Bool) {
        if let existing = try await user(email: email, on: connection, logger: logger) {
            return (existing.id, false)
        }
        let id = try await connection.value(
            """
            INSERT INTO users (email, display_name, password_hash, is_admin)
            VALUES (\(email), \(displayName), \(passwordHash), \(isAdmin)) RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw AccountError.notCreated }
        return (id, true)
    }

    /// Gives a person a role in the centre set on the connection's transaction.
    static func addMembership(
        userID: Int64, tenantID: Int64, role: Role, businessID: Int64? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO memberships (tenant_id, user_id, role, business_id)
            VALUES (\(tenantID), \(userID), \(role.rawValue), \(businessID))
            ON CONFLICT ON CONSTRAINT memberships_one_role_per_centre DO NOTHING
            """, logger: logger)
    }

    static func setPassword(userID: Int64, hash: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("UPDATE users SET password_hash = \(hash) WHERE id = \(userID)", logger: logger)
    }

    enum AccountError: Error { case notCreated }

    /// The addresses of these people, by their id.
    static func emails(of users: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, email: String)] {
        try await connection.all("SELECT id, email FROM users WHERE id = ANY(\(users)) ORDER BY id", as: (Int64.self, String.self), logger: logger)
            .map { (id: $0.0, email: $0.1) }
    }
}
