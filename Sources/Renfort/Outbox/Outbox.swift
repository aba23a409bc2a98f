import Foundation
import Logging
import PostgresNIO

/// A message waiting in the outbox (or sent).
struct OutboxMessage: Sendable {
    let id: Int64
    let kind: String
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
    static func enqueue(
        dedupeKey: String, kind: String, recipient: String, subject: String, body: String, at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO outbox_messages (dedupe_key, kind, recipient, subject, body, created_at, next_attempt_at)
            VALUES (\(dedupeKey), \(kind), \(recipient), \(subject), \(body), \(now), \(now))
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
                SELECT id, kind, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox_messages
                ORDER BY created_at DESC, id DESC LIMIT \(limit)
                """, as: (Int64.self, String.self, String.self, String.self, String.self, Date.self, Date?.self, Int.self, String?.self),
                logger: logger)
        }.map { OutboxMessage(id: $0.0, kind: $0.1, recipient: $0.2, subject: $0.3, body: $0.4, createdAt: $0.5, sentAt: $0.6, attempts: $0.7, lastError: $0.8) }
    }
}
