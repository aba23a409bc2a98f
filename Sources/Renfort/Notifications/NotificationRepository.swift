import Foundation
import Logging
import PostgresNIO

/// A person told of something: their account and address.
struct NotificationRecipient: Sendable, Equatable {
    let userID: Int64
    let email: String
}

/// One line waiting for a person's digest.
struct DigestItem: Sendable {
    let id: Int64
    let kind: NotificationKind
    let subject: String
    let link: String
}

/// The SQL of notifications: who receives them, what each person chose, what waits for the
/// digest. Always inside the caller's transaction, with the centre set (row-level security).
enum NotificationRepository {
    /// The active people of a business (access accepted, not disabled).
    static func employers(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [NotificationRecipient] {
        try await connection.all(
            """
            SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.role = 'employer' AND m.business_id = \(businessID) AND u.password_hash IS NOT NULL AND u.disabled_at IS NULL
            ORDER BY u.id
            """, as: (Int64.self, String.self), logger: logger
        ).map { NotificationRecipient(userID: $0.0, email: $0.1) }
    }

    /// The adviser in charge, if they still are an active adviser of the centre; else every adviser of the centre.
    static func advisers(inCharge adviserID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [NotificationRecipient] {
        let all = try await connection.all(
            """
            SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.role = 'adviser' AND u.disabled_at IS NULL ORDER BY u.id
            """, as: (Int64.self, String.self), logger: logger
        ).map { NotificationRecipient(userID: $0.0, email: $0.1) }
        if let adviserID, let inCharge = all.first(where: { $0.userID == adviserID }) { return [inCharge] }
        return all
    }

    /// What each of `users` chose for `kind` (those who never chose are absent).
    static func deliveries(kind: NotificationKind, users: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: NotificationDelivery] {
        let rows = try await connection.all(
            "SELECT user_id, delivery FROM notification_preferences WHERE kind = \(kind.rawValue) AND user_id = ANY(\(users))",
            as: (Int64.self, NotificationDelivery.self), logger: logger)
        return Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// Everything a person chose in this centre.
    static func preferences(userID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [NotificationKind: NotificationDelivery] {
        let rows = try await connection.all(
            "SELECT kind, delivery FROM notification_preferences WHERE user_id = \(userID)",
            as: (NotificationKind.self, NotificationDelivery.self), logger: logger)
        return Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    static func save(
        _ choices: [NotificationKind: NotificationDelivery], userID: Int64, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        for (kind, delivery) in choices.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await connection.execute(
                """
                INSERT INTO notification_preferences (tenant_id, user_id, kind, delivery, updated_at)
                VALUES (\(tenantID), \(userID), \(kind.rawValue), \(delivery.rawValue), \(now))
                ON CONFLICT ON CONSTRAINT notification_preferences_pkey DO UPDATE SET delivery = EXCLUDED.delivery, updated_at = EXCLUDED.updated_at
                """, logger: logger)
        }
    }

    /// Keeps a line for the person's next digest; the same key twice is kept once.
    static func keepForDigest(
        key: String, kind: NotificationKind, userID: Int64, subject: String, link: String, tenantID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO notification_digest_items (tenant_id, user_id, kind, dedupe_key, subject, link, created_at)
            VALUES (\(tenantID), \(userID), \(kind.rawValue), \(key), \(subject), \(link), \(now))
            ON CONFLICT ON CONSTRAINT notification_digest_items_dedupe_key DO NOTHING
            """, logger: logger)
    }

    /// The people of the centre with lines kept before `cutoff`, with their address (members still, not disabled).
    static func pendingRecipients(before cutoff: Date, on connection: PostgresConnection, logger: Logger) async throws -> [NotificationRecipient] {
        try await connection.all(
            """
            SELECT u.id, u.email FROM users u
            WHERE u.disabled_at IS NULL
              AND EXISTS (SELECT 1 FROM notification_digest_items i WHERE i.user_id = u.id AND i.digest_key IS NULL AND i.created_at < \(cutoff))
              AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role IN ('adviser', 'employer'))
            ORDER BY u.id
            """, as: (Int64.self, String.self), logger: logger
        ).map { NotificationRecipient(userID: $0.0, email: $0.1) }
    }

    static func pendingItems(userID: Int64, before cutoff: Date, on connection: PostgresConnection, logger: Logger) async throws -> [DigestItem] {
        try await connection.all(
            """
            SELECT id, kind, subject, link FROM notification_digest_items
            WHERE user_id = \(userID) AND digest_key IS NULL AND created_at < \(cutoff) ORDER BY created_at, id
            """, as: (Int64.self, NotificationKind.self, String.self, String.self), logger: logger
        ).map { DigestItem(id: $0.0, kind: $0.1, subject: $0.2, link: $0.3) }
    }

    static func markDigested(_ ids: [Int64], digestKey: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("UPDATE notification_digest_items SET digest_key = \(digestKey) WHERE id = ANY(\(ids))", logger: logger)
    }

    static func outboxHas(key: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value("SELECT count(*) FROM outbox_messages WHERE dedupe_key = \(key)", as: Int.self, logger: logger) ?? 0 > 0
    }
}

/// What a notification says of its cause: the application's, need's or placement's names.
struct NotificationSubject: Sendable {
    let needID: Int64
    let needTitle: String
    let businessID: Int64
    let businessName: String
    let adviserID: Int64?
    /// The candidate, for an application or a placement.
    let person: String?
}

extension NotificationRepository {
    private static func subjects(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> NotificationSubject? {
        try await connection.rows(query, logger: logger) { row in
            NotificationSubject(
                needID: try row.get("need_id"), needTitle: try row.get("title"), businessID: try row.get("business_id"),
                businessName: try row.get("business"), adviserID: try row.get("adviser_id"), person: try row.get("person"))
        }.first
    }

    static func need(_ id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> NotificationSubject? {
        try await subjects(
            """
            SELECT n.id AS need_id, n.title, n.business_id, b.name AS business, n.adviser_id, NULL::text AS person
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id WHERE n.id = \(id)
            """, on: connection, logger: logger)
    }

    /// An application, as the employer may see it (presented to them at some point).
    static func application(_ id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> NotificationSubject? {
        try await subjects(
            """
            SELECT n.id AS need_id, n.title, n.business_id, b.name AS business, n.adviser_id, c.first_name || ' ' || c.last_name AS person
            FROM applications a JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            WHERE a.id = \(id) AND a.presented_at IS NOT NULL
            """, on: connection, logger: logger)
    }

    static func placement(_ id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> NotificationSubject? {
        try await subjects(
            """
            SELECT n.id AS need_id, n.title, p.business_id, b.name AS business, n.adviser_id, c.first_name || ' ' || c.last_name AS person
            FROM placements p JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
            JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
            JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
            WHERE p.id = \(id)
            """, on: connection, logger: logger)
    }

    /// The application's newest interview.
    static func lastInterview(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("SELECT max(id) FROM interviews WHERE application_id = \(applicationID)", as: Int64?.self, logger: logger) ?? nil
    }

    /// The need's newest comment (its event's id), to key the notification it causes.
    static func lastComment(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("SELECT max(id) FROM job_need_events WHERE need_id = \(needID) AND kind = 'comment'", as: Int64?.self, logger: logger) ?? nil
    }

    /// An application's employer answer and its note.
    static func employerAnswer(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> (EmployerAnswer, String)? {
        try await connection.first(
            "SELECT employer_answer, coalesce(employer_note, '') FROM applications WHERE id = \(applicationID) AND employer_answer IS NOT NULL",
            as: (EmployerAnswer.self, String.self), logger: logger
        ).map { ($0.0, $0.1) }
    }
}
