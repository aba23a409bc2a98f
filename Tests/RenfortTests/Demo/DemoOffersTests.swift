import Foundation
import Testing

@testable import Renfort

/// The demo's promise for public offers: offers published, some naming their business and
/// some not, one withdrawn and one closed left out of the list, and applications that came
/// from them — one of a person already in the pool, attached to their record.
@Suite struct DemoOffersTests {
    @Test func theDemoHasPublishedOffersAndApplicationsFromThem() async throws {
        try await TestApp.run(demo: true) { browser, database in  // the demo itself is what is checked
            let lookup = DemoLookup(database: database)
            let list = try await browser.get("/c/cahors/offres")
            #expect(list.status == .ok)
            #expect(list.text.contains("Serveur ou serveuse en terrasse"))
            #expect(list.text.contains("Aide à domicile auprès de personnes âgées"))
            // Withdrawn, or its need cancelled: not offered.
            #expect(!list.text.contains("Conducteur ou conductrice poids lourd, tournées"))
            #expect(!list.text.contains("Auxiliaire de vie, remplacement"))
            let feed = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get("/c/cahors/offres.json").text.utf8)) as? [String: Any])
            let offers = try #require(feed["offers"] as? [[String: Any]])
            #expect(offers.count == 4)
            #expect(offers.contains { $0["hiringOrganization"] != nil } && offers.contains { $0["hiringOrganization"] == nil })
            // No internal description of the needs in the feed.
            #expect(!(try await browser.get("/c/cahors/offres.atom").text.contains("25 hectares")))

            #expect(try await lookup.count("cahors", "SELECT 1 FROM offer_applications") == 4)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM offer_applications WHERE matched LIKE '%même e-mail%'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates WHERE source = 'centre_site'") == 3)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications a JOIN offer_applications o ON o.application_id = a.id WHERE a.stage = 'sourced'") == 4)
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application' AND channel = 'sms'") == 1)
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application' AND channel = 'email'") == 3)
            // The adviser sees on the application where it came from.
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            let known = try #require(try await lookup.ids("cahors", "SELECT application_id FROM offer_applications WHERE matched IS NOT NULL").first)
            #expect(try await browser.get("/c/cahors/candidatures/\(known)").text.contains("Déjà dans le vivier"))
        }
    }
}
