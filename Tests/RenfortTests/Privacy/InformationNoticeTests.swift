import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Information at the first contact: the notice e-mailed when a record is created with an
/// address, whatever creates it, its date on the adviser's page; the printable notice for the
/// others and its handing over; the notice naming the controller as the centre's settings hold it.
@Suite struct InformationNoticeTests {
    @Test func aRecordCreatedByAnAdviserIsSentTheNoticeOnceAndThePageSaysWhen() async throws {
        try await TestApp.run { desk, database in
            try await Factory(database: database).centre("cahors")
            try await desk.signIn("conseil@cahors.test")
            let token = try #require(JobNeedWorkflowTests.formToken(try await desk.get("/c/cahors/candidats/nouveau").text))
            let created = try await desk.post("/c/cahors/candidats", CandidateFixtures.fields() + [("_form", token)])
            #expect(try await desk.post("/c/cahors/candidats", CandidateFixtures.fields() + [("_form", token)]).status == .seeOther)
            let bodies = try await PrivacyOutbox.bodies("information-notice", to: "eloise.castagne@exemple.test", database)
            #expect(bodies.count == 1)
            #expect(bodies.first?.contains("http://127.0.0.1:8080/c/cahors/informations-candidats") == true)
            #expect(bodies.first?.contains("trois mois") == true && bodies.first?.contains("CNIL") == true)
            let page = try await desk.get(try #require(created.location)).text
            #expect(page.contains("Notice d&#39;information envoyée le") || page.contains("Notice d'information envoyée le"))
            #expect(!page.contains("à remettre en main propre"))
        }
    }

    @Test func aRecordWithoutAnAddressGetsThePrintedNoticeWhoseHandingIsRecorded() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            try await desk.signIn("conseil@cahors.test")
            let token = try #require(JobNeedWorkflowTests.formToken(try await desk.get("/c/cahors/candidats/nouveau").text))
            let created = try await desk.post("/c/cahors/candidats", CandidateFixtures.fields(email: "") + [("_form", token)])
            let path = try #require(created.location)
            #expect(try await database.count("outbox_messages", where: "kind = 'information-notice'") == 0)
            let page = try await desk.get(path).text
            #expect(page.contains("à remettre en main propre"))
            #expect(page.contains("href=\"/c/cahors/informations-candidats/imprimer\""))

            // A day in the future is refused, the date kept; then the handing is recorded.
            let future = Day(Date()).adding(days: 3).iso
            let refused = try await desk.post("\(path)/notice-remise", [("handed_on", future)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("value=\"\(future)\""))
            let today = Day(Date())
            let handed = try await desk.post("\(path)/notice-remise", [("handed_on", today.iso)])
            #expect(handed.status == .seeOther)
            #expect(try await desk.get(path).text.contains("remise en main propre le \(today.french)"))
            #expect(try await make.value(centre: centre, "SELECT count(*) FROM candidates WHERE notice_handed_on = '\(today.iso)'", as: Int.self) == 1)
        }
    }

    @Test func aPublicApplicationSendsTheNoticeToANewRecordOnly() async throws {
        try await TestApp.run { browser, database in
            let (_, _, _, offer) = try await OfferApplicationTests.offer(database)
            _ = try await OfferApplicationTests.apply(browser, offer: offer, fields: OfferApplicationTests.lea)
            #expect(try await PrivacyOutbox.bodies("information-notice", to: "lea.fournier@example.org", database).count == 1)
            // The same person again (another form): her record is found, no second notice.
            _ = try await OfferApplicationTests.apply(browser.fresh(), offer: offer, fields: OfferApplicationTests.lea)
            #expect(try await PrivacyOutbox.bodies("information-notice", to: "lea.fournier@example.org", database).count == 1)
        }
    }

    @Test func everyDemoCandidateWithAnAddressWasSentTheNotice() async throws {
        try await TestApp.run(demo: true) { _, database in
            let lookup = DemoLookup(database: database)
            for slug in ["cahors", "figeac"] {
                let withAddress = try await lookup.count(slug, "SELECT 1 FROM candidates WHERE email IS NOT NULL")
                #expect(withAddress > 0)
                #expect(try await lookup.count(slug, "SELECT 1 FROM candidates WHERE email IS NOT NULL AND notice_sent_at IS NOT NULL") == withAddress)
            }
            #expect(try await database.count("outbox_messages", where: "kind = 'information-notice' AND recipient = 'lea.delpech@exemple.test'") == 1)
        }
    }

    @Test func theNoticeNamesTheControllerAsTheSettingsHoldItAndPrintsWithoutScript() async throws {
        try await TestApp.run { desk, database in
            try await Factory(database: database).centre("cahors")
            try await desk.signIn("conseil@cahors.test")
            try await desk.get("/c/cahors/parametres/coordonnees")
            // A wrong address is refused, what was typed kept.
            let wrong = try await desk.post("/c/cahors/parametres/coordonnees", [("postal_address", "12 rue Wilson, 46000 Cahors"), ("contact_email", "pas-une-adresse"), ("contact_phone", "")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("12 rue Wilson, 46000 Cahors") && wrong.text.contains("pas-une-adresse"))
            let saved = try await desk.post("/c/cahors/parametres/coordonnees", [
                ("postal_address", "12 rue Wilson, 46000 Cahors"), ("contact_email", "donnees@cahors.test"), ("contact_phone", "05 65 20 40 60"),
            ])
            #expect(saved.status == .seeOther)

            let visitor = desk.fresh()
            let notice = try await visitor.get("/c/cahors/informations-candidats")
            #expect(notice.status == .ok)
            for said in ["Centre cahors", "12 rue Wilson, 46000 Cahors", "donnees@cahors.test", "05 65 20 40 60", "trois mois", "deux ans", "le temps de cet emploi",
                         "jamais une personne", "CNIL", "supprimer", "corriger", "vous opposer"] {
                #expect(notice.text.contains(said), "the notice says \(said)")
            }
            let printed = try await visitor.get("/c/cahors/informations-candidats/imprimer")
            #expect(printed.status == .ok)
            #expect(!printed.text.contains("<script") && printed.text.contains("report.css"))
            #expect(printed.text.contains("donnees@cahors.test") && printed.text.contains("deux ans"))
            // A new record's notice gives the centre's address to write to.
            let token = try #require(JobNeedWorkflowTests.formToken(try await desk.get("/c/cahors/candidats/nouveau").text))
            _ = try await desk.post("/c/cahors/candidats", CandidateFixtures.fields() + [("_form", token)])
            #expect(try await PrivacyOutbox.bodies("information-notice", to: "eloise.castagne@exemple.test", database).first?.contains("par e-mail à donnees@cahors.test") == true)
            #expect(try await database.count("outbox_messages", where: "kind = 'information-notice' AND reply_to = 'donnees@cahors.test'") == 1)
        }
    }

    @Test func anotherCentresAdviserCannotRecordAHandingNorChangeTheContact() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.centre("figeac")
            let candidate = try await make.candidate(centre: cahors, email: nil)
            try await desk.signIn("conseil@figeac.test")
            try await desk.get("/c/figeac/candidats")
            #expect(try await desk.post("/c/figeac/candidats/\(candidate)/notice-remise", [("handed_on", Day(Date()).iso)]).status == .notFound)
            #expect(try await desk.post("/c/cahors/candidats/\(candidate)/notice-remise", [("handed_on", Day(Date()).iso)]).status != .seeOther)
            #expect(try await desk.post("/c/cahors/parametres/coordonnees", [("postal_address", "ailleurs"), ("contact_email", "x@y.test")]).status != .seeOther)
            #expect(try await make.value(centre: cahors, "SELECT count(*) FROM candidates WHERE notice_handed_on IS NOT NULL", as: Int.self) == 0)
            #expect(try await make.value(centre: cahors, "SELECT count(*) FROM centres WHERE postal_address = 'ailleurs'", as: Int.self) == 0)

            // Nor Cahors's employers, nor State staff.
            let business = try await make.business(centre: cahors)
            try await make.employer("patron@cahors.test", centre: cahors, business: business)
            try await make.observer("observatrice@dreets.test", centres: [cahors])
            for email in ["patron@cahors.test", "observatrice@dreets.test"] {
                let someone = desk.fresh()
                try await someone.signIn(email)
                try await someone.get("/c/cahors")
                #expect(try await someone.get("/c/cahors/candidats/\(candidate)").status == .notFound)
                #expect(try await someone.get("/c/cahors/parametres/coordonnees").status == .notFound)
                #expect(try await someone.post("/c/cahors/candidats/\(candidate)/notice-remise", [("handed_on", Day(Date()).iso)]).status == .notFound)
                #expect(try await someone.post("/c/cahors/candidats/\(candidate)/consentement", [("_form", Tokens.random())]).status == .notFound)
                #expect(try await someone.post("/c/cahors/parametres/coordonnees", [("postal_address", "ailleurs"), ("contact_email", "x@y.test")]).status == .notFound)
            }
            #expect(try await make.value(centre: cahors, "SELECT count(*) FROM centres WHERE postal_address = 'ailleurs'", as: Int.self) == 0)
        }
    }
}
