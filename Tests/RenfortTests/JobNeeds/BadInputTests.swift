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
        "title", "rome_code", "description", "contract_kind", "full_time", "hours_per_week", "positions", "wished_start",
        "end_date", "season_start", "season_end", "place_insee", "place_name", "pay_min", "pay_max", "skills", "other_licences",
        "certificates", "experience", "newly_created", "hard_to_fill", "hard_to_fill_reasons", "hard_to_fill_other", "notes",
        "business_id", "siret", "name", "naf_code", "headcount_band", "commune_insee", "commune_name", "address", "contact_name",
        "phone", "email", "member_since", "invite_name", "invite_email", "reason", "comment", "to", "adviser_id",
        "first_name", "last_name", "birth_date", "travel_km", "available_from", "seasonal_windows", "wished_contracts", "source",
        "consent_at", "consent_scope", "purge_after", "candidate_id", "target_id", "ids", "reason_id", "ending", "answer", "note",
        "date", "time", "duration", "mode", "attendees", "outcome", "accepted", "start_date", "gross_pay",
        "done_on", "contacted", "channel", "status", "risks", "action_kinds", "actions", "next_contact", "ended_on", "kind", "message",
        "offset_days", "cdi_days", "long_fixed_days", "short_fixed_max_days", "label",
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

    /// On the demo: the sweep aims every form at every kind of record the demo holds (interviews, offers, check-ins…).
    @Test func noFormGivesA500OrHalfARecord() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let lookup = DemoLookup(database: database)
            let need = try await lookup.need("Tractoriste viticole")
            let business = try await lookup.business("Domaine des Trois Coteaux")
            let bakery = try await lookup.business("Boulangerie du Pont Valentré")
            let employer = browser.fresh()
            try await employer.signIn("employeur2@cahors.renfort.test", password: DemoData.password)
            let adviser = browser.fresh()
            try await adviser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            let anonymous = browser.fresh()
            let driverNeed = try await lookup.need("Conducteur ou conductrice poids lourd")
            let candidate = try await lookup.ids("cahors", "SELECT id FROM candidates ORDER BY id").first!
            let presented = try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(driverNeed) AND stage = 'presented' AND employer_answer IS NULL").first!
            let driversEmployer = browser.fresh()
            try await driversEmployer.signIn("employeur8@cahors.renfort.test", password: DemoData.password)
            let app = "/c/cahors/candidatures/\(presented)"
            // A placement of the Auberge with a check-in to do, and its employer.
            let aubergeEmployer = browser.fresh()
            try await aubergeEmployer.signIn("employeur1@cahors.renfort.test", password: DemoData.password)
            let driverPlacement = try #require(try await lookup.ids("cahors", "SELECT p.id FROM placements p JOIN businesses b ON b.id = p.business_id WHERE b.name = 'Auberge du Causse' AND p.ended_on IS NULL AND EXISTS (SELECT 1 FROM check_ins k WHERE k.placement_id = p.id AND k.done_on IS NULL AND NOT k.closed) ORDER BY p.id").first)
            let driverCheckIn = try #require(try await lookup.ids("cahors", "SELECT id FROM check_ins WHERE placement_id = \(driverPlacement) AND done_on IS NULL AND NOT closed ORDER BY due_on").first)
            let interviewRow = try await lookup.ids("cahors", "SELECT id FROM interviews WHERE outcome IS NULL ORDER BY id").first!
            let interviewApp = try await lookup.ids("cahors", "SELECT application_id FROM interviews WHERE id = \(interviewRow)").first!
            let offerRow = try await lookup.ids("cahors", "SELECT id FROM offers WHERE status = 'pending' ORDER BY id").first!
            let offerApp = try await lookup.ids("cahors", "SELECT application_id FROM offers WHERE id = \(offerRow)").first!
            let routes: [(Browser, FormRoute)] = [
                (employer, FormRoute(who: "employer", page: "/c/cahors/besoins/nouveau", action: "/c/cahors/besoins")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/besoins/nouveau", action: "/c/cahors/besoins")),
                (employer, FormRoute(who: "employer", page: "/c/cahors/besoins/\(need)/modifier", action: "/c/cahors/besoins/\(need)/modifier")),
                (employer, FormRoute(who: "employer", page: "/c/cahors/besoins/\(need)", action: "/c/cahors/besoins/\(need)/commentaires")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/besoins/\(need)", action: "/c/cahors/besoins/\(need)/statut")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/besoins/\(need)", action: "/c/cahors/besoins/\(need)/qualifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/entreprises/nouvelle", action: "/c/cahors/entreprises")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/entreprises/\(business)/modifier", action: "/c/cahors/entreprises/\(business)/modifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/entreprises/\(business)", action: "/c/cahors/entreprises/\(business)/invitations")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/adhesions", action: "/c/cahors/adhesions/\(bakery)/refuser")),
                (anonymous, FormRoute(who: "visitor", page: "/c/cahors/rejoindre", action: "/c/cahors/rejoindre")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/candidats/nouveau", action: "/c/cahors/candidats")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/candidats/\(candidate)/modifier", action: "/c/cahors/candidats/\(candidate)/modifier")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/candidats/\(candidate)", action: "/c/cahors/candidats/\(candidate)/fusionner")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/besoins/\(driverNeed)/candidatures", action: "/c/cahors/besoins/\(driverNeed)/candidatures")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/besoins/\(driverNeed)/candidatures", action: "/c/cahors/besoins/\(driverNeed)/candidatures/rejeter")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/etape")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/entretiens")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/propositions")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/embauche")),
                (driversEmployer, FormRoute(who: "employer", page: app, action: app + "/reponse")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/candidatures/\(interviewApp)", action: "/c/cahors/candidatures/\(interviewApp)/entretiens/\(interviewRow)/bilan")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/candidatures/\(offerApp)", action: "/c/cahors/candidatures/\(offerApp)/propositions/\(offerRow)/reponse")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/parametres/motifs", action: "/c/cahors/parametres/motifs")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/parametres/suivis", action: "/c/cahors/parametres/suivis/etapes")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/parametres/suivis", action: "/c/cahors/parametres/suivis/essai")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/embauches/\(driverPlacement)", action: "/c/cahors/suivis/\(driverCheckIn)")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/embauches/\(driverPlacement)", action: "/c/cahors/embauches/\(driverPlacement)/debut")),
                (aubergeEmployer, FormRoute(who: "employer", page: "/c/cahors/embauches/\(driverPlacement)", action: "/c/cahors/embauches/\(driverPlacement)/alerte")),
                (adviser, FormRoute(who: "adviser", page: "/c/cahors/embauches/\(driverPlacement)", action: "/c/cahors/embauches/\(driverPlacement)/fin")),
                (adviser, FormRoute(who: "adviser", page: app, action: app + "/fin")),
                // Cancelling last: a valid reason (the HTML one) does cancel, as declining above does.
                (employer, FormRoute(who: "employer", page: "/c/cahors/besoins/\(need)", action: "/c/cahors/besoins/\(need)/annuler")),
            ]
            let counts = { () async throws -> [Int] in
                [try await lookup.count("cahors", "SELECT 1 FROM job_needs"), try await lookup.count("cahors", "SELECT 1 FROM businesses"),
                 try await lookup.count("cahors", "SELECT 1 FROM memberships"), try await database.count("users"),
                 try await lookup.count("cahors", "SELECT 1 FROM candidates"), try await lookup.count("cahors", "SELECT 1 FROM applications"),
                 try await lookup.count("cahors", "SELECT 1 FROM placements"), try await lookup.count("cahors", "SELECT 1 FROM interviews"),
                 try await lookup.count("cahors", "SELECT 1 FROM offers"), try await lookup.count("cahors", "SELECT 1 FROM check_ins"),
                 try await lookup.count("cahors", "SELECT 1 FROM placement_alerts WHERE message NOT LIKE '%<script>%'")]
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
