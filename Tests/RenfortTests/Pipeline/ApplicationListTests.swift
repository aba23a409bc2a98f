import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// The list view of a need's applications: 20 a page, filtered by stage.
@Suite struct ApplicationListTests {
    @Test func theListPagesThroughApplicationsAtOneStage() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("cahors")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre), title: "Aide à domicile")
            try await make.application(centre: centre, need: need, candidate: try await make.candidate(centre: centre), stage: .interview, actor: adviser)
            let lookup = DemoLookup(database: database)
            // 45 more people at "interview" and 10 at "sourced" on that need.
            try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    try await connection.execute(
                        """
                        WITH people AS (
                            INSERT INTO candidates (tenant_id, first_name, last_name, source, purge_after, created_at, updated_at)
                            SELECT \(centre), 'Liste', 'Personne' || g, 'other', current_date + 90, now(), now() FROM generate_series(1, 55) g
                            RETURNING id, last_name)
                        INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
                        SELECT \(centre), \(need), id, CASE WHEN substring(last_name from 9)::int <= 45 THEN 'interview' ELSE 'sourced' END, now(), now() FROM people
                        """, logger: TestEnvironment.logger)
                }
            }
            let interviews = try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(need) AND stage = 'interview'")
            try await browser.signIn("conseil@cahors.test")
            let path = "/c/cahors/besoins/\(need)/candidatures?vue=liste&etape=interview"
            let first = try await browser.get(path)
            #expect(first.status == .ok)
            func rows(_ text: String) -> Int { text.components(separatedBy: "<th scope=\"row\"><a href=\"/c/cahors/candidatures/").count - 1 }
            #expect(rows(first.text) == 20)
            #expect(first.text.contains("\(interviews) candidature(s) — page 1 sur \((interviews + 19) / 20)"))
            #expect(first.text.contains("etape=interview&amp;page=2"))
            let last = try await browser.get(path + "&page=\((interviews + 19) / 20)")
            #expect(rows(last.text) == interviews - 20 * ((interviews + 19) / 20 - 1))
            #expect(!last.text.contains("rel=\"next\""))
            #expect(!last.text.contains(">Personne50<") && !first.text.contains("Liste Personne50"))
            // Odd parameters fall back to the first page of every stage.
            #expect(try await browser.get("/c/cahors/besoins/\(need)/candidatures?vue=liste&etape=nope&page=-3").status == .ok)
        }
    }
    /// A centre without rejection reasons gets the default ones on its first board: the
    /// board's one statement reads none, and the page writes them in a transaction of its own.
    @Test func aCentresFirstBoardWritesTheDefaultReasons() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("figeac")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            try await make.application(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser)
            #expect(try await database.count("rejection_reasons", tenant: centre) == 0)
            try await browser.signIn("conseil@figeac.test")
            let page = try await browser.get("/c/figeac/besoins/\(need)/candidatures")
            #expect(page.status == .ok)
            #expect(page.text.contains(">\(HTML.escape(DefaultRejectionReasons.labels[5]))</option>"))
            #expect(try await database.count("rejection_reasons", tenant: centre) == DefaultRejectionReasons.labels.count)
            #expect(try await browser.get("/c/figeac/besoins/\(need)/candidatures?vue=liste").status == .ok)
            #expect(try await database.count("rejection_reasons", tenant: centre) == DefaultRejectionReasons.labels.count)
        }
    }

    /// The rows are written in Swift: names are escaped exactly as mustache escapes them, and
    /// a row has its checkbox only while the application is open.
    @Test func theListEscapesNamesAsTheTemplatesDo() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre), title: "Aide à domicile")
            let ids = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    // A rejection reason with markup: the board's select is written in Swift too.
                    try await connection.execute(
                        "INSERT INTO rejection_reasons (tenant_id, label, position) VALUES (\(centre), '<i>Trop \"loin\"</i> & co', 99)",
                        logger: TestEnvironment.logger)
                    return try await connection.all(
                        """
                        WITH people AS (
                            INSERT INTO candidates (tenant_id, first_name, last_name, commune_name, source, purge_after, created_at, updated_at)
                            VALUES (\(centre), '<b>"Zoé"</b>', '& ''Cie''', 'Saint-Cirq <Lapopie>', 'other', current_date + 90, now(), now()),
                                   (\(centre), 'Close', 'Personne', '', 'other', current_date + 90, now(), now())
                            RETURNING id, first_name)
                        INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
                        SELECT \(centre), \(need), id, CASE WHEN first_name = 'Close' THEN 'rejected' ELSE 'sourced' END, now(), now() + interval '1 minute' FROM people
                        RETURNING id, stage
                        """, as: (Int64.self, String.self), logger: TestEnvironment.logger)
                }
            }
            try await browser.signIn("conseil@cahors.test")
            let open = try await browser.get("/c/cahors/besoins/\(need)/candidatures?vue=liste&etape=sourced")
            #expect(open.status == .ok)
            let escapedName = "&lt;b&gt;&quot;Zoé&quot;&lt;/b&gt; &amp; &#39;Cie&#39;"
            #expect(open.text.contains("aria-label=\"Sélectionner \(escapedName)\">"))
            #expect(open.text.contains(">\(escapedName)</a></th><td data-label=\"Commune\">Saint-Cirq &lt;Lapopie&gt;</td><td data-label=\"Étape\">Repéré</td><td data-label=\"Réponse de l'employeur\"></td></tr>"))
            #expect(!open.text.contains("<b>\"Zoé\"</b>"))
            #expect(open.text.contains(">&lt;i&gt;Trop &quot;loin&quot;&lt;/i&gt; &amp; co</option>"))
            #expect(!open.text.contains("<i>Trop"))
            let closed = try await browser.get("/c/cahors/besoins/\(need)/candidatures?vue=liste&etape=rejected")
            let rejected = try #require(ids.first { $0.1 == "rejected" }?.0)
            #expect(closed.text.contains("<tr><td data-label=\"Sélection\"></td><th scope=\"row\"><a href=\"/c/cahors/candidatures/\(rejected)\">Close Personne</a></th>"))
        }
    }
}
