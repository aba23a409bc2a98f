import Foundation
import Logging
import PostgresNIO

/// What the figures count: a period and, optionally, one business, one sector (NAF
/// section), one commune (INSEE code) and one contract kind.
struct MetricsFilter: Sendable, Hashable {
    var from: Day
    var to: Day
    /// A business's SIRET: the same key in every centre and outside Renfort.
    var business: String? = nil
    var sector: String? = nil
    var commune: String? = nil
    var contract: ContractKind? = nil

    /// The longest period asked for: ten years of months.
    static let longestPeriod = 3660

    /// A period only: no business, sector, commune or contract kind.
    var isUnfiltered: Bool { business == nil && sector == nil && commune == nil && contract == nil }

    /// Reads `from`/`to` (or `du`/`au`), `business` (`entreprise`), `sector` (`secteur`),
    /// `commune` and `contract` (`contrat`); by default the twelve months up to `today`.
    /// Anything else than what the forms send is refused with a French message.
    init(query: [String: String], today: Day) throws {
        func value(_ names: String...) -> String? {
            for name in names { if let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text } }
            return nil
        }
        func day(_ text: String?, _ what: String) throws -> Day? {
            guard let text else { return nil }
            guard let day = Day(iso: text) else { throw AppError.badRequest("La date \(what) n'est pas une date valide de la forme AAAA-MM-JJ.") }
            return day
        }
        let to = try day(value("to", "au"), "de fin") ?? today
        let from = try day(value("from", "du"), "de début") ?? to.adding(months: -12).adding(days: 1)
        guard from <= to else { throw AppError.badRequest("La période commence après sa fin.") }
        guard from.distance(to: to) <= Self.longestPeriod else { throw AppError.badRequest("La période ne peut pas dépasser dix ans.") }
        self.from = from
        self.to = to
        if let siret = value("business", "entreprise") {
            guard siret.count == 14, siret.allSatisfy(\.isASCII), siret.allSatisfy(\.isNumber) else {
                throw AppError.badRequest("L'entreprise se désigne par son SIRET (14 chiffres).")
            }
            business = siret
        }
        if let sector = value("sector", "secteur") {
            guard NAFSection.all.contains(where: { $0.code == sector }) else {
                throw AppError.badRequest("Le secteur se désigne par la lettre de sa section NAF (A à U).")
            }
            self.sector = sector
        }
        if let commune = value("commune") {
            guard commune.count == 5, commune.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") }) else {
                throw AppError.badRequest("La commune se désigne par son code INSEE (5 caractères).")
            }
            self.commune = commune
        }
        if let contract = value("contract", "contrat") {
            guard let kind = ContractKind(rawValue: contract) else { throw AppError.badRequest("Ce type de contrat n'existe pas.") }
            self.contract = kind
        }
    }

    init(from: Day, to: Day, business: String? = nil, sector: String? = nil, commune: String? = nil, contract: ContractKind? = nil) {
        self.from = from
        self.to = to
        self.business = business
        self.sector = sector
        self.commune = commune
        self.contract = contract
    }

    /// The filter as query items, in the page's French names or the API's English ones.
    func queryItems(french: Bool) -> [(String, String)] {
        var items = [(french ? "du" : "from", from.iso), (french ? "au" : "to", to.iso)]
        if let business { items.append((french ? "entreprise" : "business", business)) }
        if let sector { items.append((french ? "secteur" : "sector", sector)) }
        if let commune { items.append(("commune", commune)) }
        if let contract { items.append((french ? "contrat" : "contract", contract.rawValue)) }
        return items
    }

    func query(french: Bool) -> String {
        queryItems(french: french).map { "\($0.0)=\(queryEscaped($0.1))" }.joined(separator: "&")
    }

    /// The filters as a part of a file name: `du-2018-10-01-au-2019-01-31-secteur-I-contrat-cdi`.
    var fileNamePart: String {
        var parts = ["du-\(from.iso)", "au-\(to.iso)"]
        if let business { parts.append("entreprise-\(business)") }
        if let sector { parts.append("secteur-\(sector)") }
        if let commune { parts.append("commune-\(commune)") }
        if let contract { parts.append("contrat-\(contract.rawValue)") }
        return parts.joined(separator: "-")
    }

    /// The months the period touches, as `YYYY-MM`.
    var months: [String] {
        var result: [String] = []
        var year = from.year, month = from.month
        while year < to.year || (year == to.year && month <= to.month) {
            result.append("\(year)-\(month < 10 ? "0" : "")\(month)")
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }
}

/// The sections of the French activity nomenclature (NAF rév. 2), for the sector filter.
enum NAFSection {
    static let all: [(code: String, label: String)] = [
        ("A", "Agriculture, sylviculture et pêche"), ("B", "Industries extractives"), ("C", "Industrie manufacturière"),
        ("D", "Électricité, gaz, vapeur"), ("E", "Eau, assainissement, déchets"), ("F", "Construction"),
        ("G", "Commerce, réparation d'automobiles"), ("H", "Transports et entreposage"), ("I", "Hébergement et restauration"),
        ("J", "Information et communication"), ("K", "Activités financières et d'assurance"), ("L", "Activités immobilières"),
        ("M", "Activités spécialisées, scientifiques et techniques"), ("N", "Services administratifs et de soutien"),
        ("O", "Administration publique"), ("P", "Enseignement"), ("Q", "Santé humaine et action sociale"),
        ("R", "Arts, spectacles et activités récréatives"), ("S", "Autres activités de services"),
        ("T", "Activités des ménages employeurs"), ("U", "Activités extra-territoriales"),
    ]

    static func label(_ code: String) -> String { all.first { $0.code == code }?.label ?? code }
}

/// The raw counts behind the figures of one centre, or of several added together: every
/// part adds up, so the figures of all an observer's centres are computed from the sum,
/// never by averaging rates or medians.
struct Figures: Sendable {
    struct Count: Sendable {
        var needs = 0
        var positions = 0
        var filled = 0
        mutating func add(_ other: Count) {
            needs += other.needs
            positions += other.positions
            filled += other.filled
        }
    }

    /// Retention of one start month: kept and counted at 3, 6 and 12 months, and the trial.
    struct Cohort: Sendable {
        var placements = 0
        var kept = [0, 0, 0]
        var base = [0, 0, 0]
        var trialPassed = 0
        var trialBase = 0
        mutating func add(_ other: Cohort) {
            placements += other.placements
            for i in 0..<3 {
                kept[i] += other.kept[i]
                base[i] += other.base[i]
            }
            trialPassed += other.trialPassed
            trialBase += other.trialBase
        }
    }

    /// One business's line: a class, shared rather than copied by the totals of several
    /// centres, the sorts and the figures kept (a thousand lines for five centres).
    final class Business: Sendable {
        let centre: String
        let id: Int64
        let siret: String
        let name: String
        let naf: String?
        let communeInsee: String?
        let commune: String?
        let permanent: Int
        let newlyCreated: Int
        let durable: Int
        let placements: Int
        let kept6: Int
        let base6: Int
        let fillDays: [Int]

        init(
            centre: String, id: Int64, siret: String, name: String, naf: String?, communeInsee: String?, commune: String?, permanent: Int,
            newlyCreated: Int, durable: Int, placements: Int, kept6: Int, base6: Int, fillDays: [Int] = []
        ) {
            self.centre = centre
            self.id = id
            self.siret = siret
            self.name = name
            self.naf = naf
            self.communeInsee = communeInsee
            self.commune = commune
            self.permanent = permanent
            self.newlyCreated = newlyCreated
            self.durable = durable
            self.placements = placements
            self.kept6 = kept6
            self.base6 = base6
            self.fillDays = fillDays
        }
    }

    var permanent = 0
    var newlyCreated = 0
    var durable = 0
    var placements = 0
    var seasonal = 0
    var seasonalAgain = 0
    /// Placements per start month (`YYYY-MM`) and contract kind.
    var monthly: [String: [String: Int]] = [:]
    /// Days from submission to first placement, one per need first filled in the period.
    var fillDays: [Int] = []
    var ended = Count()
    var endedHardToFill = Count()
    var cohorts: [String: Cohort] = [:]
    /// Applications created in the period that reached sourced … hired.
    var reached = [Int](repeating: 0, count: 6)
    var sources: [String: Int] = [:]
    /// Placements by the person's commune of residence.
    var residences: [String: Int] = [:]
    var hardToFillByOutcome: [String: Count] = [:]
    var hardToFillByReason: [String: Count] = [:]
    var businesses: [Business] = []

    mutating func add(_ other: Figures) {
        permanent += other.permanent
        newlyCreated += other.newlyCreated
        durable += other.durable
        placements += other.placements
        seasonal += other.seasonal
        seasonalAgain += other.seasonalAgain
        for (month, kinds) in other.monthly {
            for (kind, count) in kinds { monthly[month, default: [:]][kind, default: 0] += count }
        }
        fillDays += other.fillDays
        ended.add(other.ended)
        endedHardToFill.add(other.endedHardToFill)
        for (month, cohort) in other.cohorts { cohorts[month, default: Cohort()].add(cohort) }
        for i in 0..<reached.count { reached[i] += other.reached[i] }
        for (source, count) in other.sources { sources[source, default: 0] += count }
        for (commune, count) in other.residences { residences[commune, default: 0] += count }
        for (key, count) in other.hardToFillByOutcome { hardToFillByOutcome[key, default: Count()].add(count) }
        for (key, count) in other.hardToFillByReason { hardToFillByReason[key, default: Count()].add(count) }
        businesses += other.businesses
    }

    var total: Cohort {
        cohorts.values.reduce(into: Cohort()) { $0.add($1) }
    }

    /// A percentile as PostgreSQL's `percentile_cont` computes it (linear interpolation).
    static func percentile(_ values: [Int], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return Double(sorted[lower]) + (position - Double(lower)) * Double(sorted[upper] - sorted[lower])
    }
}

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
                       p.ended_on, p.end_reason, p.candidate_source, p.candidate_commune,
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

    /// The trial period counted: two months for a CDI, one month otherwise.
    static let trialDays = "CASE WHEN p.contract_kind IN ('cdi', 'shared_time') THEN 60 ELSE 30 END"

    /// Every figure of a centre in one statement, after the common head (`scoped`): one row,
    /// each part's groups as arrays, one column per field. One statement rather than one
    /// per part: an observer's home computes five centres at once, and each statement was a
    /// round trip with its own wake-ups on both sides (one statement instead of nine took the
    /// machine's CPU per home of five centres computed from 38 to 30 ms on the bench set,
    /// most of it the server's share). The centre's version is read in the same
    /// snapshot as the figures it stands for. Without a business, sector, commune or contract
    /// filter (the dashboards' first view, the home of several centres, most API calls) the
    /// server runs it inside `FiguresFunction`.
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
                   , count(*) FILTER (WHERE p.start_date + \(trialDays) <= $3::date
                       AND (p.end_reason IS NULL OR p.end_reason NOT IN ('trial_by_employer', 'trial_by_employee'))) AS trial_passed,
                   count(*) FILTER (WHERE p.start_date + \(trialDays) <= $3::date) AS trial_due
            FROM pl p GROUP BY 1, 2),
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
               m.*, a.*, again.*, f.*, e.*, funnel.*, o.*, r.*, l.*
        FROM (SELECT array_agg(to_char(month, 'YYYY-MM')), array_agg(kind), array_agg(n), array_agg(newly), array_agg(durable),
                     \(horizons.map { "array_agg(kept_\($0)), array_agg(due_\($0))" }.joined(separator: ", ")),
                     array_agg(trial_passed), array_agg(trial_due) FROM monthly) m,
             (SELECT array_agg(is_source), array_agg(key), array_agg(n) FROM attributes) a,
             (SELECT count(DISTINCT p.candidate_id) FROM pl p
              WHERE p.contract_kind = 'seasonal_cdd' AND EXISTS (
                  SELECT 1 FROM placements e
                  WHERE e.tenant_id = p.tenant_id AND e.candidate_id = p.candidate_id AND e.contract_kind = 'seasonal_cdd'
                    AND e.id <> p.id AND e.start_date < p.start_date AND coalesce(e.ended_on, e.end_date, e.start_date) < p.start_date)) again,
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

    static func compute(centre: String, filter: MetricsFilter, asOf: Day, on connection: PostgresConnection, logger: Logger) async throws -> Figures {
        try await computeWithVersion(centre: centre, filter: filter, asOf: asOf, on: connection, logger: logger).figures
    }

    /// The figures, and the centre's version read in the same snapshot (nil for a centre
    /// that never changed), inside the centre's transaction: the server's way for filtered
    /// figures, and the tests' reference for the unfiltered ones, which the server computes
    /// with `computeUnfiltered` (a test compares the two).
    static func computeWithVersion(
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
        guard let row = rows.first else { throw Cells.Missing() }
        return try read(row, centre: centre)
    }

    /// `AllFigures` as a function of the connection's own (`pg_temp`, created on its first
    /// call there, gone with the connection): it sets the centre for its own statement, like
    /// `need_board` (schema 0018), so the unfiltered figures need no transaction around them —
    /// one round trip per centre instead of four (BEGIN, the scope, the statement, COMMIT),
    /// on pages that compute five centres at once. The statement is `AllFigures`'s own text,
    /// not a copy; only its columns' types are written here, in order, as PostgreSQL gives
    /// them (a difference fails every unfiltered computation, hence every dashboard test).
    enum FiguresFunction {
        static let columnTypes: [String] =
            ["bigint", "text[]", "text[]"] + Array(repeating: "bigint[]", count: 3 + 2 * horizons.count + 2)
            + ["boolean[]", "text[]", "bigint[]", "bigint", "bigint[]", "integer[]"] + Array(repeating: "bigint", count: 6 + 6)
            + ["text[]", "bigint[]", "bigint[]", "bigint[]", "text[]", "bigint[]", "bigint[]", "bigint[]"]
            + ["bigint[]"] + Array(repeating: "text[]", count: 5) + Array(repeating: "bigint[]", count: 6)

        static let create = """
            CREATE OR REPLACE FUNCTION pg_temp.centre_figures(day_from date, day_to date, as_of date, centre bigint)
                RETURNS TABLE (\(columnTypes.enumerated().map { "figure_\($0.offset + 1) \($0.element)" }.joined(separator: ", ")))
                LANGUAGE plpgsql VOLATILE AS $figures$
            #variable_conflict use_column
            BEGIN
                PERFORM set_config('renfort.tenant_id', centre::text, true), set_config('renfort.user_id', '', true);
                RETURN QUERY
            \(AllFigures.sql);
            END $figures$
            """

        static let call = "SELECT * FROM pg_temp.centre_figures($1, $2, $3, $4)"

        /// The server's role may not create temporary objects in this database (its
        /// `TEMPORARY` privilege revoked): the figures are computed in a transaction instead.
        struct NotAllowed: Error {}
    }

    /// The unfiltered figures of a centre (`tenant`) without a transaction: see `FiguresFunction`.
    /// The function is created first unless `functionCreated` says the connection has it (and
    /// created then if the connection turns out not to have it after all).
    static func computeUnfiltered(
        centre: String, tenant: Int64, filter: MetricsFilter, asOf: Day, functionCreated: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws -> (version: Int64?, figures: Figures) {
        precondition(filter.isUnfiltered)
        var binds = PostgresBindings()
        binds.append(filter.from)
        binds.append(filter.to)
        binds.append(asOf)
        binds.append(tenant)
        let call = PostgresQuery(unsafeSQL: FiguresFunction.call, binds: binds)
        func create() async throws {
            do {
                try await connection.execute(PostgresQuery(unsafeSQL: FiguresFunction.create), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42501" {
                // insufficient_privilege: the server's role may not create temporary objects.
                throw FiguresFunction.NotAllowed()
            }
        }
        if !functionCreated { try await create() }
        let rows: [PostgresRow]
        do {
            rows = try await connection.rows(call, logger: logger)
        } catch let error as PSQLError where functionCreated && ["42883", "3F000"].contains(error.serverInfo?[.sqlState]) {
            // No such function (undefined_function), or not even a temporary schema yet
            // (invalid_schema_name): the connection was not the one remembered.
            try await create()
            rows = try await connection.rows(call, logger: logger)
        }
        guard let row = rows.first else { throw Cells.Missing() }
        return try read(row, centre: centre)
    }

    /// The figures from the one row of `AllFigures` (or its filtered form).
    private static func read(_ row: PostgresRow, centre: String) throws -> (version: Int64?, figures: Figures) {
        var cells = Cells(row)
        var figures = Figures()
        let version = try cells.next(Int64?.self)

        let (months, kinds, counts, newly, durable) = try (cells.strings(), cells.strings(), cells.integers(), cells.integers(), cells.integers())
        var kept: [[Int]] = [], due: [[Int]] = []
        for _ in horizons {
            kept.append(try cells.integers())
            due.append(try cells.integers())
        }
        let (trialPassed, trialDue) = try (cells.integers(), cells.integers())
        for i in months.indices {
            let (month, kind, count) = (months[i], kinds[i], counts[i])
            figures.monthly[month, default: [:]][kind] = count
            figures.placements += count
            figures.durable += durable[i]
            if kind == ContractKind.cdi.rawValue || kind == ContractKind.sharedTime.rawValue {
                figures.permanent += count
                figures.newlyCreated += newly[i]
            }
            if kind == ContractKind.seasonalCDD.rawValue { figures.seasonal += count }
            figures.cohorts[month, default: Figures.Cohort()].add(
                .init(placements: count, kept: kept.map { $0[i] }, base: due.map { $0[i] }, trialPassed: trialPassed[i], trialBase: trialDue[i]))
        }

        let (isSource, keys, attributeCounts) = try (cells.booleans(), cells.strings(), cells.integers())
        for i in keys.indices {
            if isSource[i] { figures.sources[keys[i]] = attributeCounts[i] } else { figures.residences[keys[i]] = attributeCounts[i] }
        }
        figures.seasonalAgain = try cells.next(Int.self)

        let (filledBusinesses, days) = try (cells.identifiers(), cells.integers())
        figures.fillDays = days
        var daysByBusiness: [Int64: [Int]] = [:]
        for (business, days) in zip(filledBusinesses, days) { daysByBusiness[business, default: []].append(days) }

        figures.ended = try .init(needs: cells.next(), positions: cells.next(), filled: cells.next())
        figures.endedHardToFill = try .init(needs: cells.next(), positions: cells.next(), filled: cells.next())
        figures.reached = try (0..<6).map { _ in try cells.next(Int.self) }

        for byKey in [\Figures.hardToFillByOutcome, \Figures.hardToFillByReason] {
            let (keys, needs, positions, filled) = try (cells.strings(), cells.integers(), cells.integers(), cells.integers())
            for i in keys.indices { figures[keyPath: byKey][keys[i]] = .init(needs: needs[i], positions: positions[i], filled: filled[i]) }
        }

        let (ids, sirets, names, nafs, insees, communes) = try (
            cells.identifiers(), cells.strings(), cells.strings(), cells.strings(), cells.strings(), cells.strings())
        let (permanent, newlyCreated, durableJobs, placements, kept6, due6) = try (
            cells.integers(), cells.integers(), cells.integers(), cells.integers(), cells.integers(), cells.integers())
        figures.businesses = ids.indices.map { i in
            Figures.Business(
                centre: centre, id: ids[i], siret: sirets[i], name: names[i], naf: nafs[i].isEmpty ? nil : nafs[i],
                communeInsee: insees[i].isEmpty ? nil : insees[i], commune: communes[i].isEmpty ? nil : communes[i],
                permanent: permanent[i], newlyCreated: newlyCreated[i], durable: durableJobs[i], placements: placements[i],
                kept6: kept6[i], base6: due6[i], fillDays: daysByBusiness[ids[i]] ?? [])
        }
        // Most permanent posts first, then by name in the database's order (C.UTF-8: the
        // code points', as UTF-8's bytes compare).
        figures.businesses.sort { a, b in
            if a.permanent != b.permanent { return a.permanent > b.permanent }
            if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
            return a.id < b.id
        }
        return (version, figures)
    }

    /// A row's cells read in order, each decoded as the type asked.
    struct Cells {
        struct Missing: Error {}
        private var iterator: PostgresRow.Iterator

        init(_ row: PostgresRow) { iterator = row.makeIterator() }

        mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
            guard let cell = iterator.next() else { throw Missing() }
            return try cell.decode(T.self)
        }

        /// Arrays of integers, strings and booleans, read from their binary form; `array_agg`
        /// of no rows is NULL, read as empty. PostgresNIO's generic array decoding, through a
        /// protocol witness and a cast per element, was a fifth of the server's time on an
        /// observer's home computed afresh.
        mutating func integers() throws -> [Int] { try elements { Self.integer($0, &$1).map(Int.init) } }
        mutating func identifiers() throws -> [Int64] { try elements { Self.integer($0, &$1) } }
        mutating func strings() throws -> [String] {
            try elements { element, bytes in
                element == PostgresDataType.text.rawValue || element == PostgresDataType.varchar.rawValue ? bytes.readString(length: bytes.readableBytes) : nil
            }
        }
        mutating func booleans() throws -> [Bool] {
            try elements { element, bytes in
                element == PostgresDataType.bool.rawValue && bytes.readableBytes == 1 ? bytes.readInteger(as: UInt8.self).map { $0 != 0 } : nil
            }
        }

        struct Malformed: Error {
            let column: String
        }

        /// A one-dimensional array without NULLs, each element read by `read` from its bytes
        /// given the array's element type (nil for a type it does not read).
        private mutating func elements<T>(_ read: (UInt32, inout ByteBuffer) -> T?) throws -> [T] {
            guard let cell = iterator.next() else { throw Missing() }
            guard var bytes = cell.bytes else { return [] }
            guard cell.format == .binary, let (dimensions, _, element) = bytes.readMultipleIntegers(as: (Int32, Int32, UInt32).self) else {
                throw Malformed(column: cell.columnName)
            }
            if dimensions == 0 { return [] }
            guard dimensions == 1, let (count, _) = bytes.readMultipleIntegers(as: (Int32, Int32).self), count >= 0 else {
                throw Malformed(column: cell.columnName)
            }
            var values: [T] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let length = bytes.readInteger(as: Int32.self), length >= 0, var value = bytes.readSlice(length: Int(length)),
                    let read = read(element, &value)
                else { throw Malformed(column: cell.columnName) }
                values.append(read)
            }
            return values
        }

        private static func integer(_ element: UInt32, _ bytes: inout ByteBuffer) -> Int64? {
            switch (element, bytes.readableBytes) {
            case (PostgresDataType.int8.rawValue, 8): bytes.readInteger(as: Int64.self)
            case (PostgresDataType.int4.rawValue, 4): bytes.readInteger(as: Int32.self).map(Int64.init)
            case (PostgresDataType.int2.rawValue, 2): bytes.readInteger(as: Int16.self).map(Int64.init)
            default: nil
            }
        }
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
