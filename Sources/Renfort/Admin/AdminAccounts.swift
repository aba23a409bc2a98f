import Logging
import PostgresNIO

/// Creating platform admins from the command line.
public enum AdminAccounts {
    public struct Refused: Error { public let reason: String }

    /// Creates the admin, or makes an existing user one with this password. True when created.
    public static func createAdmin(
        email: String, name: String, password: String, bcryptCost: UInt8, client: PostgresClient, logger: Logger
    ) async throws -> Bool {
        guard email.range(of: "^[^@\\s]+@[^@\\s]+$", options: .regularExpression) != nil else {
            throw Refused(reason: "invalid e-mail address: \(email)")
        }
        if let problem = PasswordPolicy.problem(with: password, email: email) { throw Refused(reason: problem) }
        let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
        return try await Database(client: client).withTransaction(logger: logger) { connection in
            let (id, created) = try await AccountRepository.findOrCreateUser(
                email: email, displayName: name, passwordHash: hash, isAdmin: true, on: connection, logger: logger)
            if !created {
                try await connection.execute("UPDATE users SET is_admin = true, password_hash = \(hash), disabled_at = NULL WHERE id = \(id)", logger: logger)
            }
            return created
        }
    }
}

import Foundation
