import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// A message of the outbox, as a test reads it.
struct QueuedMessage: Sendable {
    let kind: String
    let channel: String
    let recipient: String
    let subject: String
    let body: String
    let replyTo: String?
    let attachmentName: String?
    let attachment: String?
}

extension Factory {
    /// A candidate with a phone, and an e-mail or none (a mobile-only candidate, common in rural areas).
    @discardableResult
    func candidate(centre: Int64, firstName: String, lastName: String = "Martin", email: String?, phone: String?) async throws -> Int64 {
        let id = try await candidate(centre: centre, firstName: firstName, lastName: lastName, email: email)
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await connection.execute("UPDATE candidates SET phone = \(phone) WHERE id = \(id)", logger: TestEnvironment.logger)
            }
        }
        return id
    }
}

extension TestDatabase {
    /// The outbox's messages to candidates (kind `candidate-…`), oldest first.
    func candidateMessages() async throws -> [QueuedMessage] {
        try await asOwner { client in
            try await client.withConnection { connection in
                try await connection.all(
                    """
                    SELECT kind, channel, recipient, subject, body, reply_to, attachment_name, attachment FROM outbox_messages
                    WHERE kind LIKE 'candidate-%' ORDER BY id
                    """, as: (String.self, String.self, String.self, String.self, String.self, String?.self, String?.self, String?.self),
                    logger: TestEnvironment.logger)
            }
        }.map { QueuedMessage(kind: $0.0, channel: $0.1, recipient: $0.2, subject: $0.3, body: $0.4, replyTo: $0.5, attachmentName: $0.6, attachment: $0.7) }
    }
}
