import Foundation
import Logging
import PostgresNIO

/// Giving a person access to a business of the centre, and taking it back.
enum EmployerInvitations {
    enum Outcome: Equatable {
        /// A new account: it waits for its password, chosen through the link sent.
        case invited
        /// An existing account: it gains the access at once.
        case granted
        /// The person already has a role in this centre (one role per centre).
        case alreadyInCentre
    }

    /// In the caller's transaction (centre set): creates or finds the person, gives them the
    /// employer role for `businessID`, queues the invitation link for a new account.
    static func invite(
        email: String, name: String, businessID: Int64, businessName: String, tenantID: Int64, actorID: Int64?,
        baseURL: String, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Outcome {
        let (userID, created) = try await AccountRepository.findOrCreateUser(
            email: email, displayName: name, passwordHash: nil, on: connection, logger: logger)
        let existing = try await connection.value(
            "SELECT id FROM memberships WHERE user_id = \(userID)", as: Int64.self, logger: logger)
        guard existing == nil else { return .alreadyInCentre }
        try await AccountRepository.addMembership(
            userID: userID, tenantID: tenantID, role: .employer, businessID: businessID, on: connection, logger: logger)
        let needsPassword = try await connection.value(
            "SELECT password_hash IS NULL FROM users WHERE id = \(userID)", as: Bool.self, logger: logger) ?? true
        if created || needsPassword {
            try await PasswordLinks.send(
                purpose: .invitation, userID: userID, email: email, displayName: name, baseURL: baseURL, now: now,
                businessName: businessName, on: connection, logger: logger)
        }
        try await BusinessRepository.addEvent(
            businessID: businessID, tenantID: tenantID, actorID: actorID, kind: .invited, detail: email, now: now,
            on: connection, logger: logger)
        return (created || needsPassword) ? .invited : .granted
    }

    /// Removes an employer's access to the business; their next request no longer sees it.
    static func revoke(
        membershipID: Int64, businessID: Int64, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        guard let (userID, email) = try await connection.first(
            """
            DELETE FROM memberships m USING users u
            WHERE m.id = \(membershipID) AND m.business_id = \(businessID) AND m.role = 'employer' AND u.id = m.user_id
            RETURNING m.user_id, u.email
            """, as: (Int64.self, String.self), logger: logger)
        else { return false }
        // An invitation not yet used is void too.
        try await connection.execute(
            "UPDATE password_reset_tokens SET used_at = \(now) WHERE user_id = \(userID) AND purpose = 'invitation' AND used_at IS NULL",
            logger: logger)
        try await BusinessRepository.addEvent(
            businessID: businessID, tenantID: tenantID, actorID: actorID, kind: .revoked, detail: email, now: now,
            on: connection, logger: logger)
        return true
    }
}
