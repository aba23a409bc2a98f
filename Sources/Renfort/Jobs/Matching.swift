import Foundation
import Logging
import PostgresNIO

/// A candidate of the pool for a need, with why they fit and what stands against them.
struct PoolMatch: Sendable, Equatable {
    let candidateID: Int64
    let name: String
    let commune: String
    let score: Int
    /// Why they are proposed: the same job or family, the season covered, the licence, where
    /// they live, their past hires.
    let reasons: [String]
    /// What to weigh: a CDI elsewhere, no licence for a post that needs one, a follow-up at risk.
    let flags: [String]
    /// Already on this need's board.
    let onBoard: Bool
}

/// The pool's candidates for a need: those whose sought jobs share the need's ROME family,
/// ranked by the reasons they fit (the same job, the season, the licence, the place, their
/// past hires), those already hired elsewhere flagged and ranked last.
enum Matching {
    static let limit = 50

    /// The ranking's weights, as the page explains them.
    enum Weight {
        static let sameJob = 4, sameFamily = 2, season = 3, sameCommune = 2, sameArea = 1, licence = 1, pastHire = 1
        static let noLicence = -3, employedElsewhere = -6, atRisk = -1
    }

    /// The statement: one row per candidate of the need's family, the best first. The need's
    /// window is its season, else from its wished start to its end (a day for a CDI). The
    /// family's first and last codes come as values ($3, $4), so that the plan reads them from
    /// the jobs' index (from the need's row, a generic plan read every job: 60 → 9 ms). Not a
    /// prepared statement: planned with its values at each run (after five runs PostgreSQL
    /// kept a generic plan that took 2.8 s where the values' own plan takes 80 ms).
    enum Statement {
        static let sql = """
            WITH need AS (
                SELECT n.id, n.rome_code, left(n.rome_code, 3) AS family, n.driving_licence, n.place_insee,
                       name_folded(n.place_name) AS place,
                       coalesce(n.season_start, n.wished_start) AS from_day,
                       coalesce(n.season_end, n.end_date, n.wished_start) AS to_day
                FROM job_needs n WHERE n.id = $1 AND n.rome_code IS NOT NULL),
            pool AS (
                SELECT k.candidate_id, bool_or(k.rome_code = need.rome_code) AS same_job
                FROM need JOIN candidate_jobs k ON k.rome_code BETWEEN $3 AND $4
                GROUP BY k.candidate_id),
            -- Each person's hires, once: those ended as planned, a CDI still running, a check-in at risk.
            hires AS (
                SELECT x.candidate_id,
                       count(*) FILTER (WHERE x.ended_on IS NOT NULL AND x.end_reason IN ('\(EndReason.fixedTermEnd.rawValue)', '\(EndReason.mutualAgreement.rawValue)'))::int AS past_hires,
                       (array_agg(b.name ORDER BY x.start_date DESC, x.id DESC) FILTER (WHERE x.contract_kind = '\(ContractKind.cdi.rawValue)' AND x.ended_on IS NULL))[1] AS cdi_employer,
                       bool_or(EXISTS (SELECT 1 FROM check_ins k WHERE k.tenant_id = x.tenant_id AND k.placement_id = x.id AND k.status = '\(CheckIn.Status.atRisk.rawValue)')) AS at_risk
                FROM placements x JOIN businesses b ON b.tenant_id = x.tenant_id AND b.id = x.business_id
                WHERE x.candidate_id IN (SELECT candidate_id FROM pool)
                GROUP BY x.candidate_id),
            -- Those free for the whole of the need's window: dated, or every year (moved to the
            -- need's year, or the year before for a window across the new year).
            free AS (
                SELECT DISTINCT w.candidate_id FROM candidate_availability w CROSS JOIN need
                WHERE w.candidate_id IN (SELECT candidate_id FROM pool)
                  AND window_covers(w.starts_on, w.ends_on, w.every_year, need.from_day, need.to_day)),
            board AS (SELECT a.candidate_id FROM applications a, need WHERE a.need_id = need.id),
            facts AS (
                SELECT c.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, p.same_job, c.driving_licence,
                       need.driving_licence AS licence_needed,
                       coalesce(c.commune_insee = need.place_insee, false) OR coalesce(c.commune_key = need.place, false) AS same_commune,
                       coalesce(left(c.commune_insee, 2) = left(need.place_insee, 2), false) AS same_area,
                       f.candidate_id IS NOT NULL AS season,
                       coalesce(h.past_hires, 0) AS past_hires, h.cdi_employer, coalesce(h.at_risk, false) AS at_risk,
                       o.candidate_id IS NOT NULL AS on_board
                FROM pool p JOIN candidates c ON c.id = p.candidate_id CROSS JOIN need
                LEFT JOIN hires h ON h.candidate_id = c.id
                LEFT JOIN free f ON f.candidate_id = c.id
                LEFT JOIN (SELECT DISTINCT candidate_id FROM board) o ON o.candidate_id = c.id
                WHERE c.merged_into IS NULL AND c.erased_at IS NULL)
            SELECT *, (CASE WHEN same_job THEN \(Weight.sameJob) ELSE \(Weight.sameFamily) END
                       + CASE WHEN season THEN \(Weight.season) ELSE 0 END
                       + CASE WHEN same_commune THEN \(Weight.sameCommune) WHEN same_area THEN \(Weight.sameArea) ELSE 0 END
                       + CASE WHEN licence_needed AND driving_licence THEN \(Weight.licence)
                              WHEN licence_needed THEN \(Weight.noLicence) ELSE 0 END
                       + CASE WHEN past_hires > 0 THEN \(Weight.pastHire) ELSE 0 END
                       + CASE WHEN cdi_employer IS NOT NULL THEN \(Weight.employedElsewhere) ELSE 0 END
                       + CASE WHEN at_risk THEN \(Weight.atRisk) ELSE 0 END) AS score
            FROM facts ORDER BY score DESC, name, id LIMIT $2
            """
    }

    enum Refusal: Error { case closed(String), unknownCandidate }

    /// Puts `candidates` on need `needID`'s board at « Repéré », all or none: how many were not
    /// on it yet; nil when the need is not the centre's.
    static func addToBoard(
        needID: Int64, candidates: [Int64], tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Result<Int, Refusal>? {
        guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return nil }
        guard need.status.isOpen else { return .failure(.closed(need.status.label)) }
        let wanted = Set(candidates).sorted()
        let inPool = try await connection.values(
            "SELECT id FROM candidates WHERE id = ANY (\(wanted)) AND merged_into IS NULL AND erased_at IS NULL", as: Int64.self, logger: logger)
        guard inPool.count == wanted.count else { return .failure(.unknownCandidate) }
        var added = 0
        for id in wanted {
            if try await ApplicationRepository.create(needID: needID, candidateID: id, tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger) != nil {
                added += 1
            }
        }
        return .success(added)
    }

    /// The matches of need `needID` (empty when it has no ROME code), in the caller's transaction.
    static func matches(needID: Int64, code: String, on connection: PostgresConnection, logger: Logger) async throws -> [PoolMatch] {
        var binds = PostgresBindings()
        binds.append(needID)
        binds.append(limit)
        binds.append(code.prefix(3) + "00")
        binds.append(code.prefix(3) + "99")
        return try await connection.rows(PostgresQuery(unsafeSQL: Statement.sql, binds: binds), logger: logger).map { plain in
            let row = plain.makeRandomAccess()
            let sameJob: Bool = try row.get("same_job"), season: Bool = try row.get("season")
            let sameCommune: Bool = try row.get("same_commune"), sameArea: Bool = try row.get("same_area")
            let licence: Bool = try row.get("driving_licence"), licenceNeeded: Bool = try row.get("licence_needed")
            let pastHires: Int = try row.get("past_hires"), employer: String? = try row.get("cdi_employer"), atRisk: Bool = try row.get("at_risk")
            let reasons = Self.reasons(
                sameJob: sameJob, code: code, season: season, sameCommune: sameCommune, sameArea: sameArea, licence: licenceNeeded && licence, pastHires: pastHires)
            var flags: [String] = []
            if let employer { flags.append("En CDI chez \(employer)") }
            if licenceNeeded && !licence { flags.append("Sans permis B, demandé pour le poste") }
            if atRisk { flags.append("Un suivi passé signalé à risque") }
            return PoolMatch(
                candidateID: try row.get("id"), name: try row.get("name"), commune: try row.get("commune_name"), score: try row.get("score"),
                reasons: reasons, flags: flags, onBoard: try row.get("on_board"))
        }
    }

    // MARK: The needs that fit a candidate

    /// An open need of the centre in the family of one of a candidate's jobs.
    struct NeedMatch: Sendable, Equatable {
        let needID: Int64
        let title: String
        let businessName: String
        let reasons: [String]
        let flags: [String]
        let onBoard: Bool
    }

    /// Planned with its values at each run too (a candidate's jobs decide the plan).
    enum NeedsStatement {
        static let sql = """
            WITH me AS (SELECT c.id, c.commune_insee, c.commune_key, c.driving_licence FROM candidates c WHERE c.id = $1),
                 mine AS (SELECT k.rome_code FROM candidate_jobs k WHERE k.candidate_id = $1),
                 open AS (
                     SELECT n.id, n.title, b.name AS business_name, n.rome_code, n.driving_licence AS licence_needed,
                            n.place_insee, name_folded(n.place_name) AS place, n.submitted_at,
                            coalesce(n.season_start, n.wished_start) AS from_day, coalesce(n.season_end, n.end_date, n.wished_start) AS to_day
                     FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
                     WHERE n.status = ANY ($2::text[]) AND left(n.rome_code, 3) IN (SELECT left(rome_code, 3) FROM mine))
            SELECT o.id, o.title, o.business_name, o.rome_code, o.licence_needed, me.driving_licence,
                   o.rome_code IN (SELECT rome_code FROM mine) AS same_job,
                   EXISTS (SELECT 1 FROM candidate_availability w WHERE w.candidate_id = me.id
                           AND window_covers(w.starts_on, w.ends_on, w.every_year, o.from_day, o.to_day)) AS season,
                   coalesce(me.commune_insee = o.place_insee, false) OR coalesce(me.commune_key = o.place, false) AS same_commune,
                   coalesce(left(me.commune_insee, 2) = left(o.place_insee, 2), false) AS same_area,
                   EXISTS (SELECT 1 FROM applications a WHERE a.need_id = o.id AND a.candidate_id = me.id) AS on_board
            FROM open o CROSS JOIN me
            ORDER BY same_job DESC, season DESC, same_commune DESC, same_area DESC, o.submitted_at DESC, o.id DESC
            LIMIT 20
            """
    }

    /// The open needs that fit candidate `candidateID`, the best first, by the same reasons as the pool's.
    static func needs(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [NeedMatch] {
        var binds = PostgresBindings()
        binds.append(candidateID)
        binds.append(NeedStatus.allCases.filter(\.isOpen).map(\.rawValue))
        return try await connection.rows(PostgresQuery(unsafeSQL: NeedsStatement.sql, binds: binds), logger: logger).map { plain in
            let row = plain.makeRandomAccess()
            let code: String = try row.get("rome_code"), licenceNeeded: Bool = try row.get("licence_needed"), licence: Bool = try row.get("driving_licence")
            let reasons = Self.reasons(
                sameJob: try row.get("same_job"), code: code, season: try row.get("season"), sameCommune: try row.get("same_commune"),
                sameArea: try row.get("same_area"), licence: licenceNeeded && licence, pastHires: 0)
            return NeedMatch(
                needID: try row.get("id"), title: try row.get("title"), businessName: try row.get("business_name"), reasons: reasons,
                flags: licenceNeeded && !licence ? ["Sans permis B, demandé pour le poste"] : [], onBoard: try row.get("on_board"))
        }
    }

    /// Why a person fits a need, as both lists say it.
    static func reasons(sameJob: Bool, code: String, season: Bool, sameCommune: Bool, sameArea: Bool, licence: Bool, pastHires: Int) -> [String] {
        var reasons: [String] = [sameJob ? "le même métier (\(code))" : "un métier de la même famille (\(code.prefix(3)))"]
        if season { reasons.append("libre pour toute la période du besoin") }
        if sameCommune { reasons.append("habite la commune du poste") } else if sameArea { reasons.append("habite le même département") }
        if licence { reasons.append("a le permis B demandé") }
        if pastHires > 0 { reasons.append("\(pastHires) embauche(s) menée(s) à leur terme") }
        return reasons
    }
}
