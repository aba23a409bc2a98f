import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Publishing a need as an offer, and the public pages and feeds of the centre's offers.
@Suite struct PublicOffersTests {
    static let marker = "MARQUEUR-INTERNE-4417"

    /// Cahors with a bakery whose need's description and notes hold the marker, a candidate on
    /// that need's board, and its adviser; returns the ids.
    static func cahors(_ database: TestDatabase) async throws -> (centre: Int64, adviser: Int64, business: Int64, need: Int64) {
        let make = Factory(database: database)
        let (cahors, adviser) = try await make.centre("cahors")
        let bakery = try await make.business(centre: cahors, name: "Boulangerie Discrète")
        let need = try await make.markedNeed(centre: cahors, business: bakery, marker: marker)
        let candidate = try await make.candidate(centre: cahors, firstName: "Zoé", lastName: "Confidentielle", email: "zoe@example.org")
        try await make.application(centre: cahors, need: need, candidate: candidate, actor: adviser)
        return (cahors, adviser, bakery, need)
    }

    /// What must never appear in a public page or feed.
    static func leaks(_ text: String, businessNamed: Bool) -> [String] {
        var secrets = [marker, "Description interne", "Remarque interne", "Confidentielle", "zoe@example.org"]
        if !businessNamed { secrets.append("Boulangerie Discrète") }
        return secrets.filter { text.contains($0) }
    }

    /// The `JobPosting` JSON of an offer's page.
    static func jobPosting(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/ld+json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func anAdviserPublishesANeedAndWithdrawsIt() async throws {
        try await TestApp.run { browser, database in
            let (_, _, _, need) = try await Self.cahors(database)
            try await browser.signIn("conseil@cahors.test")
            #expect(try await browser.get("/c/cahors/besoins/\(need)").text.contains("href=\"/c/cahors/besoins/\(need)/offre\""))
            let page = try await browser.get("/c/cahors/besoins/\(need)/offre")
            #expect(page.status == .ok)
            #expect(page.text.contains("pas publié"))
            // Started from the need: its title, place and contract; never its internal description.
            let form = try #require(HTMLForm.posting(to: "/c/cahors/besoins/\(need)/offre", in: page.text).first)
            #expect(form.controls.first { $0.name == "title" }?.value == "Boulanger ou boulangère")
            #expect(form.controls.first { $0.name == "place_name" }?.value == "Cahors")
            #expect(form.controls.first { $0.name == "contract_kind" }?.options.first { $0.selected }?.value == "cdi")
            #expect(form.controls.first { $0.name == "body" }?.value == "")
            #expect(!page.text.contains(Self.marker))
            let token = try #require(JobNeedWorkflowTests.formToken(page.text))
            let today = Day(Date())
            var fields: [(String, String)] = [
                ("_form", token), ("title", "Boulanger (H/F)"), ("body", "Le pain du village, dès 5 heures."), ("place_name", "Cahors"),
                ("contract_kind", "cdi"), ("starts_on", today.adding(days: 20).iso), ("ends_on", ""), ("valid_through", today.adding(days: 30).iso),
            ]
            // Bad input: 422, everything typed kept.
            let missing = try await browser.post("/c/cahors/besoins/\(need)/offre", fields.map { $0.0 == "body" ? ("body", "") : $0 })
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Renseignez «\u{00A0}Texte de l&#39;offre\u{00A0}»"))
            #expect(missing.text.contains("value=\"Boulanger (H/F)\""))
            fields.append(("business_named", "1"))
            let published = try await browser.post("/c/cahors/besoins/\(need)/offre", fields)
            #expect(published.location == "/c/cahors/besoins/\(need)/offre")
            // Sent twice: one offer.
            #expect(try await browser.post("/c/cahors/besoins/\(need)/offre", fields).status == .seeOther)
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM published_offers WHERE unpublished_at IS NULL AND title = 'Boulanger (H/F)' AND business_named") == 1)
            let offer = try #require(try await DemoLookup(database: database).ids("cahors", "SELECT id FROM published_offers").first)
            #expect(try await browser.get("/c/cahors/besoins/\(need)/offre").text.contains("Offre publiée"))
            let visitor = browser.fresh()
            #expect(try await visitor.get("/c/cahors/offres").text.contains("Boulanger (H/F)"))

            // Withdrawn: asked first, then gone from the list; its page says it is closed.
            let unconfirmed = try await browser.post("/c/cahors/besoins/\(need)/offre/retirer", [])
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(unconfirmed.text.contains("Cochez la case pour confirmer le retrait"))
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM published_offers WHERE unpublished_at IS NULL") == 1)
            #expect(try await browser.post("/c/cahors/besoins/\(need)/offre/retirer", [("confirm", "1")]).location == "/c/cahors/besoins/\(need)/offre")
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM published_offers WHERE unpublished_at IS NOT NULL") == 1)
            #expect(!(try await visitor.get("/c/cahors/offres").text.contains("Boulanger (H/F)")))
            #expect(!(try await visitor.get("/c/cahors/offres.atom").text.contains("Boulanger (H/F)")))
            let closed = try await visitor.get("/c/cahors/offres/\(offer)")
            #expect(closed.status == .gone)
            #expect(closed.text.contains("Cette offre est close"))
            #expect(!closed.text.contains("application/ld+json"))
            #expect(!closed.text.contains("/candidater\""))
            // Published again: the same offer, at the same address.
            let again = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/besoins/\(need)/offre").text))
            #expect(try await browser.post("/c/cahors/besoins/\(need)/offre", fields.map { $0.0 == "_form" ? ("_form", again) : $0 }).status == .seeOther)
            #expect(try await visitor.get("/c/cahors/offres/\(offer)").status == .ok)
        }
    }

    @Test func aNeedThatEndsStopsBeingOffered() async throws {
        try await TestApp.run { browser, database in
            let (cahors, adviser, _, need) = try await Self.cahors(database)
            let offer = try await Factory(database: database).publishedOffer(centre: cahors, need: need, actor: adviser)
            #expect(try await browser.get("/c/cahors/offres").text.contains("Boulanger ou boulangère (H/F)"))
            try await browser.signIn("conseil@cahors.test")
            try await browser.get("/c/cahors/besoins/\(need)")
            let cancelled = try await browser.post("/c/cahors/besoins/\(need)/annuler", [("reason", "Le boulanger reste"), ("confirm", "1")])
            #expect(cancelled.status == .seeOther, "\(cancelled.status) \(cancelled.text.prefix(3000))")
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM job_needs WHERE status = 'cancelled'") == 1)
            let visitor = browser.fresh()
            #expect(!(try await visitor.get("/c/cahors/offres").text.contains("Boulanger ou boulangère (H/F)")))
            #expect(!(try await visitor.get("/c/cahors/offres.json").text.contains("Boulanger ou boulangère (H/F)")))
            #expect(try await visitor.get("/c/cahors/offres/\(offer)").status == .gone)
            // A need done is not published again.
            let page = try await browser.get("/c/cahors/besoins/\(need)/offre")
            #expect(page.text.contains("Offre close"))
            #expect(HTMLForm.posting(to: "/c/cahors/besoins/\(need)/offre", in: page.text).isEmpty)
        }
    }

    @Test func thePublicPagesAndFeedsShowTheOpenOffersAndNothingInternal() async throws {
        try await TestApp.run { browser, database in
            let (cahors, adviser, bakery, need) = try await Self.cahors(database)
            let make = Factory(database: database)
            let hidden = try await make.publishedOffer(centre: cahors, need: need, actor: adviser, named: false)
            let other = try await make.markedNeed(centre: cahors, business: try await make.business(centre: cahors, name: "Garage du Lot", siret: "35600000000056"), title: "Mécanicien", marker: Self.marker, pay: nil)
            let named = try await make.publishedOffer(centre: cahors, need: other, actor: adviser, title: "Mécanicien auto (H/F)", body: "Entretien et réparation.", named: true)
            _ = bakery

            let list = try await browser.get("/c/cahors/offres")
            #expect(list.status == .ok)
            #expect(list.text.contains("Boulanger ou boulangère (H/F)") && list.text.contains("Mécanicien auto (H/F)"))
            #expect(list.text.contains("<link rel=\"alternate\" type=\"application/atom+xml\""))
            #expect(list.text.contains("href=\"/c/cahors/offres.json\""))
            #expect(list.text.contains("Garage du Lot"))
            #expect(Self.leaks(list.text, businessNamed: false) == [])

            let page = try await browser.get("/c/cahors/offres/\(hidden)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Pétrir, façonner, cuire"))
            #expect(page.text.contains("Une entreprise du territoire"))
            #expect(Self.leaks(page.text, businessNamed: false) == [])
            let posting = try Self.jobPosting(page.text)
            #expect(posting["@type"] as? String == "JobPosting")
            #expect(posting["title"] as? String == "Boulanger ou boulangère (H/F)")
            #expect(posting["description"] as? String == "Pétrir, façonner, cuire : le pain du village.")
            #expect(posting["datePosted"] as? String == Day(Date()).iso)
            #expect(posting["validThrough"] as? String == Day(Date()).adding(days: 30).iso)
            #expect(posting["employmentType"] as? [String] == ["FULL_TIME"])
            #expect(posting["hiringOrganization"] == nil)
            let location = try #require(posting["jobLocation"] as? [String: Any])
            #expect((location["address"] as? [String: Any])?["addressLocality"] as? String == "Cahors")
            let salary = try #require((posting["baseSalary"] as? [String: Any])?["value"] as? [String: Any])
            #expect(salary["minValue"] as? Double == 1900)
            #expect(salary["maxValue"] as? Double == 2100)

            let namedPage = try await browser.get("/c/cahors/offres/\(named)")
            let namedPosting = try Self.jobPosting(namedPage.text)
            #expect((namedPosting["hiringOrganization"] as? [String: Any])?["name"] as? String == "Garage du Lot")
            #expect(namedPosting["baseSalary"] == nil)
            #expect(Self.leaks(namedPage.text, businessNamed: true) == [])

            let atom = try await browser.get("/c/cahors/offres.atom")
            #expect(atom.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(atom.text.components(separatedBy: "<entry>").count == 3)
            #expect(atom.text.contains("<id>http://127.0.0.1:8080/c/cahors/offres/\(hidden)</id>"))
            #expect(Self.leaks(atom.text, businessNamed: false) == [])

            let json = try await browser.get("/c/cahors/offres.json")
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            let feed = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
            let offers = try #require(feed["offers"] as? [[String: Any]])
            #expect(Set(offers.compactMap { $0["title"] as? String }) == ["Boulanger ou boulangère (H/F)", "Mécanicien auto (H/F)"])
            #expect(Self.leaks(json.text, businessNamed: false) == [])

            let notice = try await browser.get("/c/cahors/informations-candidats")
            #expect(notice.status == .ok)
            #expect(notice.text.contains("trois mois") && notice.text.contains("deux ans") && notice.text.contains("Centre cahors"))
            #expect(notice.text.contains("CNIL"))
        }
    }

    /// The offer's posting is written unescaped inside its `<script>`: a title or a text that
    /// closes the script stays a string of the JSON (every `<` written `\u003c`), and the page
    /// shows it as text.
    @Test func aTitleThatClosesTheScriptStaysInTheJSON() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let (cahors, adviser, _, need) = try await Self.cahors(database)
            let title = "</script><script>alert(1)</script> & \"Cie\""
            let body = "<!-- </SCRIPT><img src=x onerror=alert(2)>"
            let offer = try await Factory(database: database).publishedOffer(centre: cahors, need: need, actor: adviser, title: title, body: body)

            let page = try await browser.get("/c/cahors/offres/\(offer)")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(!page.text.contains("<img src=x"))
            #expect(!page.text.contains("<!-- </SCRIPT>"))
            #expect(page.text.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cie&quot;"))
            let posting = try Self.jobPosting(page.text)
            #expect(posting["title"] as? String == title)
            #expect(posting["description"] as? String == body)
        }
    }

    @Test func oneCentresOffersAreNeverAnothers() async throws {
        try await TestApp.run { browser, database in
            let (cahors, adviser, business, need) = try await Self.cahors(database)
            let make = Factory(database: database)
            let offer = try await make.publishedOffer(centre: cahors, need: need, actor: adviser)
            let (figeac, figeacAdviser) = try await make.centre("figeac")
            let figeacNeed = try await make.markedNeed(centre: figeac, business: try await make.business(centre: figeac, name: "Scierie de Figeac"), title: "Scieur", marker: "AUTRE")
            let figeacOffer = try await make.publishedOffer(centre: figeac, need: figeacNeed, actor: figeacAdviser, title: "Scieur (H/F)")
            try await make.person("patron@boulangerie.test", role: .employer, centre: cahors, business: business)

            // The public side: each centre lists its own; another's offer does not exist there.
            let figeacList = try await browser.get("/c/figeac/offres")
            #expect(figeacList.text.contains("Scieur (H/F)") && !figeacList.text.contains("Boulanger"))
            #expect(!(try await browser.get("/c/figeac/offres.atom").text.contains("Boulanger")))
            #expect(!(try await browser.get("/c/figeac/offres.json").text.contains("Boulanger")))
            #expect(try await browser.get("/c/figeac/offres/\(offer)").status == .notFound)
            #expect(try await browser.get("/c/cahors/offres/\(figeacOffer)").status == .notFound)
            #expect(try await browser.get("/c/nulle-part/offres").status == .notFound)
            #expect(try await browser.get("/c/cahors/offres/0").status == .notFound)
            #expect(try await browser.get("/c/cahors/offres/abc").status == .notFound)

            // The adviser's side: Figeac's adviser cannot publish or withdraw Cahors's need, nor an employer.
            let figeacBrowser = browser.fresh()
            try await figeacBrowser.signIn("conseil@figeac.test")
            let employer = browser.fresh()
            try await employer.signIn("patron@boulangerie.test")
            for (who, visitor, base, home) in [("Figeac adviser", figeacBrowser, "/c/cahors", "/c/figeac"), ("Figeac adviser through Figeac", figeacBrowser, "/c/figeac", "/c/figeac"), ("employer", employer, "/c/cahors", "/c/cahors")] {
                try await visitor.get(home)
                #expect(try await visitor.get("\(base)/besoins/\(need)/offre").status == .notFound, "\(who)")
                let posted = try await visitor.post("\(base)/besoins/\(need)/offre", [("title", "Pirate"), ("body", "x"), ("place_name", "x"), ("contract_kind", "cdi"), ("starts_on", Day(Date()).iso), ("valid_through", Day(Date()).iso), ("_form", FormSubmissions.newToken())])
                #expect(posted.status == .notFound, "\(who) \(posted.status) \(posted.text.prefix(1500))")
                #expect(try await visitor.post("\(base)/besoins/\(need)/offre/retirer", [("confirm", "1")]).status == .notFound, "\(who)")
            }
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM published_offers WHERE title = 'Pirate' OR unpublished_at IS NOT NULL") == 0)
        }
    }
}
