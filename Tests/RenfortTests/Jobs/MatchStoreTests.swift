import Foundation
import Testing

@testable import Renfort

/// A need's ranking kept beside its centre's version: served again while nothing changed, and
/// ranked again after any change it reads — a window, a sought job, a check-in, a candidate, an
/// application — never after another centre's.
@Suite struct MatchStoreTests {
    @Test func aRankingIsKeptUntilWhatItReadsChanges() async throws {
        try await TestApp.run { _, database in
            let w = try await MatchingTests.world(database)
            let make = Factory(database: database)
            let store = MatchStore()
            @Sendable func matches() async throws -> [PoolMatch] {
                try await make.inCentre(w.centre) { try await store.matches(needID: w.need, code: "G1602", tenant: w.centre, on: $0, logger: TestEnvironment.logger) }
            }
            let first = try await matches()
            #expect(first.map(\.name) == ["Alice Martin", "Bruno Martin", "Chloé Martin", "Émile Martin"])
            #expect(try await matches() == first)
            #expect(store.rankings == 1)

            // Another centre's change: still kept.
            let (other, _) = try await make.centre("figeac")
            _ = try await make.candidate(centre: other, firstName: "Zoé", email: "zoe@exemple.test")
            #expect(try await matches() == first)
            #expect(store.rankings == 1)

            // Alice's summer window gone: ranked again, without the season.
            try await make.execute(centre: w.centre, "DELETE FROM candidate_availability WHERE candidate_id = \(w.people["Alice"]!)")
            let alice = try #require(try await matches().first { $0.name == "Alice Martin" })
            #expect(!alice.reasons.contains("libre pour toute la période du besoin"))
            #expect(store.rankings == 2)

            // Denis now looks for the need's job: proposed.
            try await make.execute(centre: w.centre, "UPDATE candidate_jobs SET rome_code = 'G1602' WHERE candidate_id = \(w.people["Denis"]!)")
            #expect(try await matches().contains { $0.name == "Denis Martin" })
            #expect(store.rankings == 3)

            // A check-in of Émile's CDI at risk: flagged.
            try await make.execute(centre: w.centre, """
                UPDATE check_ins SET status = '\(CheckIn.Status.atRisk.rawValue)', done_on = current_date
                WHERE id = (SELECT k.id FROM check_ins k JOIN placements p ON p.id = k.placement_id WHERE p.candidate_id = \(w.people["Émile"]!) ORDER BY k.due_on LIMIT 1)
                """)
            let emile = try #require(try await matches().first { $0.name == "Émile Martin" })
            #expect(emile.flags.contains("Un suivi passé signalé à risque"))
            #expect(store.rankings == 4)

            // Bruno put on the board: ranked again, shown on it.
            _ = try await make.application(centre: w.centre, need: w.need, candidate: w.people["Bruno"]!, stage: .sourced, actor: w.adviser)
            #expect(try await matches().first { $0.name == "Bruno Martin" }?.onBoard == true)
            #expect(store.rankings == 5)
            #expect(try await matches().count == 5)
            #expect(store.rankings == 5)
        }
    }

    @Test func requestsArrivingTogetherGetOneRanking() async throws {
        try await TestApp.run { _, database in
            let w = try await MatchingTests.world(database)
            let make = Factory(database: database)
            let store = MatchStore()
            let results = try await withThrowingTaskGroup(of: [PoolMatch].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await make.inCentre(w.centre) { try await store.matches(needID: w.need, code: "G1602", tenant: w.centre, on: $0, logger: TestEnvironment.logger) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 6 && Set(results.map { $0.map(\.name) }).count == 1)
            #expect(store.rankings == 1)
        }
    }

    @Test func theLeastRecentlyUsedRankingGoesFirst() async throws {
        try await TestApp.run { _, database in
            let w = try await MatchingTests.world(database)
            let make = Factory(database: database)
            let business = try await make.business(centre: w.centre, name: "Relais des Vignes", siret: "35600000000056")
            let second = try await make.need(centre: w.centre, business: business, title: "Commis de cuisine")
            try await make.execute(centre: w.centre, "UPDATE job_needs SET rome_code = 'G1602' WHERE id = \(second)")
            let store = MatchStore(capacity: 1)
            @Sendable func matches(_ need: Int64) async throws -> [PoolMatch] {
                try await make.inCentre(w.centre) { try await store.matches(needID: need, code: "G1602", tenant: w.centre, on: $0, logger: TestEnvironment.logger) }
            }
            _ = try await matches(w.need)
            _ = try await matches(w.need)
            #expect(store.rankings == 1)
            _ = try await matches(second)
            _ = try await matches(w.need)
            #expect(store.rankings == 3)
        }
    }
}
