import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A need's matches on a hand-built pool: who is proposed, in which order, with which reasons
/// and flags; the ticked ones put on the board once; other centres' people never shown.
@Suite struct MatchingTests {
    struct World {
        let centre: Int64
        let adviser: Int64
        let need: Int64
        let people: [String: Int64]
    }

    /// A summer need for a cook (G1602), from 1 July to 31 August 2027 in Cahors, licence needed.
    static func world(_ database: TestDatabase) async throws -> World {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("essai")
        let business = try await make.business(centre: centre, name: "Auberge du Causse")
        let need = try await make.need(
            centre: centre, business: business, title: "Cuisinier ou cuisinière (été)", contract: .seasonalCDD,
            start: Day(year: 2027, month: 7, day: 1), end: Day(year: 2027, month: 8, day: 31))
        try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = 'G1602', appellation_id = 13861, driving_licence = true WHERE id = \(need)")
        var people: [String: Int64] = [:]
        // (name, job, commune INSEE and name, licence, a summer window every year)
        let pool: [(String, String, String, String, Bool, Bool)] = [
            ("Alice", "G1602", "46042", "Cahors", true, true),        // everything
            ("Bruno", "G1603", "46102", "Figeac", true, false),       // the family, the department
            ("Chloé", "G1602", "12202", "Rodez", false, true),        // no licence, elsewhere
            ("Denis", "A1405", "46042", "Cahors", true, true),        // another family: not proposed
            ("Émile", "G1602", "46042", "Cahors", true, true),        // in a CDI elsewhere
        ]
        for (name, code, insee, commune, licence, summer) in pool {
            let id = try await make.candidate(centre: centre, firstName: name, email: "\(name.lowercased())@exemple.test")
            people[name] = id
            try await make.execute(centre: centre, "UPDATE candidates SET commune_insee = '\(insee)', commune_name = '\(commune)', driving_licence = \(licence) WHERE id = \(id)")
            try await make.execute(centre: centre, "INSERT INTO candidate_jobs (tenant_id, candidate_id, position, rome_code) VALUES (\(centre), \(id), 1, '\(code)')")
            if summer {
                try await make.execute(centre: centre, """
                    INSERT INTO candidate_availability (tenant_id, candidate_id, position, starts_on, ends_on, every_year)
                    VALUES (\(centre), \(id), 1, '2025-06-15', '2025-09-10', true)
                    """)
            }
        }
        let other = try await make.need(centre: centre, business: try await make.business(centre: centre, name: "Brasserie du Lot", siret: "55210055400013"), title: "Chef")
        try await make.placement(centre: centre, need: other, candidate: people["Émile"]!, actor: adviser, contract: .cdi, start: Day(year: 2026, month: 10, day: 1))
        return World(centre: centre, adviser: adviser, need: need, people: people)
    }

    @Test func theFamilyIsProposedTheBestFirstWithItsReasonsAndFlags() async throws {
        try await TestApp.run { _, database in
            let w = try await Self.world(database)
            let matches = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: w.centre, logger: TestEnvironment.logger) { connection in
                    try await Matching.matches(needID: w.need, code: "G1602", on: connection, logger: TestEnvironment.logger)
                }
            }
            #expect(matches.map(\.name) == ["Alice Martin", "Bruno Martin", "Chloé Martin", "Émile Martin"])
            let alice = try #require(matches.first)
            #expect(alice.reasons == ["le même métier (G1602)", "libre pour toute la période du besoin", "habite la commune du poste", "a le permis B demandé"])
            #expect(alice.flags == [] && alice.score == 4 + 3 + 2 + 1)
            #expect(matches[1].reasons == ["un métier de la même famille (G16)", "habite le même département", "a le permis B demandé"])
            #expect(matches[2].flags == ["Sans permis B, demandé pour le poste"])
            #expect(matches[2].reasons.contains("libre pour toute la période du besoin"))
            #expect(matches[3].flags == ["En CDI chez Brasserie du Lot"])
            #expect(!matches.contains { $0.candidateID == w.people["Denis"] })
        }
    }

    @Test func theTickedArePutOnTheBoardOnceAndTheEmployerAndOtherCentresSeeNothing() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            // Another centre's cook: never proposed here, never added from here.
            let (figeac, _) = try await make.centre("figeac")
            let stranger = try await make.candidate(centre: figeac, firstName: "Zoé", email: "zoe@exemple.test")
            try await make.execute(centre: figeac, "INSERT INTO candidate_jobs (tenant_id, candidate_id, position, rome_code) VALUES (\(figeac), \(stranger), 1, 'G1602')")

            try await browser.signIn("conseil@essai.test")
            let board = try await browser.get("/c/essai/besoins/\(w.need)/candidatures")
            #expect(board.text.contains("/c/essai/besoins/\(w.need)/vivier"))
            let page = try await browser.get("/c/essai/besoins/\(w.need)/vivier")
            #expect(page.status == .ok)
            #expect(page.text.contains("Cuisinier / Cuisinière (G1602, Personnel de cuisine)"))
            #expect(page.text.contains("libre pour toute la période du besoin"))
            #expect(page.text.contains("En CDI chez Brasserie du Lot"))
            #expect(!page.text.contains("Zoé") && !page.text.contains("Denis"))

            let none = try await browser.post("/c/essai/besoins/\(w.need)/vivier", [])
            #expect(none.status == .unprocessableContent)
            #expect(none.text.contains("Cochez au moins un candidat"))
            let foreign = try await browser.post("/c/essai/besoins/\(w.need)/vivier", [("ids", String(w.people["Alice"]!)), ("ids", String(stranger))])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.text.contains("name=\"ids\" value=\"\(w.people["Alice"]!)\" checked"))
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 0)

            let picked = [("ids", String(w.people["Alice"]!)), ("ids", String(w.people["Bruno"]!))]
            let added = try await browser.post("/c/essai/besoins/\(w.need)/vivier", picked)
            #expect(added.status == .seeOther)
            #expect(try await browser.get(try #require(added.location)).text.contains("2 candidat(s) du vivier ajouté(s) au tableau"))
            let twice = try await browser.post("/c/essai/besoins/\(w.need)/vivier", picked)
            #expect(try await browser.get(try #require(twice.location)).text.contains("Ces candidats étaient déjà sur le tableau"))
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 2)
            #expect(try await browser.get("/c/essai/besoins/\(w.need)/vivier").text.contains("déjà sur le tableau"))

            // The employer of the business, and an adviser of another centre: no such page for them.
            let employer = browser.fresh()
            let business = try #require(try await make.ids(w.centre, "SELECT business_id FROM job_needs WHERE id = \(w.need)").first)
            try await make.employer("patron@auberge.test", centre: w.centre, business: business)
            try await employer.signIn("patron@auberge.test")
            #expect(try await employer.get("/c/essai/besoins/\(w.need)/vivier").status == .notFound)
            try await employer.get("/c/essai")
            let employerPost = try await employer.post("/c/essai/besoins/\(w.need)/vivier", [("ids", String(w.people["Chloé"]!))])
            #expect(employerPost.status == .notFound)
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 2)
            let outsider = browser.fresh()
            try await outsider.signIn("conseil@figeac.test")
            #expect(try await outsider.get("/c/figeac/besoins/\(w.need)/vivier").status == .notFound)
        }
    }

    /// The rows are written in Swift (`NeedMatchesPage.rowsMarkup`): what people typed is
    /// escaped there as mustache would, and a box ticked in a refused form stays ticked.
    @Test func theRowsEscapeWhatPeopleTyped() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let alice = w.people["Alice"]!
            try await make.execute(
                centre: w.centre, "UPDATE candidates SET first_name = '<b>\"Alice\"</b>', last_name = '& ''Cie''', commune_name = 'Cahors <i>' WHERE id = \(alice)")
            try await make.execute(centre: w.centre, "UPDATE businesses SET name = 'Brasserie <du> \"Lot\"' WHERE name = 'Brasserie du Lot'")

            try await browser.signIn("conseil@essai.test")
            let page = try await browser.get("/c/essai/besoins/\(w.need)/vivier")
            let escaped = "&lt;b&gt;&quot;Alice&quot;&lt;/b&gt; &amp; &#39;Cie&#39;"
            #expect(page.text.contains("aria-label=\"Sélectionner \(escaped)\">"))
            #expect(page.text.contains("\">\(escaped)</a></th>"))
            #expect(page.text.contains("<td data-label=\"Commune\">Cahors &lt;i&gt;</td>"))
            #expect(page.text.contains("<span class=\"badge badge--warn\">En CDI chez Brasserie &lt;du&gt; &quot;Lot&quot;</span>"))
            #expect(!page.text.contains("<b>\"Alice\"</b>") && !page.text.contains("<du>"))
            // Refused (Alice and a number that is no one's): Alice's box comes back ticked, Bruno's not.
            let refused = try await browser.post("/c/essai/besoins/\(w.need)/vivier", [("ids", String(alice)), ("ids", "999999")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("name=\"ids\" value=\"\(alice)\" checked aria-label"))
            #expect(refused.text.contains("name=\"ids\" value=\"\(w.people["Bruno"]!)\" aria-label"))
        }
    }

    @Test func aCandidatesRecordListsTheOpenNeedsThatFitThem() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            try await browser.signIn("conseil@essai.test")
            let alice = try await browser.get("/c/essai/candidats/\(w.people["Alice"]!)")
            #expect(alice.text.contains("Besoins ouverts qui lui correspondent"))
            #expect(alice.text.contains("Cuisinier ou cuisinière (été)"))
            #expect(alice.text.contains("le même métier (G1602) ; libre pour toute la période du besoin ; habite la commune du poste ; a le permis B demandé"))
            let chloe = try await browser.get("/c/essai/candidats/\(w.people["Chloé"]!)")
            #expect(chloe.text.contains("Sans permis B, demandé pour le poste"))
            let denis = try await browser.get("/c/essai/candidats/\(w.people["Denis"]!)")
            #expect(denis.text.contains("Aucun besoin ouvert du centre dans la famille de ses métiers"))
            let nobody = try await make.candidate(centre: w.centre, firstName: "Nina", email: "nina@exemple.test")
            #expect(try await browser.get("/c/essai/candidats/\(nobody)").text.contains("Indiquez les métiers que la personne recherche"))
            // Its button puts her on the board; then the record says so.
            #expect(try await browser.post("/c/essai/besoins/\(w.need)/candidatures", [("candidate_id", String(w.people["Alice"]!))]).status == .seeOther)
            #expect(try await browser.get("/c/essai/candidats/\(w.people["Alice"]!)").text.contains("déjà sur le tableau"))
            // A need closed is no longer proposed.
            try await make.execute(centre: w.centre, "UPDATE job_needs SET status = 'cancelled', cancel_reason = 'plus besoin' WHERE id = \(w.need)")
            #expect(!(try await browser.get("/c/essai/candidats/\(w.people["Bruno"]!)").text.contains("Cuisinier ou cuisinière (été)")))
        }
    }

    @Test func aNeedWithoutAJobSaysToGiveItOne() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            try await browser.signIn("conseil@essai.test")
            let page = try await browser.get("/c/essai/besoins/\(need)/vivier")
            #expect(page.status == .ok)
            #expect(page.text.contains("pas encore de métier du répertoire ROME"))
        }
    }

    /// Whether a window covers a need's days (schema 0240's one expression): dated, every year
    /// (moved to the need's year, or the year before across the new year), and not.
    @Test func aWindowCoversTheNeedsDaysDatedOrEveryYear() async throws {
        try await TestApp.run { _, database in
            let cases: [(String, String, Bool, String, String, Bool)] = [
                ("2027-06-01", "2027-09-30", false, "2027-07-01", "2027-08-31", true),
                ("2026-06-01", "2026-09-30", false, "2027-07-01", "2027-08-31", false),
                ("2025-06-15", "2025-09-10", true, "2027-07-01", "2027-08-31", true),
                ("2025-06-15", "2025-09-10", true, "2027-07-01", "2027-09-30", false),
                ("2024-12-01", "2025-02-28", true, "2027-01-05", "2027-01-20", true),
                ("2024-12-01", "2025-02-28", true, "2027-12-05", "2027-12-20", true),
                ("2024-12-01", "2025-02-28", true, "2027-11-25", "2027-12-20", false),
            ]
            for (starts, ends, everyYear, from, to, expected) in cases {
                let covered = try await database.asOwner { client in
                    try await client.withConnection { connection in
                        try await connection.value(
                            "SELECT window_covers(\(starts)::date, \(ends)::date, \(everyYear), \(from)::date, \(to)::date)", as: Bool.self, logger: TestEnvironment.logger)
                    }
                }
                #expect(covered == expected, "\(starts)…\(ends) every year \(everyYear) for \(from)…\(to)")
            }
        }
    }
}
