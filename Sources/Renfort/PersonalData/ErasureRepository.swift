import Foundation
import Logging
import PostgresNIO

/// Why a candidate's record lost its identity.
enum ErasureKind: String, CaseIterable, Sendable, PostgresDecodable {
    /// Its date had passed (the purge, run by the server).
    case purge
    /// The person asked for it, and an adviser confirmed it.
    case request

    var label: String {
        switch self {
        case .purge: "supprimées à l'échéance de leur durée de conservation"
        case .request: "effacées à la demande de la personne"
        }
    }
}

/// How a request for erasure reached the centre.
enum ErasureChannel: String, CaseIterable, Sendable, PostgresDecodable {
    case letter, email, inPerson = "in_person", phone, portal

    var label: String {
        switch self {
        case .letter: "par courrier"
        case .email: "par e-mail"
        case .inPerson: "sur place, au centre"
        case .phone: "par téléphone"
        case .portal: "depuis son espace personnel"
        }
    }
}

/// What the centre keeps of an erasure: when, why, and who confirmed it.
struct ErasureRecord: Sendable {
    let kind: ErasureKind
    let doneAt: Date
    let requestedOn: Day?
    let channel: ErasureChannel?
    let doneBy: String?
}

/// A record whose date comes within the next days, as advisers see it coming.
struct UpcomingPurge: Sendable {
    let id: Int64
    let name: String
    let communeName: String
    let purgeAfter: Day
    let consentAt: Day?
    /// Employed through a placement that has not ended: kept until it ends.
    let employed: Bool
}

/// All the SQL of erasing a candidate's identity, in the caller's transaction (centre set).
///
/// What is erased: the record's identity, contact details, notes and free texts; its history,
/// documents, other contacts, messages, links and sessions; the free texts written about the
/// person on their applications, interviews, offers, check-ins and alerts; their name in the
/// mails and digest lines still kept and in the needs' and businesses' histories, and the kept
/// forms that name them. What stays, without
/// identity: the record's number, source and dates, its applications and their events, its
/// placements and their check-ins' outcomes — what every figure counts.
enum ErasureRepository {
    /// The name shown wherever an erased person's record is named.
    static let erasedFirstName = "Personne"
    static let erasedLastName = "effacée"

    /// The records due for the purge on `today` (their date passed, not employed through a
    /// placement that has not ended), oldest date first; locked, skipping those another server
    /// is purging.
    static func due(on today: Day, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        try await connection.values(
            """
            SELECT c.id FROM candidates c
            WHERE c.purge_after < \(today.iso)::date AND c.erased_at IS NULL AND c.merged_into IS NULL
              AND NOT \(unescaped: employed("c", today: today))
            ORDER BY c.purge_after, c.id
            LIMIT \(limit)
            FOR UPDATE OF c SKIP LOCKED
            """, as: Int64.self, logger: logger)
    }

    /// How many records are due on `today`, and how many of those past their date stay
    /// because the person is employed.
    static func dueCounts(on today: Day, on connection: PostgresConnection, logger: Logger) async throws -> (due: Int, kept: Int) {
        let counts = try await connection.first(
            """
            SELECT count(*) FILTER (WHERE NOT \(unescaped: employed("c", today: today)))::int8,
                   count(*) FILTER (WHERE \(unescaped: employed("c", today: today)))::int8
            FROM candidates c
            WHERE c.purge_after < \(today.iso)::date AND c.erased_at IS NULL AND c.merged_into IS NULL
            """, as: (Int64.self, Int64.self), logger: logger)
        return (Int(counts?.0 ?? 0), Int(counts?.1 ?? 0))
    }

    /// True (as SQL) when candidate `alias` holds a placement that has not ended on `today`.
    static func employed(_ alias: String, today: Day) -> String {
        """
        EXISTS (SELECT 1 FROM placements p WHERE p.tenant_id = \(alias).tenant_id AND p.candidate_id = \(alias).id
                AND p.ended_on IS NULL AND (p.end_date IS NULL OR p.end_date >= '\(today.iso)'::date))
        """
    }

    /// How many records not employed reach their date within `days` days from `today`.
    static func upcomingCount(from today: Day, days: Int, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        Int(try await connection.value(
            """
            SELECT count(*)::int8 FROM candidates c
            WHERE c.purge_after >= \(today.iso)::date AND c.purge_after < \(today.adding(days: days + 1).iso)::date
              AND c.erased_at IS NULL AND c.merged_into IS NULL AND NOT \(unescaped: employed("c", today: today))
            """, as: Int64.self, logger: logger) ?? 0)
    }

    /// Whether candidate `id` holds a placement that has not ended on `today`.
    static func isEmployed(candidateID id: Int64, on today: Day, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value(
            "SELECT \(unescaped: employed("c", today: today)) FROM candidates c WHERE c.id = \(id)", as: Bool.self, logger: logger) ?? false
    }

    /// The records whose date comes within `days` days from `today` (passed dates of people
    /// still employed included), soonest first.
    static func upcoming(from today: Day, days: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UpcomingPurge] {
        try await connection.rows(
            """
            SELECT c.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, c.purge_after, c.consent_at,
                   \(unescaped: employed("c", today: today)) AS employed
            FROM candidates c
            WHERE c.purge_after < \(today.adding(days: days + 1).iso)::date AND c.erased_at IS NULL AND c.merged_into IS NULL
            ORDER BY c.purge_after, c.last_name, c.first_name, c.id
            LIMIT 500
            """, logger: logger
        ) { row in
            UpcomingPurge(
                id: try row.get("id"), name: try row.get("name"), communeName: try row.get("commune_name"),
                purgeAfter: try row.get("purge_after"), consentAt: try row.get("consent_at"), employed: try row.get("employed"))
        }
    }

    /// How an erased record was erased; nil when it was not.
    static func erasure(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> ErasureRecord? {
        try await connection.rows(
            """
            SELECT e.kind, e.done_at, e.requested_on, nullif(e.requested_via, '') AS requested_via, u.display_name
            FROM candidate_erasures e LEFT JOIN users u ON u.id = e.done_by
            WHERE e.candidate_id = \(candidateID)
            """, logger: logger
        ) { row in
            ErasureRecord(
                kind: try row.get("kind"), doneAt: try row.get("done_at"), requestedOn: try row.get("requested_on"),
                channel: try row.get("requested_via"), doneBy: try row.get("display_name"))
        }.first
    }

    /// Erases the identity of records `ids` (and of the records merged into them), records one
    /// line per record in `candidate_erasures`, and returns the ids erased (those erased
    /// already are skipped: sent twice, an erasure happens once).
    @discardableResult
    static func erase(
        _ ids: [Int64], kind: ErasureKind, requestedOn: Day? = nil, channel: ErasureChannel? = nil, by actor: Int64? = nil,
        tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64] {
        let chosen = try await connection.values(
            "SELECT id FROM candidates WHERE id = ANY(\(ids)) AND erased_at IS NULL AND merged_into IS NULL FOR UPDATE",
            as: Int64.self, logger: logger)
        guard !chosen.isEmpty else { return [] }
        // The records merged into them are the same people's.
        let people = try await connection.values(
            """
            WITH RECURSIVE people(id) AS (
                SELECT unnest(\(chosen)::bigint[])
                UNION SELECT c.id FROM candidates c JOIN people p ON c.merged_into = p.id)
            SELECT id FROM people
            """, as: Int64.self, logger: logger)
        // Their names, e-mails and phones, to find them in the texts that are kept.
        let words = try await connection.values(
            """
            SELECT DISTINCT w FROM (
                SELECT c.first_name || ' ' || c.last_name AS w FROM candidates c WHERE c.id = ANY(\(people))
                UNION ALL SELECT c.last_name || ' ' || c.first_name FROM candidates c WHERE c.id = ANY(\(people))
                UNION ALL SELECT c.email FROM candidates c WHERE c.id = ANY(\(people))
                UNION ALL SELECT c.phone FROM candidates c WHERE c.id = ANY(\(people))
                UNION ALL SELECT k.value FROM candidate_contacts k WHERE k.candidate_id = ANY(\(people)))
            x WHERE length(btrim(w)) >= 3
            """, as: String.self, logger: logger)
        let recipients = try await connection.values(
            """
            SELECT email FROM candidates WHERE id = ANY(\(people)) AND email IS NOT NULL
            UNION SELECT phone FROM candidates WHERE id = ANY(\(people)) AND phone IS NOT NULL
            UNION SELECT value FROM candidate_contacts WHERE candidate_id = ANY(\(people))
            """, as: String.self, logger: logger)

        // Rows about the person only: deleted.
        for table in ["candidate_events", "candidate_documents", "candidate_messages", "candidate_links", "candidate_sessions", "candidate_questions", "candidate_jobs", "candidate_availability"] {
            try await connection.execute("DELETE FROM \(unescaped: table) WHERE candidate_id = ANY(\(people))", logger: logger)
        }
        try await connection.execute(
            "DELETE FROM candidate_contacts WHERE candidate_id = ANY(\(people)) OR from_candidate_id = ANY(\(people))", logger: logger)

        // The facts the figures count stay; the free texts about the person go.
        let applications = try await connection.values(
            """
            UPDATE applications SET ending_note = '', employer_note = ''
            WHERE candidate_id = ANY(\(people)) RETURNING id
            """, as: Int64.self, logger: logger)
        if !applications.isEmpty {
            try await connection.execute(
                "UPDATE application_events SET comment = '' WHERE application_id = ANY(\(applications)) AND comment <> ''", logger: logger)
            try await connection.execute(
                "UPDATE interviews SET place = '', attendees = '', outcome_note = '' WHERE application_id = ANY(\(applications))", logger: logger)
            try await connection.execute(
                "UPDATE offers SET decline_reason = '' WHERE application_id = ANY(\(applications)) AND decline_reason <> ''", logger: logger)
            try await connection.execute(
                "UPDATE offer_applications SET message = '' WHERE application_id = ANY(\(applications)) AND message <> ''", logger: logger)
        }
        let placements = try await connection.values(
            "SELECT id FROM placements WHERE candidate_id = ANY(\(people))", as: Int64.self, logger: logger)
        if !placements.isEmpty {
            try await connection.execute(
                "UPDATE check_ins SET actions = '' WHERE placement_id = ANY(\(placements)) AND actions <> ''", logger: logger)
            try await connection.execute(
                """
                UPDATE placement_alerts SET message = '', handled_note = CASE WHEN handled_note IS NULL THEN NULL ELSE '' END
                WHERE placement_id = ANY(\(placements))
                """, logger: logger)
        }

        // What is still kept elsewhere and names them: the mails to them go, their name in
        // the others' mails and digest lines is replaced, the forms kept for later that name
        // them go.
        if !recipients.isEmpty {
            try await connection.execute("DELETE FROM outbox_messages WHERE recipient = ANY(\(recipients))", logger: logger)
        }
        // A hundred words to an expression: PostgreSQL refuses one too large.
        for start in stride(from: 0, to: words.count, by: 100) {
            guard let pattern = pattern(Array(words[start..<min(start + 100, words.count)])) else { continue }
            let erased = "\(erasedFirstName) \(erasedLastName)"
            try await connection.execute(
                """
                UPDATE outbox_messages SET subject = regexp_replace(subject, \(pattern), \(erased), 'gi'),
                    body = regexp_replace(body, \(pattern), \(erased), 'gi'),
                    attachment = regexp_replace(attachment, \(pattern), \(erased), 'gi')
                WHERE subject ~* \(pattern) OR body ~* \(pattern) OR attachment ~* \(pattern)
                """, logger: logger)
            try await connection.execute(
                """
                UPDATE notification_digest_items SET subject = regexp_replace(subject, \(pattern), \(erased), 'gi')
                WHERE subject ~* \(pattern)
                """, logger: logger)
            try await connection.execute("DELETE FROM kept_forms WHERE fields::text ~* \(pattern)", logger: logger)
            // A hire's line in its need's history names the person ("Embauche de …").
            try await connection.execute(
                "UPDATE job_need_events SET comment = regexp_replace(comment, \(pattern), \(erased), 'gi') WHERE comment ~* \(pattern)", logger: logger)
            try await connection.execute(
                "UPDATE business_events SET detail = regexp_replace(detail, \(pattern), \(erased), 'gi') WHERE detail ~* \(pattern)", logger: logger)
        }

        // A kept form (a day at most) sent from the record's pages, or typing their name.
        try await connection.execute(
            """
            DELETE FROM kept_forms k USING candidates c
            WHERE c.id = ANY(\(people)) AND (k.action ~ ('/candidats/' || c.id || '(/|$)')
               OR (k.fields @> jsonb_build_array(jsonb_build_array('first_name', c.first_name))
                   AND k.fields @> jsonb_build_array(jsonb_build_array('last_name', c.last_name))))
            """, logger: logger)

        // The record itself: its number, source and dates stay.
        try await connection.execute(
            """
            UPDATE candidates SET first_name = \(erasedFirstName), last_name = \(erasedLastName), email = NULL, phone = NULL,
                commune_insee = NULL, commune_name = '', birth_date = NULL, driving_licence = false, own_vehicle = false,
                travel_km = NULL, skills = '', experience = '', available_from = NULL, seasonal_windows = '',
                wished_contracts = '{}', notes = '', consent_at = NULL, consent_scope = '', erased_at = \(now), updated_at = \(now)
            WHERE id = ANY(\(people))
            """, logger: logger)
        // Written by the record's own trigger: removed after it.
        try await connection.execute("DELETE FROM candidate_search WHERE candidate_id = ANY(\(people))", logger: logger)
        try await connection.execute(
            """
            INSERT INTO candidate_erasures (tenant_id, candidate_id, kind, requested_on, requested_via, done_by, done_at)
            SELECT \(tenantID), id, \(kind.rawValue), \(requestedOn?.iso)::date, \(channel?.rawValue ?? ""), \(actor), \(now)
            FROM unnest(\(chosen)::bigint[]) AS id
            """, logger: logger)
        return chosen
    }

    /// One case-insensitive regular expression (PostgreSQL's) matching any of `words`, or nil.
    static func pattern(_ words: [String]) -> String? {
        let special = Set("\\^$.|?*+()[]{}")
        let escaped = words
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.count >= 3 }
            .map { word in String(word.flatMap { special.contains($0) ? ["\\", $0] : [$0] }) }
        return escaped.isEmpty ? nil : "(" + escaped.joined(separator: "|") + ")"
    }
}
