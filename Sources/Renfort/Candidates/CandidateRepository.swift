import Crypto
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
}

/// What the pool can be narrowed to.
struct CandidateFilter: Sendable {
    var text: String?
    var commune: String?
    var drivingLicence = false
    var ownVehicle = false
    var availableBy: Day?
    var contractKind: ContractKind?
    var source: CandidateSource?
    var page = 1
    static let pageSize = 25
}

/// All the SQL of the candidate pool, in the caller's transaction (centre set).
enum CandidateRepository {
    private static let select = """
        SELECT id, first_name, last_name, email, phone, commune_insee, commune_name, birth_date, driving_licence,
               own_vehicle, travel_km, skills, experience, available_from, seasonal_windows, wished_contracts, source,
               notes, consent_at, consent_scope, purge_after, merged_into, created_at
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
            mergedInto: try row.get("merged_into"), createdAt: try row.get("created_at"))
    }

    /// The wished contracts, each of the closed list.
    private static func contracts(_ raw: [String]) throws -> [ContractKind] {
        try raw.map { value in
            guard let contract = ContractKind(rawValue: value) else { throw CandidateError.unknownValue(value) }
            return contract
        }
    }

    private static func summary(_ row: PostgresRandomAccessRow) throws -> CandidateSummary {
        CandidateSummary(
            id: try row.get("id"), name: try row.get("name"), communeName: try row.get("commune_name"), skills: try row.get("skills"),
            drivingLicence: try row.get("driving_licence"), ownVehicle: try row.get("own_vehicle"), availableFrom: try row.get("available_from"),
            source: try row.get("source"))
    }

    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Candidate? {
        try await connection.rows("\(unescaped: select) WHERE id = \(id)", logger: logger, candidate).first
    }

    static func insert(_ draft: CandidateDetails, tenantID: Int64, actorID: Int64?, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
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
        try await addEvent(candidateID: id, tenantID: tenantID, actorID: actorID, kind: .created, detail: "", now: now, on: connection, logger: logger)
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
            SELECT e.at, coalesce(u.display_name, 'Renfort') AS who, e.kind, e.detail FROM candidate_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.candidate_id = \(candidateID) ORDER BY e.at DESC, e.id DESC LIMIT 100
            """, logger: logger
        ) { row in CandidateEvent(at: try row.get("at"), who: try row.get("who"), kind: try row.get("kind"), detail: try row.get("detail")) }
    }

    /// Words of a search, folded like the index (lower case, no accents), as LIKE patterns.
    static func patterns(_ text: String) -> [String] {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
        return folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(6).map { "%" + $0 + "%" }
    }

    /// A page of the pool (merged records left out) and how many match in all.
    static func search(_ filter: CandidateFilter, on connection: PostgresConnection, logger: Logger) async throws -> (candidates: [CandidateSummary], total: Int) {
        let words = filter.text.map(patterns) ?? []
        // The longest word uses the trigram index; all words must match.
        let leading = words.max { $0.count < $1.count }
        let commune = filter.commune.flatMap { patterns($0).first }
        let offset = (max(filter.page, 1) - 1) * CandidateFilter.pageSize
        var total = 0
        let candidates = try await connection.rows(
            """
            SELECT id, first_name || ' ' || last_name AS name, commune_name, skills, driving_licence, own_vehicle, available_from, source,
                   count(*) OVER () AS total
            FROM candidates
            WHERE merged_into IS NULL
              AND (\(leading)::text IS NULL OR search_text LIKE \(leading))
              AND search_text LIKE ALL (\(words)::text[])
              AND (\(commune)::text IS NULL OR search_folded(commune_name) LIKE \(commune))
              AND (NOT \(filter.drivingLicence) OR driving_licence)
              AND (NOT \(filter.ownVehicle) OR own_vehicle)
              AND (\(filter.availableBy?.iso)::date IS NULL OR available_from IS NULL OR available_from <= \(filter.availableBy?.iso)::date)
              AND (\(filter.contractKind?.rawValue)::text IS NULL OR wished_contracts @> ARRAY[\(filter.contractKind?.rawValue)::text])
              AND (\(filter.source?.rawValue)::text IS NULL OR source = \(filter.source?.rawValue))
            ORDER BY last_name, first_name, id
            LIMIT \(CandidateFilter.pageSize) OFFSET \(offset)
            """, logger: logger
        ) { row in
            total = try row.get("total")
            return try summary(row)
        }
        return (candidates, total)
    }

    /// Records that look like the same person: same e-mail, same phone, or same name and birth date.
    static func duplicates(of draft: CandidateDetails, excluding id: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateSummary] {
        let phoneDigits = String((draft.phone ?? "").filter(\.isNumber).suffix(9))
        return try await connection.rows(
            """
            SELECT id, first_name || ' ' || last_name AS name, commune_name, skills, driving_licence, own_vehicle, available_from, source
            FROM candidates
            WHERE merged_into IS NULL AND (\(id)::bigint IS NULL OR id <> \(id))
              AND ((\(draft.email)::text IS NOT NULL AND email_key = lower(btrim(\(draft.email))))
                OR (length(\(phoneDigits)) = 9 AND phone_key = \(phoneDigits))
                OR (\(draft.birthDate?.iso)::date IS NOT NULL AND birth_date = \(draft.birthDate?.iso)::date
                    AND search_folded(first_name) = search_folded(\(draft.firstName))
                    AND search_folded(last_name) = search_folded(\(draft.lastName))))
            ORDER BY id LIMIT 10
            """, logger: logger, summary)
    }

    /// Merges `source` into `target`: applications (where the target has none on that need),
    /// documents and notes move; the source stays, marked merged, for the history.
    static func merge(source: Int64, into target: Int64, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            UPDATE applications a SET candidate_id = \(target)
            WHERE a.candidate_id = \(source)
              AND NOT EXISTS (SELECT 1 FROM applications b WHERE b.candidate_id = \(target) AND b.need_id = a.need_id)
            """, logger: logger)
        try await connection.execute("UPDATE candidate_documents SET candidate_id = \(target) WHERE candidate_id = \(source)", logger: logger)
        try await connection.execute("UPDATE placements SET candidate_id = \(target) WHERE candidate_id = \(source)", logger: logger)
        try await connection.execute(
            """
            UPDATE candidates t SET notes = btrim(t.notes || E'\\n' || s.notes), updated_at = \(now)
            FROM candidates s WHERE t.id = \(target) AND s.id = \(source) AND s.notes <> ''
            """, logger: logger)
        try await connection.execute("UPDATE candidates SET merged_into = \(target), updated_at = \(now) WHERE id = \(source)", logger: logger)
        try await addEvent(candidateID: target, tenantID: tenantID, actorID: actorID, kind: .merged, detail: "fiche n° \(source) fusionnée dans celle-ci", now: now, on: connection, logger: logger)
        try await addEvent(candidateID: source, tenantID: tenantID, actorID: actorID, kind: .mergedInto, detail: "fusionnée dans la fiche n° \(target)", now: now, on: connection, logger: logger)
    }

    // MARK: Documents

    static func documents(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateDocument] {
        try await connection.rows(
            "SELECT id, filename, size, uploaded_at FROM candidate_documents WHERE candidate_id = \(candidateID) ORDER BY uploaded_at DESC",
            logger: logger
        ) { row in
            CandidateDocument(id: try row.get("id"), filename: try row.get("filename"), size: try row.get("size"), uploadedAt: try row.get("uploaded_at"))
        }
    }

    /// A document's name and bytes, if it is this candidate's.
    static func documentContent(id: Int64, candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws
        -> (filename: String, content: ByteBuffer)?
    {
        try await connection.first(
            "SELECT filename, content FROM candidate_documents WHERE id = \(id) AND candidate_id = \(candidateID)",
            as: (String.self, ByteBuffer.self), logger: logger
        ).map { (filename: $0.0, content: $0.1) }
    }

    /// Keeps a document on the record, with its SHA-256, and says so in the record's history.
    static func addDocument(
        candidateID: Int64, filename: String, data: [UInt8], tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let digest = SHA256.hash(data: Data(data)).map { String(format: "%02x", $0) }.joined()
        try await connection.execute(
            """
            INSERT INTO candidate_documents (tenant_id, candidate_id, filename, content, size, sha256, uploaded_by, uploaded_at)
            VALUES (\(tenantID), \(candidateID), \(filename), \(ByteBuffer(bytes: data)), \(data.count), \(digest), \(actorID), \(now))
            """, logger: logger)
        try await addEvent(candidateID: candidateID, tenantID: tenantID, actorID: actorID, kind: .document, detail: filename, now: now, on: connection, logger: logger)
    }

    /// The needs a candidate is or was on, the latest move first.
    static func applications(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws
        -> [(id: Int64, need: String, business: String, stage: ApplicationStage)]
    {
        try await connection.rows(
            """
            SELECT a.id, n.title AS need, b.name AS business, a.stage FROM applications a
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE a.candidate_id = \(candidateID) ORDER BY a.last_move_at DESC
            """, logger: logger
        ) { row in (id: try row.get("id"), need: try row.get("need"), business: try row.get("business"), stage: try row.get("stage")) }
    }
}

/// What can go wrong with the pool's rows beyond a person's input.
enum CandidateError: Error {
    /// An insert returned no row.
    case notCreated
    /// A stored value that no case of its closed list matches.
    case unknownValue(String)
}
