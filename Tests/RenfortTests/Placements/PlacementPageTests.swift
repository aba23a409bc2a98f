import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A placement's page and list, on the small data factories build (no demo).
@Suite struct PlacementPageTests {
    @Test func anEmployerSeesTheirBusinesssPlacementOnlyAndAnAdviserSeesBoth() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let bakery = try await make.business(centre: centre, name: "Boulangerie", siret: "73282932000074")
            let garage = try await make.business(centre: centre, name: "Garage", siret: "55210055400013")
            let bread = try await make.need(centre: centre, business: bakery, title: "Boulanger")
            let repair = try await make.need(centre: centre, business: garage, title: "Mécanicien")
            let ours = try await make.placement(centre: centre, need: bread, candidate: try await make.candidate(centre: centre), actor: adviser)
            let theirs = try await make.placement(
                centre: centre, need: repair, candidate: try await make.candidate(centre: centre, firstName: "Noé", email: "noe@example.org"), actor: adviser)
            _ = try await make.person("patron@boulangerie.test", role: .employer, centre: centre, business: bakery)

            try await browser.signIn("patron@boulangerie.test", password: Factory.password)
            let page = try await browser.get("/c/essai/embauches/\(ours)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Embauche de"))
            #expect(page.text.contains("Signaler quelque chose au centre"))
            #expect(try await browser.get("/c/essai/embauches/\(theirs)").status == .notFound)
            let list = try await browser.get("/c/essai/embauches")
            #expect(list.text.contains("Boulanger"))
            #expect(!list.text.contains("Mécanicien"))

            let desk = browser.fresh()
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            let all = try await desk.get("/c/essai/embauches")
            #expect(all.text.contains("Boulanger") && all.text.contains("Mécanicien"))
            #expect(try await desk.get("/c/essai/embauches/\(theirs)").text.contains("Enregistrer ce point"))
        }
    }

    @Test func aCheckInWithErrorsIsRefusedWholeAndSaysWhy() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let placement = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser)
            let checkIn = try #require(
                try await DemoLookup(database: database).ids("essai", "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on LIMIT 1").first)

            try await browser.signIn("conseil@essai.test", password: Factory.password)
            #expect(try await browser.get("/c/essai/embauches/\(placement)").status == .ok)
            let answer = try await browser.post("/c/essai/suivis/\(checkIn)", [("status", "at_risk"), ("actions", "Appel à l'employeur")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("Indiquez au moins un risque"))
            #expect(answer.text.contains("Le formulaire contient des erreurs"))
            // Nothing was recorded.
            #expect(try await database.count("check_ins", tenant: centre, where: "done_on IS NOT NULL") == 0)
        }
    }
}
