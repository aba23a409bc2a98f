import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// Every closed list the code reads back is the list the database accepts: a value the
/// database takes and no enum case matches would be an error at the first read.
@Suite struct StoredValuesTests {
    /// The values a CHECK constraint `column IN (...)` accepts, read from the migrated schema.
    func accepted(by constraint: String, on database: TestDatabase) async throws -> Set<String> {
        let definition = try await database.asOwner { client in
            try await client.withConnection { connection in
                try await connection.value(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = \(constraint)", as: String.self, logger: TestEnvironment.logger)
            }
        }
        let text = try #require(definition, "no constraint \(constraint)")
        let literals = try Regex("'([^']*)'::text")
        return Set(text.matches(of: literals).compactMap { $0.output[1].substring.map(String.init) })
    }

    func raw<Choice: CaseIterable & RawRepresentable>(_ type: Choice.Type) -> Set<String> where Choice.RawValue == String {
        Set(Choice.allCases.map(\.rawValue))
    }

    @Test func eachEnumIsTheListItsColumnAccepts() async throws {
        try await TestDatabase.withFresh { database in
            let pairs: [(String, Set<String>)] = [
                ("applications_stage_check", raw(ApplicationStage.self)),
                ("job_needs_status_check", raw(NeedStatus.self)),
                ("job_needs_contract_check", raw(ContractKind.self)),
                ("offers_contract_check", raw(ContractKind.self)),
                ("placements_contract_check", raw(ContractKind.self)),
                ("offers_status_check", raw(Offer.Status.self)),
                ("interviews_mode_check", raw(Interview.Mode.self)),
                ("businesses_status_check", raw(BusinessStatus.self)),
                ("job_need_events_kind_check", raw(JobNeedEvent.Kind.self)),
                ("candidates_source_check", raw(CandidateSource.self)),
                ("placement_alerts_kind_check", raw(PlacementAlert.Kind.self)),
                ("placements_end_reason_check", raw(EndReason.self)),
                ("memberships_role_check", raw(Role.self)),
                ("candidate_access_log_kind_check", raw(AccessKind.self)),
                ("candidate_access_log_place_check", raw(AccessPlace.self)),
            ]
            for (constraint, cases) in pairs {
                let values = try await accepted(by: constraint, on: database)
                #expect(values == cases, "\(constraint)")
            }
        }
    }

    /// The lists of stages written in the schema's functions follow the enum: the funnel's rank
    /// is the board's order, and the board's sort is the enum's.
    @Test func theSchemasStageListsFollowTheEnum() async throws {
        try await TestDatabase.withFresh { database in
            let ranks = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.all(
                        "SELECT s, stage_rank(s) FROM unnest(\(ApplicationStage.allCases.map(\.rawValue))::text[]) AS s",
                        as: (String.self, Int16.self), logger: TestEnvironment.logger)
                }
            }
            for (stage, rank) in ranks {
                let parsed = try #require(ApplicationStage(rawValue: stage))
                let expected = ApplicationStage.board.firstIndex(of: parsed).map { $0 + 1 } ?? 1
                #expect(Int(rank) == expected, "\(stage)")
            }
        }
        let board = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/schema/0022_board_columns.sql", encoding: .utf8)
        let order = ApplicationStage.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
        #expect(board.contains("ARRAY[\(order)]"))
    }

    @Test func theTransitionsStartFromOpenStagesAndLeadWhereTheyNameIt() {
        for transition in ApplicationTransition.allCases {
            let allOpen = transition.from.allSatisfy { $0.isOpen }
            #expect(allOpen, "\(transition)")
            #expect(!transition.from.isEmpty, "\(transition)")
        }
        // The board's buttons: the moves of the former table, no more.
        #expect(ApplicationStage.sourced.moves == [.screening, .presented])
        #expect(ApplicationStage.screening.moves == [.sourced, .presented])
        #expect(ApplicationStage.presented.moves == [.screening, .interview])
        #expect(ApplicationStage.interview.moves == [.presented, .offer])
        #expect(ApplicationStage.offer.moves == [.interview])
        for ended in [ApplicationStage.hired, .rejected, .withdrawn] {
            #expect(ended.moves.isEmpty)
            #expect(ApplicationTransition.allCases.allSatisfy { !$0.allows(from: ended) })
        }
        #expect(ApplicationTransition.leading(from: .offer, to: .hired) == .hire)
        #expect(ApplicationTransition.leading(from: .interview, to: .hired) == nil)
        #expect(ApplicationTransition.leading(from: .presented, to: .rejected) == .reject)
    }
}
