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
        try await TestApp.run(demo: true) { browser, database in
            let lookup = DemoLookup(database: database)
            // The demo's applications, inserted in bulk.
            try await expectCountsEqualARecount(lookup, "demo")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM need_stage_counts WHERE applications > 0") > 5)

            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            let need = try await lookup.need("Aide à domicile")
            // Added through the board, moved forward, back, ended.
            let candidate = try #require(try await lookup.ids("cahors", "SELECT id FROM candidates WHERE id NOT IN (SELECT candidate_id FROM applications WHERE need_id = \(need)) ORDER BY id").first)
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
            let other = try await lookup.need("Serveur ou serveuse (saison d'été)")
            let cahors = try await lookup.centre("cahors")
            try await database.asApp { client in
                try await Database(client: client).withTransaction(tenant: cahors, logger: TestEnvironment.logger) { connection in
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
