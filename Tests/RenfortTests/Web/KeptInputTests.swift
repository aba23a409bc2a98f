import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// Every form of the router, sent with one required field left empty and every other field
/// filled with a value of its own, comes back (422) with each of those values in it: the text
/// in its input, the option selected, the radio button and the boxes ticked, the textarea's text.
@Suite struct KeptInputTests {
    /// A form to walk: who opens which page, the form sent to `action` (the route `route`),
    /// and the required field left empty.
    struct Walk {
        let who: Browser
        let page: String
        let action: String
        let route: String
        let empty: String
    }

    /// POST routes whose forms hold nothing a person types: buttons, hidden fields, passwords
    /// (never shown again) and a file (its name is shown again: `aChosenFileIsNamedAgain`).
    static let nothingTyped: Set<String> = [
        "/logout", "/session/prolonger", "/mot-de-passe/{token}",
        "/admin/utilisateurs/{id}/desactiver", "/admin/utilisateurs/{id}/reactiver",
        "/c/{centre}/entreprises/{id}/acces/{membership}/retirer", "/c/{centre}/adhesions/{id}/accepter",
        "/c/{centre}/besoins/{id}/candidatures", "/c/{centre}/parametres/motifs/{id}/retirer",
        "/c/{centre}/parametres/suivis/etapes/{id}/retirer", "/profil/jetons/{id}/revoquer", "/c/{centre}/candidats/{id}/documents",
        "/c/{centre}/mon-espace/lien/{token}", "/c/{centre}/mon-espace/candidatures/{id}/retrait", "/c/{centre}/mon-espace/deconnexion",
        // Information and consent: the person's « oui » / « non » buttons, the adviser's « Demander par e-mail ».
        "/c/{centre}/consentement/{token}", "/c/{centre}/candidats/{id}/consentement",
        // The board's « Écrire à la sélection » (a button of the selection's form: its fields are walked with « rejeter »).
        "/c/{centre}/besoins/{id}/candidatures/ecrire",
        // The pool's matches for a need: boxes to tick only (kept when it comes back: MatchingTests).
        "/c/{centre}/besoins/{id}/vivier",
        // Last season's people for a need: boxes to tick only (kept when it comes back: RehiringTests).
        "/c/{centre}/besoins/{id}/saisonniers",
    ]

    /// Every POST route of the router, written `/c/{centre}/…`.
    static func postRoutes(_ database: TestDatabase) async throws -> Set<String> {
        let configuration = TestApp.configuration(for: database)
        let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
        let routes = try await buildRouter(configuration: configuration, client: client, clock: SystemClock()).routes
        return Set(routes.filter { $0.method == .post }.map { route in
            "\(route.path)".split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
        })
    }

    /// Whether a concrete path is an instance of a route pattern.
    static func matches(_ path: String, _ pattern: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let expected = pattern.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == expected.count && zip(parts, expected).allSatisfy { $1.hasPrefix("{") || $0 == $1 }
    }

    /// The values a person could type, one of its own for each field.
    struct Filler {
        var counter = 0

        mutating func next() -> Int {
            counter += 1
            return counter
        }

        mutating func value(for control: HTMLForm.Control) -> String {
            let n = next()
            switch control.kind {
            case "date": return "2031-\(Formats.twoDigits(1 + n % 12))-\(Formats.twoDigits(1 + n % 28))"
            case "time": return "\(Formats.twoDigits(7 + n % 12)):\(Formats.twoDigits((n * 7) % 60))"
            case "email": return "saisie\(n)@exemple.fr"
            case "tel": return "05 65 00 00 \(Formats.twoDigits(n % 100))"
            default:
                switch control.attributes["inputmode"] {
                case "numeric": return String(30 + n)
                case "decimal": return "1 8\(Formats.twoDigits(n % 100)),5\(n % 10)"
                default: return "Saisie n°\(n) « d'Anaïs » & <b>"
                }
            }
        }
    }

    /// What a person fills in `form`, `empty` left empty: the fields to send, and what must come back.
    static func fill(_ form: HTMLForm, leaving empty: String, _ filler: inout Filler) -> (send: [(String, String)], expect: [HTMLForm.Control]) {
        var send: [(String, String)] = []
        var expect: [HTMLForm.Control] = []
        var groups: Set<String> = []
        for control in form.controls {
            if !control.isTyped {
                if !["submit", "button", "reset", "image"].contains(control.kind), control.name != "_csrf" { send.append((control.name, control.value)) }
                continue
            }
            // A honeypot (hidden from people) stays empty; a file cannot be filled again by a page.
            if control.attributes["tabindex"] == "-1" || control.kind == "file" { continue }
            if control.name == empty {
                if control.kind != "radio" && control.kind != "checkbox" { send.append((control.name, "")) }
                continue
            }
            switch control.kind {
            case "checkbox":
                send.append((control.name, control.value))
                expect.append(control)
            case "radio":
                guard !groups.contains(control.name) else { continue }
                groups.insert(control.name)
                // The last choice of the group: not the one the page starts with.
                let choices = form.controls.filter { $0.kind == "radio" && $0.name == control.name }
                let chosen = choices.last { !$0.checked } ?? choices.last!
                send.append((chosen.name, chosen.value))
                expect.append(chosen)
            case "select":
                let options = control.options.filter { !$0.value.isEmpty }
                guard let chosen = options.last(where: { !$0.selected }) ?? options.last else { continue }
                send.append((control.name, chosen.value))
                expect.append(HTMLForm.Control(kind: "select", name: control.name, value: chosen.value, checked: true, options: [], attributes: [:]))
            default:
                let value = filler.value(for: control)
                send.append((control.name, value))
                // A password is retyped: never shown again.
                if control.kind == "password" { continue }
                expect.append(HTMLForm.Control(kind: control.kind, name: control.name, value: value, checked: false, options: [], attributes: control.attributes))
            }
        }
        return (send, expect)
    }

    /// The values of `expected` that `form` does not show.
    static func missing(_ expected: [HTMLForm.Control], in form: HTMLForm) -> [String] {
        expected.compactMap { wanted in
            let shown = form.controls.filter { $0.name == wanted.name }
            let found: Bool
            switch wanted.kind {
            case "checkbox", "radio": found = shown.contains { $0.kind == wanted.kind && $0.value == wanted.value && $0.checked }
            case "select": found = shown.contains { $0.options.contains { $0.value == wanted.value && $0.selected } }
            default: found = shown.contains { $0.value == wanted.value }
            }
            return found ? nil : "\(wanted.name)=\(wanted.value.debugDescription)"
        }
    }

    @Test func everyFormComesBackWithEverythingTyped() async throws {
        try await TestApp.run(demo: false) { browser, database in
            // A centre with a need at every step and a person of each role.
            let factory = Factory(database: database)
            let (centre, adviserID) = try await factory.centre("test")
            let business = try await factory.business(centre: centre, name: "Auberge test")
            _ = try await factory.person("employeur@test.test", role: .employer, centre: centre, business: business)
            _ = try await factory.admin()
            let submitted = try await factory.need(centre: centre, business: business, title: "Cuisinier")
            let pipeline = try await factory.need(centre: centre, business: business, title: "Serveur", positions: 5)
            let hiring = try await factory.need(centre: centre, business: business, title: "Plongeur")
            var candidates: [Int64] = []
            for name in ["Ana", "Bea", "Chloe", "Dora", "Emma"] {
                candidates.append(try await factory.candidate(centre: centre, firstName: name, lastName: "Test", email: "\(name.lowercased())@exemple.org"))
            }
            let presented = try await factory.application(centre: centre, need: pipeline, candidate: candidates[0], stage: .presented, actor: adviserID)
            let interviewing = try await factory.application(centre: centre, need: pipeline, candidate: candidates[1], stage: .interview, actor: adviserID)
            let offered = try await factory.application(centre: centre, need: pipeline, candidate: candidates[2], stage: .offer, actor: adviserID)
            let placement = try await factory.placement(centre: centre, need: hiring, candidate: candidates[3], actor: adviserID, start: Day(Date()).adding(days: -10))
            let pending = try await factory.pendingBusiness(centre: centre)
            let published = try await factory.publishedOffer(centre: centre, need: pipeline, actor: adviserID)
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@test.test", password: Factory.password)
            let employer = browser.fresh()
            try await employer.signIn("employeur@test.test", password: Factory.password)
            let admin = browser.fresh()
            try await admin.signIn("admin@plateforme.test", password: Factory.password)
            let visitor = browser.fresh()
            // A candidate in their own page, opened by the link of their e-mail.
            let candidate = browser.fresh()
            try await candidate.openCandidatePage("test", email: "ana@exemple.org", database: database)
            // An interview to report on and an offer to answer, through their own forms.
            let base = "/c/test"
            try await adviser.get("\(base)/candidatures/\(interviewing)")
            #expect(try await adviser.post("\(base)/candidatures/\(interviewing)/entretiens", [("date", Day(Date()).adding(days: 3).iso), ("time", "10:00"), ("duration", "30"), ("mode", "phone")]).status == .seeOther)
            try await adviser.get("\(base)/candidatures/\(offered)")
            #expect(try await adviser.post("\(base)/candidatures/\(offered)/propositions", [("contract_kind", "cdi"), ("start_date", Day(Date()).adding(days: 20).iso), ("hours_per_week", "35")]).status == .seeOther)
            let lookup = DemoLookup(database: database)
            let interview = try #require(try await lookup.ids("test", "SELECT id FROM interviews").first)
            let offer = try #require(try await lookup.ids("test", "SELECT id FROM offers").first)
            let checkIn = try #require(try await lookup.ids("test", "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on").first)
            // An employer's alert, for the adviser to mark handled.
            try await employer.get("\(base)/embauches/\(placement)")
            #expect(try await employer.post("\(base)/embauches/\(placement)/alerte", [("kind", "problem"), ("message", "Retards répétés")]).status == .seeOther)
            let alert = try #require(try await lookup.ids("test", "SELECT id FROM placement_alerts").first)

            let need = "\(base)/besoins/\(submitted)", board = "\(base)/besoins/\(pipeline)/candidatures"
            let application = "\(base)/candidatures/\(presented)", hire = "\(base)/embauches/\(placement)"
            // Where a choice is what was lost, the field left empty is another one: the employer's
            // « non retenu » (the last choice) needs its note, the alert its message.
            let walks: [Walk] = [
                Walk(who: visitor, page: "/login", action: "/login", route: "/login", empty: "email"),
                Walk(who: visitor, page: "/mot-de-passe-oublie", action: "/mot-de-passe-oublie", route: "/mot-de-passe-oublie", empty: "email"),
                Walk(who: visitor, page: "\(base)/rejoindre", action: "\(base)/rejoindre", route: "/c/{centre}/rejoindre", empty: "name"),
                Walk(who: visitor, page: "\(base)/mon-espace", action: "\(base)/mon-espace/lien", route: "/c/{centre}/mon-espace/lien", empty: "email"),
                Walk(who: candidate, page: "\(base)/mon-espace", action: "\(base)/mon-espace/coordonnees", route: "/c/{centre}/mon-espace/coordonnees", empty: "commune_name"),
                Walk(who: visitor, page: "\(base)/offres/\(published)", action: "\(base)/offres/\(published)/candidater", route: "/c/{centre}/offres/{id}/candidater", empty: "first_name"),
                Walk(who: adviser, page: "\(need)/offre", action: "\(need)/offre", route: "/c/{centre}/besoins/{id}/offre", empty: "title"),
                Walk(who: adviser, page: "\(base)/besoins/\(pipeline)/offre", action: "\(base)/besoins/\(pipeline)/offre/retirer", route: "/c/{centre}/besoins/{id}/offre/retirer", empty: "confirm"),
                Walk(who: admin, page: "/admin", action: "/admin/centres", route: "/admin/centres", empty: "slug"),
                Walk(who: adviser, page: "/profil", action: "/profil/jetons", route: "/profil/jetons", empty: "name"),
                Walk(who: employer, page: "\(base)/besoins/nouveau", action: "\(base)/besoins", route: "/c/{centre}/besoins", empty: "title"),
                Walk(who: adviser, page: "\(base)/besoins/nouveau", action: "\(base)/besoins", route: "/c/{centre}/besoins", empty: "title"),
                Walk(who: employer, page: "\(need)/modifier", action: "\(need)/modifier", route: "/c/{centre}/besoins/{id}/modifier", empty: "title"),
                Walk(who: adviser, page: "\(need)/modifier", action: "\(need)/modifier", route: "/c/{centre}/besoins/{id}/modifier", empty: "description"),
                Walk(who: adviser, page: need, action: "\(need)/qualifier", route: "/c/{centre}/besoins/{id}/qualifier", empty: "hard_to_fill"),
                Walk(who: adviser, page: need, action: "\(need)/statut", route: "/c/{centre}/besoins/{id}/statut", empty: "to"),
                Walk(who: employer, page: need, action: "\(need)/commentaires", route: "/c/{centre}/besoins/{id}/commentaires", empty: "comment"),
                Walk(who: employer, page: need, action: "\(need)/annuler", route: "/c/{centre}/besoins/{id}/annuler", empty: "reason"),
                Walk(who: adviser, page: "\(base)/entreprises/nouvelle", action: "\(base)/entreprises", route: "/c/{centre}/entreprises", empty: "name"),
                Walk(who: adviser, page: "\(base)/postes-partages/nouveau", action: "\(base)/postes-partages", route: "/c/{centre}/postes-partages", empty: "title"),
                Walk(who: adviser, page: "\(base)/entreprises/\(business)/modifier", action: "\(base)/entreprises/\(business)/modifier", route: "/c/{centre}/entreprises/{id}/modifier", empty: "name"),
                Walk(who: adviser, page: "\(base)/entreprises/\(business)", action: "\(base)/entreprises/\(business)/invitations", route: "/c/{centre}/entreprises/{id}/invitations", empty: "invite_name"),
                Walk(who: adviser, page: "\(base)/adhesions", action: "\(base)/adhesions/\(pending)/refuser", route: "/c/{centre}/adhesions/{id}/refuser", empty: "reason"),
                Walk(who: adviser, page: "\(base)/candidats/nouveau", action: "\(base)/candidats", route: "/c/{centre}/candidats", empty: "last_name"),
                Walk(who: adviser, page: "\(base)/candidats/\(candidates[4])/modifier", action: "\(base)/candidats/\(candidates[4])/modifier", route: "/c/{centre}/candidats/{id}/modifier", empty: "first_name"),
                Walk(who: adviser, page: "\(base)/candidats/\(candidates[4])/fusionner?target_id=\(candidates[3])", action: "\(base)/candidats/\(candidates[4])/fusionner", route: "/c/{centre}/candidats/{id}/fusionner", empty: "confirm"),
                Walk(who: adviser, page: "\(base)/candidats/\(candidates[4])/effacer", action: "\(base)/candidats/\(candidates[4])/effacer", route: "/c/{centre}/candidats/{id}/effacer", empty: "requested_on"),
                Walk(who: adviser, page: board, action: "\(board)/rejeter", route: "/c/{centre}/besoins/{id}/candidatures/rejeter", empty: "reason_id"),
                Walk(who: adviser, page: "\(board)?vue=liste", action: "\(board)/rejeter", route: "/c/{centre}/besoins/{id}/candidatures/rejeter", empty: "reason_id"),
                Walk(who: adviser, page: application, action: "\(application)/etape", route: "/c/{centre}/candidatures/{id}/etape", empty: "to"),
                Walk(who: adviser, page: application, action: "\(application)/fin", route: "/c/{centre}/candidatures/{id}/fin", empty: "ending"),
                Walk(who: adviser, page: application, action: "\(application)/entretiens", route: "/c/{centre}/candidatures/{id}/entretiens", empty: "date"),
                Walk(who: employer, page: application, action: "\(application)/reponse", route: "/c/{centre}/candidatures/{id}/reponse", empty: "note"),
                Walk(who: adviser, page: "\(base)/candidatures/\(interviewing)", action: "\(base)/candidatures/\(interviewing)/entretiens/\(interview)/bilan",
                     route: "/c/{centre}/candidatures/{id}/entretiens/{interview}/bilan", empty: "outcome"),
                Walk(who: adviser, page: "\(base)/candidatures/\(interviewing)", action: "\(base)/candidatures/\(interviewing)/propositions", route: "/c/{centre}/candidatures/{id}/propositions", empty: "start_date"),
                Walk(who: adviser, page: "\(base)/candidatures/\(offered)", action: "\(base)/candidatures/\(offered)/propositions/\(offer)/reponse",
                     route: "/c/{centre}/candidatures/{id}/propositions/{offer}/reponse", empty: "reason"),
                Walk(who: adviser, page: "\(base)/candidatures/\(offered)", action: "\(base)/candidatures/\(offered)/embauche", route: "/c/{centre}/candidatures/{id}/embauche", empty: "start_date"),
                Walk(who: adviser, page: "\(base)/parametres/messages/saison", action: "\(base)/parametres/messages/saison", route: "/c/{centre}/parametres/messages/{kind}", empty: "subject"),
                Walk(who: adviser, page: "\(base)/candidats/\(candidates[4])/messages?modele=libre", action: "\(base)/candidats/\(candidates[4])/messages", route: "/c/{centre}/candidats/{id}/messages", empty: "subject"),
                Walk(who: adviser, page: "\(base)/besoins/\(pipeline)/messages?modele=saison&ids=\(presented)&ids=\(interviewing)", action: "\(base)/besoins/\(pipeline)/messages", route: "/c/{centre}/besoins/{id}/messages", empty: "body"),
                Walk(who: adviser, page: "\(base)/parametres/motifs", action: "\(base)/parametres/motifs", route: "/c/{centre}/parametres/motifs", empty: "label"),
                Walk(who: adviser, page: "\(base)/parametres/suivis", action: "\(base)/parametres/suivis/etapes", route: "/c/{centre}/parametres/suivis/etapes", empty: "label"),
                Walk(who: adviser, page: "\(base)/parametres/suivis", action: "\(base)/parametres/suivis/essai", route: "/c/{centre}/parametres/suivis/essai", empty: "cdi_days"),
                Walk(who: adviser, page: "\(base)/notifications", action: "\(base)/notifications", route: "/c/{centre}/notifications", empty: "new_need"),
                Walk(who: adviser, page: "\(base)/parametres/coordonnees", action: "\(base)/parametres/coordonnees", route: "/c/{centre}/parametres/coordonnees", empty: "postal_address"),
                Walk(who: adviser, page: "\(base)/candidats/\(candidates[4])", action: "\(base)/candidats/\(candidates[4])/notice-remise", route: "/c/{centre}/candidats/{id}/notice-remise", empty: "handed_on"),
                Walk(who: employer, page: "\(base)/notifications", action: "\(base)/notifications", route: "/c/{centre}/notifications", empty: "hire_recorded"),
                Walk(who: adviser, page: hire, action: "\(base)/suivis/\(checkIn)", route: "/c/{centre}/suivis/{id}", empty: "done_on"),
                Walk(who: adviser, page: hire, action: "\(hire)/debut", route: "/c/{centre}/embauches/{id}/debut", empty: "start_date"),
                Walk(who: adviser, page: hire, action: "\(hire)/fin", route: "/c/{centre}/embauches/{id}/fin", empty: "ended_on"),
                Walk(who: employer, page: hire, action: "\(hire)/alerte", route: "/c/{centre}/embauches/{id}/alerte", empty: "message"),
                Walk(who: adviser, page: hire, action: "\(hire)/contacts", route: "/c/{centre}/embauches/{id}/contacts", empty: "done_on"),
                Walk(who: adviser, page: hire, action: "\(hire)/alertes/\(alert)/traitee", route: "/c/{centre}/embauches/{id}/alertes/{alert}/traitee", empty: "handled_note"),
            ]

            // Every POST route is walked here, or holds nothing a person types.
            let routes = try await Self.postRoutes(database)
            let walked = Set(walks.map(\.route))
            #expect(routes.subtracting(walked).subtracting(Self.nothingTyped).sorted() == [], "POST routes whose form this test does not walk")
            #expect(walked.union(Self.nothingTyped).subtracting(routes).sorted() == [], "routes of this test that the router no longer has")

            var filler = Filler()
            var seenActions: Set<String> = []
            for walk in walks {
                let page = try await walk.who.get(walk.page)
                #expect(page.status == .ok, "GET \(walk.page): \(page.status)")
                let forms = HTMLForm.all(in: page.text)
                seenActions.formUnion(forms.map(\.action))
                guard let form = forms.first(where: { $0.action == walk.action && $0.controls.contains(where: \.isTyped) }) else {
                    Issue.record("\(walk.page): no form with fields posting to \(walk.action)")
                    continue
                }
                #expect(form.controls.contains { $0.name == walk.empty && $0.isTyped }, "\(walk.action): no field \(walk.empty)")
                let (send, expected) = Self.fill(form, leaving: walk.empty, &filler)
                let answer = try await walk.who.post(walk.action, send)
                #expect(answer.status == .unprocessableContent, "POST \(walk.action) with \(walk.empty) empty: \(answer.status)")
                guard answer.status == .unprocessableContent else { continue }
                #expect(answer.text.contains("error-summary"), "POST \(walk.action): no summary of the errors")
                guard let shown = HTMLForm.all(in: answer.text).first(where: { $0.action == walk.action && $0.controls.contains(where: \.isTyped) }) else {
                    Issue.record("POST \(walk.action): the form is not shown again")
                    continue
                }
                let lost = Self.missing(expected, in: shown)
                #expect(lost.isEmpty, "POST \(walk.action) (\(walk.page)) lost \(lost)")
                // A check-in's form is folded: with its errors its panel is open again, the others stay folded.
                if walk.route == "/c/{centre}/suivis/{id}" {
                    #expect(answer.text.components(separatedBy: "<details open>").count == 2, "the check-in's panel is not open again (alone)")
                }
                // The messages are beside the fields of that form, and its summary links to them.
                for link in answer.text.matches(of: /<li><a href="#([^"]+)">/) {
                    #expect(answer.text.contains("id=\"\(link.output.1)\""), "POST \(walk.action): the summary links to #\(link.output.1), which is not on the page")
                }
            }
            // Every form of the pages walked is one of the router's POST routes, and is covered.
            for action in seenActions {
                let pattern = routes.first { Self.matches(action, $0) }
                #expect(pattern != nil, "a form posts to \(action), which no route serves")
            }
        }
    }

    @Test func aChosenFileIsNamedAgain() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let factory = Factory(database: database)
            let (centre, _) = try await factory.centre("test")
            let candidate = try await factory.candidate(centre: centre)
            try await browser.signIn("conseil@test.test", password: Factory.password)
            let path = "/c/test/candidats/\(candidate)"
            try await browser.get(path)
            // Not a PDF: refused, and the page names the file chosen (a page cannot fill a file field again).
            let body = MultipartTests.body([.field("_csrf", browser.csrf ?? ""), .file("lettre de motivation.txt", Array("Madame, Monsieur".utf8))])
            let answer = try await MultipartTests.send(browser, path + "/documents", body)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("Fichier choisi : «\u{00A0}lettre de motivation.txt\u{00A0}»"))
            #expect(answer.text.contains("seuls les PDF sont acceptés"))
        }
    }

    @Test func aFormSeenForTheFirstTimeStartsFromTheRecord() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let factory = Factory(database: database)
            let (centre, adviserID) = try await factory.centre("test")
            let business = try await factory.business(centre: centre)
            let need = try await factory.need(centre: centre, business: business, contract: .cdd, start: Day(year: 2027, month: 3, day: 1), end: Day(year: 2027, month: 9, day: 30))
            let candidate = try await factory.candidate(centre: centre)
            let application = try await factory.application(centre: centre, need: need, candidate: candidate, stage: .interview, actor: adviserID)
            try await browser.signIn("conseil@test.test", password: Factory.password)
            let qualify = try #require(HTMLForm.posting(to: "/c/test/besoins/\(need)/qualifier", in: try await browser.get("/c/test/besoins/\(need)").text).first)
            #expect(qualify.controls.first { $0.name == "hard_to_fill" && $0.checked }?.value == "non")
            #expect(qualify.controls.first { $0.name == "adviser_id" }?.options.first { $0.selected }?.value == String(adviserID))
            let page = try await browser.get("/c/test/candidatures/\(application)")
            let offer = try #require(HTMLForm.posting(to: "/c/test/candidatures/\(application)/propositions", in: page.text).first)
            #expect(offer.controls.first { $0.name == "contract_kind" }?.options.first { $0.selected }?.value == "cdd")
            #expect(offer.controls.first { $0.name == "start_date" }?.value == "2027-03-01")
            #expect(offer.controls.first { $0.name == "end_date" }?.value == "2027-09-30")
            #expect(offer.controls.first { $0.name == "hours_per_week" }?.value == "35")
            let interview = try #require(HTMLForm.posting(to: "/c/test/candidatures/\(application)/entretiens", in: page.text).first)
            #expect(interview.controls.first { $0.name == "duration" }?.value == "45")
        }
    }
}
