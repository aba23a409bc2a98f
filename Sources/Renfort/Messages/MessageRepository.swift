import Foundation
import Logging
import PostgresNIO

/// A candidate a message goes to, with what its fields are filled with.
struct MessageRecipient: Sendable {
    let candidateID: Int64
    let name: String
    let reach: CandidateReach
    /// The application the message is about, if any.
    let applicationID: Int64?
    /// The values this candidate has (those of the application and its newest interview when
    /// there is one); the centre's and the adviser's are added by the sender.
    let values: [Placeholder: String]
}

/// A message in a candidate's history.
struct SentMessage: Sendable {
    let at: Date
    let author: String
    let kind: MessageKind
    let channel: OutboxChannel
    let recipient: String
    let subject: String
    let body: String
    let hasAttachment: Bool
}

/// All the SQL of templates and messages to candidates, in the caller's transaction.
enum MessageRepository {
    // MARK: Templates

    /// The centre's templates, every kind: as edited, else the default text.
    static func templates(on connection: PostgresConnection, logger: Logger) async throws -> [MessageTemplate] {
        let stored = try await connection.rows(
            "SELECT kind, subject, body, sms, updated_at FROM message_templates", logger: logger
        ) { row in
            MessageTemplate(
                kind: try row.get("kind"), text: MessageText(subject: try row.get("subject"), body: try row.get("body"), sms: try row.get("sms")),
                edited: true, updatedAt: try row.get("updated_at"))
        }
        return MessageKind.allCases.map { kind in
            stored.first { $0.kind == kind } ?? MessageTemplate(kind: kind, text: kind.defaultText, edited: false, updatedAt: nil)
        }
    }

    static func template(_ kind: MessageKind, on connection: PostgresConnection, logger: Logger) async throws -> MessageTemplate {
        try await templates(on: connection, logger: logger).first { $0.kind == kind }!
    }

    static func saveTemplate(
        _ kind: MessageKind, _ text: MessageText, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO message_templates (tenant_id, kind, subject, body, sms, updated_at, updated_by)
            VALUES (\(tenantID), \(kind.rawValue), \(text.subject), \(text.body), \(text.sms), \(now), \(actorID))
            ON CONFLICT ON CONSTRAINT message_templates_pkey
            DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, sms = EXCLUDED.sms, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
            """, logger: logger)
    }

    // MARK: Recipients

    private static func recipient(_ row: PostgresRandomAccessRow) throws -> MessageRecipient {
        let first: String = try row.get("first_name"), last: String = try row.get("last_name")
        var values: [Placeholder: String] = [.firstName: first, .lastName: last]
        let commune: String = try row.get("commune_name")
        if !commune.isEmpty { values[.commune] = commune }
        if let job = try row.get("job", as: String?.self) { values[.job] = job }
        if let business = try row.get("business", as: String?.self) { values[.business] = business }
        if let reason = try row.get("reason", as: String?.self) { values[.reason] = reason.lowercasedFirst }
        if let at = try row.get("interview_at", as: Date?.self), let mode = try row.get("interview_mode", as: Interview.Mode?.self) {
            values[.interviewDate] = MessageDates.long(at)
            values[.place] = MessageDates.place(mode: mode, place: try row.get("interview_place", as: String.self))
        }
        return MessageRecipient(
            candidateID: try row.get("candidate_id"), name: "\(first) \(last)",
            reach: CandidateReach.of(email: try row.get("email"), phone: try row.get("phone")),
            applicationID: try row.get("application_id"), values: values)
    }

    /// A candidate of the pool (not merged into another record), about one of their applications
    /// or none; nil when there is no such candidate in the centre.
    static func recipient(candidateID: Int64, applicationID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> MessageRecipient? {
        try await recipients(candidateID: candidateID, needID: nil, applicationIDs: applicationID.map { [$0] } ?? [], on: connection, logger: logger).first
    }

    /// The candidate of an application, about it; nil when it is not the centre's.
    static func recipient(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> MessageRecipient? {
        try await recipients(candidateID: nil, needID: nil, applicationIDs: [applicationID], on: connection, logger: logger).first
    }

    /// The newest interview of an application (the one just scheduled).
    static func newestInterview(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value(
            "SELECT id FROM interviews WHERE application_id = \(applicationID) ORDER BY id DESC LIMIT 1", as: Int64.self, logger: logger)
    }

    /// The candidates of these applications of need `needID` (the others left out), in name order.
    static func recipients(applicationIDs: [Int64], needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [MessageRecipient] {
        try await recipients(candidateID: nil, needID: needID, applicationIDs: applicationIDs, on: connection, logger: logger)
    }

    private static func recipients(
        candidateID: Int64?, needID: Int64?, applicationIDs: [Int64], on connection: PostgresConnection, logger: Logger
    ) async throws -> [MessageRecipient] {
        try await connection.rows(
            """
            SELECT c.id AS candidate_id, c.first_name, c.last_name, c.email, c.phone, c.commune_name,
                   a.id AS application_id, n.title AS job, b.name AS business, r.label AS reason,
                   i.starts_at AS interview_at, i.mode AS interview_mode, i.place AS interview_place
            FROM candidates c
            LEFT JOIN applications a ON a.tenant_id = c.tenant_id AND a.candidate_id = c.id AND a.id = ANY(\(applicationIDs))
            LEFT JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            LEFT JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            LEFT JOIN rejection_reasons r ON r.tenant_id = a.tenant_id AND r.id = a.rejection_reason_id
            LEFT JOIN LATERAL (
                SELECT starts_at, mode, place FROM interviews
                WHERE tenant_id = a.tenant_id AND application_id = a.id ORDER BY id DESC LIMIT 1) i ON true
            WHERE c.merged_into IS NULL
              AND (\(candidateID)::bigint IS NULL OR c.id = \(candidateID))
              AND (\(candidateID)::bigint IS NOT NULL OR c.id IN (SELECT candidate_id FROM applications WHERE id = ANY(\(applicationIDs))))
              AND (\(needID)::bigint IS NULL OR a.need_id = \(needID))
            ORDER BY c.last_name, c.first_name, c.id
            """, logger: logger, recipient)
    }

    // MARK: History

    /// Writes a message into the candidate's history; false when one with this key is there already.
    static func record(
        candidateID: Int64, applicationID: Int64?, kind: MessageKind, channel: OutboxChannel, recipient: String, subject: String, body: String,
        hasAttachment: Bool, dedupeKey: String, tenantID: Int64, authorID: Int64?, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.value(
            """
            INSERT INTO candidate_messages (tenant_id, candidate_id, application_id, kind, channel, recipient, subject, body, has_attachment,
                author_id, sent_at, dedupe_key)
            VALUES (\(tenantID), \(candidateID), \(applicationID), \(kind.rawValue), \(channel.rawValue), \(recipient), \(subject), \(body),
                \(hasAttachment), \(authorID), \(now), \(dedupeKey))
            ON CONFLICT ON CONSTRAINT candidate_messages_dedupe_key DO NOTHING RETURNING 1
            """, as: Int32.self, logger: logger) != nil
    }

    /// The messages sent to a candidate, newest first.
    static func history(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [SentMessage] {
        try await connection.rows(
            """
            SELECT m.sent_at, coalesce(u.display_name, 'Renfort') AS author, m.kind, m.channel, m.recipient, m.subject, m.body, m.has_attachment
            FROM candidate_messages m LEFT JOIN users u ON u.id = m.author_id
            WHERE m.candidate_id = \(candidateID) ORDER BY m.sent_at DESC, m.id DESC
            """, logger: logger
        ) { row in
            SentMessage(
                at: try row.get("sent_at"), author: try row.get("author"), kind: try row.get("kind"), channel: try row.get("channel"),
                recipient: try row.get("recipient"), subject: try row.get("subject"), body: try row.get("body"),
                hasAttachment: try row.get("has_attachment"))
        }
    }
}

extension String {
    /// "Profil ne correspondant pas" → "profil ne correspondant pas", to go inside a sentence
    /// (an acronym such as "CDI" stays as it is).
    var lowercasedFirst: String {
        guard let first, count > 1, !self[index(after: startIndex)].isUppercase else { return self }
        return first.lowercased() + dropFirst()
    }
}
