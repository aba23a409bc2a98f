import Foundation
import Logging
import PostgresNIO

/// The centre as the controller its notice names: how to reach it.
struct CentreController: Sendable {
    let id: Int64
    let slug: String
    let name: String
    let territory: String
    let postalAddress: String
    let contactEmail: String
    let contactPhone: String

    /// "par e-mail à …, par téléphone au …, par courrier au …", or nil when the centre gave none.
    var contactLine: String? {
        let ways = [
            contactEmail.isEmpty ? nil : "par e-mail à \(contactEmail)",
            contactPhone.isEmpty ? nil : "par téléphone au \(contactPhone)",
            postalAddress.isEmpty ? nil : "par courrier au \(postalAddress)",
        ].compactMap { $0 }
        return ways.isEmpty ? nil : ways.joined(separator: ", ")
    }
}

/// Where a candidate's information and consent stand, for the adviser's page.
struct CandidatePrivacy: Sendable {
    let email: String?
    let noticeSentAt: Date?
    let noticeHandedOn: Day?
    let lastContactAt: Date?
    let consentAt: Day?
    let purgeAfter: Day
    /// The last question asked by e-mail: its purpose, when, and the answer if any.
    let lastQuestion: (purpose: CandidateQuestion.Purpose, askedAt: Date, answer: String?, answeredAt: Date?)?
}

/// A question asked to a candidate by e-mail (consent, or whether to stay).
enum CandidateQuestion {
    enum Purpose: String, Sendable, PostgresDecodable {
        case consent, stay
    }

    /// What a question's token stands for.
    enum State: Equatable, Sendable {
        case open(candidateID: Int64, purpose: Purpose, purgeOn: Day?)
        case answered(answer: String, at: Date)
        case expired
        case unknown
    }
}

/// All the SQL of information and consent, in the caller's transaction (centre set, except for
/// the centres' own rows, which are not a tenant table: the caller names its centre).
enum PrivacyRepository {
    static func controller(centreID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> CentreController? {
        try await connection.rows(
            "SELECT id, slug, name, territory, postal_address, contact_email, contact_phone FROM centres WHERE id = \(centreID)", logger: logger
        ) { row in
            CentreController(
                id: try row.get("id"), slug: try row.get("slug"), name: try row.get("name"), territory: try row.get("territory"),
                postalAddress: try row.get("postal_address"), contactEmail: try row.get("contact_email"), contactPhone: try row.get("contact_phone"))
        }.first
    }

    static func saveContact(
        centreID: Int64, postalAddress: String, email: String, phone: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE centres SET postal_address = \(postalAddress), contact_email = \(email), contact_phone = \(phone) WHERE id = \(centreID)
            """, logger: logger)
    }

    static func noticeSent(candidateID: Int64, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("UPDATE candidates SET notice_sent_at = \(now) WHERE id = \(candidateID)", logger: logger)
    }

    /// Records the day the printed notice was handed over; false when the record is not an active one.
    static func noticeHanded(candidateID: Int64, on day: Day, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value(
            """
            UPDATE candidates SET notice_handed_on = \(day.iso)::date
            WHERE id = \(candidateID) AND merged_into IS NULL AND erased_at IS NULL RETURNING id
            """, as: Int64.self, logger: logger) != nil
    }

    static func status(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> CandidatePrivacy? {
        let question = try await connection.first(
            """
            SELECT purpose, created_at, answer, answered_at FROM candidate_questions
            WHERE candidate_id = \(candidateID) ORDER BY created_at DESC, id DESC LIMIT 1
            """, as: (CandidateQuestion.Purpose.self, Date.self, String?.self, Date?.self), logger: logger)
        return try await connection.rows(
            """
            SELECT email, notice_sent_at, notice_handed_on, last_contact_at, consent_at, purge_after FROM candidates WHERE id = \(candidateID)
            """, logger: logger
        ) { row in
            CandidatePrivacy(
                email: try row.get("email"), noticeSentAt: try row.get("notice_sent_at"), noticeHandedOn: try row.get("notice_handed_on"),
                lastContactAt: try row.get("last_contact_at"), consentAt: try row.get("consent_at"), purgeAfter: try row.get("purge_after"),
                lastQuestion: question.map { (purpose: $0.0, askedAt: $0.1, answer: $0.2, answeredAt: $0.3) })
        }.first
    }

    // MARK: The person's own actions

    /// A new last contact, the person's own action: the retention runs again from it (two years
    /// with consent, three months without), never to an earlier date than the record had.
    static func contact(candidateID: Int64, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let today = Day(now)
        try await connection.execute(
            """
            UPDATE candidates SET last_contact_at = \(now),
                purge_after = greatest(purge_after, CASE WHEN consent_at IS NULL THEN \(Retention.limit(from: today, consent: false).iso)::date
                                                      ELSE \(Retention.limit(from: today, consent: true).iso)::date END)
            WHERE id = \(candidateID) AND merged_into IS NULL AND erased_at IS NULL
            """, logger: logger)
    }

    /// The person's "yes": consent given today (or renewed), kept two years from this contact.
    static func consent(candidateID: Int64, scope: String, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let today = Day(now)
        try await connection.execute(
            """
            UPDATE candidates SET last_contact_at = \(now), consent_at = \(today.iso)::date, consent_scope = \(scope),
                purge_after = greatest(purge_after, \(Retention.limit(from: today, consent: true).iso)::date)
            WHERE id = \(candidateID) AND merged_into IS NULL AND erased_at IS NULL
            """, logger: logger)
    }

    /// The person's "no" to being kept for other posts: a consent given before is withdrawn and the
    /// record is kept three months from this contact (an earlier date stays, never a later one
    /// that only the consent allowed).
    static func refuse(candidateID: Int64, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let limit = Retention.limit(from: Day(now), consent: false)
        try await connection.execute(
            """
            UPDATE candidates SET last_contact_at = \(now),
                purge_after = CASE WHEN consent_at IS NULL THEN greatest(purge_after, \(limit.iso)::date) ELSE \(limit.iso)::date END,
                consent_at = NULL, consent_scope = ''
            WHERE id = \(candidateID) AND merged_into IS NULL AND erased_at IS NULL
            """, logger: logger)
    }

    /// The person's "no" to staying: the last contact is theirs, the date stays (the purge removes them).
    static func leave(candidateID: Int64, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "UPDATE candidates SET last_contact_at = \(now) WHERE id = \(candidateID) AND merged_into IS NULL AND erased_at IS NULL", logger: logger)
    }

    // MARK: Questions

    static func addQuestion(
        candidateID: Int64, purpose: CandidateQuestion.Purpose, purgeOn: Day?, tokenHash: ByteBuffer, tenantID: Int64, now: Date, expiresAt: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.value(
            """
            INSERT INTO candidate_questions (tenant_id, candidate_id, purpose, purge_on, token_hash, created_at, expires_at)
            VALUES (\(tenantID), \(candidateID), \(purpose.rawValue), \(purgeOn?.iso)::date, \(tokenHash), \(now), \(expiresAt))
            ON CONFLICT DO NOTHING RETURNING id
            """, as: Int64.self, logger: logger) != nil
    }

    static func question(tokenHash: ByteBuffer, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> CandidateQuestion.State {
        guard let row = try await connection.first(
            """
            SELECT q.candidate_id, q.purpose, q.purge_on, q.answer, q.answered_at, q.expires_at, c.merged_into IS NULL AND c.erased_at IS NULL
            FROM candidate_questions q JOIN candidates c ON c.tenant_id = q.tenant_id AND c.id = q.candidate_id
            WHERE q.token_hash = \(tokenHash)
            """, as: (Int64.self, CandidateQuestion.Purpose.self, Day?.self, String?.self, Date?.self, Date.self, Bool.self), logger: logger)
        else { return .unknown }
        if let answer = row.3, let at = row.4 { return .answered(answer: answer, at: at) }
        if row.5 <= now || !row.6 { return .expired }
        return .open(candidateID: row.0, purpose: row.1, purgeOn: row.2)
    }

    /// Records the answer, once: the question's candidate and purpose, or nil when it was answered
    /// (also at the same moment by a second click), expired or unknown.
    static func answer(
        tokenHash: ByteBuffer, yes: Bool, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> (candidateID: Int64, purpose: CandidateQuestion.Purpose)? {
        try await connection.first(
            """
            UPDATE candidate_questions SET answer = \(yes ? "yes" : "no"), answered_at = \(now)
            WHERE token_hash = \(tokenHash) AND answered_at IS NULL AND expires_at > \(now)
            RETURNING candidate_id, purpose
            """, as: (Int64.self, CandidateQuestion.Purpose.self), logger: logger
        ).map { (candidateID: $0.0, purpose: $0.1) }
    }

    /// The records whose purge date comes within `Retention.questionBeforeDays`, with an e-mail
    /// address, not asked yet for that date.
    static func dueForStayQuestion(today: Day, on connection: PostgresConnection, logger: Logger) async throws
        -> [(id: Int64, firstName: String, email: String, purgeAfter: Day)]
    {
        try await connection.all(
            """
            SELECT c.id, c.first_name, c.email, c.purge_after FROM candidates c
            WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL
              AND c.purge_after > \(today.iso)::date AND c.purge_after <= \(today.adding(days: Retention.questionBeforeDays).iso)::date
              AND NOT EXISTS (SELECT 1 FROM candidate_questions q WHERE q.tenant_id = c.tenant_id AND q.candidate_id = c.id
                              AND q.purpose = 'stay' AND q.purge_on = c.purge_after)
              -- A person in a job of the centre is kept while it lasts: not told their record goes.
              AND NOT \(unescaped: ErasureRepository.employed("c", today: today))
            ORDER BY c.purge_after, c.id
            """, as: (Int64.self, String.self, String.self, Day.self), logger: logger
        ).map { (id: $0.0, firstName: $0.1, email: $0.2, purgeAfter: $0.3) }
    }
}
