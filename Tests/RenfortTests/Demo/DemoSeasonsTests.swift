import Foundation
import Testing

@testable import Renfort

/// The demo's promise for the seasons: last season's walnut pickers to invite back, and the
/// campsite's summer, the grape harvest and the cannery's winter peak proposed as one
/// year-round post, whatever the day the demo is loaded.
@Suite struct DemoSeasonsTests {
    @Test func theDemoHasLastSeasonsWorkersToRehireAndACombinationOfSeasons() async throws {
        try await TestApp.run(demo: true) { browser, database in  // the demo itself is what is checked
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            let walnuts = try await lookup.need("Cueilleurs et cueilleuses de noix")
            let rehire = try await browser.get("/c/cahors/besoins/\(walnuts)/saisonniers")
            #expect(rehire.status == .ok)
            #expect(rehire.text.contains("Dans cette entreprise"))
            #expect(rehire.text.components(separatedBy: "Cueilleurs de noix (saison 2018) · Les Jardins de Lalbenque").count - 1 >= 2)

            let seasons = try await browser.get("/c/cahors/saisons")
            #expect(seasons.status == .ok)
            let first = try #require(seasons.text.components(separatedBy: "Combinaison 1").dropFirst().first?.components(separatedBy: "</section>").first)
            for title in ["Agent ou agente d&#39;entretien (saison prochaine)", "Vendangeurs et vendangeuses (prochaines vendanges)", "Saisonniers de conserverie"] {
                #expect(first.contains(title), "\(title)")
            }

            // One shared post already filled, its follow-ups held with the cannery and the gardens.
            let post = try #require(try await lookup.ids("cahors", "SELECT id FROM shared_posts").first)
            let page = try await browser.get("/c/cahors/postes-partages/\(post)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Conserverie du Quercy Blanc") && page.text.contains("Les Jardins de Lalbenque"))
            #expect(page.text.contains("depuis le") && page.text.contains("Les suivis, avec chaque entreprise à son tour"))
            #expect(try await lookup.count("cahors", "SELECT DISTINCT k.business_id FROM check_ins k JOIN placements p ON p.id = k.placement_id JOIN shared_posts s ON s.need_id = p.need_id") == 2)
            // The gardens' employer, a member but not the employer of record, follows the hire too.
            let placement = try #require(try await lookup.ids("cahors", "SELECT p.id FROM placements p JOIN shared_posts s ON s.need_id = p.need_id").first)
            let gardens = browser.fresh()
            try await gardens.signIn("employeur4@cahors.renfort.test", password: DemoData.password)
            #expect(try await gardens.get("/c/cahors/embauches").text.contains("/c/cahors/embauches/\(placement)"))
            let hire = try await gardens.get("/c/cahors/embauches/\(placement)")
            #expect(hire.status == .ok && hire.text.contains("Poste partagé") && hire.text.contains("Points de suivi"))
        }
    }
}
