import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct PipelineTests {
    @Test func fromTheFirstCandidateToTheHire() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let domaine = try await make.business(centre: cahors, name: "Domaine des Trois Coteaux", siret: "73282932000074")
            let care = try await make.business(centre: cahors, name: "Quercy Services à Domicile", siret: "55210055400013")
            try await make.employer("patron@domaine.test", centre: cahors, business: domaine)
            let need = try await make.need(centre: cahors, business: domaine, title: "Ouvrier ou ouvrière viticole")
            let otherNeed = try await make.need(centre: cahors, business: care, title: "Aide à domicile")
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/candidats/nouveau").text))
            let created = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields(first: "Rémi", last: "Vigneron", email: "remi@exemple.test", phone: "0699999999") + [("_form", token)])
            let candidatePath = try #require(created.location)
            let candidate = Int64(candidatePath.split(separator: "/").last!)!
            try await browser.get(candidatePath)
            #expect(try await CandidateFixtures.upload(browser, path: candidatePath + "/documents", filename: "cv-remi.pdf", data: Array("%PDF-1.4 cv".utf8)).status == .seeOther)

            // Found from the board's search, added twice: one application.
            let board = try await browser.get("/c/cahors/besoins/\(need)/candidatures?q=vigneron")
            #expect(board.text.contains("Rémi Vigneron"))
            #expect(try await browser.post("/c/cahors/besoins/\(need)/candidatures", [("candidate_id", String(candidate))]).status == .seeOther)
            #expect(try await browser.post("/c/cahors/besoins/\(need)/candidatures", [("candidate_id", String(candidate))]).status == .seeOther)
            #expect(try await browser.post("/c/cahors/besoins/\(otherNeed)/candidatures", [("candidate_id", String(candidate))]).status == .seeOther)
            let application = try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(need) AND candidate_id = \(candidate)")
            #expect(application.count == 1)
            let app = "/c/cahors/candidatures/\(application[0])"

            // The employer sees nothing of a candidate not presented.
            let employer = browser.fresh()
            try await employer.signIn("patron@domaine.test")
            #expect(try await employer.get(app).status == .notFound)
            #expect(!(try await employer.get("/c/cahors/besoins/\(need)").text.contains("Vigneron")))

            try await browser.get(app)
            let illegal = try await browser.post(app + "/etape", [("to", "offer")])
            #expect(illegal.status == .unprocessableContent)
            #expect(illegal.text.contains("Impossible de passer à «\u{00A0}Proposition\u{00A0}»"))
            #expect(try await browser.post(app + "/etape", [("to", "presented"), ("comment", "Profil solide")]).status == .seeOther)

            // Presented: the employer sees the summary and the CV, and answers.
            let needPage = try await employer.get("/c/cahors/besoins/\(need)")
            #expect(needPage.text.contains("Rémi Vigneron"))
            let summary = try await employer.get(app)
            #expect(summary.status == .ok)
            #expect(summary.text.contains("cv-remi.pdf"))
            #expect(!summary.text.contains("remi@exemple.test"))
            let documentID = try await lookup.ids("cahors", "SELECT id FROM candidate_documents WHERE candidate_id = \(candidate)").first!
            #expect(try await employer.get(app + "/documents/\(documentID)").status == .ok)
            #expect(try await employer.get("/c/cahors/candidats/\(candidate)/documents/\(documentID)").status == .notFound)
            let noReason = try await employer.post(app + "/reponse", [("answer", "declined")])
            #expect(noReason.status == .unprocessableContent)
            #expect(try await employer.post(app + "/reponse", [("answer", "interview"), ("note", "Disponible mardi")]).status == .seeOther)
            #expect(try await browser.get(app).text.contains("Entretien souhaité : Disponible mardi"))

            // The interview, with its calendar file.
            let day = Day(Date().addingTimeInterval(3 * 86400)).iso
            #expect(try await browser.post(app + "/entretiens", [("date", day), ("time", "25:00"), ("duration", "45"), ("mode", "in_person")]).status == .unprocessableContent)
            #expect(try await browser.post(app + "/entretiens", [("date", day), ("time", "14:30"), ("duration", "45"), ("mode", "in_person"), ("place", "Domaine, Luzech"), ("attendees", "M. Vayssières")]).status == .seeOther)
            let interview = try await lookup.ids("cahors", "SELECT id FROM interviews WHERE application_id = \(application[0])").first!
            let ics = try await browser.get(app + "/entretiens/\(interview)/invitation.ics")
            #expect(ics.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(ics.text.contains("BEGIN:VEVENT"))
            #expect(ics.text.contains("DTSTART;TZID=Europe/Paris:\(day.replacingOccurrences(of: "-", with: ""))T143000"))
            #expect(ics.text.contains("DURATION:PT45M"))
            #expect(ics.text.contains("LOCATION:Domaine\\, Luzech"))
            #expect(ics.text.contains("\r\n"))
            #expect(ics.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            #expect(try await employer.get(app + "/entretiens/\(interview)/invitation.ics").status == .ok)

            // The offer, then the hire.
            #expect(try await browser.post(app + "/propositions", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("gross_pay", "1900")]).status == .seeOther)
            let hired = try await browser.post(app + "/embauche", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("confirm", "1")])
            #expect(hired.status == .seeOther)
            let placementPath = try #require(hired.location)
            #expect(placementPath.hasPrefix("/c/cahors/embauches/"))
            #expect(try await browser.get(placementPath).text.contains("Création de poste"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE candidate_id = \(candidate) AND need_id = \(need) AND contract_kind = 'cdi'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE id = \(need) AND positions_filled = 1 AND status = 'filled'") == 1)
            // Hired full time on a CDI: the other application ends, with its reason.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(otherNeed) AND candidate_id = \(candidate) AND stage = 'withdrawn' AND ending_note = 'recruté ailleurs'") == 1)
            // A second hire on a full need is refused.
            #expect(try await browser.post(app + "/embauche", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("confirm", "1")]).status == .unprocessableContent)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE need_id = \(need)") == 1)
            // The employer sees the hire on their side.
            #expect(try await employer.get("/c/cahors/embauches").text.contains("Rémi Vigneron"))
        }
    }

    @Test func bulkRejectEndsOnlyTheSelectedOpenApplicationsOfTheNeed() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let care = try await make.business(centre: cahors)
            let need = try await make.need(centre: cahors, business: care, title: "Aide à domicile")
            let driver = try await make.need(centre: cahors, business: care, title: "Chauffeur")
            for (index, stage) in [ApplicationStage.sourced, .screening].enumerated() {
                let person = try await make.candidate(centre: cahors, firstName: "Personne\(index)", email: "personne\(index)@example.org")
                try await make.application(centre: cahors, need: need, candidate: person, stage: stage, actor: adviser)
            }
            try await make.application(centre: cahors, need: driver, candidate: try await make.candidate(centre: cahors), actor: adviser)
            try await make.rejectionReasons(centre: cahors)
            let lookup = DemoLookup(database: database)
            let open = try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(need) AND stage IN ('sourced','screening','presented','interview','offer') ORDER BY id")
            let elsewhere = try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id <> \(need) AND stage = 'sourced' ORDER BY id").first!
            #expect(open.count >= 2)
            try await browser.signIn("conseil@cahors.test")
            let board = try await browser.get("/c/cahors/besoins/\(need)/candidatures")
            #expect(board.text.contains("Présélection"))
            let list = try await browser.get("/c/cahors/besoins/\(need)/candidatures?vue=liste")
            #expect(list.text.contains("<table"))
            let reason = try await lookup.ids("cahors", "SELECT id FROM rejection_reasons WHERE label = 'Mobilité'").first!
            let noReason = try await browser.post("/c/cahors/besoins/\(need)/candidatures/rejeter", [("ids", String(open[0]))])
            #expect(noReason.status == .unprocessableContent)
            let rejected = try await browser.post("/c/cahors/besoins/\(need)/candidatures/rejeter", [("ids", String(open[0])), ("ids", String(open[1])), ("ids", String(elsewhere)), ("reason_id", String(reason))])
            #expect(rejected.location == "/c/cahors/besoins/\(need)/candidatures")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE id IN (\(open[0]), \(open[1])) AND stage = 'rejected' AND rejection_reason_id = \(reason)") == 2)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE id = \(elsewhere) AND stage = 'sourced'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM application_events WHERE application_id = \(open[0]) AND to_stage = 'rejected'") == 1)
        }
    }

    /// On the demo: its story is the subject (the seeds' 39 permanent posts, pipelines at every stage).
    @Test func theDemoTellsTheSeedsStory() async throws {
        try await TestApp.run(demo: true) { _, database in
            let lookup = DemoLookup(database: database)
            let story = try await lookup.count("cahors", "SELECT 1 FROM placements WHERE contract_kind IN ('cdi', 'shared_time') AND start_date BETWEEN '2018-10-01' AND '2019-01-31'")
            #expect(story == 39)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE contract_kind IN ('cdi', 'shared_time') AND start_date BETWEEN '2018-10-01' AND '2019-01-31'") == 39)
            #expect(try await lookup.count("cahors", "SELECT DISTINCT business_id FROM placements WHERE contract_kind = 'cdi' AND start_date BETWEEN '2018-10-01' AND '2019-01-31'") == 8)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE contract_kind IN ('seasonal_cdd', 'cdd') AND start_date BETWEEN '2018-10-01' AND '2019-01-31'") > 0)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM interviews WHERE starts_at BETWEEN now() AND now() + interval '7 days'") > 0)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM offers WHERE status = 'pending'") > 0)
            for stage in ["sourced", "screening", "presented", "interview", "offer", "hired", "rejected"] {
                #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE stage = '\(stage)'") > 0, "\(stage)")
            }
            // Every demo placement has its schedule, and some ended during their trial.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements p WHERE NOT EXISTS (SELECT 1 FROM check_ins k WHERE k.placement_id = p.id)") == 0)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE end_reason IN ('trial_by_employee', 'trial_by_employer')") > 0)
            // Every filled position of the demo is a real placement.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs n WHERE n.positions_filled <> (SELECT count(*) FROM placements p WHERE p.need_id = n.id)") == 0)
        }
    }

    @Test func theAdvisersWorklistShowsWhatWaits() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let need = try await make.need(centre: cahors, business: try await make.business(centre: cahors), positions: 2)
            let met = try await make.application(centre: cahors, need: need, candidate: try await make.candidate(centre: cahors), stage: .interview, actor: adviser)
            let offered = try await make.application(
                centre: cahors, need: need, candidate: try await make.candidate(centre: cahors, firstName: "Noé", email: "noe@example.org"), stage: .interview, actor: adviser)
            try await browser.signIn("conseil@cahors.test")
            // An interview in three days, and an offer awaiting its answer.
            let day = Day(Date().addingTimeInterval(3 * 86400)).iso
            try await browser.get("/c/cahors/candidatures/\(met)")
            #expect(try await browser.post("/c/cahors/candidatures/\(met)/entretiens", [("date", day), ("time", "10:00"), ("duration", "30"), ("mode", "phone")]).status == .seeOther)
            #expect(try await browser.post("/c/cahors/candidatures/\(offered)/propositions", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("gross_pay", "1900")]).status == .seeOther)
            let home = try await browser.get("/c/cahors")
            #expect(home.text.contains("Suivis dans l&#39;emploi") || home.text.contains("Suivis dans l'emploi"))
            #expect(home.text.contains("/c/cahors/suivis?statut=risque"))
            for heading in ["Entretiens des sept prochains jours", "Présentés, en attente de l'employeur", "Propositions en attente de réponse", "Candidatures sans mouvement depuis 15 jours", "Besoins à qualifier"] {
                #expect(home.text.contains(heading), "\(heading)")
            }
            #expect(home.text.contains("/c/cahors/candidatures/"))
            #expect(!home.text.contains("Aucun entretien prévu."))
            #expect(!home.text.contains("Aucune proposition en attente."))
        }
    }

    /// The five lists come from one statement: each application is in its own list, the
    /// employer's answer said after it.
    @Test func eachApplicationIsInItsOwnList() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let need = try await make.need(centre: cahors, business: try await make.business(centre: cahors), positions: 5)
            func application(_ name: String, _ stage: ApplicationStage) async throws -> Int64 {
                try await make.application(
                    centre: cahors, need: need, candidate: try await make.candidate(centre: cahors, firstName: name, email: "\(name.lowercased())@example.org"),
                    stage: stage, actor: adviser)
            }
            let awaiting = try await application("Alice", .presented)
            let wanted = try await application("Bruno", .presented)
            let declined = try await application("Chloe", .presented)
            let stale = try await application("Denis", .screening)
            let met = try await application("Emma", .interview)
            let offered = try await application("Farid", .interview)
            try await make.inCentre(cahors) { connection in
                try await connection.query("UPDATE applications SET employer_answer = 'interview', employer_answered_at = now() WHERE id = \(wanted)", logger: TestEnvironment.logger)
                try await connection.query("UPDATE applications SET employer_answer = 'declined', employer_answered_at = now() WHERE id = \(declined)", logger: TestEnvironment.logger)
                try await connection.query("UPDATE applications SET last_move_at = now() - interval '20 days' WHERE id = \(stale)", logger: TestEnvironment.logger)
            }
            try await browser.signIn("conseil@cahors.test")
            let day = Day(Date().addingTimeInterval(2 * 86400)).iso
            try await browser.get("/c/cahors/candidatures/\(met)")
            #expect(try await browser.post("/c/cahors/candidatures/\(met)/entretiens", [("date", day), ("time", "10:00"), ("duration", "30"), ("mode", "phone")]).status == .seeOther)
            #expect(try await browser.post("/c/cahors/candidatures/\(offered)/propositions", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("gross_pay", "1900")]).status == .seeOther)
            let home = try await browser.get("/c/cahors").text
            /// The links of the list under the heading `id`.
            func list(_ id: String) -> String {
                guard let start = home.range(of: "<h2 id=\"\(id)\">") else { return "" }
                let rest = home[start.upperBound...]
                return String(rest[..<(rest.range(of: "<h2")?.lowerBound ?? rest.endIndex)])
            }
            let everyone = [awaiting, wanted, declined, stale, met, offered]
            for (id, expected) in [("attente-employeur", [awaiting]), ("reponses", [wanted, declined]), ("sans-mouvement", [stale]),
                                   ("entretiens-semaine", [met]), ("propositions", [offered])] {
                let shown = list(id)
                for application in everyone {
                    #expect(shown.contains("/candidatures/\(application)\"") == expected.contains(application), "\(id): \(application)")
                }
            }
            #expect(list("reponses").contains("Bruno") && list("reponses").contains(" : entretien souhaité"))
            #expect(list("reponses").contains(" : non retenu"))
            #expect(!list("attente-employeur").contains(" : "))
        }
    }

    /// The queue's rows and the lists' items are written in Swift (`AdviserHomePage`): what
    /// people typed is escaped there as mustache would.
    @Test func theWorklistEscapesWhatPeopleTyped() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let business = try await make.business(centre: cahors, name: "Auberge <du> \"Lot\"")
            let need = try await make.need(centre: cahors, business: business, title: "Cuisinier <script>x</script>")
            let candidate = try await make.candidate(centre: cahors, firstName: "<b>\"Zoé\"</b>", lastName: "& 'Cie'")
            _ = try await make.application(centre: cahors, need: need, candidate: candidate, stage: .presented, actor: adviser)
            try await browser.signIn("conseil@cahors.test")

            let home = try await browser.get("/c/cahors")
            // The queue: the need submitted, its title and business escaped.
            #expect(home.text.contains("\">Cuisinier &lt;script&gt;x&lt;/script&gt;</a></th><td data-label=\"Entreprise\">Auberge &lt;du&gt; &quot;Lot&quot;</td>"))
            // Presented, awaiting the employer: the person and the need escaped.
            #expect(home.text.contains("\">&lt;b&gt;&quot;Zoé&quot;&lt;/b&gt; &amp; &#39;Cie&#39;</a> — Cuisinier &lt;script&gt;x&lt;/script&gt; — Auberge &lt;du&gt; &quot;Lot&quot; <span class=\"muted\">présenté le "))
            #expect(!home.text.contains("<script>x") && !home.text.contains("<b>\"Zoé"))
        }
    }

    @Test func advisersEditTheirCentresRejectionReasons() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.centre("figeac")
            try await make.employer("patron@auberge.test", centre: cahors, business: try await make.business(centre: cahors))
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/parametres/motifs")
            #expect(page.text.contains("Mobilité"))
            #expect(try await browser.post("/c/cahors/parametres/motifs", [("label", "")]).status == .unprocessableContent)
            #expect(try await browser.post("/c/cahors/parametres/motifs", [("label", "Permis manquant")]).status == .seeOther)
            let mobility = try await lookup.ids("cahors", "SELECT id FROM rejection_reasons WHERE label = 'Mobilité'").first!
            #expect(try await browser.post("/c/cahors/parametres/motifs/\(mobility)/retirer").status == .seeOther)
            let after = try await browser.get("/c/cahors/parametres/motifs")
            #expect(after.text.contains("Permis manquant"))
            #expect(!after.text.contains(">Mobilité"))
            // Figeac's list is its own.
            let figeac = browser.fresh()
            try await figeac.signIn("conseil@figeac.test")
            #expect(!(try await figeac.get("/c/figeac/parametres/motifs").text.contains("Permis manquant")))
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            #expect(try await employer.get("/c/cahors/parametres/motifs").status == .notFound)
        }
    }

    @Test func aPartTimeHireKeepsTheCandidatesOtherApplications() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let business = try await make.business(centre: cahors)
            let candidate = try await make.candidate(centre: cahors)
            let offer = try await make.application(
                centre: cahors, need: try await make.need(centre: cahors, business: business), candidate: candidate, stage: .offer, actor: adviser)
            let other = try await make.need(centre: cahors, business: business, title: "Tractoriste viticole")
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            try await browser.get("/c/cahors")
            #expect(try await browser.post("/c/cahors/besoins/\(other)/candidatures", [("candidate_id", String(candidate))]).status == .seeOther)
            let day = Day(Date().addingTimeInterval(10 * 86400)).iso
            let hired = try await browser.post("/c/cahors/candidatures/\(offer)/embauche", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "24"), ("confirm", "1")])
            #expect(hired.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE application_id = \(offer) AND NOT full_time") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(other) AND candidate_id = \(candidate) AND stage = 'sourced'") == 1)
        }
    }
}
