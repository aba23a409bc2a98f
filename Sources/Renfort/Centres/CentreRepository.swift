import Foundation
import Logging
import PostgresNIO

/// A centre as its public pages show it (the join request).
struct PublicCentre: Sendable {
    let id: Int64
    let slug: String
    let name: String
    let territory: String
}

/// What the adviser's home counts of the follow-ups.
struct FollowUpCounts: Sendable {
    let overdue: Int
    let thisWeek: Int
    let atRisk: Int
    let alerts: Int
}

/// The SQL of the centres themselves and of the counts their home pages show.
enum CentreRepository {
    /// A centre by its address, without any centre set (centres are not a tenant table).
    static func publicCentre(slug: String, on connection: PostgresConnection, logger: Logger) async throws -> PublicCentre? {
        try await connection.rows("SELECT id, slug, name, territory FROM centres WHERE slug = \(slug)", logger: logger) { row in
            PublicCentre(id: try row.get("id"), slug: try row.get("slug"), name: try row.get("name"), territory: try row.get("territory"))
        }.first
    }

    /// In the caller's transaction (centre set): the centre's member businesses.
    static func memberCount(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            "SELECT count(*) FROM businesses WHERE status = \(BusinessStatus.member.rawValue)", as: Int.self, logger: logger) ?? 0
    }

    /// In the caller's transaction (centre set): check-ins overdue and due this week, placements
    /// at risk, employers' alerts not yet handled.
    static func followUpCounts(today: Day, on connection: PostgresConnection, logger: Logger) async throws -> FollowUpCounts {
        try await connection.rows(
            """
            SELECT count(*) FILTER (WHERE k.due_on < \(today)::date) AS overdue,
                   count(*) FILTER (WHERE k.due_on BETWEEN \(today)::date AND \(today)::date + 7) AS this_week,
                   (SELECT count(*) FROM at_risk_placements) AS at_risk,
                   (SELECT count(*) FROM placement_alerts WHERE handled_at IS NULL) AS alerts
            FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
            WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL
            """, logger: logger
        ) { row in
            FollowUpCounts(overdue: try row.get("overdue"), thisWeek: try row.get("this_week"), atRisk: try row.get("at_risk"), alerts: try row.get("alerts"))
        }.first ?? FollowUpCounts(overdue: 0, thisWeek: 0, atRisk: 0, alerts: 0)
    }
}
