import Foundation
import Logging
import PostgresNIO

/// One line of the pool.
struct CandidateSummary: Sendable {
    let id: Int64
    let name: String
    let communeName: String
    let skills: String
    let drivingLicence: Bool
    let ownVehicle: Bool
    let availableFrom: Day?
    let source: CandidateSource
    /// The business of their current CDI (a placement not ended), when they have one.
    let cdiEmployer: String?

    /// "En CDI chez …", shown beside the name wherever the pool is searched.
    var cdiLabel: String? { cdiEmployer.map { "En CDI chez \($0)" } }
}

/// A record that may be the same person as the one typed or shown, and why it is suspected.
struct Suspect: Sendable {
    let candidate: CandidateSummary
    /// "même e-mail, même nom et même commune"…
    let reasons: String
}

/// An e-mail or phone a record holds besides its own, from a record merged into it.
struct CandidateContact: Sendable {
    let kind: String
    let value: String
    let fromCandidateID: Int64
}

/// All the SQL of the candidate pool, in the caller's transaction (centre set).
enum CandidateRepository {
    private static let select = """
        SELECT id, first_name, last_name, email, phone, commune_insee, commune_name, birth_date, driving_licence,
               own_vehicle, travel_km, skills, experience, available_from, seasonal_windows, wished_contracts, source,
               notes, consent_at, consent_scope, purge_after, merged_into, created_at, erased_at
        FROM candidates
        """

    private static func candidate(_ row: PostgresRandomAccessRow) throws -> Candidate {
        Candidate(
            id: try row.get("id"),
            details: CandidateDetails(
                firstName: try row.get("first_name"), lastName: try row.get("last_name"), email: try row.get("email"),
                phone: try row.get("phone"), communeInsee: try row.get("commune_insee"), communeName: try row.get("commune_name"),
                birthDate: try row.get("birth_date"), drivingLicence: try row.get("driving_licence"), ownVehicle: try row.get("own_vehicle"),
                travelKm: try row.get("travel_km"), skills: try row.get("skills"), experience: try row.get("experience"),
                availableFrom: try row.get("available_from"), seasonalWindows: try row.get("seasonal_windows"),
                wishedContracts: try contracts(try row.get("wished_contracts", as: [String].self)), source: try row.get("source"),
                notes: try row.get("notes"), consentAt: try row.get("consent_at"), consentScope: try row.get("consent_scope"),
                purgeAfter: try row.get("purge_after")),
            mergedInto: try row.get("merged_into"), createdAt: try row.get("created_at"), erasedAt: try row.get("erased_at"))
    }

    /// The wished contracts, each of the closed list.
    private static func contracts(_ raw: [String]) throws -> [ContractKind] {
        try raw.map { value in
            guard let contract = ContractKind(rawValue: value) else { throw CandidateError.unknownValue(value) }
            return contract
        }
    }

    static func summary(_ row: PostgresRandomAccessRow) throws -> CandidateSummary {
        CandidateSummary(
            id: try row.get("id"), name: try row.get("name"), communeName: try row.get("commune_name"), skills: try row.get("skills"),
            drivingLicence: try row.get("driving_licence"), ownVehicle: try row.get("own_vehicle"), availableFrom: try row.get("available_from"),
            source: try row.get("source"), cdiEmployer: try row.get("cdi_employer"))
    }

    /// The business of a candidate's current CDI (not ended), as a column `cdi_employer` of a
    /// query over candidates named `alias`.
    static func cdiEmployer(_ alias: String) -> String {
        """
        (SELECT b.name FROM placements p JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
         WHERE p.tenant_id = \(alias).tenant_id AND p.candidate_id = \(alias).id AND p.contract_kind = 'cdi' AND p.ended_on IS NULL
         ORDER BY p.start_date DESC, p.id DESC LIMIT 1) AS cdi_employer
        """
    }

    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Candidate? {
        guard var found = try await connection.rows("\(unescaped: select) WHERE id = \(id)", logger: logger, candidate).first else { return nil }
        found.details.jobs = try await CandidateSeasons.jobs(candidateID: id, on: connection, logger: logger)
        found.details.windows = try await CandidateSeasons.windows(candidateID: id, on: connection, logger: logger)
        return found
    }

    /// A new record; `informing`: the centre whose information notice a record with an e-mail
    /// address is sent at once (`InformationNotice`), nil only for tests' and benchmarks' data.
    static func insert(
        _ draft: CandidateDetails, tenantID: Int64, actorID: Int64?, informing centre: NotifiedCentre?, now: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO candidates (tenant_id, first_name, last_name, email, phone, commune_insee, commune_name, birth_date,
                driving_licence, own_vehicle, travel_km, skills, experience, available_from, seasonal_windows, wished_contracts,
                source, notes, consent_at, consent_scope, purge_after, created_at, updated_at)
            VALUES (\(tenantID), \(draft.firstName), \(draft.lastName), \(draft.email), \(draft.phone), \(draft.communeInsee),
                \(draft.communeName), \(draft.birthDate?.iso)::date, \(draft.drivingLicence), \(draft.ownVehicle), \(draft.travelKm),
                \(draft.skills), \(draft.experience), \(draft.availableFrom?.iso)::date, \(draft.seasonalWindows),
                \(draft.wishedContracts.map(\.rawValue)), \(draft.source.rawValue), \(draft.notes), \(draft.consentAt?.iso)::date,
                \(draft.consentScope), \(draft.purgeAfter.iso)::date, \(now), \(now))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw CandidateError.notCreated }
        if !draft.jobs.isEmpty || !draft.windows.isEmpty {
            try await CandidateSeasons.save(candidateID: id, tenantID: tenantID, jobs: draft.jobs, windows: draft.windows, on: connection, logger: logger)
        }
        try await addEvent(candidateID: id, tenantID: tenantID, actorID: actorID, kind: .created, detail: "", now: now, on: connection, logger: logger)
        if let centre {
            try await InformationNotice.send(
                candidateID: id, firstName: draft.firstName, email: draft.email, centre: centre, now: now, on: connection, logger: logger)
        }
        return id
    }

    static func update(id: Int64, _ draft: CandidateDetails, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            UPDATE candidates SET first_name = \(draft.firstName), last_name = \(draft.lastName), email = \(draft.email),
                phone = \(draft.phone), commune_insee = \(draft.communeInsee), commune_name = \(draft.communeName),
                birth_date = \(draft.birthDate?.iso)::date, driving_licence = \(draft.drivingLicence), own_vehicle = \(draft.ownVehicle),
                travel_km = \(draft.travelKm), skills = \(draft.skills), experience = \(draft.experience),
                available_from = \(draft.availableFrom?.iso)::date, seasonal_windows = \(draft.seasonalWindows),
                wished_contracts = \(draft.wishedContracts.map(\.rawValue)), source = \(draft.source.rawValue), notes = \(draft.notes),
                consent_at = \(draft.consentAt?.iso)::date, consent_scope = \(draft.consentScope),
                purge_after = \(draft.purgeAfter.iso)::date, updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await CandidateSeasons.save(candidateID: id, tenantID: tenantID, jobs: draft.jobs, windows: draft.windows, on: connection, logger: logger)
        try await addEvent(candidateID: id, tenantID: tenantID, actorID: actorID, kind: .edited, detail: "", now: now, on: connection, logger: logger)
    }

    static func addEvent(
        candidateID: Int64, tenantID: Int64, actorID: Int64?, kind: CandidateEvent.Kind, detail: String, now: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO candidate_events (tenant_id, candidate_id, at, actor_id, kind, detail)
            VALUES (\(tenantID), \(candidateID), \(now), \(actorID), \(kind.rawValue), \(detail))
            """, logger: logger)
    }

    static func events(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateEvent] {
        try await connection.rows(
            """
            SELECT e.at, CASE WHEN e.by_candidate THEN 'la personne elle-même' ELSE coalesce(u.display_name, 'Renfort') END AS who, e.kind, e.detail FROM candidate_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.candidate_id = \(candidateID) ORDER BY e.at DESC, e.id DESC LIMIT 100
            """, logger: logger
        ) { row in CandidateEvent(at: try row.get("at"), who: try row.get("who"), kind: try row.get("kind"), detail: try row.get("detail")) }
    }

    /// Records that look like the same person: the same e-mail or phone (their own, or one a
    /// merge kept), or the same folded name (case, accents, hyphens) and the same commune or
    /// birth date — the same person under another e-mail.
    static func duplicates(of draft: CandidateDetails, excluding id: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [Suspect] {
        let phoneDigits = String((draft.phone ?? "").filter(\.isNumber).suffix(9))
        let phone: String? = phoneDigits.count == 9 ? phoneDigits : nil
        let email = draft.email.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let birth = draft.birthDate?.iso
        // One indexed look-up per reason, then the reasons said for each record found.
        return try await connection.rows(
            """
            WITH typed AS (SELECT \(email)::text AS email, \(phone)::text AS phone, name_folded(\(draft.firstName) || \(draft.lastName)) AS name,
                                  name_folded(\(draft.communeName)) AS commune, \(birth)::date AS birth),
            found AS (
                SELECT c.id FROM candidates c, typed t WHERE c.merged_into IS NULL AND c.email_key = t.email
                UNION SELECT c.id FROM candidates c, typed t WHERE c.merged_into IS NULL AND c.phone_key = t.phone
                UNION SELECT k.candidate_id FROM candidate_contacts k, typed t WHERE k.kind = 'email' AND k.contact_key = t.email
                UNION SELECT k.candidate_id FROM candidate_contacts k, typed t WHERE k.kind = 'phone' AND k.contact_key = t.phone
                UNION SELECT c.id FROM candidates c, typed t WHERE c.merged_into IS NULL AND c.name_key = t.name
                    AND (c.commune_key = t.commune OR c.birth_date = t.birth))
            SELECT c.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, c.skills, c.driving_licence, c.own_vehicle,
                   c.available_from, c.source, \(unescaped: cdiEmployer("c")),
                   concat_ws(', ',
                       CASE WHEN c.email_key = t.email OR EXISTS (SELECT 1 FROM candidate_contacts k
                           WHERE k.candidate_id = c.id AND k.kind = 'email' AND k.contact_key = t.email) THEN 'même e-mail' END,
                       CASE WHEN c.phone_key = t.phone OR EXISTS (SELECT 1 FROM candidate_contacts k
                           WHERE k.candidate_id = c.id AND k.kind = 'phone' AND k.contact_key = t.phone) THEN 'même téléphone' END,
                       CASE WHEN c.name_key = t.name AND c.commune_key = t.commune THEN 'même nom et même commune' END,
                       CASE WHEN c.name_key = t.name AND c.birth_date = t.birth THEN 'même nom et même date de naissance' END) AS reasons
            FROM found JOIN candidates c ON c.id = found.id, typed t
            WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND (\(id)::bigint IS NULL OR c.id <> \(id))
            ORDER BY c.id LIMIT 10
            """, logger: logger
        ) { row in Suspect(candidate: try summary(row), reasons: try row.get("reasons")) }
    }

    /// A person of the pool applied again (from an offer): the contact they gave where the
    /// record had none, and the record kept at least as long as this application allows (two
    /// years with their consent, three months without).
    static func applied(
        id: Int64, email: String?, phone: String?, consentAt: Day?, consentScope: String, purgeAfter: Day, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE candidates SET email = coalesce(email, \(email)), phone = coalesce(phone, \(phone)),
                consent_at = coalesce(\(consentAt?.iso)::date, consent_at),
                consent_scope = CASE WHEN \(consentAt?.iso)::date IS NULL THEN consent_scope ELSE \(consentScope) END,
                purge_after = greatest(purge_after, \(purgeAfter.iso)::date)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// The e-mails and phones record `candidateID` holds besides its own.
    static func contacts(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateContact] {
        try await connection.rows(
            "SELECT kind, value, from_candidate_id FROM candidate_contacts WHERE candidate_id = \(candidateID) ORDER BY kind, id", logger: logger
        ) { row in CandidateContact(kind: try row.get("kind"), value: try row.get("value"), fromCandidateID: try row.get("from_candidate_id")) }
    }

    /// Merges `source` into `target`. Both records' contacts are kept: the target's e-mail and
    /// phone stay its own (or are taken from the source when it had none), the source's others
    /// become the target's other contacts (`candidate_contacts`). Applications move (those on a
    /// need the target is on too stay on the source, and the target's page lists them),
    /// placements, documents and notes move; the source stays, marked merged, for the history,
    /// and the records merged into it earlier now point at the target.
    static func merge(source: Int64, into target: Int64, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            UPDATE candidates t SET email = coalesce(t.email, s.email), phone = coalesce(t.phone, s.phone)
            FROM candidates s WHERE t.id = \(target) AND s.id = \(source)
            """, logger: logger)
        try await connection.execute(
            """
            INSERT INTO candidate_contacts (tenant_id, candidate_id, kind, value, from_candidate_id, added_at)
            SELECT t.tenant_id, t.id, kept.kind, kept.value, kept.from_id, \(now)
            FROM candidates t, candidates s,
                 LATERAL (SELECT 'email' AS kind, s.email AS value, s.id AS from_id, s.email_key AS key
                          UNION ALL SELECT 'phone', s.phone, s.id, s.phone_key
                          UNION ALL SELECT k.kind, k.value, k.from_candidate_id, k.contact_key FROM candidate_contacts k WHERE k.candidate_id = s.id) kept
            WHERE t.id = \(target) AND s.id = \(source) AND kept.value IS NOT NULL
              AND kept.key IS DISTINCT FROM CASE kept.kind WHEN 'email' THEN t.email_key ELSE t.phone_key END
            ON CONFLICT ON CONSTRAINT candidate_contacts_once DO NOTHING
            """, logger: logger)
        try await connection.execute(
            """
            UPDATE applications a SET candidate_id = \(target)
            WHERE a.candidate_id = \(source)
              AND NOT EXISTS (SELECT 1 FROM applications b WHERE b.candidate_id = \(target) AND b.need_id = a.need_id)
            """, logger: logger)
        try await connection.execute("UPDATE candidate_documents SET candidate_id = \(target) WHERE candidate_id = \(source)", logger: logger)
        // The messages sent to either person stay in the survivor's history.
        try await connection.execute("UPDATE candidate_messages SET candidate_id = \(target) WHERE candidate_id = \(source)", logger: logger)
        try await connection.execute("UPDATE placements SET candidate_id = \(target) WHERE candidate_id = \(source)", logger: logger)
        try await CandidateSeasons.merge(source: source, into: target, on: connection, logger: logger)
        try await connection.execute(
            """
            UPDATE candidates t SET notes = concat_ws(E'\\n', nullif(btrim(t.notes), ''), s.notes), updated_at = \(now)
            FROM candidates s WHERE t.id = \(target) AND s.id = \(source) AND s.notes <> ''
            """, logger: logger)
        try await connection.execute("UPDATE candidates SET merged_into = \(target), updated_at = \(now) WHERE id = \(source) OR merged_into = \(source)", logger: logger)
        try await addEvent(candidateID: target, tenantID: tenantID, actorID: actorID, kind: .merged, detail: "fiche n° \(source) fusionnée dans celle-ci", now: now, on: connection, logger: logger)
        try await addEvent(candidateID: source, tenantID: tenantID, actorID: actorID, kind: .mergedInto, detail: "fusionnée dans la fiche n° \(target)", now: now, on: connection, logger: logger)
    }

    /// The needs a candidate is or was on, the latest move first: the record's own applications
    /// and those that stayed on a record merged into it (`fromCandidateID`: that record).
    static func applications(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws
        -> [(id: Int64, need: String, business: String, stage: ApplicationStage, fromCandidateID: Int64?)]
    {
        try await connection.rows(
            """
            SELECT a.id, n.title AS need, b.name AS business, a.stage,
                   CASE WHEN a.candidate_id <> \(candidateID) THEN a.candidate_id END AS from_candidate_id
            FROM applications a
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE a.candidate_id = ANY (ARRAY(SELECT m.id FROM candidates m WHERE m.merged_into = \(candidateID)) || \(candidateID)::bigint)
            ORDER BY a.last_move_at DESC
            """, logger: logger
        ) { row in
            (id: try row.get("id"), need: try row.get("need"), business: try row.get("business"), stage: try row.get("stage"),
             fromCandidateID: try row.get("from_candidate_id"))
        }
    }
}

/// What can go wrong with the pool's rows beyond a person's input.
enum CandidateError: Error {
    /// An insert returned no row.
    case notCreated
    /// A stored value that no case of its closed list matches.
    case unknownValue(String)
}
