import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The candidate's own page: a link by e-mail (sent once per request, used once, short-lived,
/// the same answer for an unknown address), the applications in the candidate's words, their
/// contact details kept in the record's history as theirs, the withdrawal through the pipeline,
/// and a session that reaches nothing else.
@Suite struct PortalTests {
    @Test func theLinkIsSentOncePerRequestWorksOnceAndExpires() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            try await make.candidate(centre: centre, firstName: "Anaïs", email: "anais@example.org")

            // The form sent twice with its one-time token (a double click): one link.
            let page = try await browser.get("/c/test/mon-espace")
            #expect(page.status == .ok)
            let token = try #require(HTMLForm.posting(to: "/c/test/mon-espace/lien", in: page.text).first?.controls.first { $0.name == "_form" }?.value)
            let first = try await browser.post("/c/test/mon-espace/lien", [("email", "Anais@Example.org "), ("_form", token)])
            let second = try await browser.post("/c/test/mon-espace/lien", [("email", "Anais@Example.org "), ("_form", token)])
            #expect(first.location == "/c/test/mon-espace?envoye=1")
            #expect(second.location == "/c/test/mon-espace?envoye=1")
            let bodies = try await PortalOutbox.bodies(to: "anais@example.org", database)
            #expect(bodies.count == 1)
            let link = try #require(try await PortalOutbox.links(to: "anais@example.org", database).first)
            #expect(bodies[0].contains("http://127.0.0.1:8080" + link))
            #expect(bodies[0].contains("Bonjour Anaïs") && bodies[0].contains("20 minutes"))
            #expect(try await browser.get("/c/test/mon-espace?envoye=1").text.contains("Si le centre connaît cette adresse"))

            // Opening it: a page with one button (a mail preview that fetches the link does not use it up).
            let opening = try await browser.get(link)
            #expect(opening.status == .ok && opening.text.contains("Ouvrir mon espace"))
            #expect(try await browser.get(link).status == .ok)
            let cookieBefore = browser.cookie
            let opened = try await browser.post(link)
            #expect(opened.status == .seeOther && opened.location == "/c/test/mon-espace")
            let cookie = try #require(opened.headers[values: .setCookie].first { $0.hasPrefix("renfort_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(browser.cookie != cookieBefore)
            let own = try await browser.get("/c/test/mon-espace")
            #expect(own.text.contains("Bonjour Anaïs") && own.text.contains("Mes candidatures"))

            // Used: says so, and offers a new one (another browser, the same link).
            let other = browser.fresh()
            let used = try await other.get(link)
            #expect(used.status == .gone && used.text.contains("Ce lien a déjà servi") && used.text.contains("Recevoir mon lien"))
            try await other.get("/c/test/mon-espace")
            #expect(try await other.post(link).status == .gone)
            #expect(!(try await other.get("/c/test/mon-espace").text.contains("Bonjour Anaïs")))

            // Expired after 20 minutes.
            try await other.requestCandidateLink("test", email: "anais@example.org")
            let late = try #require(try await PortalOutbox.links(to: "anais@example.org", database).last)
            #expect(late != link)
            clock.advance(by: 21 * 60)
            let expired = try await other.get(late)
            #expect(expired.status == .gone && expired.text.contains("Ce lien a expiré"))
            #expect(try await other.post(late).status == .gone)
            #expect(try await database.count("candidate_sessions", tenant: centre) == 1)
        }
    }

    @Test func anUnknownAddressGetsTheSameAnswerAndNothingIsSent() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            try await make.candidate(centre: centre, email: "camille@example.org")
            let (other, _) = try await make.centre("autre")
            try await make.candidate(centre: other, firstName: "Noé", email: "noe@example.org")

            let known = try await browser.requestCandidateLink("test", email: "camille@example.org")
            let unknown = try await browser.requestCandidateLink("test", email: "personne@example.org")
            // Known in another centre only: unknown here.
            let elsewhere = try await browser.requestCandidateLink("test", email: "noe@example.org")
            #expect(known.status == .seeOther && unknown.status == .seeOther && elsewhere.status == .seeOther)
            #expect(known.location == unknown.location && unknown.location == elsewhere.location)
            #expect(try await PortalOutbox.bodies(to: "camille@example.org", database).count == 1)
            #expect(try await PortalOutbox.bodies(to: "personne@example.org", database).isEmpty)
            #expect(try await PortalOutbox.bodies(to: "noe@example.org", database).isEmpty)

            // At most three links an hour for one record; beyond, the same answer and nothing sent.
            for _ in 0..<4 {
                #expect(try await browser.requestCandidateLink("test", email: "camille@example.org").location == "/c/test/mon-espace?envoye=1")
            }
            #expect(try await PortalOutbox.bodies(to: "camille@example.org", database).count == CandidateLinks.hourlyPerCandidate)

            // A bad address: the form again with its message and what was typed.
            try await browser.get("/c/test/mon-espace")
            let bad = try await browser.post("/c/test/mon-espace/lien", [("email", "pas-une-adresse"), ("_form", Tokens.random())])
            #expect(bad.status == .unprocessableContent && bad.text.contains(HTML.escape("n'est pas une adresse e-mail valide")) && bad.text.contains("value=\"pas-une-adresse\""))

            // Sent from a page whose session has ended: nothing sent, the address kept, under a fresh session.
            let stale = browser.fresh()
            try await stale.get("/c/test/mon-espace")
            let late = try await stale.post("/c/test/mon-espace/lien", [("email", "camille@example.org"), ("_form", Tokens.random()), ("_csrf", "jeton-perime")], csrf: false)
            #expect(late.status == .unprocessableContent && late.text.contains("rien n&#39;a encore été envoyé") && late.text.contains("value=\"camille@example.org\""))
            #expect(try await PortalOutbox.bodies(to: "camille@example.org", database).count == CandidateLinks.hourlyPerCandidate)

            // Ten requests an hour from one address: then a 429, known or not.
            let flood = browser.fresh()
            flood.address = "198.51.100.7"
            for _ in 0..<PortalRepository.hourlyPerAddress { try await flood.requestCandidateLink("test", email: "x\(Int.random(in: 0...9999))@example.org") }
            #expect(try await flood.requestCandidateLink("test", email: "camille@example.org").status == .tooManyRequests)
        }
    }

    @Test func thePageListsTheApplicationsInTheCandidatesWordsAndWhatTheCentreHolds() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let business = try await make.business(centre: centre, name: "Auberge du Causse")
            let camille = try await make.candidate(centre: centre, email: "camille@example.org")
            try await make.notes(centre: centre, candidate: camille, "NOTE-INTERNE-DU-CONSEILLER")
            try await make.document(centre: centre, candidate: camille, filename: "cv-camille.pdf", actor: adviser)
            let sourced = try await make.application(
                centre: centre, need: try await make.need(centre: centre, business: business, title: "Plongeur"), candidate: camille, actor: adviser)
            _ = sourced
            try await make.application(
                centre: centre, need: try await make.need(centre: centre, business: business, title: "Serveur"), candidate: camille, stage: .presented, actor: adviser)
            let interviewing = try await make.application(
                centre: centre, need: try await make.need(centre: centre, business: business, title: "Cuisinier"), candidate: camille, stage: .presented, actor: adviser)
            let at = Day(Date()).adding(days: 3).date.addingTimeInterval(10 * 3600)
            try await make.interview(centre: centre, application: interviewing, startsAt: at, actor: adviser)
            let rejected = try await make.application(
                centre: centre, need: try await make.need(centre: centre, business: business, title: "Barman"), candidate: camille, stage: .screening, actor: adviser)
            try await make.end(centre: centre, application: rejected, as: .rejected, note: "MOTIF-INTERNE-DU-REFUS", actor: adviser)

            let page = try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            let text = page.text
            #expect(text.contains(HTML.escape("En cours d'examen par le centre")))
            #expect(text.contains(HTML.escape("Présentée à l'employeur, en attente de sa réponse")))
            #expect(text.contains("Entretien le \(HTML.escape(Formats.dateTime(at))) (Auberge, Cahors)"))
            #expect(text.contains("Non retenue"))
            for hidden in ["NOTE-INTERNE-DU-CONSEILLER", "MOTIF-INTERNE-DU-REFUS", "Repéré", "Présélection", "Le patron"] {
                #expect(!text.contains(hidden), "the candidate's page shows \(hidden)")
            }
            // The business is named once the candidate was presented to it, not before.
            let plongeur = try #require(text.components(separatedBy: "<li class=\"card\">").first { $0.contains("Plongeur") })
            #expect(!plongeur.contains("Auberge du Causse"))
            let serveur = try #require(text.components(separatedBy: "<li class=\"card\">").first { $0.contains("Serveur") })
            #expect(serveur.contains("Auberge du Causse"))
            // Only open applications can be withdrawn.
            let barman = try #require(text.components(separatedBy: "<li class=\"card\">").first { $0.contains("Barman") })
            #expect(!barman.contains("Retirer ma candidature"))
            // What the centre holds: the record's fields, its dates, its documents (downloadable).
            for fact in ["camille@example.org", "Cahors", "permis B, véhiculé, jusqu'à 30 km", "cuisine", "France Travail", "Fiche supprimée après le", "Fiche créée le"] {
                #expect(text.contains(HTML.escape(fact)), "the page does not show \(fact)")
            }
            // Opening the page is the person's last contact: kept three months from today (it was 80 days).
            #expect(text.contains(Day(Date()).adding(days: 90).french))
            let href = try #require(text.firstMatch(of: /href="(\/c\/test\/mon-espace\/documents\/[0-9]+)"/)?.output.1)
            let file = try await browser.get(String(href))
            #expect(file.status == .ok && file.headers[.contentDisposition]?.contains("cv-camille.pdf") == true)
            #expect(String(buffer: file.body).hasPrefix("%PDF-"))
        }
    }

    @Test func contactDetailsAreKeptAndTheHistorySaysTheCandidateChangedThem() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre, email: "camille@example.org")
            let page = try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            let form = try #require(HTMLForm.posting(to: "/c/test/mon-espace/coordonnees", in: page.text).first)
            let token = try #require(form.controls.first { $0.name == "_form" }?.value)
            let available = Day(Date()).adding(days: 15)

            // A required field empty: the form again, everything typed kept, nothing saved.
            let wrong = try await browser.post(
                "/c/test/mon-espace/coordonnees",
                [("email", "camille@example.org"), ("phone", "06 11 22 33 44"), ("commune_name", ""), ("available_from", available.iso),
                 ("seasonal_windows", "vendanges de septembre"), ("_form", token)])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("error-summary") && wrong.text.contains("value=\"06 11 22 33 44\"") && wrong.text.contains("vendanges de septembre"))
            #expect(try await database.count("candidate_events", tenant: centre, where: "by_candidate") == 0)

            let fields = [("email", "camille@example.org"), ("phone", "06 11 22 33 44"), ("commune_name", "Figeac"), ("available_from", available.iso),
                          ("seasonal_windows", "vendanges de septembre"), ("_form", token)]
            let saved = try await browser.post("/c/test/mon-espace/coordonnees", fields)
            #expect(saved.location == "/c/test/mon-espace")
            #expect(try await browser.get("/c/test/mon-espace").text.contains("Vos coordonnées sont enregistrées"))
            // The same form sent twice: saved once.
            #expect(try await browser.post("/c/test/mon-espace/coordonnees", fields).location == "/c/test/mon-espace")
            #expect(try await database.count("candidate_events", tenant: centre, where: "by_candidate") == 1)
            #expect(try await database.count(
                "candidates", tenant: centre,
                where: "id = \(camille) AND phone = '06 11 22 33 44' AND commune_name = 'Figeac' AND commune_insee IS NULL AND available_from = '\(available.iso)'") == 1)

            // The adviser reads it on the record: changed by the person, what changed.
            let desk = browser.fresh()
            try await desk.signIn("conseil@test.test")
            let record = try await desk.get("/c/test/candidats/\(camille)").text
            #expect(record.contains("la personne elle-même"))
            #expect(record.contains("Fiche modifiée par la personne, depuis son espace : téléphone, commune, disponible à partir du, disponibilités saisonnières"))
        }
    }

    /// The person says themselves when they are free for a season and which jobs they look
    /// for, in the same rows as the advisers' form: a window that ends before it starts comes
    /// back with every row kept, words matching several titles offer them, and once saved the
    /// centre's record and the matching read them.
    @Test func thePersonSetsTheirOwnSeasonsAndJobs() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre, email: "camille@example.org")
            let page = try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            let form = try #require(HTMLForm.posting(to: "/c/test/mon-espace/coordonnees", in: page.text).first)
            #expect(form.controls.contains { $0.name == "window_1_start" } && form.controls.contains { $0.name == "job_3" })
            let token = try #require(form.controls.first { $0.name == "_form" }?.value)
            let year = Day(Date()).year
            let base = [("email", "camille@example.org"), ("phone", ""), ("commune_name", "Cahors"), ("available_from", ""), ("seasonal_windows", ""), ("_form", token)]
            let summer = [("window_1_start", "\(year)-07-01"), ("window_1_end", "\(year)-08-31"), ("window_1_every_year", "oui")]

            let backwards = try await browser.post(
                "/c/test/mon-espace/coordonnees",
                base + summer + [("window_2_start", "\(year + 1)-10-20"), ("window_2_end", "\(year + 1)-09-01"), ("job_1", "viticole"), ("job_2", "A1405")])
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.text.contains("La période 2 finit avant de commencer"))
            #expect(backwards.text.contains("value=\"\(year)-07-01\"") && backwards.text.contains("value=\"\(year + 1)-10-20\""))
            #expect(backwards.text.contains("name=\"window_1_every_year\" value=\"oui\" checked"))
            #expect(backwards.text.contains("value=\"viticole\"") && backwards.text.contains("value=\"A1405\""))
            #expect(backwards.text.contains("Ouvrier viticole / Ouvrière viticole"), "the titles the words match are offered")
            #expect(try await database.count("candidate_availability", tenant: centre) == 0)

            let saved = try await browser.post(
                "/c/test/mon-espace/coordonnees", base + summer + [("job_1", "Ouvrier viticole / Ouvrière viticole"), ("job_2", "A1405")])
            #expect(saved.location == "/c/test/mon-espace")
            #expect(try await database.count("candidate_availability", tenant: centre, where: "candidate_id = \(camille) AND every_year") == 1)
            #expect(try await database.count("candidate_jobs", tenant: centre, where: "candidate_id = \(camille) AND rome_code = 'A1405'") == 2)
            let own = try await browser.get("/c/test/mon-espace").text
            #expect(own.contains("du 1er juillet au 31 août, chaque année") && own.contains("value=\"Ouvrier viticole / Ouvrière viticole\""))

            let desk = browser.fresh()
            try await desk.signIn("conseil@test.test")
            let record = try await desk.get("/c/test/candidats/\(camille)").text
            #expect(record.contains("du 1er juillet au 31 août, chaque année"))
            #expect(record.contains("métiers recherchés, périodes libres pour une saison"))
        }
    }

    @Test func withdrawingAsksFirstThenMovesTheApplicationThroughThePipeline() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let camille = try await make.candidate(centre: centre, email: "camille@example.org")
            let application = try await make.application(centre: centre, need: need, candidate: camille, stage: .presented, actor: adviser)
            try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            let action = "/c/test/mon-espace/candidatures/\(application)/retrait"

            let unconfirmed = try await browser.post(action)
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(unconfirmed.text.contains("Cochez la case pour confirmer") && unconfirmed.text.contains("href=\"#confirm-\(application)\""))
            #expect(unconfirmed.text.contains("<details open>"))
            #expect(try await make.stage(centre: centre, application: application) == "presented")

            let done = try await browser.post(action, [("confirm", "1")])
            #expect(done.location == "/c/test/mon-espace")
            let page = try await browser.get("/c/test/mon-espace").text
            #expect(page.contains("Votre candidature est retirée") && page.contains("Retirée à votre demande"))
            #expect(try await make.stage(centre: centre, application: application) == "withdrawn")
            #expect(try await database.count(
                "application_events", tenant: centre,
                where: "application_id = \(application) AND to_stage = 'withdrawn' AND actor_id IS NULL AND comment LIKE 'Désistement de la personne%'") == 1)
            // A second click: nothing more.
            #expect(try await browser.post(action, [("confirm", "1")]).location == "/c/test/mon-espace")
            #expect(try await database.count("application_events", tenant: centre, where: "application_id = \(application) AND to_stage = 'withdrawn'") == 1)

            // The adviser sees it "Désisté".
            let desk = browser.fresh()
            try await desk.signIn("conseil@test.test")
            #expect(try await desk.get("/c/test/candidatures/\(application)").text.contains("Désisté"))
            let list = try await desk.get("/c/test/besoins/\(need)/candidatures?vue=liste").text
            #expect(list.contains("Désisté") && list.contains("Camille Martin"))
            #expect(try await desk.get("/c/test/besoins/\(need)/candidatures").text.contains("1 candidature(s) close(s)"))
        }
    }

    @Test func aCandidatesSessionReachesNothingElseAndNoOtherSessionOpensTheirPage() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            try await make.employer("patron@test.test", centre: centre, business: business)
            let camille = try await make.candidate(centre: centre, email: "camille@example.org")
            let noe = try await make.candidate(centre: centre, firstName: "Noé", lastName: "Durand", email: "noe@example.org")
            try await make.document(centre: centre, candidate: noe, filename: "cv-noe.pdf", actor: adviser)
            let noeApplication = try await make.application(centre: centre, need: need, candidate: noe, stage: .screening, actor: adviser)
            let (other, otherAdviser) = try await make.centre("autre")
            let elsewhere = try await make.candidate(centre: other, firstName: "Camille", lastName: "Ailleurs", email: "camille@example.org")
            let elsewhereNeed = try await make.need(centre: other, business: try await make.business(centre: other))
            let elsewhereApplication = try await make.application(centre: other, need: elsewhereNeed, candidate: elsewhere, actor: otherAdviser)
            _ = camille
            let noeDocument = try #require(try await DemoLookup(database: database).ids("test", "SELECT id FROM candidate_documents WHERE candidate_id = \(noe)").first)

            try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            // Another candidate's application and document, another centre's: nothing.
            #expect(try await browser.post("/c/test/mon-espace/candidatures/\(noeApplication)/retrait", [("confirm", "1")]).status == .notFound)
            #expect(try await browser.get("/c/test/mon-espace/documents/\(noeDocument)").status == .notFound)
            #expect(try await make.stage(centre: centre, application: noeApplication) == "screening")
            let otherCentre = try await browser.get("/c/autre/mon-espace")
            #expect(otherCentre.status == .ok && otherCentre.text.contains("Recevoir mon lien") && !otherCentre.text.contains("Bonjour"))
            #expect(try await browser.post("/c/autre/mon-espace/candidatures/\(elsewhereApplication)/retrait", [("confirm", "1")]).status == .notFound)
            #expect(try await make.stage(centre: other, application: elsewhereApplication) == "sourced")
            // No adviser's, employer's or admin's page: the sign-in page.
            for path in ["/c/test", "/c/test/candidats", "/c/test/candidats/\(noe)", "/c/test/besoins/\(need)", "/c/test/candidatures/\(noeApplication)", "/admin", "/profil", "/accueil"] {
                let answer = try await browser.get(path)
                #expect(answer.status == .seeOther && answer.location?.hasPrefix("/login") == true, "a candidate's session opens \(path): \(answer.status)")
            }
            #expect(try await browser.post("/c/test/candidats/\(noe)/modifier", [("first_name", "X")]).location?.hasPrefix("/login") == true)
            #expect(try await database.count("candidates", tenant: centre, where: "first_name = 'X'") == 0)

            // An adviser's and an employer's sessions: the request page, never someone's page; their posts change nothing.
            for email in ["conseil@test.test", "patron@test.test"] {
                let person = browser.fresh()
                try await person.signIn(email)
                let page = try await person.get("/c/test/mon-espace")
                #expect(page.status == .ok && page.text.contains("Recevoir mon lien") && !page.text.contains("Bonjour Camille"))
                let posted = try await person.post(
                    "/c/test/mon-espace/coordonnees", [("email", "pirate@example.org"), ("commune_name", "Ailleurs"), ("_form", Tokens.random())])
                #expect(posted.status == .notFound)
                #expect(try await person.get("/c/test/mon-espace/documents/\(noeDocument)").status == .notFound)
            }
            #expect(try await database.count("candidates", tenant: centre, where: "email = 'pirate@example.org'") == 0)

            // Sign-out ends it on the server.
            let out = try await browser.post("/c/test/mon-espace/deconnexion")
            #expect(out.location == "/c/test/mon-espace?sortie=1")
            #expect(try await browser.get("/c/test/mon-espace?sortie=1").text.contains("Vous êtes sorti·e de votre espace"))
            #expect(try await database.count("candidate_sessions", tenant: centre) == 0)
        }
    }

    @Test func openingALinkInAnAdvisersBrowserEndsTheAdvisersSession() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            try await make.candidate(centre: centre, email: "camille@example.org")
            try await browser.signIn("conseil@test.test")
            #expect(try await browser.get("/c/test/candidats").status == .ok)
            let page = try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            #expect(page.text.contains("Bonjour Camille"))
            #expect(try await browser.get("/c/test/candidats").location?.hasPrefix("/login") == true)
        }
    }

    @Test func theSessionLastsAnHourAtMost() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("test")
            try await make.candidate(centre: centre, email: "camille@example.org")
            try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            for _ in 0..<3 {
                clock.advance(by: 20 * 60)
                try await browser.get("/c/test/mon-espace")
            }
            let after = try await browser.get("/c/test/mon-espace")
            #expect(after.status == .ok && !after.text.contains("Bonjour Camille") && after.text.contains("Recevoir mon lien"))
            let posted = try await browser.post("/c/test/mon-espace/coordonnees", [("commune_name", "Figeac"), ("email", "camille@example.org"), ("_form", Tokens.random())])
            #expect(posted.status == .forbidden && posted.text.contains("Votre session est terminée"))
        }
    }

    /// The demo's promise (README, "The candidate's own page"): its candidate asks for her link,
    /// the admin reads it in the outbox, and it opens her page.
    @Test func theDemosCandidateOpensHerPageFromTheLinkInTheAdminsOutbox() async throws {
        try await TestApp.run(demo: true) { browser, database in
            #expect(try await browser.requestCandidateLink("cahors", email: DemoPortal.email).location == "/c/cahors/mon-espace?envoye=1")
            let admin = browser.fresh()
            try await admin.signIn("admin@renfort.test", password: DemoData.password)
            let outbox = try await admin.get("/admin/envois").text
            let link = try #require(outbox.firstMatch(of: /http:\/\/127\.0\.0\.1:8080(\/c\/cahors\/mon-espace\/lien\/[A-Za-z0-9_-]+)/)?.output.1)
            try await browser.get(String(link))
            #expect(try await browser.post(String(link)).location == "/c/cahors/mon-espace")
            let page = try await browser.get("/c/cahors/mon-espace").text
            #expect(page.contains("Bonjour Léa"))
            for state in ["Présentée à l'employeur", "Entretien le ", "Non retenue", "En cours d'examen par le centre", "CV Léa Delpech.pdf", "Pradines"] {
                #expect(page.contains(HTML.escape(state)), "the demo's candidate page does not show \(state)")
            }
            #expect(!page.contains("note interne") && !page.contains("motif interne"))
            // What the centre wrote to her: the interview's invitation (with its .ics) and the refusal, as sent.
            #expect(page.contains("Les messages du centre"))
            #expect(page.contains("(avec l'invitation pour votre agenda)"))
            #expect(page.contains("par e-mail à \(DemoPortal.email)"))
        }
    }
}
