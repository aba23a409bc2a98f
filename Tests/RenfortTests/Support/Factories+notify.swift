import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// A message of the outbox, as a test reads it.
struct SentMessage: Sendable {
    let kind: String
    let recipient: String
    let subject: String
    let body: String
    let attachmentName: String?
    let attachment: String?
}

extension TestDatabase {
    /// The outbox's messages whose kind starts with `prefix`, oldest first.
    func outbox(_ prefix: String = "") async throws -> [SentMessage] {
        try await asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: TestEnvironment.logger) { connection in
                try await connection.all(
                    """
                    SELECT kind, recipient, subject, body, attachment_name, attachment FROM outbox_messages
                    WHERE starts_with(kind, \(prefix)) ORDER BY id
                    """, as: (String.self, String.self, String.self, String.self, String?.self, String?.self), logger: TestEnvironment.logger
                ).map { SentMessage(kind: $0.0, recipient: $0.1, subject: $0.2, body: $0.3, attachmentName: $0.4, attachment: $0.5) }
            }
        }
    }

    /// The lines waiting for someone's digest in `centre`: (recipient's e-mail, kind, link).
    func digestLines(centre: Int64) async throws -> [(email: String, kind: String, link: String)] {
        try await asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await connection.all(
                    """
                    SELECT u.email, i.kind, i.link FROM notification_digest_items i JOIN users u ON u.id = i.user_id
                    WHERE i.digest_key IS NULL ORDER BY i.id
                    """, as: (String.self, String.self, String.self), logger: TestEnvironment.logger
                ).map { (email: $0.0, kind: $0.1, link: $0.2) }
            }
        }
    }
}

extension Factory {
    /// A person's choice for one kind, written as the preferences page would.
    func preference(centre: Int64, user: Int64, _ kind: NotificationKind, _ delivery: NotificationDelivery) async throws {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await NotificationRepository.save([kind: delivery], userID: user, tenantID: centre, now: Date(), on: connection, logger: TestEnvironment.logger)
            }
        }
    }

    /// Notifies `recipients` of `kind` as a cause would, in its own transaction.
    func notify(
        centre: Int64, slug: String, _ kind: NotificationKind, cause: String, recipients: [(Int64, String)], subject: String, path: String, now: Date
    ) async throws {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await Notifications.notify(
                    kind, cause: cause, recipients: recipients.map { NotificationRecipient(userID: $0.0, email: $0.1) }, subject: subject, body: subject,
                    path: path, centre: NotifiedCentre(id: centre, slug: slug, baseURL: "https://renfort.example"), now: now, on: connection,
                    logger: TestEnvironment.logger)
            }
        }
    }

    /// The need's adviser in charge.
    func putInCharge(centre: Int64, need: Int64, adviser: Int64) async throws {
        try await ids(centre, "UPDATE job_needs SET adviser_id = \(adviser) WHERE id = \(need) RETURNING id")
    }
}

extension Browser {
    /// Signs in, then opens the home page, whose CSRF token the next forms carry.
    func enter(_ email: String, password: String = Factory.password) async throws {
        try await signIn(email, password: password)
        try await get("/")
        try await get("/accueil")
    }
}
