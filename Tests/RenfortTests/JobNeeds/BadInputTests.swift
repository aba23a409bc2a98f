import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

/// Every form of the businesses and job-needs issue against bad input: a clear 4xx,
/// never a 500, never half a record, and what was typed comes back escaped.
@Suite struct BadInputTests {
    struct FormRoute {
        let who: String
        let page: String
        let action: String
    }

    static let allFields = [
        "title", "job", "job_choice", "description", "contract_kind", "full_time", "hours_per_week", "positions", "wished_start",
        "end_date", "season_start", "season_end", "place_insee", "place_name", "pay_min", "pay_max", "skills", "other_licences",
        "certificates", "experience", "newly_created", "hard_to_fill", "hard_to_fill_reasons", "hard_to_fill_other", "notes",
        "business_id", "siret", "name", "naf_code", "headcount_band", "commune_insee", "commune_name", "address", "contact_name",
        "phone", "email", "member_since", "invite_name", "invite_email", "reason", "comment", "to", "adviser_id",
        "first_name", "last_name", "birth_date", "travel_km", "available_from", "seasonal_windows", "wished_contracts", "source",
        "consent_at", "consent_scope", "purge_after", "candidate_id", "target_id", "ids", "reason_id", "ending", "answer", "note",
        "date", "time", "duration", "mode", "attendees", "outcome", "accepted", "start_date", "gross_pay",
        "done_on", "contacted", "channel", "status", "risks", "action_kinds", "actions", "next_contact", "ended_on", "kind", "message",
        "offset_days", "cdi_days", "long_fixed_days", "short_fixed_max_days", "label",
        "body", "starts_on", "ends_on", "valid_through", "business_named", "keep_for_other_posts",
        "modele", "candidature", "subject", "sms", "invite",
        "postal_address", "contact_email", "contact_phone", "handed_on",
    ]

    func payloads() -> [(String, [(String, String)])] {
        // 10 000 characters in every field at once stays under the 1 MB form limit in ASCII.
        let long = String(repeating: "a", count: 10_000)
        let html = "<script>alert('x')</script><b>gras</b>"
        return [
            ("missing fields", []),
            ("10 000 characters", Self.allFields.map { ($0, long) }),
            ("invalid dates and numbers", [
                ("wished_start", "2026-13-45"), ("end_date", "31/12/2026"), ("season_start", "demain"), ("member_since", "2026-02-30"),
                ("positions", "abc"), ("hours_per_week", "-3"), ("pay_min", "12.5.5"), ("pay_max", "1e309"), ("adviser_id", "99999999999999999999"),
                ("business_id", "-1"), ("to", "nimporte"), ("title", "Titre"), ("siret", "12345678901234"),
            ]),
            // Last: where HTML is a valid value (a reason, a comment), the action is done.
            ("HTML and script", Self.allFields.map { ($0, html) }),
        ]
    }

    /// The sweep aims every form at every kind of record a route can name (`FuzzWorld`: a need
    /// with a presented application, an interview, a pending offer, a hire with its check-ins…).
    @Test func noFormGivesA500OrHalfARecord() async throws {
        try await TestApp.run { browser, database in
            let world = try await FuzzWorld.make(database)
            let lookup = DemoLookup(database: database)
            let factory = Factory(database: database)
            let adviserID = try #require(try await database.asOwner { client in
                try await client.withConnection { try await $0.value("SELECT id FROM users WHERE email = \(FuzzWorld.adviser)", as: Int64.self, logger: TestEnvironment.logger) }
            })
            let someone = try await factory.candidate(centre: world.centre, firstName: "Sacha", lastName: "Delmas", email: "sacha@example.org")
            let presented = try await factory.application(centre: world.centre, need: world.need, candidate: someone, stage: .presented, actor: adviserID)
            // A need just submitted: its employer may still edit or cancel it, the adviser qualify it.
            let submitted = try await factory.need(centre: world.centre, business: world.business, title: "Serveur ou serveuse")
            let employer = browser.fresh()
            try await employer.signIn(FuzzWorld.employer)
            let adviser = browser.fresh()
            try await adviser.signIn(FuzzWorld.adviser)
            let anonymous = browser.fresh()
            let candidate = try await FuzzWorld.candidatePage(browser, database)
            let app = "/c/fuzz/candidatures/\(presented)"
            let offered = try await factory.need(centre: world.centre, business: world.business, title: "Vendeur ou vendeuse")
            let offer = try await factory.publishedOffer(centre: world.centre, need: offered, actor: adviserID)
            let routes: [(Browser, FormRoute)] = [
                (employer, FormRoute(who: "employer", page: "/c/fuzz/besoins/nouveau", action: "/c/fuzz/besoins")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/nouveau", action: "/c/fuzz/besoins")),
                (employer, FormRoute(who: "employer", page: "/c/fuzz/besoins/\(submitted)/modifier", action: "/c/fuzz/besoins/\(submitted)/modifier")),
                (employer, FormRoute(who: "employer", page: "/c/fuzz/besoins/\(submitted)", action: "/c/fuzz/besoins/\(submitted)/commentaires")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(submitted)", action: "/c/fuzz/besoins/\(submitted)/statut")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(submitted)", action: "/c/fuzz/besoins/\(submitted)/qualifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/entreprises/nouvelle", action: "/c/fuzz/entreprises")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/entreprises/\(world.business)/modifier", action: "/c/fuzz/entreprises/\(world.business)/modifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/entreprises/\(world.business)", action: "/c/fuzz/entreprises/\(world.business)/invitations")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/adhesions", action: "/c/fuzz/adhesions/\(world.pending)/refuser")),
                (anonymous, FormRoute(who: "visitor", page: "/c/fuzz/rejoindre", action: "/c/fuzz/rejoindre")),
                (anonymous, FormRoute(who: "visitor", page: "/c/fuzz/mon-espace", action: "/c/fuzz/mon-espace/lien")),
                (candidate, FormRoute(who: "candidate", page: "/c/fuzz/mon-espace", action: "/c/fuzz/mon-espace/coordonnees")),
                (anonymous, FormRoute(who: "visitor", page: "/c/fuzz/offres/\(offer)", action: "/c/fuzz/offres/\(offer)/candidater")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(offered)/offre", action: "/c/fuzz/besoins/\(offered)/offre")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidats/nouveau", action: "/c/fuzz/candidats")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidats/\(world.candidate)/modifier", action: "/c/fuzz/candidats/\(world.candidate)/modifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidats/\(world.candidate)", action: "/c/fuzz/candidats/\(world.candidate)/fusionner")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(world.need)/candidatures", action: "/c/fuzz/besoins/\(world.need)/candidatures")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(world.need)/candidatures", action: "/c/fuzz/besoins/\(world.need)/candidatures/rejeter")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/etape")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/entretiens")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/propositions")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/embauche")),
                (employer, FormRoute(who: "employer", page: app, action: app + "/reponse")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidatures/\(world.application)", action: "/c/fuzz/candidatures/\(world.application)/entretiens/\(world.interview)/bilan")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidatures/\(world.application)", action: "/c/fuzz/candidatures/\(world.application)/propositions/\(world.offer)/reponse")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/parametres/motifs", action: "/c/fuzz/parametres/motifs")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/parametres/messages/saison", action: "/c/fuzz/parametres/messages/saison")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidats/\(world.candidate)/messages", action: "/c/fuzz/candidats/\(world.candidate)/messages")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/besoins/\(world.need)/messages?ids=\(presented)", action: "/c/fuzz/besoins/\(world.need)/messages")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/parametres/suivis", action: "/c/fuzz/parametres/suivis/etapes")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/parametres/suivis", action: "/c/fuzz/parametres/suivis/essai")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/parametres/coordonnees", action: "/c/fuzz/parametres/coordonnees")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/candidats/\(world.candidate)", action: "/c/fuzz/candidats/\(world.candidate)/notice-remise")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/notifications", action: "/c/fuzz/notifications")),
                (employer, FormRoute(who: "employer", page: "/c/fuzz/notifications", action: "/c/fuzz/notifications")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/embauches/\(world.placement)", action: "/c/fuzz/suivis/\(world.checkIn)")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/embauches/\(world.placement)", action: "/c/fuzz/embauches/\(world.placement)/debut")),
                (employer, FormRoute(who: "employer", page: "/c/fuzz/embauches/\(world.placement)", action: "/c/fuzz/embauches/\(world.placement)/alerte")),
                (adviser, FormRoute(who: "adviser", page: "/c/fuzz/embauches/\(world.placement)", action: "/c/fuzz/embauches/\(world.placement)/fin")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/fin")),
                // Cancelling last: a valid reason (the HTML one) does cancel, as declining above does.
                (employer, FormRoute(who: "employer", page: "/c/fuzz/besoins/\(submitted)", action: "/c/fuzz/besoins/\(submitted)/annuler")),
            ]
            let counts = { () async throws -> [Int] in
                [try await lookup.count("fuzz", "SELECT 1 FROM job_needs"), try await lookup.count("fuzz", "SELECT 1 FROM businesses"),
                 try await lookup.count("fuzz", "SELECT 1 FROM memberships"), try await database.count("users"),
                 try await lookup.count("fuzz", "SELECT 1 FROM candidates"), try await lookup.count("fuzz", "SELECT 1 FROM applications"),
                 try await lookup.count("fuzz", "SELECT 1 FROM placements"), try await lookup.count("fuzz", "SELECT 1 FROM interviews"),
                 try await lookup.count("fuzz", "SELECT 1 FROM offers"), try await lookup.count("fuzz", "SELECT 1 FROM check_ins"),
                 try await lookup.count("fuzz", "SELECT 1 FROM placement_alerts WHERE message NOT LIKE '%<script>%'"),
                 try await lookup.count("fuzz", "SELECT 1 FROM offer_applications"), try await lookup.count("fuzz", "SELECT 1 FROM published_offers WHERE title LIKE '%<script>%'")]
            }
            let before = try await counts()
            for (client, route) in routes {
                // Bodies that are not valid form encoding, the CSRF token in its header.
                let page = try await client.get(route.page)
                let csrf = try #require(client.csrf)
                for body in ["%%%zz&=&&==%E9%", "{\"title\": \"json\"}", String(decoding: [0xFF, 0xFE, 0x41, 0x3D, 0xC3], as: UTF8.self), "title=a%00b"] {
                    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                    headers[.init("X-CSRF-Token")!] = csrf
                    let response = try await client.send(route.action, method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect((400..<500).contains(Int(response.status.code)), "\(route.action) with body \(body.debugDescription): \(response.status)")
                }
                _ = page
                for (name, fields) in payloads() {
                    let page = try await client.get(route.page)
                    #expect(page.status == .ok, "\(route.page)")
                    let token = JobNeedWorkflowTests.formToken(page.text) ?? Tokens.random()
                    let response = try await client.post(route.action, fields + [("_form", token)])
                    let what = "\(route.who) POST \(route.action) with \(name)"
                    #expect(response.status.code < 500, "\(what): \(response.status)")
                    if name == "HTML and script" {
                        #expect([303, 422].contains(response.status.code), "\(what): \(response.status)")
                        let shown = response.status == .seeOther ? try await client.get(response.location ?? "/").text : response.text
                        #expect(!shown.contains("<script>alert"), "\(what): raw script in the page")
                        #expect(!shown.contains("<b>gras</b>"), "\(what): raw HTML in the page")
                    } else {
                        #expect(response.status == .unprocessableContent, "\(what): \(response.status)")
                        #expect(response.text.contains("error-summary") || response.text.contains("field__error"), "\(what): no message")
                    }
                    if name == "10 000 characters" && response.status == .unprocessableContent {
                        #expect(response.text.contains("ne peut pas dépasser") || response.text.contains("choisissez") || response.text.contains("valide") || response.text.contains("nombre") || response.text.contains("Renseignez"), "\(what)")
                    }
                }
            }
            #expect(try await counts() == before)
        }
    }
}
