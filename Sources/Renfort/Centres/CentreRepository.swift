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

    /// The adviser's home page's counts, in one statement prepared once per connection: the
    /// member businesses, the join requests waiting, check-ins overdue and due this week,
    /// placements at risk and employers' alerts not yet handled. $1: today.
    enum HomeCounts: StatementText {
        static let sql = """
            SELECT (SELECT count(*) FROM businesses WHERE status = '\(BusinessStatus.member.rawValue)') AS members,
                   (SELECT count(*) FROM businesses WHERE status = '\(BusinessStatus.pending.rawValue)') AS pending_joins,
                   count(*) FILTER (WHERE k.due_on < $1::date) AS overdue,
                   count(*) FILTER (WHERE k.due_on BETWEEN $1::date AND $1::date + 7) AS this_week,
                   (SELECT count(*) FROM at_risk_placements) AS at_risk,
                   (SELECT count(*) FROM placement_alerts WHERE handled_at IS NULL) AS alerts
            FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
            WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL
            """
    }

    /// In the caller's transaction (centre set): the counts of the adviser's home.
    static func homeCounts(today: Day, on connection: PostgresConnection, logger: Logger) async throws -> (members: Int, pendingJoins: Int, followUps: FollowUpCounts) {
        var bindings = PostgresBindings()
        bindings.append(today)
        guard let row = try await connection.rows(Prepared<HomeCounts>(bindings), logger: logger).first?.makeRandomAccess() else {
            return (0, 0, FollowUpCounts(overdue: 0, thisWeek: 0, atRisk: 0, alerts: 0))
        }
        return (
            try row.get("members"), try row.get("pending_joins"),
            FollowUpCounts(overdue: try row.get("overdue"), thisWeek: try row.get("this_week"), atRisk: try row.get("at_risk"), alerts: try row.get("alerts"))
        )
    }
}
