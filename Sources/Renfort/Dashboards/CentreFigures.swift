import Logging
import PostgresNIO

/// The SQL of the metrics (DESIGN.md, "Metrics"), in one centre's transaction. Pages,
/// exports and the API all read their figures from here.
enum CentreFigures {
    /// The retention horizons, in months.
    static let horizons = [3, 6, 12]
    /// Below this, a count broken down by a candidate's attribute is not shown.
    static let smallestShownCount = 3
    /// The stages of the funnel, in order (SQL's `stage_rank` 1 to 6); an application that
    /// reached one passed the ones before.
    static let funnelStages: [ApplicationStage] = ApplicationStage.board

    /// The common head of every query: the businesses `fb` the filter keeps, their placements
    /// started in the period `pl` (the columns the figures read, from one index: schema 0015,
    /// and each placement's retention and contract flags, computed once), and their needs
    /// `nd`. Only the filters in use become
    /// conditions, each value a parameter, so that the planner sees plain predicates and
    /// estimates them. Bodies write `$1::date` and `$2::date` for the period, `$3::date` for
    /// the day of the figures.
    static func scoped(_ filter: MetricsFilter, asOf: Day, _ body: String) -> PostgresQuery {
        var binds = PostgresBindings()
        func parameter(_ value: String) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        // The period is always $1 and $2, the day of the figures $3 (sent as dates): bodies write them as they are.
        binds.append(filter.from)
        binds.append(filter.to)
        binds.append(asOf)
        var businesses = ["true"]
        if let business = filter.business { businesses.append("b.siret = \(parameter(business))") }
        if let sector = filter.sector { businesses.append("naf_section(b.naf_code) = \(parameter(sector))") }
        if let commune = filter.commune { businesses.append("b.commune_insee = \(parameter(commune))") }
        let contract = filter.contract.map { parameter($0.rawValue) }
        // Row-level security keeps every table to the centre; the business filters become a
        // semi-join on `businesses` only when one is set (the planner estimates those well).
        let kept = businesses.count > 1 ? " AND business_id IN (SELECT b.id FROM businesses b WHERE \(businesses.joined(separator: " AND ")))" : ""
        let sql = """
            WITH fb AS (
                SELECT b.tenant_id, b.id, b.siret, b.name, b.naf_code, b.commune_insee, b.commune_name, b.status FROM businesses b
                WHERE \(businesses.joined(separator: " AND "))),
            pl AS (
                SELECT p.tenant_id, p.id, p.business_id, p.candidate_id, p.contract_kind, p.start_date, p.newly_created, p.end_date,
                       p.ended_on, p.end_reason, p.candidate_source, p.candidate_commune, p.start_date + p.trial_days AS trial_over_on,
                       \(horizons.map { "\(Self.due($0)) AS due_\($0), \(Self.kept($0)) AS kept_\($0)" }.joined(separator: ",\n           "))
                       , \(permanent) AS permanent, \(durable) AS durable
                FROM placements p
                WHERE p.start_date BETWEEN $1::date AND $2::date\(kept)\(contract.map { " AND p.contract_kind = \($0)" } ?? "")),
            nd AS NOT MATERIALIZED (
                SELECT n.* FROM job_needs n
                WHERE true\(kept)\(contract.map { " AND n.contract_kind = \($0)" } ?? ""))
            \(body)
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// CDI (shared-time CDI included), or a fixed-term contract of six months or more.
    static let durable = "(p.contract_kind IN ('cdi', 'shared_time') OR (p.end_date IS NOT NULL AND p.end_date >= (p.start_date + interval '6 months')::date))"
    static let permanent = "p.contract_kind IN ('cdi', 'shared_time')"

    /// Still in the job `months` after the start: not ended by then, or a fixed-term
    /// contract that ran to its planned end (an end that is not a failure of retention).
    static func kept(_ months: Int) -> String {
        "(p.ended_on IS NULL OR p.ended_on >= (p.start_date + interval '\(months) months')::date OR (p.end_date IS NOT NULL AND p.ended_on >= p.end_date))"
    }

    static func due(_ months: Int) -> String {
        "(p.start_date + interval '\(months) months')::date <= $3::date"
    }

    /// The employment ended inside its trial period (the placement's own, fixed at hire from
    /// the centre's settings: schema 0080; `trial_over_on` is its first day after), whatever
    /// the recorded reason.
    static let endedInTrial = "(p.ended_on IS NOT NULL AND p.ended_on < p.trial_over_on)"
    /// The outcome of the trial is known: it is over at the day of the figures, or the
    /// employment ended inside it.
    static let trialKnown = "(p.trial_over_on <= $3::date OR \(endedInTrial))"
    /// A fixed-term contract (one with a planned end) that is over at the day of the figures.
    static let fixedTermOver = "(p.end_date IS NOT NULL AND p.contract_kind NOT IN ('cdi', 'shared_time') AND coalesce(p.ended_on, p.end_date) <= $3::date)"
    /// Days after the end of a fixed-term contract within which the same person's next placement
    /// counts (day 90 counts, day 91 does not).
    static let followedWithinDays = 90

    /// Every figure of a centre in one statement, after the common head (`scoped`): one row,
    /// each part's groups as arrays, one column per field. One statement rather than one
    /// per part: an observer's home computes five centres at once, and each statement was a
    /// round trip with its own wake-ups on both sides (one statement instead of nine took the
    /// machine's CPU per home of five centres computed from 38 to 30 ms on the bench set,
    /// most of it the server's share). The centre's version is read in the same
    /// snapshot as the figures it stands for. Without a business, sector, commune or contract
    /// filter (the dashboards' first view, the home of several centres, most API calls) the
    /// statement is prepared once per connection (its planning cost more than a third of
    /// the database's time).
    enum AllFigures: StatementText {
        static let sql = unfiltered(body(filtered: false))
    }

    /// The unfiltered statement: `scoped`'s head with no filter, then `body`.
    static func unfiltered(_ body: String) -> String {
        let day = Day(iso: "2000-01-01")!
        return scoped(MetricsFilter(from: day, to: day), asOf: day, body).sql
    }

    /// The parts, each a CTE aggregated into one row of arrays in the final `FROM`:
    /// - `monthly`: placements by start month and contract kind; the totals, the monthly
    ///   chart and the retention cohorts all add up from these groups;
    /// - `attributes`: sources of hire and communes of residence (the candidate's, copied on
    ///   each placement: schema 0015; two grouping sets), and `again`: the seasonal workers hired again,
    ///   people with a seasonal contract in the period who had an earlier one, ended before
    ///   it began;
    /// - `filled`: time to fill, needs whose first placement (of any period) started in this
    ///   one (`first_start`, kept by a trigger on placements: schema 0009);
    /// - `ended`: fill rate, needs that ended (filled, closed or cancelled) in the period
    ///   (`ended_at`, the last such event, kept by a trigger on the needs' events: schema 0009);
    /// - the funnel: applications created in the period by the furthest stage they reached
    ///   (`furthest_rank`, kept by triggers: schema 0008), added up from the counts per day
    ///   (schema 0016), or counted among the applications to the needs kept when a filter is set;
    /// - `hard`: hard-to-fill needs active in the period (submitted by its end, not ended
    ///   before its start), by outcome and by reason;
    /// - `lines`: per business, the members and any business with a placement in the period
    ///   (the placements counted by business first: a join of 200 rows, not of every placement).
    /// The funnel from its counts per day (schema 0016): applications created in the period
    /// that reached each stage.
    static let funnel = """
        SELECT \((1...6).map { rank in "coalesce(sum(\((rank...6).map { "f.furthest_\($0)" }.joined(separator: " + "))), 0)" }.joined(separator: ", "))
                  FROM funnel_days f WHERE f.day BETWEEN $1::date AND $2::date
        """

    /// The funnel when a filter is set: the applications to the needs it keeps.
    static let filteredFunnel = """
        SELECT count(*), count(*) FILTER (WHERE a.furthest_rank >= 2), count(*) FILTER (WHERE a.furthest_rank >= 3),
                     count(*) FILTER (WHERE a.furthest_rank >= 4), count(*) FILTER (WHERE a.furthest_rank >= 5),
                     count(*) FILTER (WHERE a.furthest_rank >= 6)
              FROM applications a
              WHERE a.created_at >= $1::date::timestamp AT TIME ZONE 'Europe/Paris'
                AND a.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris'
                AND a.need_id IN (SELECT id FROM nd)
        """

    static func body(filtered: Bool) -> String {
        """
        , monthly AS (
            SELECT p.start_date - (extract(day FROM p.start_date)::int - 1) AS month, p.contract_kind AS kind, count(*) AS n,
                   count(*) FILTER (WHERE p.newly_created) AS newly, count(*) FILTER (WHERE p.durable) AS durable,
                   \(horizons.map { "count(*) FILTER (WHERE p.due_\($0) AND p.kept_\($0)) AS kept_\($0), count(*) FILTER (WHERE p.due_\($0)) AS due_\($0)" }.joined(separator: ",\n           "))
                   , count(*) FILTER (WHERE \(trialKnown) AND NOT \(endedInTrial)) AS trial_passed,
                   count(*) FILTER (WHERE \(trialKnown)) AS trial_due,
                   count(*) FILTER (WHERE \(endedInTrial)) AS ended_in_trial,
                   count(*) FILTER (WHERE p.ended_on IS NOT NULL AND NOT \(endedInTrial)) AS ended_after_trial
            FROM pl p GROUP BY 1, 2),
        fixed_term AS (
            SELECT EXISTS (
                       SELECT 1 FROM (
                           SELECT e.contract_kind, e.start_date, e.end_date FROM placements e
                           WHERE e.tenant_id = p.tenant_id AND e.candidate_id = p.candidate_id AND e.start_date > p.start_date
                           ORDER BY e.start_date, e.id LIMIT 1) next
                       WHERE next.start_date <= coalesce(p.ended_on, p.end_date) + \(followedWithinDays)
                         AND (next.contract_kind IN ('cdi', 'shared_time')
                              OR (next.end_date IS NOT NULL AND next.end_date >= (next.start_date + interval '6 months')::date))) AS followed
            FROM pl p WHERE \(fixedTermOver)),
        attributes AS (
            SELECT grouping(p.candidate_source) = 0 AS is_source,
                   CASE WHEN grouping(p.candidate_source) = 0 THEN p.candidate_source ELSE coalesce(nullif(p.candidate_commune, ''), '—') END AS key,
                   count(*) AS n
            FROM pl p GROUP BY GROUPING SETS ((p.candidate_source), (coalesce(nullif(p.candidate_commune, ''), '—')))),
        filled AS (
            SELECT n.business_id, greatest(n.first_start - (n.submitted_at AT TIME ZONE 'Europe/Paris')::date, 0) AS days
            FROM nd n WHERE n.first_start BETWEEN $1::date AND $2::date),
        ended AS (
            SELECT n.positions, n.positions_filled, n.hard_to_fill FROM nd n
            WHERE n.status IN ('filled', 'closed', 'cancelled')
              AND n.ended_at >= $1::date::timestamp AT TIME ZONE 'Europe/Paris'
              AND n.ended_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris'),
        hard AS (
            SELECT n.status, n.positions, n.positions_filled, n.hard_to_fill_reasons FROM nd n
            WHERE n.hard_to_fill AND n.submitted_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris'
              AND (n.status NOT IN ('filled', 'closed', 'cancelled') OR n.ended_at IS NULL
                   OR n.ended_at >= $1::date::timestamp AT TIME ZONE 'Europe/Paris')),
        by_outcome AS (
            SELECT status AS key, count(*) AS needs, sum(positions) AS positions, sum(positions_filled) AS filled FROM hard GROUP BY 1),
        by_reason AS (
            SELECT r AS key, count(*) AS needs, sum(positions) AS positions, sum(positions_filled) AS filled
            FROM hard, unnest(hard_to_fill_reasons) r GROUP BY 1),
        per_business AS (
            SELECT p.business_id, count(*) FILTER (WHERE p.permanent) AS permanent, count(*) FILTER (WHERE p.permanent AND p.newly_created) AS newly,
                   count(*) FILTER (WHERE p.durable) AS durable, count(*) AS placements,
                   count(*) FILTER (WHERE p.due_6 AND p.kept_6) AS kept_6, count(*) FILTER (WHERE p.due_6) AS due_6
            FROM pl p GROUP BY 1),
        lines AS (
            SELECT b.id, b.siret, b.name, coalesce(b.naf_code, '') AS naf, coalesce(b.commune_insee, '') AS insee,
                   coalesce(b.commune_name, '') AS commune, coalesce(x.permanent, 0) AS permanent, coalesce(x.newly, 0) AS newly,
                   coalesce(x.durable, 0) AS durable, coalesce(x.placements, 0) AS placements, coalesce(x.kept_6, 0) AS kept_6,
                   coalesce(x.due_6, 0) AS due_6
            FROM fb b LEFT JOIN per_business x ON x.business_id = b.id
            WHERE b.status = 'member' OR x.business_id IS NOT NULL)
        SELECT (SELECT version FROM centre_versions WHERE centre_id = app_tenant_id()),
               m.*, a.*, again.*, ft.*, f.*, e.*, funnel.*, o.*, r.*, l.*
        FROM (SELECT array_agg(to_char(month, 'YYYY-MM')), array_agg(kind), array_agg(n), array_agg(newly), array_agg(durable),
                     \(horizons.map { "array_agg(kept_\($0)), array_agg(due_\($0))" }.joined(separator: ", ")),
                     array_agg(trial_passed), array_agg(trial_due), array_agg(ended_in_trial), array_agg(ended_after_trial) FROM monthly) m,
             (SELECT array_agg(is_source), array_agg(key), array_agg(n) FROM attributes) a,
             (SELECT count(DISTINCT p.candidate_id) FROM pl p
              WHERE p.contract_kind = 'seasonal_cdd' AND EXISTS (
                  SELECT 1 FROM placements e
                  WHERE e.tenant_id = p.tenant_id AND e.candidate_id = p.candidate_id AND e.contract_kind = 'seasonal_cdd'
                    AND e.id <> p.id AND e.start_date < p.start_date AND coalesce(e.ended_on, e.end_date, e.start_date) < p.start_date)) again,
             (SELECT count(*), count(*) FILTER (WHERE followed) FROM fixed_term) ft,
             (SELECT array_agg(business_id), array_agg(days) FROM filled) f,
             (SELECT count(*), coalesce(sum(positions), 0), coalesce(sum(positions_filled), 0),
                     count(*) FILTER (WHERE hard_to_fill), coalesce(sum(positions) FILTER (WHERE hard_to_fill), 0),
                     coalesce(sum(positions_filled) FILTER (WHERE hard_to_fill), 0)
              FROM ended) e,
             (\(filtered ? filteredFunnel : funnel)) funnel,
             (SELECT array_agg(key), array_agg(needs), array_agg(positions), array_agg(filled) FROM by_outcome) o,
             (SELECT array_agg(key), array_agg(needs), array_agg(positions), array_agg(filled) FROM by_reason) r,
             (SELECT array_agg(id), array_agg(siret), array_agg(name), array_agg(naf), array_agg(insee), array_agg(commune),
                     array_agg(permanent), array_agg(newly), array_agg(durable), array_agg(placements), array_agg(kept_6), array_agg(due_6)
              FROM lines) l
        """
    }

    /// The figures, and the centre's version read in the same snapshot (nil for a centre
    /// that never changed), in the centre's transaction (`connection`'s: row-level security
    /// keeps every table to the centre).
    static func compute(
        centre: String, filter: MetricsFilter, asOf: Day, on connection: PostgresConnection, logger: Logger
    ) async throws -> (version: Int64?, figures: Figures) {
        let rows: [PostgresRow]
        if filter.isUnfiltered {
            var binds = PostgresBindings()
            binds.append(filter.from)
            binds.append(filter.to)
            binds.append(asOf)
            rows = try await connection.rows(Prepared<AllFigures>(binds), logger: logger)
        } else {
            rows = try await connection.rows(scoped(filter, asOf: asOf, body(filtered: true)), logger: logger)
        }
        guard let row = rows.first else { throw FigureRow.Missing() }
        return try FigureRow.read(row, centre: centre)
    }

    /// The choices of the filters: the centre's businesses, sectors and communes.
    static func choices(on connection: PostgresConnection, logger: Logger) async throws -> FigureChoices {
        var choices = FigureChoices()
        for (kind, value, label) in try await connection.all(
            """
            SELECT 'b', siret, name FROM businesses WHERE status = 'member'
            UNION ALL
            SELECT DISTINCT 's', naf_section(naf_code), '' FROM businesses WHERE status = 'member' AND naf_section(naf_code) IS NOT NULL
            UNION ALL
            SELECT 'c', commune_insee, min(commune_name) FROM businesses WHERE status = 'member' AND commune_insee IS NOT NULL GROUP BY commune_insee
            ORDER BY 1, 3, 2
            """, as: (String.self, String.self, String.self), logger: logger)
        {
            switch kind {
            case "b": choices.businesses.append((value, label))
            case "s": choices.sectors.append(value)
            default: choices.communes.append((value, label))
            }
        }
        return choices
    }
}
