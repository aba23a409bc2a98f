import Foundation
import Logging
import PostgresNIO

/// All the SQL of check-ins, the end of employments and employers' alerts, in the caller's
/// transaction (centre set).
enum FollowUpRepository {
    // MARK: A placement's follow-up

    /// A placement's check-ins, each with the business it is held with when it names one (a
    /// hire on a shared post). For an employer (`businessID`) of a member business that is not
    /// the hire's own, only those held with them.
    static func checkIns(placementID: Int64, businessID: Int64? = nil, on connection: PostgresConnection, logger: Logger) async throws -> [CheckIn] {
        try await connection.rows(
            """
            SELECT k.id, k.label, k.due_on, k.done_on, k.status, k.closed, k.actions, k.unscheduled, b.name AS held_with
            FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
            LEFT JOIN businesses b ON b.tenant_id = k.tenant_id AND b.id = k.business_id
            WHERE k.placement_id = \(placementID)
              AND (\(businessID)::bigint IS NULL OR p.business_id = \(businessID) OR k.business_id = \(businessID))
            ORDER BY coalesce(k.done_on, k.due_on), k.id
            """,
            logger: logger
        ) { row in
            CheckIn(
                id: try row.get("id"), label: try row.get("label"), dueOn: try row.get("due_on"), doneOn: try row.get("done_on"),
                status: try row.get("status"), closed: try row.get("closed"), actions: try row.get("actions"), unscheduled: try row.get("unscheduled"),
                heldWith: try row.get("held_with"))
        }
    }

    /// A placement's alerts; for an employer (`businessID`), those their business raised.
    static func alerts(placementID: Int64, businessID: Int64? = nil, on connection: PostgresConnection, logger: Logger) async throws -> [PlacementAlert] {
        try await connection.rows(
            """
            SELECT a.id, a.kind, a.message, a.created_at, a.handled_at, a.handled_note, u.display_name AS handled_by
            FROM placement_alerts a JOIN placements p ON p.tenant_id = a.tenant_id AND p.id = a.placement_id
            LEFT JOIN users u ON u.id = a.handled_by
            WHERE a.placement_id = \(placementID) AND (\(businessID)::bigint IS NULL OR coalesce(a.business_id, p.business_id) = \(businessID))
            ORDER BY a.created_at
            """, logger: logger
        ) { row in
            PlacementAlert(
                id: try row.get("id"), kind: try row.get("kind"), message: try row.get("message"), createdAt: try row.get("created_at"),
                handledAt: try row.get("handled_at"), handledBy: try row.get("handled_by"), handledNote: try row.get("handled_note"))
        }
    }

    /// Marks an employer's alert handled: by whom, when, what was done. False when it is not
    /// this placement's or was handled already.
    static func handleAlert(
        id: Int64, placement: Int64, note: String, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.value(
            """
            UPDATE placement_alerts SET handled_at = \(now), handled_by = \(actorID), handled_note = \(note)
            WHERE id = \(id) AND placement_id = \(placement) AND handled_at IS NULL RETURNING id
            """, as: Int64.self, logger: logger) != nil
    }

    /// Records a contact outside the schedule: a check-in of its own, done on its day, which
    /// leaves the scheduled ones as they are.
    static func recordUnscheduled(
        _ report: Report, placement: Int64, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let id = try await connection.value(
            """
            INSERT INTO check_ins (tenant_id, placement_id, due_on, label, unscheduled, created_at)
            VALUES (\(tenantID), \(placement), \(report.doneOn)::date, \(CheckIn.unscheduledLabel), true, \(now)) RETURNING id
            """, as: Int64.self, logger: logger)
        else { return }
        try await record(report, checkIn: id, placement: placement, tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
    }

    /// The placement a check-in belongs to.
    static func placementOf(checkIn id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("SELECT placement_id FROM check_ins WHERE id = \(id)", as: Int64.self, logger: logger)
    }

    /// What a check-in found, as the adviser recorded it.
    struct Report: Sendable {
        let doneOn: Day
        let contacted: CheckIn.Contacted
        let channel: CheckIn.Channel
        let status: CheckIn.Status
        let risks: [CheckIn.Risk]
        let actionKinds: [CheckIn.ActionKind]
        let actions: String
        let nextContact: Day?
        let endReason: EndReason?
    }

    /// Records a check-in: the placement is at risk until a later one is back on track; a
    /// sooner contact than the schedule's becomes a check-in of its own; "ended" ends it.
    static func record(
        _ report: Report, checkIn id: Int64, placement: Int64, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE check_ins SET done_on = \(report.doneOn)::date, done_by = \(actorID), contacted = \(report.contacted.rawValue),
                channel = \(report.channel.rawValue), status = \(report.status.rawValue), risks = \(report.risks.map(\.rawValue)),
                action_kinds = \(report.actionKinds.map(\.rawValue)), actions = \(report.actions), next_contact = \(report.nextContact)::date
            WHERE id = \(id)
            """, logger: logger)
        try await connection.execute("UPDATE placements SET at_risk = \(report.status == .atRisk) WHERE id = \(placement)", logger: logger)
        if let next = report.nextContact {
            let sooner = try await connection.value(
                "SELECT count(*) FROM check_ins WHERE placement_id = \(placement) AND done_on IS NULL AND NOT closed AND due_on <= \(next)::date",
                as: Int.self, logger: logger) ?? 0
            if sooner == 0 {
                try await connection.execute(
                    "INSERT INTO check_ins (tenant_id, placement_id, due_on, label, created_at) VALUES (\(tenantID), \(placement), \(next)::date, 'Contact rapproché', \(now))",
                    logger: logger)
            }
        }
        if report.status == .ended, let reason = report.endReason {
            try await end(placement: placement, on: report.doneOn, reason: reason, on: connection, logger: logger)
        }
    }

    /// The end of an employment: recorded once, it closes the remaining check-ins.
    static func end(placement: Int64, on day: Day, reason: EndReason, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "UPDATE placements SET ended_on = \(day)::date, end_reason = \(reason.rawValue), at_risk = false WHERE id = \(placement) AND ended_on IS NULL",
            logger: logger)
        try await connection.execute("UPDATE check_ins SET closed = true WHERE placement_id = \(placement) AND done_on IS NULL", logger: logger)
    }

    /// What a placement's dates allow.
    struct Dates: Sendable {
        let start: Day
        let end: Day?
        let ended: Bool
    }

    static func dates(placement: Int64, forUpdate: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Dates? {
        try await connection.rows(
            "SELECT start_date, end_date, ended_on IS NOT NULL AS ended FROM placements WHERE id = \(placement)\(unescaped: forUpdate ? " FOR UPDATE" : "")",
            logger: logger
        ) { row in Dates(start: try row.get("start_date"), end: try row.get("end_date"), ended: try row.get("ended")) }.first
    }

    /// A new start date moves the open check-ins by the same number of days.
    static func moveStart(placement: Int64, from old: Day, to start: Day, on connection: PostgresConnection, logger: Logger) async throws {
        let shift = FollowUpSchedule.days(from: old, to: start)
        try await connection.execute("UPDATE placements SET start_date = \(start)::date WHERE id = \(placement)", logger: logger)
        try await connection.execute(
            "UPDATE check_ins SET due_on = due_on + \(shift)::integer WHERE placement_id = \(placement) AND done_on IS NULL AND NOT closed", logger: logger)
    }

    // MARK: The employer's alert

    /// The person an alert is about and the business that raises it, for a placement held
    /// with the employer's business (its own, or a shared post's it is a member of).
    struct AlertSubject: Sendable {
        let person: String
        let business: String
        let adviserID: Int64?
    }

    static func alertSubject(placement: Int64, businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> AlertSubject? {
        try await connection.rows(
            """
            SELECT c.first_name || ' ' || c.last_name AS person, b.name AS business, n.adviser_id FROM placements p
            JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
            JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = \(businessID)
            JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
            WHERE p.id = \(placement) AND p.id IN (SELECT placement_id FROM placement_businesses WHERE business_id = \(businessID))
            """, logger: logger
        ) { row in AlertSubject(person: try row.get("person"), business: try row.get("business"), adviserID: try row.get("adviser_id")) }.first
    }

    /// Records an employer's alert, as their business's (`businessID`); returns its id.
    static func addAlert(
        placement: Int64, kind: PlacementAlert.Kind, message: String, businessID: Int64, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64? {
        try await connection.value(
            """
            INSERT INTO placement_alerts (tenant_id, placement_id, kind, message, business_id, created_at, created_by)
            VALUES (\(tenantID), \(placement), \(kind.rawValue), \(message), \(businessID), \(now), \(actorID)) RETURNING id
            """, as: Int64.self, logger: logger)
    }

    // MARK: The worklist

    /// An open check-in due by the worklist's horizon, with the business it is held with (for
    /// a hire on a shared post, the member that has the person then).
    struct DueCheckIn: Sendable {
        let placementID: Int64
        let person: String
        let business: String
        let label: String
        let dueOn: Day
        let atRisk: Bool
    }

    static func due(
        by horizon: Day, businessID: Int64?, adviserID: Int64?, onlyAtRisk: Bool, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [DueCheckIn] {
        try await connection.rows(
            """
            SELECT p.id AS placement_id, c.first_name || ' ' || c.last_name AS person, b.name AS business, k.label, k.due_on, p.at_risk
            FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
            JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
            JOIN businesses b ON b.tenant_id = k.tenant_id AND b.id = coalesce(k.business_id, p.business_id)
            JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
            WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL AND k.due_on <= \(horizon)::date
              AND (\(businessID)::bigint IS NULL OR coalesce(k.business_id, p.business_id) = \(businessID))
              AND (\(adviserID)::bigint IS NULL OR n.adviser_id = \(adviserID))
              AND (NOT \(onlyAtRisk) OR p.id IN (SELECT id FROM at_risk_placements))
            ORDER BY k.due_on, k.id LIMIT \(limit)
            """, logger: logger
        ) { row in
            DueCheckIn(
                placementID: try row.get("placement_id"), person: try row.get("person"), business: try row.get("business"),
                label: try row.get("label"), dueOn: try row.get("due_on"), atRisk: try row.get("at_risk"))
        }
    }

    /// A placement at risk (`at_risk_placements`: the one definition the home page counts too).
    struct AtRisk: Sendable {
        let placementID: Int64
        let person: String
        let business: String
    }

    static func atRisk(
        businessID: Int64?, adviserID: Int64?, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [AtRisk] {
        try await connection.rows(
            """
            SELECT r.id AS placement_id, c.first_name || ' ' || c.last_name AS person, b.name AS business
            FROM at_risk_placements r
            JOIN candidates c ON c.tenant_id = r.tenant_id AND c.id = r.candidate_id
            JOIN businesses b ON b.tenant_id = r.tenant_id AND b.id = r.business_id
            JOIN job_needs n ON n.tenant_id = r.tenant_id AND n.id = r.need_id
            WHERE (\(businessID)::bigint IS NULL OR r.id IN (SELECT placement_id FROM placement_businesses WHERE business_id = \(businessID)))
              AND (\(adviserID)::bigint IS NULL OR n.adviser_id = \(adviserID))
            ORDER BY b.name, person, r.id LIMIT \(limit)
            """, logger: logger
        ) { row in AtRisk(placementID: try row.get("placement_id"), person: try row.get("person"), business: try row.get("business")) }
    }

    /// An employer's alert nobody has handled yet, with the business that raised it.
    struct OpenAlert: Sendable {
        let placementID: Int64
        let person: String
        let business: String
        let message: String
        let createdAt: Date
    }

    static func openAlerts(businessID: Int64?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [OpenAlert] {
        try await connection.rows(
            """
            SELECT p.id AS placement_id, c.first_name || ' ' || c.last_name AS person, b.name AS business, a.message, a.created_at
            FROM placement_alerts a JOIN placements p ON p.tenant_id = a.tenant_id AND p.id = a.placement_id
            JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
            JOIN businesses b ON b.tenant_id = a.tenant_id AND b.id = coalesce(a.business_id, p.business_id)
            WHERE a.handled_at IS NULL AND (\(businessID)::bigint IS NULL OR coalesce(a.business_id, p.business_id) = \(businessID))
            ORDER BY a.created_at LIMIT \(limit)
            """, logger: logger
        ) { row in
            OpenAlert(
                placementID: try row.get("placement_id"), person: try row.get("person"), business: try row.get("business"),
                message: try row.get("message"), createdAt: try row.get("created_at"))
        }
    }
}
