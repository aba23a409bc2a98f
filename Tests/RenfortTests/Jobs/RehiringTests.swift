import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Last season's people for a need, on hand-built seasons: who is proposed (in the business
/// first, then on similar needs), who is not (left during the trial, a last check-in at risk,
/// another family), the invitation sent once with the board, and the figure that links to them.
@Suite struct RehiringTests {
    struct World {
        let centre: Int64
        let adviser: Int64
        let business: Int64
        let need: Int64
        let people: [String: Int64]
    }

    /// The walnut harvest of October 2027 at Les Jardins (A1401), and the seasons before it.
    static func world(_ database: TestDatabase) async throws -> World {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("essai")
        let jardins = try await make.business(centre: centre, name: "Les Jardins de Lalbenque")
        let domaine = try await make.business(centre: centre, name: "Domaine des Trois Coteaux", siret: "55210055400013")
        let need = try await make.need(
            centre: centre, business: jardins, title: "Cueilleurs de noix (2027)", contract: .seasonalCDD, positions: 4,
            start: Day(year: 2027, month: 10, day: 4), end: Day(year: 2027, month: 11, day: 5))
        try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = 'A1401' WHERE id = \(need)")
        func season(_ business: Int64, _ title: String, _ code: String, year: Int) async throws -> Int64 {
            let id = try await make.need(
                centre: centre, business: business, title: title, contract: .seasonalCDD, positions: 6,
                start: Day(year: year, month: 9, day: 1), end: Day(year: year, month: 10, day: 31))
            try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = '\(code)' WHERE id = \(id)")
            return id
        }
        let walnuts2025 = try await season(jardins, "Cueilleurs de noix (2025)", "A1401", year: 2025)
        let grapes2025 = try await season(domaine, "Vendangeurs (2025)", "A1401", year: 2025)
        let cellar2025 = try await season(domaine, "Aide de chai (2025)", "H1502", year: 2025)
        var people: [String: Int64] = [:]
        // (name, the season worked, how it ended: nil for as planned, the last check-in's status)
        let seasons: [(String, Int64, String?, String)] = [
            ("Alice", walnuts2025, nil, "on_track"),                       // proposed, in the business
            ("Bruno", grapes2025, "fixed_term_end", "on_track"),           // proposed, a similar need
            ("Chloé", walnuts2025, "trial_by_employee", "on_track"),       // left during the trial
            ("Denis", walnuts2025, nil, "at_risk"),                        // the last check-in at risk
            ("Émile", cellar2025, nil, "on_track"),                        // another family, another business
            ("Fanny", walnuts2025, nil, "on_track"),                       // proposed, now in a CDI
        ]
        for (name, season, ending, status) in seasons {
            let id = try await make.candidate(centre: centre, firstName: name, email: "\(name.lowercased())@exemple.test")
            people[name] = id
            let placement = try await make.placement(
                centre: centre, need: season, candidate: id, actor: adviser, contract: .seasonalCDD,
                start: Day(year: 2025, month: 9, day: 1), end: Day(year: 2025, month: 10, day: 31))
            if let ending {
                let day = ending == "fixed_term_end" ? "2025-10-31" : "2025-09-05"
                try await make.execute(centre: centre, "UPDATE placements SET ended_on = '\(day)', end_reason = '\(ending)' WHERE id = \(placement)")
            }
            // The first check-in done with this status, an earlier one going well.
            try await make.execute(centre: centre, """
                UPDATE check_ins SET done_on = due_on, done_by = \(adviser), contacted = 'both', channel = 'phone',
                    status = CASE WHEN due_on = (SELECT min(due_on) FROM check_ins WHERE placement_id = \(placement)) THEN '\(status)' ELSE NULL END
                WHERE placement_id = \(placement) AND due_on = (SELECT min(due_on) FROM check_ins WHERE placement_id = \(placement))
                """)
        }
        let transport = try await make.need(centre: centre, business: domaine, title: "Caviste")
        try await make.placement(centre: centre, need: transport, candidate: people["Fanny"]!, actor: adviser, contract: .cdi, start: Day(year: 2026, month: 3, day: 1))
        return World(centre: centre, adviser: adviser, business: jardins, need: need, people: people)
    }

    @Test func theBusinessesOwnSeasonalWorkersComeFirstAndThoseWhoLeftOrWereAtRiskAreNotProposed() async throws {
        try await TestApp.run { _, database in
            let w = try await Self.world(database)
            let workers = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: w.centre, logger: TestEnvironment.logger) { connection in
                    try await Rehiring.workers(needID: w.need, today: Day(year: 2026, month: 12, day: 1), on: connection, logger: TestEnvironment.logger)
                }
            }
            #expect(workers.map(\.name) == ["Alice Martin", "Fanny Martin", "Bruno Martin"])
            #expect(workers.map(\.workedHere) == [true, true, false])
            #expect(workers[0].needTitle == "Cueilleurs de noix (2025)" && workers[0].sameJob && workers[0].employedBy == nil)
            #expect(workers[1].employedBy == "Domaine des Trois Coteaux")
            #expect(workers[2].businessName == "Domaine des Trois Coteaux")
            for name in ["Chloé", "Denis", "Émile"] { #expect(!workers.contains { $0.candidateID == w.people[name] }) }
        }
    }

    @Test func theTickedAreInvitedOnceAndPutOnTheBoardAndNobodyElseSeesThePage() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            try await browser.signIn("conseil@essai.test")
            let board = try await browser.get("/c/essai/besoins/\(w.need)/candidatures")
            #expect(board.text.contains("/c/essai/besoins/\(w.need)/saisonniers"))
            let page = try await browser.get("/c/essai/besoins/\(w.need)/saisonniers")
            #expect(page.status == .ok)
            #expect(page.text.contains("Dans cette entreprise") && page.text.contains("Sur des besoins semblables du centre"))
            #expect(page.text.contains("Cueilleurs de noix (2025) · Les Jardins de Lalbenque, du 1er septembre au 31 octobre 2025"))
            #expect(page.text.contains("En CDI chez Domaine des Trois Coteaux"))
            #expect(!page.text.contains("Chloé") && !page.text.contains("Denis") && !page.text.contains("Émile"))

            let none = try await browser.post("/c/essai/besoins/\(w.need)/saisonniers", [])
            #expect(none.status == .unprocessableContent && none.text.contains("Cochez au moins une personne"))
            // Someone not proposed (she left during the trial): nothing done, the ticks kept.
            let refused = try await browser.post("/c/essai/besoins/\(w.need)/saisonniers", [("ids", String(w.people["Alice"]!)), ("ids", String(w.people["Chloé"]!))])
            #expect(refused.status == .unprocessableContent && refused.text.contains("plus proposée pour ce besoin"))
            #expect(refused.text.contains("name=\"ids\" value=\"\(w.people["Alice"]!)\" checked"))
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 0)

            let picked = [("ids", String(w.people["Alice"]!)), ("ids", String(w.people["Bruno"]!))]
            let invited = try await browser.post("/c/essai/besoins/\(w.need)/saisonniers", picked)
            #expect(invited.status == .seeOther)
            #expect(try await browser.get(try #require(invited.location)).text.contains(HTML.escape("2 ancien(s) saisonnier(s) ajouté(s) au tableau, à l'étape «\u{00A0}Repéré\u{00A0}» ; 2 invitation(s) envoyée(s).")))
            let twice = try await browser.post("/c/essai/besoins/\(w.need)/saisonniers", picked)
            #expect(try await browser.get(try #require(twice.location)).text.contains("Ces personnes étaient déjà sur le tableau ; 0 invitation(s) envoyée(s)"))
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 2)
            let messages = try await database.candidateMessages().filter { $0.kind == "candidate-reembauche" }
            #expect(messages.map(\.recipient).sorted() == ["alice@exemple.test", "bruno@exemple.test"])
            #expect(messages.allSatisfy { $0.subject == "Une nouvelle saison chez Les Jardins de Lalbenque ?" && $0.body.contains("Cueilleurs de noix (2027)") })
            #expect(try await database.count("candidate_messages", tenant: w.centre, where: "kind = 'reembauche'") == 2)
            #expect(try await browser.get("/c/essai/besoins/\(w.need)/saisonniers").text.contains("déjà sur le tableau"))

            // The business's employer, and an adviser of another centre: no such page for them.
            let employer = browser.fresh()
            try await make.employer("patron@jardins.test", centre: w.centre, business: w.business)
            try await employer.signIn("patron@jardins.test")
            #expect(try await employer.get("/c/essai/besoins/\(w.need)/saisonniers").status == .notFound)
            try await employer.get("/c/essai")
            #expect(try await employer.post("/c/essai/besoins/\(w.need)/saisonniers", [("ids", String(w.people["Fanny"]!))]).status == .notFound)
            let (_, _) = try await make.centre("figeac")
            let outsider = browser.fresh()
            try await outsider.signIn("conseil@figeac.test")
            #expect(try await outsider.get("/c/figeac/besoins/\(w.need)/saisonniers").status == .notFound)
            try await outsider.get("/c/figeac")
            #expect(try await outsider.post("/c/figeac/besoins/\(w.need)/saisonniers", [("ids", String(w.people["Fanny"]!))]).status == .notFound)
            #expect(try await database.count("applications", tenant: w.centre, where: "need_id = \(w.need)") == 2)
        }
    }

    @Test func theFigureOfSeasonalWorkersHiredAgainLinksToThem() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            // Alice comes back for the 2026 walnuts: hired again. Gaëlle's first season is 2026.
            let walnuts2026 = try await make.need(
                centre: w.centre, business: w.business, title: "Cueilleurs de noix (2026)", contract: .seasonalCDD, positions: 2,
                start: Day(year: 2026, month: 10, day: 5), end: Day(year: 2026, month: 11, day: 6))
            try await make.placement(centre: w.centre, need: walnuts2026, candidate: w.people["Alice"]!, actor: w.adviser, contract: .seasonalCDD,
                                     start: Day(year: 2026, month: 10, day: 5), end: Day(year: 2026, month: 11, day: 6))
            let gaelle = try await make.candidate(centre: w.centre, firstName: "Gaëlle", email: "gaelle@exemple.test")
            try await make.placement(centre: w.centre, need: walnuts2026, candidate: gaelle, actor: w.adviser, contract: .seasonalCDD,
                                     start: Day(year: 2026, month: 10, day: 5), end: Day(year: 2026, month: 11, day: 6))
            try await browser.signIn("conseil@essai.test")
            let dashboard = try await browser.get("/c/essai/tableau-de-bord?du=2026-01-01&au=2026-12-31")
            let link = "/c/essai/embauches?du=2026-01-01&amp;au=2026-12-31&amp;contrat=seasonal_cdd&amp;reembauches=1"
            #expect(dashboard.text.contains(link))
            let list = try await browser.get(link.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(list.status == .ok)
            #expect(list.text.contains("Seulement les saisonniers réembauchés") && list.text.contains("id=\"reembauches\" name=\"reembauches\" value=\"1\" checked"))
            #expect(list.text.contains("Alice Martin") && !list.text.contains("Gaëlle"))
            #expect(try await browser.get("/c/essai/embauches?du=2026-01-01&au=2026-12-31&contrat=seasonal_cdd").text.contains("Gaëlle"))
        }
    }
}
