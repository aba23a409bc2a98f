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
        SELECT id, first_name, last_name, email, phone, commune_insee, commune_name, birth_date::text, driving_licence,
               own_vehicle, travel_km, skills, experience, available_from::text, seasonal_windows, wished_contracts, source,
               notes, consent_at::text, consent_scope, purge_after::text, merged_into, created_at
        FROM candidates
        """

    private static func candidate(_ row: PostgresRow) throws -> Candidate {
        let c = row.makeRandomAccess()
        func day(_ index: Int) throws -> Day? { try c[index].decode(String?.self).flatMap(Day.init(iso:)) }
        return Candidate(
            id: try c[0].decode(Int64.self), firstName: try c[1].decode(String.self), lastName: try c[2].decode(String.self),
            email: try c[3].decode(String?.self), phone: try c[4].decode(String?.self), communeInsee: try c[5].decode(String?.self),
            communeName: try c[6].decode(String.self), birthDate: try day(7), drivingLicence: try c[8].decode(Bool.self),
            ownVehicle: try c[9].decode(Bool.self), travelKm: try c[10].decode(Int?.self), skills: try c[11].decode(String.self),
            experience: try c[12].decode(String.self), availableFrom: try day(13), seasonalWindows: try c[14].decode(String.self),
            wishedContracts: try c[15].decode([String].self).compactMap(ContractKind.init(rawValue:)),
            source: CandidateSource(rawValue: try c[16].decode(String.self)) ?? .other, notes: try c[17].decode(String.self),
            consentAt: try day(18), consentScope: try c[19].decode(String.self), purgeAfter: try day(20) ?? Day(Date()),
            mergedInto: try c[21].decode(Int64?.self), createdAt: try c[22].decode(Date.self))
    }

    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Candidate? {
        for try await row in try await connection.query("\(unescaped: select) WHERE id = \(id)", logger: logger) {
            return try candidate(row)
        }
        return nil
    }

    static func insert(_ draft: CandidateDraft, tenantID: Int64, actorID: Int64?, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
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
        guard let id else { throw AccountRepository.AccountError.notCreated }
        try await addEvent(candidateID: id, tenantID: tenantID, actorID: actorID, kind: "created", detail: "", now: now, on: connection, logger: logger)
        return id
    }

    static func update(id: Int64, _ draft: CandidateDraft, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
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
        try await addEvent(candidateID: id, tenantID: tenantID, actorID: actorID, kind: "edited", detail: "", now: now, on: connection, logger: logger)
    }

    static func addEvent(candidateID: Int64, tenantID: Int64, actorID: Int64?, kind: String, detail: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "INSERT INTO candidate_events (tenant_id, candidate_id, at, actor_id, kind, detail) VALUES (\(tenantID), \(candidateID), \(now), \(actorID), \(kind), \(detail))",
            logger: logger)
    }

    static func events(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(at: Date, who: String, kind: String, detail: String)] {
        try await connection.all(
            """
            SELECT e.at, coalesce(u.display_name, 'Renfort'), e.kind, e.detail FROM candidate_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.candidate_id = \(candidateID) ORDER BY e.at DESC, e.id DESC LIMIT 100
            """, as: (Date.self, String.self, String.self, String.self), logger: logger
        ).map { (at: $0.0, who: $0.1, kind: $0.2, detail: $0.3) }
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
        let rows = try await connection.all(
            """
            SELECT id, first_name || ' ' || last_name, commune_name, skills, driving_licence, own_vehicle, available_from::text, source,
                   count(*) OVER ()
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
            """, as: (Int64.self, String.self, String.self, String.self, Bool.self, Bool.self, String?.self, String.self, Int.self), logger: logger)
        return (rows.map {
            CandidateSummary(
                id: $0.0, name: $0.1, communeName: $0.2, skills: $0.3, drivingLicence: $0.4, ownVehicle: $0.5,
                availableFrom: $0.6.flatMap(Day.init(iso:)), source: CandidateSource(rawValue: $0.7) ?? .other)
        }, rows.first?.8 ?? 0)
    }

    /// Records that look like the same person: same e-mail, same phone, or same name and birth date.
    static func duplicates(of draft: CandidateDraft, excluding id: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateSummary] {
        let phoneDigits = String((draft.phone ?? "").filter(\.isNumber).suffix(9))
        let rows = try await connection.all(
            """
            SELECT id, first_name || ' ' || last_name, commune_name, skills, driving_licence, own_vehicle, available_from::text, source
            FROM candidates
            WHERE merged_into IS NULL AND (\(id)::bigint IS NULL OR id <> \(id))
              AND ((\(draft.email)::text IS NOT NULL AND email_key = lower(btrim(\(draft.email))))
                OR (length(\(phoneDigits)) = 9 AND phone_key = \(phoneDigits))
                OR (\(draft.birthDate?.iso)::date IS NOT NULL AND birth_date = \(draft.birthDate?.iso)::date
                    AND search_folded(first_name) = search_folded(\(draft.firstName))
                    AND search_folded(last_name) = search_folded(\(draft.lastName))))
            ORDER BY id LIMIT 10
            """, as: (Int64.self, String.self, String.self, String.self, Bool.self, Bool.self, String?.self, String.self), logger: logger)
        return rows.map {
            CandidateSummary(
                id: $0.0, name: $0.1, communeName: $0.2, skills: $0.3, drivingLicence: $0.4, ownVehicle: $0.5,
                availableFrom: $0.6.flatMap(Day.init(iso:)), source: CandidateSource(rawValue: $0.7) ?? .other)
        }
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
        try await addEvent(candidateID: target, tenantID: tenantID, actorID: actorID, kind: "merged", detail: "fiche n° \(source) fusionnée dans celle-ci", now: now, on: connection, logger: logger)
        try await addEvent(candidateID: source, tenantID: tenantID, actorID: actorID, kind: "merged_into", detail: "fusionnée dans la fiche n° \(target)", now: now, on: connection, logger: logger)
    }
}
