import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// A second small centre built by hand for the breakdowns: filters, the funnel, sources,
/// seasonal workers hired again, hard-to-fill needs, cohorts, and several centres added up.
@Suite struct BreakdownTests {
    let logger = TestEnvironment.logger
    static let period = MetricsFilter(from: Day(iso: "2026-01-01")!, to: Day(iso: "2026-06-30")!)
    static let asOf = Day(iso: "2026-07-20")!

    /// Builds the centre and returns the figures of each filter asked for.
    func figures(_ filters: [MetricsFilter]) async throws -> [Figures] {
        try await TestDatabase.withFresh { database in
            try await database.asOwner { client -> [Figures] in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let centre = try await db.withTransaction(logger: logger) { connection in
                    try await connection.value("INSERT INTO centres (slug, name, territory) VALUES ('essai', 'Centre d''essai', 'Lot') RETURNING id", as: Int64.self, logger: logger)!
                }
                return try await db.withTransaction(tenant: centre, logger: logger) { connection in
                    func id(_ sql: String) async throws -> Int64 { try await connection.value(PostgresQuery(unsafeSQL: sql), as: Int64.self, logger: logger)! }
                    func exec(_ sql: String) async throws { try await connection.execute(PostgresQuery(unsafeSQL: sql), logger: logger) }
                    let alpha = try await id("INSERT INTO businesses (tenant_id, siret, name, naf_code, commune_insee, commune_name) VALUES (\(centre), '73282932000074', 'Alpha', '56.10A', '46042', 'Cahors') RETURNING id")
                    let beta = try await id("INSERT INTO businesses (tenant_id, siret, name, naf_code, commune_insee, commune_name) VALUES (\(centre), '35600000000056', 'Beta', '01.21Z', '46182', 'Luzech') RETURNING id")
                    func need(_ business: Int64, _ contract: String, positions: Int, filled: Int, hard: [String], submitted: String, status: String, endedAt: String? = nil) async throws -> Int64 {
                        let seasonal = contract == "seasonal_cdd" ? "'2026-05-01', '2026-06-30'" : "NULL, NULL"
                        let need = try await id("""
                            INSERT INTO job_needs (tenant_id, business_id, title, description, contract_kind, full_time, hours_per_week, positions, positions_filled,
                                wished_start, end_date, season_start, season_end, place_name, newly_created, hard_to_fill, hard_to_fill_reasons, status, submitted_at, updated_at)
                            VALUES (\(centre), \(business), 'Poste', 'd', '\(contract)', true, 35, \(positions), \(filled), '2025-01-01',
                                \(contract == "cdi" ? "NULL" : "'2026-12-31'"), \(seasonal), 'Cahors', true, \(!hard.isEmpty),
                                ARRAY[\(hard.map { "'\($0)'" }.joined(separator: ","))]::text[], '\(status)', '\(submitted) 10:00+01', now()) RETURNING id
                            """)
                        if let endedAt {
                            try await exec("INSERT INTO job_need_events (tenant_id, need_id, at, kind, from_status, to_status) VALUES (\(centre), \(need), '\(endedAt) 12:00+02', 'status', 'sourcing', '\(status)')")
                        }
                        return need
                    }
                    // A: CDI, 3 positions, 2 filled, hard (transport, housing), still open. S: seasonal, 3 of 3, hard (seasonality),
                    // filled on 2 May. S2: last summer's seasonal need (2 positions), closed in 2025.
                    let needA = try await need(alpha, "cdi", positions: 3, filled: 2, hard: ["transport", "housing"], submitted: "2026-01-05", status: "sourcing")
                    let needS = try await need(beta, "seasonal_cdd", positions: 3, filled: 3, hard: ["seasonality"], submitted: "2025-12-01", status: "filled", endedAt: "2026-05-02")
                    let needS2 = try await need(beta, "seasonal_cdd", positions: 2, filled: 2, hard: [], submitted: "2025-06-01", status: "closed", endedAt: "2025-09-01")
                    var people: [Int64] = []
                    for (source, commune) in [("france_travail", "Cahors"), ("france_travail", "Cahors"), ("france_travail", "Cahors"), ("mission_locale", "Luzech"),
                                              ("referral", "Pradines"), ("other", "Cahors")] {
                        people.append(try await id("INSERT INTO candidates (tenant_id, first_name, last_name, commune_name, source, purge_after, created_at, updated_at) VALUES (\(centre), 'P', 'N\(people.count)', '\(commune)', '\(source)', '2030-01-01', now(), now()) RETURNING id"))
                    }
                    func placement(_ business: Int64, _ need: Int64, _ person: Int, _ contract: String, _ start: String, end: String? = nil, ended: String? = nil, reason: String? = nil) async throws {
                        try await exec("""
                            INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, contract_kind, start_date, end_date, hours_per_week, full_time, newly_created, created_at, ended_on, end_reason)
                            VALUES (\(centre), \(business), \(people[person]), \(need), '\(contract)', '\(start)', \(end.map { "'\($0)'" } ?? "NULL"), 35, true, true, now(),
                                    \(ended.map { "'\($0)'" } ?? "NULL"), \(reason.map { "'\($0)'" } ?? "NULL"))
                            """)
                    }
                    // Period placements: a CDI and a 10-month CDD at Alpha; three seasonal contracts at Beta in May.
                    try await placement(alpha, needA, 0, "cdi", "2026-02-01")
                    try await placement(alpha, needA, 4, "cdd", "2026-03-01", end: "2026-12-31")
                    for person in 1...3 { try await placement(beta, needS, person, "seasonal_cdd", "2026-05-01", end: "2026-06-30") }
                    // Before: person 1 worked last summer's season (hired again now); person 3 had a plain CDD (not a season).
                    try await placement(beta, needS2, 1, "seasonal_cdd", "2025-07-01", end: "2025-08-31", ended: "2025-08-31", reason: "fixed_term_end")
                    try await placement(beta, needS2, 3, "cdd", "2025-07-01", end: "2025-08-31")
                    // Applications to need A: one hired, one rejected after presentation, one in screening; one created before the period.
                    func application(_ person: Int, stage: String, created: String, path: [String]) async throws {
                        let app = try await id("""
                            INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
                            VALUES (\(centre), \(needA), \(people[person]), '\(stage)', '\(created) 09:00+01', now()) RETURNING id
                            """)
                        for (index, to) in path.enumerated() {
                            try await exec("INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage) VALUES (\(centre), \(app), '\(created) 10:0\(index)+01', NULL, '\(to)')")
                        }
                    }
                    try await application(0, stage: "hired", created: "2026-01-10", path: ["presented", "interview", "offer", "hired"])
                    try await application(5, stage: "rejected", created: "2026-01-12", path: ["screening", "presented", "rejected"])
                    try await application(3, stage: "screening", created: "2026-06-30", path: [])
                    try await application(2, stage: "hired", created: "2025-12-20", path: ["hired"])
                    var results: [Figures] = []
                    for filter in filters {
                        results.append(try await CentreFigures.compute(centre: "essai", filter: filter, asOf: Self.asOf, on: connection, logger: logger).figures)
                    }
                    return results
                }
            }
        }
    }

    @Test func breakdownsOnHandCheckedData() async throws {
        var sectorI = Self.period
        sectorI.sector = "I"
        var seasonal = Self.period
        seasonal.contract = .seasonalCDD
        var luzech = Self.period
        luzech.commune = "46182"
        var beta = Self.period
        beta.business = "35600000000056"
        var january = Self.period
        january.to = Day(iso: "2026-01-31")!
        let results = try await figures([Self.period, sectorI, seasonal, luzech, beta, january])
        let m = CentreMetrics(results[0], filter: Self.period)
        #expect(m.placements == 5)
        #expect(m.permanent_posts_created == 1)
        // The CDI and the 10-month CDD.
        #expect(m.durable_jobs == 2)
        #expect(m.monthly_placements.map(\.month) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"])
        #expect(m.monthly_placements.map(\.placements) == [0, 1, 1, 0, 3, 0])
        #expect(m.monthly_placements[4].by_contract == ["seasonal_cdd": 3])
        // Seasonal: three in May; one of them (person 1) had a season before; person 3's earlier CDD was not a season.
        #expect(m.seasonal_placements == 3)
        #expect(m.seasonal_workers_hired_again == 1)
        // Sources: 3 from France Travail shown; 1 each from Mission locale and cooptation hidden; none elsewhere is 0.
        let sources = Dictionary(uniqueKeysWithValues: m.sources_of_hire.map { ($0.source, $0) })
        #expect(sources["france_travail"]?.placements == 3)
        #expect(sources["mission_locale"]?.placements == nil)
        #expect(sources["mission_locale"]?.hidden == true)
        #expect(sources["referral"]?.hidden == true)
        #expect(sources["job_fair"]?.placements == 0)
        #expect(sources["job_fair"]?.hidden == false)
        // Communes of residence: Cahors (3 of the period's hires) is named; Luzech and Pradines (1 each)
        // are neither named nor counted: one hidden line, itself under 3.
        #expect(m.residence_of_hires == [.init(commune: "Cahors", placements: 3, hidden: false), .init(commune: "", placements: nil, hidden: true)])
        // Funnel, applications created in the period (not the one of December): the hired one reached everything,
        // the rejected one reached "presented", the last one "screening". A skipped stage counts as passed.
        #expect(m.funnel.map(\.applications) == [3, 3, 2, 1, 1, 1])
        #expect(m.funnel[0].conversion == nil)
        #expect(m.funnel[1].conversion == 1)
        #expect(abs((m.funnel[2].conversion ?? 0) - 2.0 / 3.0) < 1e-9)
        #expect(m.funnel[3].conversion == 0.5)
        // Time to fill: A 27 days (5 Jan → 1 Feb), S 151 days (1 Dec → 1 May); S2 was first filled before the period.
        #expect(m.needs_counted_for_time_to_fill == 2)
        #expect(m.median_days_to_fill == 89)
        #expect(m.p75_days_to_fill == 120)
        // Fill rate: only S ended in the period (3 of 3), and it is hard to fill.
        #expect(m.fill_rate == 1)
        #expect(m.positions_requested == 3)
        #expect(m.fill_rate_hard_to_fill == 1)
        // Hard-to-fill needs active in the period: A (open) and S (filled in May), by outcome and by reason.
        #expect(m.hard_to_fill.needs == 2)
        #expect(m.hard_to_fill.positions == 6)
        #expect(m.hard_to_fill.positions_filled == 5)
        #expect(m.hard_to_fill.by_outcome.map(\.key) == ["sourcing", "filled"])
        #expect(m.hard_to_fill.by_reason.map(\.key) == ["transport", "seasonality", "housing"])
        #expect(m.hard_to_fill.by_reason.first { $0.key == "seasonality" }?.positions_filled == 3)
        // Cohorts as of 20 July: February's CDI is past 3 months and kept; March's CDD too; May's are too young for 3 months.
        #expect(m.retention_cohorts.map(\.month) == ["2026-02", "2026-03", "2026-05"])
        #expect(m.retention_cohorts[0].retention[0].placements == 1)
        #expect(m.retention_cohorts[0].retention[0].rate == 1)
        #expect(m.retention_cohorts[2].retention[0].placements == 0)
        #expect(m.retention.first { $0.months == 3 }?.placements == 2)
        // Per business: Alpha's median time to fill is its one need's 27 days.
        #expect(m.businesses.first { $0.name == "Alpha" }?.median_days_to_fill == 27)
        #expect(m.businesses.first { $0.name == "Alpha" }?.sector == "I")

        // Sector I: Alpha only.
        let i = CentreMetrics(results[1], filter: sectorI)
        #expect(i.placements == 2)
        #expect(i.businesses.map(\.name) == ["Alpha"])
        #expect(i.funnel[0].applications == 3)
        #expect(i.seasonal_placements == 0)
        // Seasonal contracts only: Beta's three; the CDI need's applications are not counted.
        let s = CentreMetrics(results[2], filter: seasonal)
        #expect(s.placements == 3)
        #expect(s.permanent_posts_created == 0)
        #expect(s.funnel[0].applications == 0)
        #expect(s.seasonal_workers_hired_again == 1)
        // Luzech and Beta's SIRET: the same three.
        #expect(CentreMetrics(results[3], filter: luzech).placements == 3)
        #expect(CentreMetrics(results[4], filter: beta).placements == 3)
        #expect(CentreMetrics(results[4], filter: beta).businesses.map(\.name) == ["Beta"])
        // Period boundary: January alone has no placement, but the two applications of January.
        let jan = CentreMetrics(results[5], filter: january)
        #expect(jan.placements == 0)
        #expect(jan.funnel[0].applications == 2)
        #expect(jan.monthly_placements.count == 1)

        // Two centres added up: counts add, rates and medians are recomputed from the sums, small cells stay hidden.
        var both = results[0]
        both.add(results[0])
        let sum = CentreMetrics(both, filter: Self.period)
        #expect(sum.placements == 10)
        #expect(sum.median_days_to_fill == 89)
        #expect(sum.fill_rate == 1)
        #expect(sum.sources_of_hire.first { $0.source == "france_travail" }?.placements == 6)
        #expect(sum.sources_of_hire.first { $0.source == "referral" }?.hidden == true)
        // Added up, the hidden communes reach 4: still unnamed, now counted.
        #expect(sum.residence_of_hires == [.init(commune: "Cahors", placements: 6, hidden: false), .init(commune: "", placements: 4, hidden: true)])
        #expect(sum.businesses.count == 4)
    }

    @Test func percentilesMatchPostgreSQL() {
        #expect(Figures.percentile([], 0.5) == nil)
        #expect(Figures.percentile([7], 0.75) == 7)
        #expect(Figures.percentile([10, 28, 30], 0.5) == 28)
        #expect(Figures.percentile([30, 10, 28], 0.75) == 29)
        #expect(Figures.percentile([1, 2, 3, 4], 0.5) == 2.5)
        // Numbers as the CSV files and charts write them.
        #expect(Formats.decimal(2.5, digits: 1) == "2.5")
        #expect(Formats.decimal(66.666, digits: 1) == "66.7")
        #expect(Formats.decimal(7, digits: 2) == "7.00")
        #expect(Formats.decimal(0.04, digits: 1) == "0.0")
        #expect(Formats.decimal(-1.25, digits: 1) == "-1.3")
        #expect(Formats.decimal(99.96, digits: 1) == "100.0")
        #expect(Formats.decimal(62.5, digits: 0) == "63")
        #expect(Formats.integer(1_234_567) == "1\u{202F}234\u{202F}567")
    }

    @Test func filtersAreReadAndRefusedClearly() throws {
        let today = Day(iso: "2026-11-26")!
        let plain = try MetricsFilter(query: [:], today: today)
        #expect(plain.from.iso == "2025-11-27")
        #expect(plain.to.iso == "2026-11-26")
        let french = try MetricsFilter(query: ["du": "2018-10-01", "au": "2019-01-31", "secteur": "I", "commune": "46042", "contrat": "cdi", "entreprise": "73282932000074"], today: today)
        #expect(french.fileNamePart == "du-2018-10-01-au-2019-01-31-entreprise-73282932000074-secteur-I-commune-46042-contrat-cdi")
        #expect(french.months.count == 4)
        for bad in [["from": "2019-02-30"], ["to": "demain"], ["from": "2019-02-01", "to": "2019-01-01"], ["from": "2000-01-01", "to": "2019-01-01"],
                    ["sector": "Z"], ["commune": "Cahors"], ["contract": "cdi2"], ["business": "123"]] {
            #expect(throws: AppError.self) { try MetricsFilter(query: bad, today: today) }
        }
        #expect(NAFSection.code(of: "56.10A") == "I")
        #expect(NAFSection.code(of: "01.21Z") == "A")
        #expect(NAFSection.code(of: "x") == nil)
        // As SQL's naf_section: two digits first, a division outside every section has none.
        #expect(NAFSection.code(of: "+1.00") == nil)
        #expect(NAFSection.code(of: "04.00") == nil)
        #expect(NAFSection.code(of: "99") == "U")
        #expect(NAFSection.code(of: "5") == nil)
    }
}

/// The funnel's rollup (`applications.furthest_rank`, schema 0008) always equals the
/// recomputation from each application's stage and events.
@Suite struct FunnelRollupTests {
    static let recomputed = """
        SELECT count(*) FILTER (WHERE a.furthest_rank <> greatest(stage_rank(a.stage), coalesce(
                   (SELECT max(stage_rank(e.to_stage)) FROM application_events e WHERE e.tenant_id = a.tenant_id AND e.application_id = a.id), 1))),
               count(*) FILTER (WHERE a.furthest_rank > stage_rank(a.stage)),
               count(*)
        FROM applications a
        """

    /// On the demo: its bulk-loaded rows are recounted first, then moved.
    @Test func theRollupEqualsTheEventsAfterEveryKindOfMove() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            // Forward, back, forward again, then an ending: the furthest stage stays the furthest reached.
            let sourced = try #require(try await lookup.ids("cahors", "SELECT id FROM applications WHERE stage = 'sourced' ORDER BY id").first)
            try await browser.get("/c/cahors/candidatures/\(sourced)")
            for (to, expected) in [("screening", 2), ("presented", 3), ("screening", 3)] {
                #expect(try await browser.post("/c/cahors/candidatures/\(sourced)/etape", [("to", to), ("comment", "")]).status == .seeOther)
                #expect(try await lookup.ids("cahors", "SELECT furthest_rank::bigint FROM applications WHERE id = \(sourced)") == [Int64(expected)])
            }
            let reason = try #require(try await lookup.ids("cahors", "SELECT id FROM rejection_reasons ORDER BY id").first)
            #expect(try await browser.post("/c/cahors/candidatures/\(sourced)/fin", [("ending", "rejected"), ("reason_id", String(reason)), ("comment", "")]).status == .seeOther)
            #expect(try await lookup.ids("cahors", "SELECT furthest_rank::bigint FROM applications WHERE id = \(sourced)") == [3])
            // A new application starts at 1.
            let need = try await lookup.need("Aide à domicile")
            let candidate = try #require(try await lookup.ids("cahors", "SELECT id FROM candidates WHERE id NOT IN (SELECT candidate_id FROM applications WHERE need_id = \(need)) ORDER BY id").first)
            let form = try await browser.get("/c/cahors/besoins/\(need)/candidatures")
            _ = try await browser.post("/c/cahors/besoins/\(need)/candidatures", [("candidate_id", String(candidate)), ("_form", JobNeedWorkflowTests.formToken(form.text) ?? "")])
            for slug in ["cahors", "figeac"] {
                let centre = try await lookup.centre(slug)
                let (wrong, ahead, total) = try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        try await connection.first(PostgresQuery(unsafeSQL: Self.recomputed), as: (Int.self, Int.self, Int.self), logger: TestEnvironment.logger)!
                    }
                }
                #expect(wrong == 0, "\(slug): \(wrong) applications whose rollup differs from their events")
                #expect(total > 0)
                if slug == "cahors" { #expect(ahead > 0) }
                #expect(try await lookup.ids(slug, Self.daysDiffering) == [0], "\(slug): funnel days differing from a recount")
            }
            // Statements that move several applications at once, and a deletion, are counted too.
            #expect(try await lookup.ids("cahors", "UPDATE applications SET furthest_rank = 5 WHERE furthest_rank < 5 AND id % 3 = 0 RETURNING 0::bigint").count > 1)
            #expect(try await lookup.ids("cahors", "UPDATE applications SET created_at = created_at - interval '40 days' WHERE id % 4 = 0 RETURNING 0::bigint").count > 1)
            let free = try #require(try await lookup.ids("cahors", """
                SELECT a.id FROM applications a WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.application_id = a.id) AND NOT EXISTS (SELECT 1 FROM interviews i WHERE i.application_id = a.id)
                  AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id) ORDER BY a.id
                """).first)
            #expect(try await lookup.ids("cahors", "WITH events AS (DELETE FROM application_events WHERE application_id = \(free)) DELETE FROM applications WHERE id = \(free) RETURNING id") == [free])
            #expect(try await lookup.ids("cahors", Self.daysDiffering) == [0])
        }
    }

    /// Days whose counts (schema 0016) differ from a recount of the applications.
    static let daysDiffering = """
        SELECT count(*)::bigint FROM (
            SELECT (created_at AT TIME ZONE 'Europe/Paris')::date AS day, \((1...6).map { "count(*) FILTER (WHERE furthest_rank = \($0))::int AS f\($0)" }.joined(separator: ", "))
            FROM applications GROUP BY 1) r
        FULL JOIN (SELECT day, \((1...6).map { "furthest_\($0) AS f\($0)" }.joined(separator: ", ")) FROM funnel_days
                   WHERE \((1...6).map { "furthest_\($0) <> 0" }.joined(separator: " OR "))) k USING (day)
        WHERE (\((1...6).map { "r.f\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\((1...6).map { "k.f\($0)" }.joined(separator: ", ")))
        """
}

/// The needs' rollups (`job_needs.ended_at` and `first_start`, schema 0009) always equal the
/// recomputation from the events and the placements.
@Suite struct NeedRollupTests {
    static let recomputed = """
        SELECT count(*) FILTER (WHERE n.ended_at IS DISTINCT FROM (SELECT max(e.at) FROM job_need_events e
                   WHERE e.tenant_id = n.tenant_id AND e.need_id = n.id AND e.to_status IN ('filled', 'closed', 'cancelled'))),
               count(*) FILTER (WHERE n.first_start IS DISTINCT FROM (SELECT min(p.start_date) FROM placements p
                   WHERE p.tenant_id = n.tenant_id AND p.need_id = n.id)),
               count(*) FILTER (WHERE n.first_start IS NOT NULL), count(*) FILTER (WHERE n.ended_at IS NOT NULL)
        FROM job_needs n
        """

    static func check(_ database: TestDatabase) async throws {
        let lookup = DemoLookup(database: database)
        for slug in ["cahors", "figeac"] {
            let centre = try await lookup.centre(slug)
            let (ended, first, withStart, withEnd) = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    try await connection.first(PostgresQuery(unsafeSQL: Self.recomputed), as: (Int.self, Int.self, Int.self, Int.self), logger: TestEnvironment.logger)!
                }
            }
            #expect(ended == 0, "\(slug): ended_at differs from the events for \(ended) needs")
            #expect(first == 0, "\(slug): first_start differs from the placements for \(first) needs")
            #expect(withStart > 0 && withEnd > 0)
        }
    }

    /// On the demo: its bulk-loaded rows are recounted first, then moved.
    @Test func theRollupsFollowHiresStartDatesAndStatusMoves() async throws {
        try await TestApp.run(demo: true) { browser, database in
            try await Self.check(database)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            // A placement's start moves: its need's first start follows.
            let placement = try #require(try await lookup.ids("cahors", "SELECT id FROM placements WHERE start_date > current_date - 200 ORDER BY id").first)
            try await browser.get("/c/cahors/embauches/\(placement)")
            let moved = try await browser.post("/c/cahors/embauches/\(placement)/debut", [("start_date", Day(Date()).adding(days: -400).iso), ("comment", "")])
            #expect(moved.status == .seeOther)
            #expect(try await lookup.ids("cahors", "SELECT count(*)::bigint FROM job_needs n JOIN placements p ON p.need_id = n.id WHERE p.id = \(placement) AND n.first_start = p.start_date") == [1])
            // A need is cancelled: its end is recorded.
            let open = try #require(try await lookup.ids("cahors", "SELECT id FROM job_needs WHERE status IN ('sourcing', 'qualified') ORDER BY id").first)
            try await browser.get("/c/cahors/besoins/\(open)")
            #expect(try await browser.post("/c/cahors/besoins/\(open)/annuler", [("reason", "Poste supprimé")]).status == .seeOther)
            #expect(try await lookup.ids("cahors", "SELECT count(*)::bigint FROM job_needs WHERE id = \(open) AND ended_at IS NOT NULL") == [1])
            try await Self.check(database)
        }
    }
}

/// Each placement's copy of its candidate's source and commune of residence (schema 0015,
/// read by the sources of hire and communes of residence) always equals the candidate's:
/// after the demo, after an adviser edits a hired person, and whatever a statement writes
/// in the copy itself.
@Suite struct PlacementCopyTests {
    static let differing = """
        SELECT count(*)::bigint FROM placements p JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
        WHERE p.candidate_source <> c.source OR p.candidate_commune <> c.commune_name
        """

    /// On the demo: its bulk-loaded rows are recounted first, then moved.
    @Test func theCopiesFollowTheCandidates() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let lookup = DemoLookup(database: database)
            for slug in ["cahors", "figeac"] {
                #expect(try await lookup.ids(slug, Self.differing) == [0])
                #expect(try await lookup.count(slug, "SELECT 1 FROM placements") > 0)
            }
            // A hired person who lives outside Cahors or came through another source than France Travail.
            let hired = try #require(try await lookup.ids("cahors", """
                SELECT c.id FROM candidates c JOIN placements p ON p.candidate_id = c.id
                WHERE c.commune_name <> 'Cahors' OR c.source <> 'france_travail' ORDER BY c.id
                """).first)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            try await browser.get("/c/cahors/candidats/\(hired)/modifier")
            let edited = try await browser.post(
                "/c/cahors/candidats/\(hired)/modifier", CandidateFixtures.fields(phone: "06 98 76 54 32") + [("confirm_duplicate", "oui")])
            #expect(edited.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE candidate_id = \(hired) AND candidate_source = 'france_travail' AND candidate_commune = 'Cahors'") > 0)
            #expect(try await lookup.ids("cahors", Self.differing) == [0])
            // A statement that writes the copy itself gets the candidate's values.
            let placement = try #require(try await lookup.ids("cahors", "SELECT id FROM placements WHERE candidate_id = \(hired) ORDER BY id").first)
            #expect(try await lookup.ids("cahors", "UPDATE placements SET candidate_source = 'job_fair', candidate_commune = 'Ailleurs' WHERE id = \(placement) RETURNING id") == [placement])
            #expect(try await lookup.ids("cahors", Self.differing) == [0])
        }
    }
}
