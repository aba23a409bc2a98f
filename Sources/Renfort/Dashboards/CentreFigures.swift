import Foundation
import Logging
import PostgresNIO

/// The figures of a centre for a period, every one computed in SQL from the raw rows.
/// Pages, exports and the API all read them from here.
struct CentreMetrics: Sendable, Codable {
    struct BusinessLine: Sendable, Codable {
        let siret: String
        let name: String
        let sector: String?
        let commune: String?
        let permanent_posts_created: Int
        let newly_created: Int
        let durable_jobs: Int
        let placements: Int
        let median_days_to_fill: Double?
        let retention_6_months: Double?
        let retention_6_months_base: Int
    }

    struct Retention: Sendable, Codable {
        let months: Int
        let rate: Double?
        let placements: Int
    }

    let from: String
    let to: String
    let permanent_posts_created: Int
    let newly_created_permanent_posts: Int
    let durable_jobs: Int
    let placements: Int
    let placements_by_contract: [String: Int]
    let median_days_to_fill: Double?
    let p75_days_to_fill: Double?
    let fill_rate: Double?
    let fill_rate_hard_to_fill: Double?
    let retention: [Retention]
    let trial_passed_rate: Double?
    let trial_passed_base: Int
    let businesses: [BusinessLine]
}

/// The SQL of the metrics (DESIGN.md, "Metrics"), in the centre's transaction.
enum CentreFigures {
    /// A fixed-term contract of six months or more is a durable job, as is a CDI.
    static let durable = "(p.contract_kind IN ('cdi', 'shared_time') OR (p.end_date IS NOT NULL AND p.end_date - p.start_date >= 182))"

    static func compute(from: Day, to: Day, asOf: Day, on connection: PostgresConnection, logger: Logger) async throws -> CentreMetrics {
        let f = from.iso, t = to.iso, now = asOf.iso
        guard let totals = try await connection.first(
            """
            SELECT count(*) FILTER (WHERE p.contract_kind IN ('cdi', 'shared_time')),
                   count(*) FILTER (WHERE p.contract_kind IN ('cdi', 'shared_time') AND p.newly_created),
                   count(*) FILTER (WHERE \(unescaped: durable)),
                   count(*)
            FROM placements p WHERE p.start_date BETWEEN \(f)::date AND \(t)::date
            """, as: (Int.self, Int.self, Int.self, Int.self), logger: logger)
        else { throw MetricsError.noRow }
        var byContract: [String: Int] = [:]
        for (kind, count) in try await connection.all(
            "SELECT contract_kind, count(*) FROM placements WHERE start_date BETWEEN \(f)::date AND \(t)::date GROUP BY contract_kind",
            as: (String.self, Int.self), logger: logger)
        {
            byContract[kind] = count
        }
        // Time to fill: from the need's submission to its first placement's start, for needs
        // whose first placement started in the period.
        let fill = try await connection.first(
            """
            WITH firsts AS (
                SELECT n.id, min(p.start_date) - n.submitted_at::date AS days
                FROM job_needs n JOIN placements p ON p.tenant_id = n.tenant_id AND p.need_id = n.id
                GROUP BY n.id, n.submitted_at)
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(days, 0)), percentile_cont(0.75) WITHIN GROUP (ORDER BY greatest(days, 0))
            FROM firsts f JOIN job_needs n ON n.id = f.id
            WHERE (SELECT min(p.start_date) FROM placements p WHERE p.need_id = n.id) BETWEEN \(f)::date AND \(t)::date
            """, as: (Double?.self, Double?.self), logger: logger)
        // Fill rate: positions filled over positions requested, for needs that ended (filled,
        // closed or cancelled) in the period.
        let rates = try await connection.first(
            """
            WITH ended AS (
                SELECT n.id, n.positions, n.positions_filled, n.hard_to_fill FROM job_needs n
                WHERE n.status IN ('filled', 'closed', 'cancelled')
                  AND (SELECT max(e.at)::date FROM job_need_events e WHERE e.need_id = n.id AND e.to_status IN ('filled', 'closed', 'cancelled'))
                      BETWEEN \(f)::date AND \(t)::date)
            SELECT sum(positions_filled)::float8 / nullif(sum(positions), 0),
                   sum(positions_filled) FILTER (WHERE hard_to_fill)::float8 / nullif(sum(positions) FILTER (WHERE hard_to_fill), 0)
            FROM ended
            """, as: (Double?.self, Double?.self), logger: logger)
        // Retention: among placements started in the period and at least N months ago, the
        // share still in the job N months after their start (a fixed-term contract that
        // reached its planned end counts as kept).
        var retention: [CentreMetrics.Retention] = []
        for months in [3, 6, 12] {
            let row = try await connection.first(
                """
                SELECT count(*) FILTER (WHERE p.ended_on IS NULL OR p.ended_on >= (p.start_date + \(months) * interval '1 month')::date
                                           OR (p.end_date IS NOT NULL AND p.ended_on >= p.end_date)),
                       count(*)
                FROM placements p
                WHERE p.start_date BETWEEN \(f)::date AND \(t)::date
                  AND (p.start_date + \(months) * interval '1 month')::date <= \(now)::date
                """, as: (Int.self, Int.self), logger: logger)
            let kept = row?.0 ?? 0, base = row?.1 ?? 0
            retention.append(.init(months: months, rate: base == 0 ? nil : Double(kept) / Double(base), placements: base))
        }
        let trial = try await connection.first(
            """
            SELECT count(*) FILTER (WHERE p.end_reason IS NULL OR p.end_reason NOT IN ('trial_by_employer', 'trial_by_employee')), count(*)
            FROM placements p
            WHERE p.start_date BETWEEN \(f)::date AND \(t)::date
              AND p.start_date + CASE WHEN p.contract_kind IN ('cdi', 'shared_time') THEN 60 ELSE 30 END <= \(now)::date
            """, as: (Int.self, Int.self), logger: logger)
        let businesses = try await connection.all(
            """
            WITH firsts AS (
                SELECT n.business_id, min(p.start_date) - n.submitted_at::date AS days, min(p.start_date) AS first_start
                FROM job_needs n JOIN placements p ON p.tenant_id = n.tenant_id AND p.need_id = n.id
                GROUP BY n.id, n.business_id, n.submitted_at)
            SELECT b.siret, b.name, b.naf_code, b.commune_name,
                   count(p.id) FILTER (WHERE p.contract_kind IN ('cdi', 'shared_time')),
                   count(p.id) FILTER (WHERE p.contract_kind IN ('cdi', 'shared_time') AND p.newly_created),
                   count(p.id) FILTER (WHERE \(unescaped: durable)),
                   count(p.id),
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(f.days, 0)) FROM firsts f
                     WHERE f.business_id = b.id AND f.first_start BETWEEN \(f)::date AND \(t)::date),
                   count(p.id) FILTER (WHERE (p.start_date + interval '6 months')::date <= \(now)::date
                       AND (p.ended_on IS NULL OR p.ended_on >= (p.start_date + interval '6 months')::date OR (p.end_date IS NOT NULL AND p.ended_on >= p.end_date))),
                   count(p.id) FILTER (WHERE (p.start_date + interval '6 months')::date <= \(now)::date)
            FROM businesses b
            LEFT JOIN placements p ON p.tenant_id = b.tenant_id AND p.business_id = b.id AND p.start_date BETWEEN \(f)::date AND \(t)::date
            WHERE b.status = 'member'
            GROUP BY b.id, b.siret, b.name, b.naf_code, b.commune_name
            ORDER BY 5 DESC, b.name
            """, as: (String.self, String.self, String?.self, String?.self, Int.self, Int.self, Int.self, Int.self, Double?.self, Int.self, Int.self), logger: logger
        ).map {
            CentreMetrics.BusinessLine(
                siret: $0.0, name: $0.1, sector: $0.2, commune: $0.3, permanent_posts_created: $0.4, newly_created: $0.5, durable_jobs: $0.6,
                placements: $0.7, median_days_to_fill: $0.8, retention_6_months: $0.10 == 0 ? nil : Double($0.9) / Double($0.10),
                retention_6_months_base: $0.10)
        }
        return CentreMetrics(
            from: f, to: t, permanent_posts_created: totals.0, newly_created_permanent_posts: totals.1, durable_jobs: totals.2, placements: totals.3,
            placements_by_contract: byContract, median_days_to_fill: fill?.0 ?? nil, p75_days_to_fill: fill?.1 ?? nil,
            fill_rate: rates?.0 ?? nil, fill_rate_hard_to_fill: rates?.1 ?? nil, retention: retention,
            trial_passed_rate: (trial?.1 ?? 0) == 0 ? nil : Double(trial?.0 ?? 0) / Double(trial?.1 ?? 1), trial_passed_base: trial?.1 ?? 0,
            businesses: businesses)
    }

    enum MetricsError: Error { case noRow }
}
