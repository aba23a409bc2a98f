import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The outbox's information notices and questions, as the privacy tests read them.
enum PrivacyOutbox {
    /// The bodies of the messages of `kind` sent to `email`, oldest first.
    static func bodies(_ kind: String, to email: String, _ database: TestDatabase) async throws -> [String] {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                try await connection.values(
                    "SELECT body FROM outbox_messages WHERE kind = \(kind) AND lower(recipient) = lower(\(email)) ORDER BY id",
                    as: String.self, logger: TestEnvironment.logger)
            }
        }
    }

    /// The paths of the question links sent to `email` (consent or staying), oldest first.
    static func questionLinks(to email: String, _ database: TestDatabase) async throws -> [String] {
        (try await bodies("consent-request", to: email, database) + bodies("retention-question", to: email, database)).flatMap { body in
            body.matches(of: /\/c\/[a-z0-9-]+\/consentement\/[A-Za-z0-9_-]+/).map { String($0.output) }
        }
    }
}

extension Factory {
    /// A record's retention as stored: its purge date, consent date and last contact.
    func retention(centre: Int64, candidate: Int64) async throws -> (purgeAfter: Day, consentAt: Day?, lastContactAt: Date?) {
        let purge = try #require(try await value(centre: centre, "SELECT purge_after FROM candidates WHERE id = \(candidate)", as: Day.self))
        let consent = try await value(centre: centre, "SELECT consent_at FROM candidates WHERE id = \(candidate) AND consent_at IS NOT NULL", as: Day.self)
        let contact = try await value(centre: centre, "SELECT last_contact_at FROM candidates WHERE id = \(candidate) AND last_contact_at IS NOT NULL", as: Date.self)
        return (purge, consent, contact)
    }

    /// An adviser's request of consent for `candidate`, posted as the record's page does.
    func askConsent(_ desk: Browser, slug: String, candidate: Int64) async throws -> TestResponse {
        try await desk.post("/c/\(slug)/candidats/\(candidate)/consentement", [("_form", Tokens.random())])
    }
}
