import Foundation
import Logging
import PostgresNIO

/// All the SQL of placements, in the caller's transaction (centre set).
enum PlacementRepository {
    private static let select = """
        SELECT p.id, p.business_id, b.name AS business_name, p.candidate_id, c.first_name || ' ' || c.last_name AS candidate_name,
               p.need_id, n.title AS need_title, p.contract_kind, p.start_date, p.end_date, p.hours_per_week::float8 AS hours_per_week,
               p.full_time, p.newly_created, p.created_at, p.ended_on, p.end_reason, p.at_risk
        FROM placements p
        JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
        JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
        JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
        """

    private static func placement(_ row: PostgresRandomAccessRow) throws -> Placement {
        Placement(
            id: try row.get("id"), businessID: try row.get("business_id"), businessName: try row.get("business_name"),
            candidateID: try row.get("candidate_id"), candidateName: try row.get("candidate_name"), needID: try row.get("need_id"),
            needTitle: try row.get("need_title"), contractKind: try row.get("contract_kind"), startDate: try row.get("start_date"),
            endDate: try row.get("end_date"), hoursPerWeek: try row.get("hours_per_week"), fullTime: try row.get("full_time"),
            newlyCreated: try row.get("newly_created"), createdAt: try row.get("created_at"), endedOn: try row.get("ended_on"),
            endReason: try row.get("end_reason"), atRisk: try row.get("at_risk"))
    }

    /// One placement; for an employer (`businessID`), only one held with their business (its
    /// own, or a shared post's it is a member of: `placement_businesses`).
    static func find(id: Int64, businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> Placement? {
        try await connection.rows(
            "\(unescaped: select) WHERE p.id = \(id) AND (\(businessID)::bigint IS NULL OR p.id IN (SELECT placement_id FROM placement_businesses WHERE business_id = \(businessID)))",
            logger: logger, placement
        ).first
    }

    /// A page of placements, the latest start first (of a business: those held with it).
    static func list(
        businessID: Int64?, contract: ContractKind?, from: Day?, to: Day?, hiredAgain: Bool = false, limit: Int, offset: Int,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [Placement] {
        let seasonal = ContractKind.seasonalCDD.rawValue
        return try await connection.rows(
            """
            \(unescaped: select)
            WHERE (\(businessID)::bigint IS NULL OR p.id IN (SELECT placement_id FROM placement_businesses WHERE business_id = \(businessID)))
              AND (\(contract?.rawValue)::text IS NULL OR p.contract_kind = \(contract?.rawValue))
              AND (\(from)::date IS NULL OR p.start_date >= \(from)::date)
              AND (\(to)::date IS NULL OR p.start_date <= \(to)::date)
              AND (NOT \(hiredAgain) OR (p.contract_kind = \(seasonal) AND EXISTS (
                  SELECT 1 FROM placements e
                  WHERE e.tenant_id = p.tenant_id AND e.candidate_id = p.candidate_id AND e.contract_kind = \(seasonal)
                    AND e.id <> p.id AND e.start_date < p.start_date AND coalesce(e.ended_on, e.end_date, e.start_date) < p.start_date)))
            ORDER BY p.start_date DESC, p.id DESC LIMIT \(limit) OFFSET \(offset)
            """, logger: logger, placement)
    }


    /// Records a hire; returns the new placement's id.
    static func create(
        businessID: Int64, candidateID: Int64, needID: Int64, applicationID: Int64, contract: ContractKind, start: Day, end: Day?,
        hours: Double, fullTime: Bool, newlyCreated: Bool, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        guard let id = try await connection.value(
            """
            INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, application_id, contract_kind, start_date, end_date,
                hours_per_week, full_time, newly_created, created_at, created_by)
            VALUES (\(tenantID), \(businessID), \(candidateID), \(needID), \(applicationID), \(contract.rawValue),
                \(start)::date, \(end)::date, \(hours)::numeric, \(fullTime), \(newlyCreated), \(now), \(actorID))
            RETURNING id
            """, as: Int64.self, logger: logger)
        else { throw PlacementError.notCreated }
        return id
    }
}

/// What can go wrong with a placement's rows beyond a person's input.
enum PlacementError: Error {
    /// An insert returned no row.
    case notCreated
}

/// A business's hire as its page lists it: the person, the contract, and what comes next.
struct BusinessHire: Sendable {
    let placementID: Int64
    let person: String
    let contract: ContractKind
    let start: Day
    let endedOn: Day?
    let nextCheckIn: Day?
}

extension PlacementRepository {
    /// A business's latest hires (or a need's) with their next check-in, in one query.
    static func hires(businessID: Int64? = nil, needID: Int64? = nil, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [BusinessHire] {
        try await connection.rows(
            """
            SELECT p.id, c.first_name || ' ' || c.last_name AS person, p.contract_kind, p.start_date, p.ended_on,
                   (SELECT min(k.due_on) FROM check_ins k WHERE k.placement_id = p.id AND k.done_on IS NULL AND NOT k.closed) AS next_check_in
            FROM placements p JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
            WHERE (\(businessID)::bigint IS NULL OR p.id IN (SELECT placement_id FROM placement_businesses WHERE business_id = \(businessID)))
              AND (\(needID)::bigint IS NULL OR p.need_id = \(needID))
            ORDER BY p.start_date DESC, p.id DESC LIMIT \(limit)
            """, logger: logger
        ) { row in
            BusinessHire(
                placementID: try row.get("id"), person: try row.get("person"), contract: try row.get("contract_kind"),
                start: try row.get("start_date"), endedOn: try row.get("ended_on"), nextCheckIn: try row.get("next_check_in"))
        }
    }
}
