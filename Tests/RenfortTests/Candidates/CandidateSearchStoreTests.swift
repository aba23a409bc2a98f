import Foundation
import Testing

@testable import Renfort

/// A page of the pool's search kept beside its centre's version: served again while nothing
/// changed, searched again after any change of the centre — a new candidate, an edited one, a
/// hire — never after another centre's; each filter and page kept on its own.
@Suite struct CandidateSearchStoreTests {
    @Test func aSearchIsKeptUntilItsCentreChanges() async throws {
        try await TestApp.run { _, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let lea = try await make.poolCandidate(centre: centre, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test", skills: "Cuisine")
            let store = CandidateSearchStore()
            @Sendable func found(_ filter: CandidateFilter) async throws -> [CandidateSummary] {
                let results = try await make.inCentre(centre) { try await store.results(filter, tenant: centre, on: $0, logger: TestEnvironment.logger) }
                return results.candidates
            }
            var cuisine = CandidateFilter()
            cuisine.text = "cuisine"
            #expect(try await found(cuisine).map(\.name) == ["Léa Bories"])
            #expect(try await found(cuisine).map(\.name) == ["Léa Bories"])
            #expect(store.searches == 1)

            // Another centre's new cook: still kept.
            let (other, _) = try await make.centre("autre")
            try await make.poolCandidate(centre: other, firstName: "Zoé", lastName: "Zimmer", email: "zoe@exemple.test", skills: "Cuisine")
            #expect(try await found(cuisine).map(\.name) == ["Léa Bories"])
            #expect(store.searches == 1)

            // Another filter, another page: each searched once, then kept.
            var withLicence = cuisine
            withLicence.drivingLicence = true
            #expect(try await found(withLicence).isEmpty)
            var second = cuisine
            second.page = 2
            #expect(try await found(second).isEmpty)
            #expect(try await found(withLicence).isEmpty)
            #expect(store.searches == 3)

            // A new cook in the centre: found at once.
            let hugo = try await make.poolCandidate(centre: centre, firstName: "Hugo", lastName: "Delpech", email: "hugo@exemple.test", skills: "Aide en cuisine")
            #expect(Set(try await found(cuisine).map(\.name)) == ["Léa Bories", "Hugo Delpech"])
            #expect(store.searches == 4)

            // Léa's skills edited: she leaves the search.
            try await make.execute(centre: centre, "UPDATE candidates SET skills = 'Accueil' WHERE id = \(lea)")
            #expect(try await found(cuisine).map(\.name) == ["Hugo Delpech"])
            #expect(store.searches == 5)

            // Hugo hired on a CDI: flagged at once.
            let business = try await make.business(centre: centre, name: "Brasserie du Lot")
            try await make.placement(centre: centre, need: try await make.need(centre: centre, business: business), candidate: hugo, actor: adviser)
            #expect(try await found(cuisine).map(\.cdiLabel) == ["En CDI chez Brasserie du Lot"])
            #expect(store.searches == 6)
            #expect(try await found(cuisine).map(\.cdiLabel) == ["En CDI chez Brasserie du Lot"])
            #expect(store.searches == 6)
        }
    }

    @Test func theLeastRecentlyUsedSearchGoesFirst() async throws {
        try await TestApp.run { _, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await make.poolCandidate(centre: centre, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test", skills: "Cuisine")
            let store = CandidateSearchStore(capacity: 1)
            @Sendable func search(_ text: String) async throws {
                var words = CandidateFilter()
                words.text = text
                let filter = words
                _ = try await make.inCentre(centre) { try await store.results(filter, tenant: centre, on: $0, logger: TestEnvironment.logger) }
            }
            try await search("cuisine")
            try await search("cuisine")
            #expect(store.searches == 1)
            try await search("bories")
            try await search("cuisine")
            #expect(store.searches == 3)
        }
    }
}
