import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The territory's calendar and the combinations of seasons it proposes, on hand-built seasons.
@Suite struct SeasonCalendarTests {
    static func need(
        _ id: Int64, _ title: String, business: Int64, rome: String? = nil, department: String? = "46", contract: ContractKind = .seasonalCDD,
        status: NeedStatus = .qualified, from: Day, to: Day?, entryLevel: Bool = true
    ) -> CalendarNeed {
        CalendarNeed(
            needID: id, title: title, businessID: business, businessName: "Entreprise \(business)", department: department, romeCode: rome,
            contract: contract, status: status, positions: 1, hoursPerWeek: 35, start: from, end: to, projected: false, entryLevel: entryLevel)
    }

    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test func recurringSeasonsComeBackUnlessTheBusinessAskedAgainAndClosedPermanentPostsAreGone() {
        let (from, to) = SeasonCalendar.horizon(today: Self.day("2026-12-02"))
        #expect(from == Self.day("2026-12-01") && to == Self.day("2027-11-30"))
        let stored: [(need: CalendarNeed, recurring: Bool)] = [
            (Self.need(1, "Vendanges", business: 1, rome: "A1401", status: .closed, from: Self.day("2025-09-08"), to: Self.day("2025-10-03")), true),
            (Self.need(2, "Saison d'été", business: 2, rome: "K2204", status: .closed, from: Self.day("2026-04-01"), to: Self.day("2026-08-31")), true),
            // Asked again for 2027: the 2026 season is not moved on top of it.
            (Self.need(3, "Saison d'été 2027", business: 2, rome: "K2204", from: Self.day("2027-04-15"), to: Self.day("2027-09-15")), false),
            (Self.need(4, "Un CDD ponctuel", business: 3, contract: .cdd, status: .closed, from: Self.day("2026-03-01"), to: Self.day("2026-05-31")), false),
            (Self.need(5, "Un CDI pourvu", business: 3, contract: .cdi, status: .filled, from: Self.day("2025-01-05"), to: nil), false),
            (Self.need(6, "Un CDI ouvert", business: 3, contract: .cdi, status: .sourcing, from: Self.day("2027-02-01"), to: nil), false),
        ]
        let placed = SeasonCalendar.place(stored, from: from, to: to)
        #expect(placed.map(\.needID) == [1, 3, 6])
        let vendanges = placed[0]
        #expect(vendanges.projected && vendanges.start == Self.day("2027-09-08") && vendanges.end == Self.day("2027-10-03"))
        #expect(!placed[1].projected && !placed[2].projected)
    }

    @Test func seasonsThatDoNotOverlapInCompatibleJobsNearbyMakeAYearRoundPost() {
        let summer = Self.need(1, "Entretien du camping", business: 1, rome: "K2204", from: Self.day("2027-04-01"), to: Self.day("2027-08-31"))
        let harvest = Self.need(2, "Vendanges", business: 2, rome: "A1401", from: Self.day("2027-09-06"), to: Self.day("2027-10-07"))
        let cannery = Self.need(3, "Conserverie", business: 3, rome: "H3302", from: Self.day("2027-11-02"), to: Self.day("2028-01-31"))
        // Overlaps the harvest: never combined with it.
        let walnuts = Self.need(4, "Noix", business: 4, rome: "A1401", from: Self.day("2027-09-20"), to: Self.day("2027-10-20"))
        // A rare skill in another family, another department, a season of the same business: not combined.
        let cook = Self.need(5, "Chef de cuisine", business: 5, rome: "G1602", from: Self.day("2027-11-01"), to: Self.day("2028-02-28"), entryLevel: false)
        let far = Self.need(6, "Conserverie du Gers", business: 6, rome: "H3302", department: "32", from: Self.day("2027-11-01"), to: Self.day("2028-02-28"))
        let filled = Self.need(7, "Une saison pourvue", business: 7, status: .filled, from: Self.day("2027-11-01"), to: Self.day("2028-02-28"))
        let proposals = Combinations.propose([summer, harvest, cannery, walnuts, cook, far, filled])
        #expect(proposals.map { $0.needs.map(\.needID) } == [[1, 2, 3], [1, 4, 3]])
        let first = try! #require(proposals.first)
        #expect(first.days == 153 + 32 + 91 && first.gaps == [5, 25])
        for proposal in proposals {
            let ids = Set(proposal.needs.map(\.needID))
            #expect(!(ids.contains(2) && ids.contains(4)))
            #expect(ids.isDisjoint(with: [5, 6, 7]))
        }
        // Too short together: nothing proposed; the same family joins two skilled seasons.
        #expect(Combinations.propose([harvest, walnuts]).isEmpty)
        let winterCook = Self.need(8, "Cuisinier d'hiver", business: 8, rome: "G1602", from: Self.day("2027-10-01"), to: Self.day("2028-03-31"), entryLevel: false)
        let summerCook = Self.need(9, "Cuisinier d'été", business: 9, rome: "G1603", from: Self.day("2027-04-01"), to: Self.day("2027-09-15"), entryLevel: false)
        #expect(Combinations.propose([winterCook, summerCook]).map { $0.needs.map(\.needID) } == [[9, 8]])
    }

    @Test func theCalendarPageDrawsTheNeedsAndItsTableAndProposesTheDemosCombination() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let today = Day(Date())
            var ids: [Int64] = []
            for (index, (name, rome, month, day, length)) in [("Camping", "K2204", 4, 1, 152), ("Domaine", "A1401", 9, 6, 31), ("Conserverie", "H3302", 11, 2, 90)].enumerated() {
                let business = try await make.business(centre: centre, name: name, siret: Siret.completing("5521005540\(index)01"))
                try await make.execute(centre: centre, "UPDATE businesses SET commune_insee = '46042' WHERE id = \(business)")
                let start = DemoNeeds.season(month: month, day: day, lasting: length, around: today)
                let need = try await make.need(centre: centre, business: business, title: "Saison \(name)", contract: .seasonalCDD, start: start, end: start.adding(days: length))
                try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = '\(rome)' WHERE id = \(need)")
                ids.append(need)
            }
            try await browser.signIn("conseil@essai.test")
            #expect(try await browser.get("/c/essai/besoins").text.contains("/c/essai/saisons"))
            let page = try await browser.get("/c/essai/saisons")
            #expect(page.status == .ok)
            #expect(page.text.contains("<svg class=\"chart\"") && page.text.contains("Les besoins des douze mois qui viennent, par entreprise"))
            for name in ["Camping", "Domaine", "Conserverie"] { #expect(page.text.contains("Saison \(name)")) }
            #expect(page.text.contains("Combinaison 1") && !page.text.contains("Combinaison 2"))
            #expect(page.text.contains("3 entreprises du même département (46)"))
            // The drawing is written into the page as it is: what people typed goes in escaped.
            try await make.execute(centre: centre, "UPDATE job_needs SET title = '<script>x</script> & \"Saison\"' WHERE id = \(ids[1])")
            let typed = try await browser.get("/c/essai/saisons")
            #expect(!typed.text.contains("<script>x</script>") && typed.text.contains("&lt;script&gt;x&lt;/script&gt; &amp;"))

            // An employer, and another centre's adviser: no calendar for them.
            let employer = browser.fresh()
            try await make.employer("patron@camping.test", centre: centre, business: try #require(try await make.ids(centre, "SELECT business_id FROM job_needs WHERE id = \(ids[0])").first))
            try await employer.signIn("patron@camping.test")
            #expect(try await employer.get("/c/essai/saisons").status == .notFound)
            let (_, _) = try await make.centre("figeac")
            let outsider = browser.fresh()
            try await outsider.signIn("conseil@figeac.test")
            let theirs = try await outsider.get("/c/figeac/saisons")
            #expect(theirs.status == .ok && !theirs.text.contains("Saison Camping"))
        }
    }
}
