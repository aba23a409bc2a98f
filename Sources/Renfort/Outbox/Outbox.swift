import Foundation
import Logging
import PostgresNIO

/// How a message reaches its recipient: by mail (`RENFORT_SENDMAIL`) or by text message
/// (`RENFORT_SMS_COMMAND`), for a candidate with a mobile phone and no e-mail address.
enum OutboxChannel: String, CaseIterable, Sendable, PostgresDecodable {
    case email, sms

    var label: String {
        switch self {
        case .email: "e-mail"
        case .sms: "SMS"
        }
    }
}

/// A file sent with a mail, such as an interview's `.ics` invitation. Text only.
struct MailAttachment: Sendable, Equatable {
    let filename: String
    let contentType: String
    let content: String

    /// An interview's invitation, which calendars offer to add.
    static func calendar(_ ics: String, filename: String = "entretien.ics") -> MailAttachment {
        MailAttachment(filename: filename, contentType: "text/calendar; charset=utf-8; method=REQUEST", content: ics)
    }
}

/// A message waiting in the outbox (or sent).
struct OutboxMessage: Sendable {
    let id: Int64
    let kind: String
    let channel: OutboxChannel
    let recipient: String
    let subject: String
    let body: String
    let createdAt: Date
    let sentAt: Date?
    let attempts: Int
    let lastError: String?
}

/// Messages to send, written in the same transaction as the change that causes them:
/// if the change rolls back, so does the message; once committed, it waits for delivery.
enum Outbox {
    /// Queues a message; a second one with the same `dedupeKey` is ignored.
    /// An SMS goes to a phone number (`recipient`), with the body as its text; its subject is
    /// only shown to admins. `replyTo` and `attachment` are for mail only.
    static func enqueue(
        dedupeKey: String, kind: String, channel: OutboxChannel = .email, recipient: String, subject: String, body: String,
        replyTo: String? = nil, attachment: MailAttachment? = nil, at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        precondition(channel == .email || (replyTo == nil && attachment == nil), "an SMS has neither Reply-To nor attachment")
        try await connection.execute(
            """
            INSERT INTO outbox_messages (dedupe_key, kind, channel, recipient, subject, body, reply_to,
                attachment_name, attachment_type, attachment, created_at, next_attempt_at)
            VALUES (\(dedupeKey), \(kind), \(channel.rawValue), \(recipient), \(subject), \(body), \(replyTo),
                \(attachment?.filename), \(attachment?.contentType), \(attachment?.content), \(now), \(now))
            ON CONFLICT ON CONSTRAINT outbox_messages_dedupe_key DO NOTHING
            """, logger: logger)
    }

    /// The newest messages first, for the admins' outbox page.
    /// What waits to be sent: how many messages, how many of them failed at least once, the oldest's age.
    struct Backlog: Sendable {
        let pending: Int64
        let failing: Int64
        let oldest: Date?
    }

    static func backlog(on connection: PostgresConnection, logger: Logger) async throws -> Backlog? {
        try await connection.first(
            """
            SELECT count(*), count(*) FILTER (WHERE attempts > 0), min(created_at)
            FROM outbox_messages WHERE sent_at IS NULL
            """, as: (Int64.self, Int64.self, Date?.self), logger: logger
        ).map { Backlog(pending: $0.0, failing: $0.1, oldest: $0.2) }
    }

    static func recent(limit: Int, database: Database, logger: Logger) async throws -> [OutboxMessage] {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.all(
                """
                SELECT id, kind, channel, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox_messages
                ORDER BY created_at DESC, id DESC LIMIT \(limit)
                """, as: (Int64.self, String.self, OutboxChannel.self, String.self, String.self, String.self, Date.self, Date?.self, Int.self, String?.self),
                logger: logger)
        }.map {
            OutboxMessage(
                id: $0.0, kind: $0.1, channel: $0.2, recipient: $0.3, subject: $0.4, body: $0.5, createdAt: $0.6, sentAt: $0.7,
                attempts: $0.8, lastError: $0.9)
        }
    }
}
