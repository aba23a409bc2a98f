import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

@Suite struct CentreFiguresTests {
    let logger = TestEnvironment.logger

    /// A small centre built by hand, each figure checked exactly.
    @Test func everyFigureOnHandCheckedData() async throws {
        try await TestDatabase.withFresh { database in
            let metrics = try await database.asOwner { client -> CentreMetrics in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let centre = try await db.withTransaction(logger: logger) { connection in
                    try await connection.value("INSERT INTO centres (slug, name, territory) VALUES ('essai', 'Centre d''essai', 'Lot') RETURNING id", as: Int64.self, logger: logger)!
                }
                return try await db.withTransaction(tenant: centre, logger: logger) { connection in
                    func exec(_ sql: String) async throws { try await connection.execute(PostgresQuery(unsafeSQL: sql), logger: logger) }
                    func id(_ sql: String) async throws -> Int64 { try await connection.value(PostgresQuery(unsafeSQL: sql), as: Int64.self, logger: logger)! }
                    let b1 = try await id("INSERT INTO businesses (tenant_id, siret, name, naf_code) VALUES (\(centre), '73282932000074', 'Alpha', '56.10A') RETURNING id")
                    let b2 = try await id("INSERT INTO businesses (tenant_id, siret, name, naf_code) VALUES (\(centre), '35600000000056', 'Beta', '01.21Z') RETURNING id")
                    func need(_ business: Int64, positions: Int, filled: Int, hard: Bool, submitted: String, status: String, newly: Bool = true) async throws -> Int64 {
                        let need = try await id("""
                            INSERT INTO job_needs (tenant_id, business_id, title, description, contract_kind, full_time, hours_per_week, positions, positions_filled,
                                wished_start, place_name, newly_created, hard_to_fill, status, submitted_at, updated_at)
                            VALUES (\(centre), \(business), 'Poste', 'd', 'cdi', true, 35, \(positions), \(filled), '2026-01-01', 'Cahors', \(newly), \(hard), '\(status)',
                                '\(submitted) 10:00+01', now()) RETURNING id
                            """)
                        if status != "submitted" {
                            try await exec("INSERT INTO job_need_events (tenant_id, need_id, at, kind, from_status, to_status) VALUES (\(centre), \(need), '2026-03-31 12:00+02', 'status', 'sourcing', '\(status)')")
                        }
                        return need
                    }
                    // Need A: 3 positions, 2 filled, hard to fill, closed in the period. Need B: 1 of 1 (a replacement), closed. Need C: still open.
                    // (The positions filled are the placements' count, whatever `filled` says: schema 0080.)
                    let needA = try await need(b1, positions: 3, filled: 2, hard: true, submitted: "2026-01-01", status: "closed")
                    let needB = try await need(b2, positions: 1, filled: 1, hard: false, submitted: "2026-01-11", status: "filled", newly: false)
                    let needC = try await need(b2, positions: 4, filled: 1, hard: false, submitted: "2026-02-01", status: "sourcing")
                    var person = 0
                    func candidate() async throws -> Int64 {
                        person += 1
                        return try await id("INSERT INTO candidates (tenant_id, first_name, last_name, email, commune_name, source, purge_after, created_at, updated_at) VALUES (\(centre), 'P', 'N\(person)', 'p\(person)@x.test', 'Cahors', 'other', '2030-01-01', now(), now()) RETURNING id")
                    }
                    func placement(_ business: Int64, _ need: Int64, _ candidate: Int64, contract: String, start: String, end: String? = nil, newly: Bool = true, ended: String? = nil, reason: String? = nil) async throws {
                        try await exec("""
                            INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, contract_kind, start_date, end_date, hours_per_week, full_time, newly_created, created_at, ended_on, end_reason)
                            VALUES (\(centre), \(business), \(candidate), \(need), '\(contract)', '\(start)', \(end.map { "'\($0)'" } ?? "NULL"), 35, true, \(newly), now(),
                                    \(ended.map { "'\($0)'" } ?? "NULL"), \(reason.map { "'\($0)'" } ?? "NULL"))
                            """)
                    }
                    let twice = try await candidate()
                    // Alpha: a CDI from day 30 (time to fill 30) kept; a second CDI ended on day 55, inside its trial (failed at 3 months).
                    try await placement(b1, needA, twice, contract: "cdi", start: "2026-01-31")
                    try await placement(b1, needA, try await candidate(), contract: "cdi", start: "2026-02-10", ended: "2026-04-05", reason: "resignation")
                    // Beta: a shared-time CDI replacing someone (not newly created); a 2-month seasonal contract that reached its end;
                    // a CDD of 7 months (durable); a CDI started on the last day of the period; one the day after (outside).
                    try await placement(b2, needB, try await candidate(), contract: "shared_time", start: "2026-01-21", newly: false)
                    try await placement(b2, needC, twice, contract: "seasonal_cdd", start: "2026-03-01", end: "2026-04-30", ended: "2026-04-30", reason: "fixed_term_end")
                    try await placement(b2, needC, try await candidate(), contract: "cdd", start: "2026-03-15", end: "2026-10-14")
                    try await placement(b2, needC, try await candidate(), contract: "cdi", start: "2026-06-30")
                    try await placement(b2, needC, try await candidate(), contract: "cdi", start: "2026-07-01")
                    let filter = MetricsFilter(from: Day(iso: "2026-01-01")!, to: Day(iso: "2026-06-30")!)
                    return CentreMetrics(
                        try await CentreFigures.compute(centre: "essai", filter: filter, asOf: Day(iso: "2026-07-20")!, on: connection, logger: logger).figures, filter: filter)
                }
            }
            // CDI and shared-time CDI started in the period: 2 (Alpha) + 1 shared + 1 on the last day = 4; not the one of 1 July.
            #expect(metrics.permanent_posts_created == 4)
            #expect(metrics.newly_created_permanent_posts == 3)
            // Durable: the 4 permanent ones + the 7-month CDD; not the 2-month seasonal contract.
            #expect(metrics.durable_jobs == 5)
            #expect(metrics.placements == 6)
            #expect(metrics.placements_by_contract.filter { $0.value > 0 } == ["cdi": 3, "shared_time": 1, "seasonal_cdd": 1, "cdd": 1])
            #expect(metrics.placements_by_contract.count == ContractKind.allCases.count)
            #expect(metrics.businesses.first { $0.name == "Alpha" }?.permanent_posts_created == 2)
            #expect(metrics.businesses.first { $0.name == "Beta" }?.permanent_posts_created == 2)
            #expect(metrics.businesses.first { $0.name == "Beta" }?.newly_created == 1)
            // Time to fill (first placement of each need): A 30 days, B 10 days, C 28 days → median 28, p75 29.
            #expect(metrics.median_days_to_fill == 28)
            #expect(metrics.p75_days_to_fill == 29)
            // Fill rate over the needs that ended in the period (A 2/3, B 1/1): 3/4; hard to fill only (A): 2/3.
            #expect(metrics.fill_rate == 0.75)
            #expect(abs((metrics.fill_rate_hard_to_fill ?? 0) - 2.0 / 3.0) < 1e-9)
            // 3 months, as of 20 July: cohorts started on or before 20 April — all but the two of June/July.
            // Kept: the first CDI, the shared one, the seasonal one that reached its end, the CDD; lost: the resignation.
            let three = try #require(metrics.retention.first { $0.months == 3 })
            #expect(three.placements == 5)
            #expect(three.rate == 0.8)
            // 6 months: started on or before 20 January — none (too young).
            #expect(metrics.retention.first { $0.months == 6 }?.placements == 0)
            #expect(metrics.retention.first { $0.months == 6 }?.rate == nil)
            // Trial periods over by 20 July: everyone but the CDI of 30 June; the resignation of day 55 ended inside its trial → 4 of 5.
            #expect(metrics.trial_passed_base == 5)
            #expect(metrics.trial_passed_rate == 0.8)
            #expect(metrics.employments_ended_in_trial == 1)
            #expect(metrics.employments_ended_after_trial == 1)
            // The seasonal contract ended on 30 April, and its person's next placement was none: 0 of 1.
            #expect(metrics.fixed_term_contracts_over == 1)
            #expect(metrics.fixed_term_followed_by_durable_job == 0)
        }
    }

    /// On the demo: its promise, the seeds' 39 permanent posts in eight businesses.
    @Test func theDemoShows39PermanentPostsForTheSeasonAndNoCandidate() async throws {
        try await TestApp.run(demo: true) { browser, database in
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            let api = try await browser.get("/api/v1/centres/cahors/metrics?from=2018-10-01&to=2019-01-31")
            #expect(api.status == .ok)
            #expect(api.headers[.contentType] == "application/json; charset=utf-8")
            let metrics = try JSONDecoder().decode(CentreMetrics.self, from: Data(api.body.readableBytesView))
            #expect(metrics.permanent_posts_created == 39)
            #expect(metrics.businesses.filter { $0.permanent_posts_created > 0 }.count == 8)
            #expect(metrics.businesses.allSatisfy { $0.siret.count == 14 })
            // The demo is consistent with its needs as submitted: Figeac's bakery seller replaced someone (its need and its hire
            // say so), its three sawyers are newly created posts; every need's positions filled are its placements.
            let figeac = try JSONDecoder().decode(CentreMetrics.self, from: Data(try await browser.get("/api/v1/centres/figeac/metrics?from=2018-10-01&to=2019-01-31").body.readableBytesView))
            #expect(figeac.permanent_posts_created == 4)
            #expect(figeac.newly_created_permanent_posts == 3)
            for slug in ["cahors", "figeac"] {
                #expect(try await DemoLookup(database: database).ids(slug, """
                    SELECT count(*) FROM job_needs n
                    WHERE n.positions_filled <> (SELECT count(*) FROM placements p WHERE p.need_id = n.id)
                       OR n.newly_created <> n.submitted_newly_created
                       OR EXISTS (SELECT 1 FROM placements p WHERE p.need_id = n.id AND p.newly_created <> n.submitted_newly_created)
                    """) == [0])
            }
            let page = try await browser.get("/c/cahors/tableau-de-bord?du=2018-10-01&au=2019-01-31")
            #expect(page.status == .ok)
            #expect(page.text.contains(">39<"))
            #expect(page.text.contains("Postes pérennes créés par entreprise"))
            // No candidate's name or e-mail in what the observer sees.
            let names = try await DemoLookup(database: database).ids("cahors", "SELECT id FROM candidates")
            #expect(!names.isEmpty)
            let people = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: try await DemoLookup(database: database).centre("cahors"), logger: TestEnvironment.logger) { connection in
                    try await connection.all("SELECT last_name, email FROM candidates", as: (String.self, String?.self), logger: TestEnvironment.logger)
                }
            }
            for output in [api.text, page.text, try await browser.get("/c/cahors").text, try await browser.get("/observateur").text] {
                for (name, email) in people {
                    #expect(!output.contains(name), "candidate name \(name) in an observer's page")
                    if let email { #expect(!output.contains(email)) }
                }
            }
            // Bad dates are a 400, not a 500.
            #expect(try await browser.get("/api/v1/centres/cahors/metrics?from=2019-13-01").status == .badRequest)
            #expect(try await browser.get("/api/v1/centres/cahors/metrics?from=2019-02-01&to=2019-01-01").status == .badRequest)
        }
    }

    @Test func onlyTheCentresObserversAndAdvisersSeeItsFigures() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.centre("figeac")
            try await make.employer("patron@auberge.test", centre: cahors, business: try await make.business(centre: cahors))
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            #expect(try await employer.get("/api/v1/centres/cahors/metrics").status == .notFound)
            #expect(try await employer.get("/c/cahors/tableau-de-bord").status == .notFound)
            let figeac = browser.fresh()
            try await figeac.signIn("conseil@figeac.test")
            #expect(try await figeac.get("/api/v1/centres/cahors/metrics").status == .notFound)
            #expect(try await figeac.get("/api/v1/centres/figeac/metrics").status == .ok)
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@cahors.test")
            #expect(try await adviser.get("/c/cahors/tableau-de-bord").status == .ok)
            let anonymous = try await browser.fresh().get("/api/v1/centres/cahors/metrics")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    /// On the demo: the file adds up to the seeds' 39 permanent posts over their eight businesses.
    @Test func thePerBusinessTableDownloadsAsCSV() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            let french = try await browser.get("/c/cahors/tableau-de-bord/export/entreprises?du=2018-10-01&au=2019-01-31")
            #expect(french.status == .ok)
            #expect(french.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(french.headers[.contentDisposition] == "attachment; filename=\"entreprises-cahors-du-2018-10-01-au-2019-01-31.csv\"")
            let bytes = Array(french.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let all = french.text.dropFirst().split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            // What the file holds, written at its top: the table, the centre, the period, the filters; then an empty line.
            #expect(Array(all.prefix(5)) == [
                "Tableau;Postes pérennes créés par entreprise", "Centre;Centre RH mutualisé du Grand Cahors", "Période;du 01/10/2018 au 31/01/2019",
                "Filtres;aucun", "",
            ])
            let lines = Array(all.dropFirst(5).dropLast())
            #expect(lines.first?.hasPrefix("SIRET;Entreprise;Secteur (NAF);Commune;Postes pérennes;dont créations") == true)
            // The SIRET as text: a formula giving its 14 digits, never a number a spreadsheet would write 9,0010E+13.
            #expect(lines.dropFirst().first?.hasPrefix("\"=\"\"9001000") == true)
            // Eight businesses and the total line.
            #expect(lines.count == 10)
            let total = lines.dropFirst().dropLast().compactMap { Int($0.split(separator: ";", omittingEmptySubsequences: false)[4]) }.reduce(0, +)
            #expect(total == 39)
            #expect(lines.last?.split(separator: ";", omittingEmptySubsequences: false)[4] == "39")
            #expect(lines.dropFirst().contains { $0.contains(",") && $0.split(separator: ";", omittingEmptySubsequences: false).count == 11 })
            let international = try await browser.get("/c/cahors/tableau-de-bord/export/entreprises?du=2018-10-01&au=2019-01-31&format=international")
            #expect(Array(international.body.readableBytesView.prefix(1)) != [0xEF])
            #expect(international.text.hasPrefix("Tableau,Postes pérennes créés par entreprise\r\n"))
            #expect(international.text.contains("\r\n\r\nSIRET,Entreprise,Secteur (NAF),Commune"))
            #expect(international.text.contains(".0"))
        }
    }

    /// A value of the figures that no case matches is an error, never counted as another.
    @Test func anUnknownValueReadBackIsAnError() throws {
        #expect(try FigureRow.value(ContractKind.self, "cdi", column: "kind") == .cdi)
        #expect(throws: FigureRow.UnknownValue.self) { try FigureRow.value(ContractKind.self, "cdi_a_temps_choisi", column: "kind") }
        #expect(throws: FigureRow.UnknownValue.self) { try FigureRow.value(CandidateSource.self, "", column: "source") }
    }

    @Test func csvQuotesAndDefusesFormulas() {
        let csv = CSV(variant: .french)
        #expect(csv.field("Dupont; fils") == "\"Dupont; fils\"")
        #expect(csv.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(csv.number(2.5) == "2,5")
        #expect(CSV(variant: .international).number(2.5) == "2.5")
    }
}
