import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// The counts of each need's applications by stage (`need_stage_counts`, schema 0014) always
/// equal a recount of the applications, whatever moves them.
@Suite struct StageCountsTests {
    /// (need, stage) pairs whose kept count differs from the recount.
    static let differences = """
        SELECT 1 FROM (SELECT need_id, stage, count(*)::int AS n FROM applications GROUP BY 1, 2) r
        FULL JOIN (SELECT need_id, stage, applications AS n FROM need_stage_counts WHERE applications <> 0) k USING (need_id, stage)
        WHERE r.n IS DISTINCT FROM k.n
        """

    func expectCountsEqualARecount(_ lookup: DemoLookup, _ step: String) async throws {
        for slug in ["cahors", "figeac"] {
            let differing = try await lookup.count(slug, Self.differences)
            #expect(differing == 0, "\(slug), \(step): \(differing) counts differ from the applications")
        }
    }

    @Test func theCountsEqualARecountAfterEveryKindOfChange() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let (figeac, figeacAdviser) = try await make.centre("figeac")
            let business = try await make.business(centre: cahors)
            let need = try await make.need(centre: cahors, business: business, title: "Aide à domicile", positions: 2)
            let other = try await make.need(centre: cahors, business: business, title: "Serveur ou serveuse (saison d'été)")
            // Applications through the repository, at several stages, and a hire…
            for (index, stage) in [ApplicationStage.sourced, .screening, .presented].enumerated() {
                let person = try await make.candidate(centre: cahors, firstName: "Personne\(index)", email: "personne\(index)@example.org")
                try await make.application(centre: cahors, need: need, candidate: person, stage: stage, actor: adviser)
            }
            try await make.placement(centre: cahors, need: need, candidate: try await make.candidate(centre: cahors, firstName: "Embauchée", email: nil), actor: adviser)
            try await make.application(centre: cahors, need: other, candidate: try await make.candidate(centre: cahors, firstName: "Ailleurs", email: nil), actor: adviser)
            let figeacNeed = try await make.need(centre: figeac, business: try await make.business(centre: figeac))
            try await make.application(centre: figeac, need: figeacNeed, candidate: try await make.candidate(centre: figeac), actor: figeacAdviser)
            try await make.rejectionReasons(centre: cahors)
            let candidate = try await make.candidate(centre: cahors, firstName: "Libre", email: nil)
            // …and inserted in bulk, as the demo does.
            try await make.ids(cahors, """
                WITH people AS (
                    INSERT INTO candidates (tenant_id, first_name, last_name, source, purge_after, created_at, updated_at)
                    SELECT \(cahors), 'Lot', 'Personne' || g, 'other', current_date + 90, now(), now() FROM generate_series(1, 5) g RETURNING id)
                INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
                SELECT \(cahors), \(other), id, 'interview', now(), now() FROM people RETURNING id
                """)
            let lookup = DemoLookup(database: database)
            try await expectCountsEqualARecount(lookup, "built")
            // (need, stage): four stages of the first need, two of the other.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM need_stage_counts WHERE applications > 0") == 6)

            try await browser.signIn("conseil@cahors.test")
            // Added through the board, moved forward, back, ended.
            let board = try await browser.get("/c/cahors/besoins/\(need)/candidatures")
            #expect(try await browser.post("/c/cahors/besoins/\(need)/candidatures", [("candidate_id", String(candidate)), ("_form", JobNeedWorkflowTests.formToken(board.text) ?? "")]).status == .seeOther)
            try await expectCountsEqualARecount(lookup, "added")
            let added = try #require(try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(need) AND candidate_id = \(candidate)").first)
            for to in ["screening", "presented", "screening"] {
                #expect(try await browser.post("/c/cahors/candidatures/\(added)/etape", [("to", to), ("comment", "")]).status == .seeOther)
            }
            try await expectCountsEqualARecount(lookup, "moved")
            // Several rejected at once, from several stages.
            let open = try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(need) AND stage IN ('sourced', 'screening', 'presented') ORDER BY id")
            #expect(open.count >= 2)
            let reason = try #require(try await lookup.ids("cahors", "SELECT id FROM rejection_reasons WHERE active ORDER BY id").first)
            _ = try await browser.get("/c/cahors/besoins/\(need)/candidatures?vue=liste")
            let rejected = try await browser.post(
                "/c/cahors/besoins/\(need)/candidatures/rejeter", open.map { ("ids", String($0)) } + [("reason_id", String(reason))])
            #expect(rejected.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(need) AND stage IN ('sourced', 'screening', 'presented')") == 0)
            try await expectCountsEqualARecount(lookup, "rejected together")

            // Whatever else writes: one statement moving applications of several stages to another
            // need, and a deletion.
            try await database.asApp { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: TestEnvironment.logger) { connection in
                    try await connection.execute(
                        "UPDATE applications SET need_id = \(other) WHERE need_id = \(need) AND stage IN ('rejected', 'hired')", logger: TestEnvironment.logger)
                    try await connection.execute("DELETE FROM application_events WHERE application_id = \(added)", logger: TestEnvironment.logger)
                    try await connection.execute("DELETE FROM applications WHERE id = \(added)", logger: TestEnvironment.logger)
                }
            }
            try await expectCountsEqualARecount(lookup, "moved to another need, deleted")
            // And the page shows them.
            let page = try await browser.get("/c/cahors/besoins/\(other)/candidatures?vue=liste&etape=rejected")
            let count = try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(other) AND stage = 'rejected'")
            #expect(page.text.contains("\(count) candidature(s)"))
        }
    }
}
