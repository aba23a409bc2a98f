import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct JoinRequestTests {
    static func fields(siret: String = "73282932000074") -> [(String, String)] {
        [("siret", siret), ("name", "Librairie Calligramme"), ("commune_name", "Cahors"), ("contact_name", "Inès Roques"),
         ("email", "ines@calligramme.test"), ("phone", "0565000001")] + JobNeedWorkflowTests.needFields(title: "Libraire")
    }

    /// Cahors with its adviser, a member business and its employer, and a bakery asking to join
    /// with its need; returns the bakery.
    @discardableResult
    static func centreWithARequest(_ database: TestDatabase) async throws -> Int64 {
        let make = Factory(database: database)
        let (cahors, _) = try await make.centre("cahors")
        try await make.employer("patron@auberge.test", centre: cahors, business: try await make.business(centre: cahors, name: "Auberge du Causse", siret: Siret.completing("9001000010001")))
        let bakery = try await make.business(centre: cahors, name: "Boulangerie du Pont Valentré", siret: "55210055400013", status: .pending)
        try await make.need(centre: cahors, business: bakery, title: "Boulanger ou boulangère")
        return bakery
    }

    @Test func aBusinessAsksToJoinAndAnAdviserAcceptsIt() async throws {
        try await TestApp.run { browser, database in
            try await Self.centreWithARequest(database)
            let lookup = DemoLookup(database: database)
            let form = try await browser.get("/c/cahors/rejoindre")
            #expect(form.status == .ok)
            #expect(form.text.contains("Rejoindre le Centre cahors"))
            #expect(form.text.contains("name=\"website\""))
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let missing = try await browser.post("/c/cahors/rejoindre", [("name", "Sans SIRET"), ("_form", token)])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Renseignez le numéro SIRET"))
            #expect(missing.text.contains("Renseignez «\u{00A0}Intitulé du poste\u{00A0}»"))
            #expect(missing.text.contains("value=\"Sans SIRET\""))
            let sent = try await browser.post("/c/cahors/rejoindre", Self.fields() + [("_form", token)])
            #expect(sent.location == "/c/cahors/rejoindre?envoye=1")
            #expect(try await browser.post("/c/cahors/rejoindre", Self.fields() + [("_form", token)]).location == "/c/cahors/rejoindre?envoye=1")
            #expect(try await browser.get("/c/cahors/rejoindre?envoye=1").text.contains("Votre demande est envoyée"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE siret = '73282932000074' AND status = 'pending'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE title = 'Libraire'") == 1)

            // Invisible to employers and absent from the needs list until accepted.
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            #expect(!(try await employer.get("/c/cahors/besoins").text.contains("Libraire")))
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@cahors.test")
            #expect(!(try await adviser.get("/c/cahors/besoins").text.contains("Libraire")))
            let requests = try await adviser.get("/c/cahors/adhesions")
            #expect(requests.text.contains("Librairie Calligramme"))
            #expect(requests.text.contains("Boulangerie du Pont Valentré"))
            let id = try await lookup.ids("cahors", "SELECT id FROM businesses WHERE siret = '73282932000074'").first!
            #expect(try await adviser.post("/c/cahors/adhesions/\(id)/accepter", [("confirm", "1")]).status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE id = \(id) AND status = 'member' AND member_since IS NOT NULL") == 1)
            #expect(try await database.count("outbox_messages", where: "recipient = 'ines@calligramme.test' AND kind = 'password-invitation'") == 1)
            #expect(try await adviser.get("/c/cahors/besoins").text.contains("Libraire"))
            #expect(try await adviser.get("/c/cahors/entreprises/\(id)").text.contains("Adhésion acceptée"))
        }
    }

    /// A visitor fills the long join form slowly: their page outlives its session. Sent from our
    /// page, it comes back filled with a fresh session, nothing recorded; sent again, it is
    /// recorded once. Sent by another site's page, it is refused as before.
    @Test func aJoinRequestWhosePageOutlivedItsSessionComesBackFilled() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            try await Self.centreWithARequest(database)
            let lookup = DemoLookup(database: database)
            let form = try await browser.get("/c/cahors/rejoindre")
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let staleToken = try #require(browser.csrf)
            clock.advance(by: SessionStore.idleTimeout + 60)
            let fields = Self.fields() + [("_form", token)]

            let forged = try await browser.post("/c/cahors/rejoindre", fields, site: "cross-site")
            #expect(forged.status == .forbidden)

            let late = try await browser.post("/c/cahors/rejoindre", fields)
            #expect(late.status == .unprocessableContent)
            #expect(late.text.contains("Cette page était ouverte depuis longtemps"))
            #expect(late.text.contains("href=\"#envoyer\""))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE siret = '73282932000074'") == 0)
            // Every value as it was sent, in the form shown again.
            let shown = try #require(HTMLForm.posting(to: "/c/cahors/rejoindre", in: late.text).first)
            let submission = shown.submission
            for (name, value) in fields where !value.isEmpty {
                #expect(submission.contains { $0.0 == name && $0.1 == value }, "\(name)=\(value) not kept")
            }
            // The page carries a fresh session's token: sent again, the request is recorded, once.
            let fresh = try #require(browser.csrf)
            #expect(fresh != staleToken)
            let sent = try await browser.post("/c/cahors/rejoindre", submission.filter { $0.0 != "_csrf" })
            #expect(sent.location == "/c/cahors/rejoindre?envoye=1")
            _ = try await browser.post("/c/cahors/rejoindre", submission.filter { $0.0 != "_csrf" })
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE siret = '73282932000074'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE title = 'Libraire'") == 1)
        }
    }

    @Test func anAdviserDeclinesWithAReason() async throws {
        try await TestApp.run { browser, database in
            let bakery = try await Self.centreWithARequest(database)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            try await browser.get("/c/cahors/adhesions")
            let noReason = try await browser.post("/c/cahors/adhesions/\(bakery)/refuser", [("reason", " ")])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.text.contains("Renseignez «\u{00A0}Motif du refus\u{00A0}»"))
            let declined = try await browser.post("/c/cahors/adhesions/\(bakery)/refuser", [("reason", "Hors du territoire du centre"), ("confirm", "1")])
            #expect(declined.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE id = \(bakery) AND status = 'declined' AND decline_reason = 'Hors du territoire du centre'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE business_id = \(bakery) AND status = 'cancelled'") == 1)
            #expect(!(try await browser.get("/c/cahors/adhesions").text.contains("Boulangerie du Pont Valentré")))
        }
    }

    @Test func theHoneypotAndTheRateLimitStopRobots() async throws {
        try await TestApp.run { browser, database in
            try await Self.centreWithARequest(database)
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM businesses")
            let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/rejoindre").text))
            let robot = try await browser.post("/c/cahors/rejoindre", Self.fields() + [("website", "http://spam.example"), ("_form", token)])
            #expect(robot.location == "/c/cahors/rejoindre?envoye=1")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses") == before)

            browser.address = "198.51.100.77"
            let sirets = ["73282932000074", "35600000000056", Siret.completing("9003000010001"), Siret.completing("9003000020001"), Siret.completing("9003000030001"), Siret.completing("9003000040001")]
            for siret in sirets.prefix(JoinController.hourlyLimit) {
                let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/rejoindre").text))
                #expect(try await browser.post("/c/cahors/rejoindre", Self.fields(siret: siret) + [("_form", token)]).status == .seeOther)
            }
            let token2 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/rejoindre").text))
            let limited = try await browser.post("/c/cahors/rejoindre", Self.fields(siret: sirets[5]) + [("_form", token2)])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.text.contains("Trop de demandes"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses") == before + JoinController.hourlyLimit)
            // An unknown centre has no join page.
            #expect(try await browser.get("/c/nulle-part/rejoindre").status == .notFound)
            // A known SIRET is not taken twice.
            browser.address = "198.51.100.78"
            let token3 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/rejoindre").text))
            let known = try await browser.post("/c/cahors/rejoindre", Self.fields(siret: sirets[0]) + [("_form", token3)])
            #expect(known.status == .unprocessableContent)
            #expect(known.text.contains("déjà connu du centre"))
        }
    }
}
