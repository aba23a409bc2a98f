import Foundation
import Logging
import PostgresNIO

/// Single-use links to choose a password: after "mot de passe oublié" (valid one hour),
/// or for a new account (valid seven days). Only the token's hash is stored.
enum PasswordLinks {
    enum Purpose: String { case reset, welcome, invitation }

    static func validity(of purpose: Purpose) -> TimeInterval {
        purpose == .reset ? 3600 : 7 * 24 * 3600
    }

    /// Creates a link and queues the e-mail that carries it, in the caller's transaction.
    static func send(
        purpose: Purpose, userID: Int64, email: String, displayName: String, baseURL: String, now: Date,
        businessName: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let token = Tokens.random()
        let hash = Tokens.hash(token)
        let expires = now.addingTimeInterval(validity(of: purpose))
        try await connection.execute(
            """
            INSERT INTO password_reset_tokens (token_hash, user_id, purpose, created_at, expires_at)
            VALUES (\(hash), \(userID), \(purpose.rawValue), \(now), \(expires))
            """, logger: logger)
        let link = "\(baseURL)/mot-de-passe/\(token)"
        let subject: String
        let body: String
        switch purpose {
        case .reset:
            subject = "Renfort : choisir un nouveau mot de passe"
            body = """
                Bonjour \(displayName),

                Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :
                \(link)

                Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.
                """
        case .invitation:
            subject = "Renfort : votre accès pour \(businessName ?? "votre entreprise")"
            body = """
                Bonjour \(displayName),

                Le centre de services RH vous invite à suivre les recrutements de \(businessName ?? "votre entreprise")
                sur Renfort. Choisissez votre mot de passe en ouvrant ce lien dans les sept jours
                (il ne sert qu'une fois) :
                \(link)
                """
        case .welcome:
            subject = "Bienvenue sur Renfort"
            body = """
                Bonjour \(displayName),

                Un compte Renfort vient d'être ouvert pour vous. Choisissez votre mot de passe
                en ouvrant ce lien dans les sept jours :
                \(link)
                """
        }
        let hex = Tokens.hexHash(token)
        try await Outbox.enqueue(
            dedupeKey: "password-\(purpose.rawValue):\(hex)", kind: "password-\(purpose.rawValue)", recipient: email,
            subject: subject, body: body, at: now, on: connection, logger: logger)
    }

    /// How many links a person was sent in the last hour (to refuse floods).
    static func recentCount(userID: Int64, since: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            "SELECT count(*) FROM password_reset_tokens WHERE user_id = \(userID) AND created_at > \(since)",
            as: Int.self, logger: logger) ?? 0
    }

    /// The person a link is for, if it is unused and not expired.
    static func valid(token: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws
        -> (userID: Int64, email: String, purpose: Purpose)?
    {
        try await connection.first(
            """
            SELECT t.user_id, u.email, t.purpose FROM password_reset_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(Tokens.hash(token)) AND t.used_at IS NULL AND t.expires_at > \(now)
              AND u.disabled_at IS NULL
            """, as: (Int64.self, String.self, String.self), logger: logger
        ).flatMap { row in Purpose(rawValue: row.2).map { (row.0, row.1, $0) } }
    }

    /// Marks the link used (and every other link of that person, which the new password makes moot).
    static func consume(userID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "UPDATE password_reset_tokens SET used_at = \(now) WHERE user_id = \(userID) AND used_at IS NULL",
            logger: logger)
    }
}
