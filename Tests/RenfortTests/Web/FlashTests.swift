import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// After every action that changes something, the page that follows says what was done: one
/// message carried through the redirect (`Response.seeOther(_:saying:)`), shown once.
@Suite struct FlashTests {
    /// POST routes whose answer is not a redirect to a page of the same session: the sign-in
    /// pages change or end the session, a new API token is shown on the answer itself, and the
    /// public join request's page shows its own "sent" state, as does the candidate's link request;
    /// opening a candidate's link and leaving their page change or end the session.
    static let withoutMessage: Set<String> = [
        "/login", "/logout", "/mot-de-passe-oublie", "/mot-de-passe/{token}", "/profil/jetons", "/c/{centre}/rejoindre",
        "/c/{centre}/mon-espace/lien", "/c/{centre}/mon-espace/lien/{token}", "/c/{centre}/mon-espace/deconnexion",
        "/c/{centre}/offres/{id}/candidater",
        // The person's answer to a question of the centre: its page says it was recorded.
        "/c/{centre}/consentement/{token}",
    ]

    /// Follows a 303 and returns the page it leads to.
    func followed(_ answer: TestResponse, _ browser: Browser) async throws -> String {
        #expect(answer.status == .seeOther, "answered \(answer.status): \(answer.text.prefix(300))")
        // What a browser asks for: the address without its fragment.
        guard let location = answer.location?.split(separator: "#").first.map(String.init) else { return "" }
        return try await browser.get(location).text
    }

    @Test func everyActionSaysWhatItDidOnThePageThatFollowsOnce() async throws {
        try await TestDatabase.withFresh { database in
            let configuration = TestApp.configuration(for: database)
            let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
            let patterns = try await buildRouter(configuration: configuration, client: client, clock: SystemClock()).routes
                .filter { $0.method == .post }
                .map { "\($0.path)".split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/") }
            let app = try await buildApplication(configuration: configuration, clock: SystemClock(), logger: TestEnvironment.logger)
            let make = Factory(database: database)
            let lookup = DemoLookup(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let employer = try await make.person("patron@essai.test", role: .employer, centre: centre, business: business)
            let need = try await make.need(centre: centre, business: business, positions: 3)
            let candidate = try await make.candidate(centre: centre)
            let other = try await make.candidate(centre: centre, firstName: "Noé", email: "noe@example.org")
            let presented = try await make.application(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Léa", email: "lea@example.org"),
                stage: .presented, actor: adviser)
            let application = try await make.application(centre: centre, need: need, candidate: candidate, stage: .screening, actor: adviser)
            let placement = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Jade", email: "jade@example.org"), actor: adviser)
            _ = employer
            try await app.test(.router) { testClient in
                var covered = Set<String>()
                func says(_ pattern: String, _ answer: TestResponse, _ browser: Browser, _ message: String) async throws {
                    let page = try await followed(answer, browser)
                    #expect(page.contains(HTML.escape(message)), "\(pattern) did not say « \(message) »: \(page.components(separatedBy: "<main").last?.prefix(400) ?? "")")
                    covered.insert(pattern)
                }
                let desk = Browser(client: testClient)
                try await desk.signIn("conseil@essai.test", password: Factory.password)
                let c = "/c/{centre}"
                try await desk.get("/c/essai/candidatures/\(application)")

                // Applications.
                let moved = try await desk.post("/c/essai/candidatures/\(application)/etape", [("to", "presented")])
                try await says("\(c)/candidatures/{id}/etape", moved, desk, "Candidature déplacée en «\u{00A0}Présenté à l'employeur\u{00A0}»")
                // Shown once: the same page again says nothing more.
                #expect(!(try await desk.get("/c/essai/candidatures/\(application)").text.contains("Candidature déplacée")))
                try await says("\(c)/besoins/{id}/candidatures", try await desk.post("/c/essai/besoins/\(need)/candidatures", [("candidate_id", String(other))]), desk, "Candidature ajoutée")
                try await says("\(c)/candidatures/{id}/entretiens", try await desk.post("/c/essai/candidatures/\(presented)/etape", [("to", "interview")]), desk, "Candidature déplacée en")
                try await says("\(c)/candidatures/{id}/entretiens", try await desk.post("/c/essai/candidatures/\(presented)/entretiens", [
                    ("date", "2026-12-10"), ("time", "10:00"), ("duration", "45"), ("mode", "phone"),
                ]), desk, "Entretien prévu le")
                let interview = try #require(try await lookup.ids("essai", "SELECT id FROM interviews WHERE application_id = \(presented)").first)
                try await says("\(c)/candidatures/{id}/entretiens/{interview}/bilan", try await desk.post(
                    "/c/essai/candidatures/\(presented)/entretiens/\(interview)/bilan", [("outcome", "positive")]), desk, "Bilan de l'entretien enregistré")
                try await says("\(c)/candidatures/{id}/propositions", try await desk.post("/c/essai/candidatures/\(presented)/propositions", [
                    ("contract_kind", "cdi"), ("start_date", "2026-12-01"), ("hours_per_week", "35"),
                ]), desk, "Proposition enregistrée")
                let offer = try #require(try await lookup.ids("essai", "SELECT id FROM offers WHERE application_id = \(presented)").first)
                try await says("\(c)/candidatures/{id}/propositions/{offer}/reponse", try await desk.post(
                    "/c/essai/candidatures/\(presented)/propositions/\(offer)/reponse", [("accepted", "oui")]), desk, "Proposition acceptée")
                try await says("\(c)/candidatures/{id}/embauche", try await desk.post("/c/essai/candidatures/\(presented)/embauche", [
                    ("contract_kind", "cdi"), ("start_date", "2026-12-01"), ("hours_per_week", "35"), ("confirm", "1"),
                ]), desk, "Embauche enregistrée")
                try await desk.get("/c/essai/besoins/\(need)/candidatures")
                let reason = try #require(try await lookup.ids("essai", "SELECT id FROM rejection_reasons ORDER BY id LIMIT 1").first)
                try await says("\(c)/besoins/{id}/candidatures/rejeter", try await desk.post("/c/essai/besoins/\(need)/candidatures/rejeter", [
                    ("reason_id", String(reason)), ("ids", String(application)),
                ]), desk, "1 candidature(s) marquée(s) «\u{00A0}Non retenu\u{00A0}»")
                let last = try #require(try await lookup.ids("essai", "SELECT id FROM applications WHERE candidate_id = \(other)").first)
                try await says("\(c)/candidatures/{id}/fin", try await desk.post("/c/essai/candidatures/\(last)/fin", [("ending", "withdrawn")]), desk, "Candidature close")

                // Messages to candidates.
                try await says("\(c)/parametres/messages/{kind}", try await desk.post("/c/essai/parametres/messages/saison", [
                    ("_form", Tokens.random()), ("subject", "Saison"), ("body", "Bonjour {prénom}"), ("sms", "Bonjour {prénom}"),
                ]), desk, "Modèle «\u{00A0}Êtes-vous disponible cette saison ?\u{00A0}» enregistré")
                try await says("\(c)/candidats/{id}/messages", try await desk.post("/c/essai/candidats/\(other)/messages", [
                    ("_form", Tokens.random()), ("modele", "libre"), ("subject", "Bonjour"), ("body", "Bonjour {prénom}"),
                ]), desk, "Message envoyé à Noé Martin")
                try await says("\(c)/besoins/{id}/candidatures/ecrire", try await desk.post("/c/essai/besoins/\(need)/candidatures/ecrire", [
                    ("modele", "saison"), ("ids", String(presented)),
                ]), desk, "1 candidature(s) choisie(s)")
                try await says("\(c)/besoins/{id}/messages", try await desk.post("/c/essai/besoins/\(need)/messages", [
                    ("_form", Tokens.random()), ("modele", "saison"), ("subject", "Saison"), ("body", "Bonjour {prénom}"), ("ids", String(presented)),
                ]), desk, "Message envoyé à Léa Martin")

                // Needs.
                try await says("\(c)/besoins/{id}/commentaires", try await desk.post("/c/essai/besoins/\(need)/commentaires", [("comment", "Appel prévu"), ("_form", Tokens.random())]), desk, "Commentaire interne ajouté")
                let offered = "/c/essai/besoins/\(need)/offre"
                try await desk.get(offered)
                try await says(
                    "\(c)/besoins/{id}/offre",
                    try await desk.post(offered, [
                        ("title", "Cuisinier (H/F)"), ("body", "Cuisine du marché."), ("place_name", "Cahors"), ("contract_kind", "cdi"),
                        ("starts_on", Day(Date()).adding(days: 10).iso), ("valid_through", Day(Date()).adding(days: 30).iso), ("_form", Tokens.random()),
                    ]), desk, "Offre publiée")
                try await says("\(c)/besoins/{id}/offre/retirer", try await desk.post(offered + "/retirer", [("confirm", "1")]), desk, "Offre retirée")
                let fresh = try await make.need(centre: centre, business: business, title: "Serveur")
                try await says("\(c)/besoins/{id}/qualifier", try await desk.post("/c/essai/besoins/\(fresh)/qualifier", [("hard_to_fill", "non"), ("adviser_id", String(adviser))]), desk, "Besoin qualifié")
                try await says("\(c)/besoins/{id}/statut", try await desk.post("/c/essai/besoins/\(fresh)/statut", [("to", "sourcing")]), desk, "Besoin passé au statut")
                try await says("\(c)/besoins/{id}/annuler", try await desk.post("/c/essai/besoins/\(fresh)/annuler", [("reason", "Poste supprimé")]), desk, "Besoin annulé")
                try await says("\(c)/besoins", try await desk.post("/c/essai/besoins", JobNeedWorkflowTests.needFields() + [("business_id", String(business)), ("_form", Tokens.random())]), desk, "Besoin déposé")
                let editable = try await make.need(centre: centre, business: business, title: "Commis")
                try await says("\(c)/besoins/{id}/modifier", try await desk.post("/c/essai/besoins/\(editable)/modifier", JobNeedWorkflowTests.needFields(title: "Commis de cuisine")), desk, "Besoin modifié")

                // Businesses, candidates, settings.
                try await says("\(c)/entreprises", try await desk.post("/c/essai/entreprises", BusinessTests.businessFields(siret: "35600000000056") + [("_form", Tokens.random())]), desk, "Entreprise enregistrée")
                try await says("\(c)/entreprises/{id}/modifier", try await desk.post("/c/essai/entreprises/\(business)/modifier", BusinessTests.businessFields(siret: "73282932000074")), desk, "Fiche de l'entreprise enregistrée")
                try await says("\(c)/entreprises/{id}/invitations", try await desk.post("/c/essai/entreprises/\(business)/invitations", [
                    ("invite_name", "Marie"), ("invite_email", "marie@essai.test"), ("_form", Tokens.random()),
                ]), desk, "Invitation envoyée")
                let access = try #require(try await lookup.ids("essai", "SELECT id FROM memberships WHERE business_id = \(business) ORDER BY id DESC LIMIT 1").first)
                try await says("\(c)/entreprises/{id}/acces/{membership}/retirer", try await desk.post("/c/essai/entreprises/\(business)/acces/\(access)/retirer"), desk, "L'accès a été retiré")
                let created = try await desk.post("/c/essai/candidats", CandidateFixtures.fields() + [("_form", Tokens.random())])
                try await says("\(c)/candidats", created, desk, "Candidat ajouté au vivier")
                let pooled = try #require(created.location.flatMap { Int64($0.split(separator: "/").last ?? "") })
                try await says("\(c)/candidats/{id}/modifier", try await desk.post("/c/essai/candidats/\(pooled)/modifier", CandidateFixtures.fields()), desk, "Fiche du candidat enregistrée")
                try await says("\(c)/candidats/{id}/fusionner", try await desk.post("/c/essai/candidats/\(pooled)/fusionner", [("target_id", String(candidate)), ("confirm", "1")]), desk, "Les deux fiches sont fusionnées")
                try await desk.get("/c/essai/candidats/\(candidate)")
                try await says("\(c)/candidats/{id}/documents", try await CandidateFixtures.upload(
                    desk, path: "/c/essai/candidats/\(candidate)/documents", filename: "cv.pdf", data: Array("%PDF-1.4 cv".utf8)), desk, "Document ajouté")
                let erasable = try await make.candidate(centre: centre, firstName: "Ève", email: "eve@example.org")
                try await says("\(c)/candidats/{id}/effacer", try await desk.post(
                    "/c/essai/candidats/\(erasable)/effacer", [("requested_on", Day(Date()).iso), ("requested_via", "email"), ("confirm", "1")]), desk,
                    "Les données de la personne sont effacées")
                try await says("\(c)/parametres/motifs", try await desk.post("/c/essai/parametres/motifs", [("label", "Trop loin")]), desk, "Motif «\u{00A0}Trop loin\u{00A0}» ajouté")
                let motif = try #require(try await lookup.ids("essai", "SELECT id FROM rejection_reasons WHERE label = 'Trop loin'").first)
                try await says("\(c)/parametres/motifs/{id}/retirer", try await desk.post("/c/essai/parametres/motifs/\(motif)/retirer"), desk, "Motif retiré")
                try await says("\(c)/parametres/suivis/etapes", try await desk.post("/c/essai/parametres/suivis/etapes", [("label", "Deux semaines"), ("offset_days", "14")]), desk, "Étape «\u{00A0}Deux semaines\u{00A0}» ajoutée")
                let step = try #require(try await lookup.ids("essai", "SELECT id FROM followup_steps WHERE label = 'Deux semaines'").first)
                try await says("\(c)/parametres/suivis/etapes/{id}/retirer", try await desk.post("/c/essai/parametres/suivis/etapes/\(step)/retirer"), desk, "Étape retirée")
                try await says("\(c)/parametres/suivis/essai", try await desk.post("/c/essai/parametres/suivis/essai", [("cdi_days", "60"), ("long_fixed_days", "30"), ("short_fixed_max_days", "14")]), desk, "Périodes d'essai enregistrées")
                // Information and consent (the record `other` has an address).
                try await says("\(c)/parametres/coordonnees", try await desk.post("/c/essai/parametres/coordonnees", [("postal_address", "1 place du Marché"), ("contact_email", "donnees@essai.test")]), desk, "Coordonnées du centre enregistrées")
                try await says("\(c)/candidats/{id}/notice-remise", try await desk.post("/c/essai/candidats/\(other)/notice-remise", [("handed_on", Day(Date()).iso)]), desk, "Remise de la notice d'information enregistrée")
                try await says("\(c)/candidats/{id}/consentement", try await desk.post("/c/essai/candidats/\(other)/consentement", [("_form", Tokens.random())]), desk, "Demande de consentement envoyée à noe@example.org")
                try await says("\(c)/notifications", try await desk.post("/c/essai/notifications", NotificationKind.kinds(for: .adviser).filter(\.mayBeMuted).map { ($0.rawValue, "digest") } + [("_form", Tokens.random())]), desk, "Vos choix de notifications sont enregistrés")

                // Follow-ups.
                let checkIn = try #require(try await lookup.ids("essai", "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on LIMIT 1").first)
                let today = Day(Date()).iso
                try await says("\(c)/suivis/{id}", try await desk.post("/c/essai/suivis/\(checkIn)", [("done_on", today), ("contacted", "both"), ("channel", "phone"), ("status", "on_track")]), desk, "Point de suivi enregistré")
                try await says("\(c)/embauches/{id}/contacts", try await desk.post("/c/essai/embauches/\(placement)/contacts", [("done_on", today), ("contacted", "employee"), ("channel", "phone"), ("status", "on_track")]), desk, "Contact hors calendrier enregistré")
                try await says("\(c)/embauches/{id}/debut", try await desk.post("/c/essai/embauches/\(placement)/debut", [("start_date", "2026-12-02")]), desk, "Date de début changée")
                let boss = desk.fresh()
                try await boss.signIn("patron@essai.test", password: Factory.password)
                try await boss.get("/c/essai/embauches/\(placement)")
                try await says("\(c)/embauches/{id}/alerte", try await boss.post("/c/essai/embauches/\(placement)/alerte", [("kind", "problem"), ("message", "Retards")]), boss, "Votre message est transmis au centre")
                let alert = try #require(try await lookup.ids("essai", "SELECT id FROM placement_alerts WHERE placement_id = \(placement)").first)
                try await says("\(c)/embauches/{id}/alertes/{alert}/traitee", try await desk.post("/c/essai/embauches/\(placement)/alertes/\(alert)/traitee", [("handled_note", "Appel au salarié")]), desk, "Alerte marquée comme traitée")
                try await says("\(c)/embauches/{id}/fin", try await desk.post("/c/essai/embauches/\(placement)/fin", [("ended_on", "2026-12-20"), ("end_reason", "resignation"), ("confirm", "1")]), desk, "Fin de l'emploi enregistrée")
                let answered = try await make.application(
                    centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Tom", email: "tom@example.org"), stage: .presented, actor: adviser)
                try await boss.get("/c/essai/candidatures/\(answered)")
                try await says("\(c)/candidatures/{id}/reponse", try await boss.post("/c/essai/candidatures/\(answered)/reponse", [("answer", "interview")]), boss, "Votre réponse est transmise au centre")

                // Join requests, the session, the profile, the admin.
                let pending = try await make.business(centre: centre, name: "Librairie", siret: "55210055400013")
                try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        try await connection.execute("UPDATE businesses SET status = 'pending' WHERE id = \(pending)", logger: TestEnvironment.logger)
                    }
                }
                try await says("\(c)/adhesions/{id}/accepter", try await desk.post("/c/essai/adhesions/\(pending)/accepter", [("confirm", "1")]), desk, "Adhésion acceptée")
                let refused = try await make.business(centre: centre, name: "Cordonnerie", siret: "40483304800022")
                try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        try await connection.execute("UPDATE businesses SET status = 'pending' WHERE id = \(refused)", logger: TestEnvironment.logger)
                    }
                }
                try await says("\(c)/adhesions/{id}/refuser", try await desk.post("/c/essai/adhesions/\(refused)/refuser", [("reason", "Hors territoire"), ("confirm", "1")]), desk, "Demande d'adhésion refusée")
                try await says("/session/prolonger", try await desk.post("/session/prolonger", [("return_to", "/c/essai/suivis")]), desk, "Session prolongée")
                try await desk.get("/profil")
                #expect(try await desk.post("/profil/jetons", [("name", "Rapport"), ("_form", Tokens.random())]).status == .ok)
                let token = try #require(try await lookup.ids("essai", "SELECT id FROM api_tokens ORDER BY id DESC LIMIT 1").first)
                try await says("/profil/jetons/{id}/revoquer", try await desk.post("/profil/jetons/\(token)/revoquer"), desk, "Jeton révoqué")
                for pattern in ["/admin/centres", "/admin/utilisateurs/{id}/desactiver", "/admin/utilisateurs/{id}/reactiver"] {
                    covered.insert(pattern)  // ConfirmationTests, as a platform admin
                }
                // The candidate's own page, in a session opened by their link.
                let own = try await make.application(
                    centre: centre, need: try await make.need(centre: centre, business: business, title: "Plongeur"), candidate: candidate, actor: adviser)
                let person = Browser(client: testClient)
                try await person.openCandidatePage("essai", email: "camille@example.org", database: database)
                try await says(
                    "\(c)/mon-espace/coordonnees",
                    try await person.post("/c/essai/mon-espace/coordonnees", [("email", "camille@example.org"), ("commune_name", "Figeac"), ("_form", Tokens.random())]),
                    person, "Vos coordonnées sont enregistrées")
                try await says(
                    "\(c)/mon-espace/candidatures/{id}/retrait", try await person.post("/c/essai/mon-espace/candidatures/\(own)/retrait", [("confirm", "1")]),
                    person, "Votre candidature est retirée")

                // The pool's matches for a need: the ticked put on its board.
                let fitting = try await make.need(centre: centre, business: business, title: "Cuisinier (vivier)")
                try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = 'G1602' WHERE id = \(fitting)")
                try await desk.get("/c/essai/besoins/\(fitting)/vivier")
                try await says(
                    "\(c)/besoins/{id}/vivier", try await desk.post("/c/essai/besoins/\(fitting)/vivier", [("ids", String(candidate))]), desk,
                    "1 candidat(s) du vivier ajouté(s) au tableau")

                // A shared post between two businesses.
                let partner = try await make.business(centre: centre, name: "Conserverie (partage)", siret: Siret.completing("5521005540301"))
                try await says("\(c)/postes-partages", try await desk.post("/c/essai/postes-partages", [
                    ("_form", Tokens.random()), ("title", "Poste partagé"), ("employer_id", String(business)),
                    ("member_1_business", String(business)), ("member_1_from", "4"), ("member_1_to", "9"), ("member_1_hours", "35"),
                    ("member_2_business", String(partner)), ("member_2_from", "10"), ("member_2_to", "3"), ("member_2_hours", "35"),
                ]), desk, "Poste partagé créé")

                // Last season's people: a picker of 2025 whose season went well, invited back.
                let past = try await make.need(
                    centre: centre, business: business, title: "Cueilleurs (2025)", contract: .seasonalCDD,
                    start: Day(year: 2025, month: 9, day: 1), end: Day(year: 2025, month: 10, day: 31))
                let picker = try await make.candidate(centre: centre, firstName: "Paul", email: "paul@exemple.test")
                let season = try await make.placement(
                    centre: centre, need: past, candidate: picker, actor: adviser, contract: .seasonalCDD,
                    start: Day(year: 2025, month: 9, day: 1), end: Day(year: 2025, month: 10, day: 31))
                try await make.execute(centre: centre, """
                    UPDATE check_ins SET done_on = due_on, done_by = \(adviser), contacted = 'both', channel = 'phone', status = 'on_track'
                    WHERE placement_id = \(season)
                    """)
                let next = try await make.need(
                    centre: centre, business: business, title: "Cueilleurs (2027)", contract: .seasonalCDD,
                    start: Day(year: 2027, month: 9, day: 1), end: Day(year: 2027, month: 10, day: 31))
                try await desk.get("/c/essai/besoins/\(next)/saisonniers")
                try await says(
                    "\(c)/besoins/{id}/saisonniers", try await desk.post("/c/essai/besoins/\(next)/saisonniers", [("ids", String(picker))]), desk,
                    "1 ancien(s) saisonnier(s) ajouté(s) au tableau")

                let missing = Set(patterns).subtracting(covered).subtracting(Self.withoutMessage)
                #expect(missing.isEmpty, "POST routes not checked for their message: \(missing.sorted())")
            }
        }
    }

    @Test func aMessageCookieNotSignedForThisSessionIsNotShown() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let make = Factory(database: database)
            _ = try await make.centre("essai")
            try await browser.signIn("conseil@essai.test", password: Factory.password)
            let forged = Flash.seal("Appelez le 08 99 00 00 00", secret: "un autre secret")
            browser.cookie = "\(browser.cookie ?? ""); renfort_flash=\(forged)"
            let page = try await browser.get("/c/essai/suivis")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Appelez le"))
            #expect(page.headers[values: .setCookie].contains { $0.hasPrefix("renfort_flash=") && $0.contains("Max-Age=0") })
        }
    }
}
