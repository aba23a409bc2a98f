import Foundation
import Logging
import PostgresNIO

extension DemoPipeline {
    /// A shared post already filled: the cannery's autumn and winter and the gardens' spring and
    /// summer, one CDI at 35 hours with the cannery as employer of record, hired five months ago;
    /// its follow-ups are held with each business in turn.
    static func sharedPost(
        cahors: Int64, cannery: Int64, gardens: Int64, person: Int64, adviser: Int64, today: Day, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let start = Day(year: today.year, month: today.month, day: 1).adding(months: -5)
        let draft = SharedPostDraft(
            title: "Agent ou agente polyvalent(e) agroalimentaire (poste partagé)", employerID: cannery, romeCode: "H3302",
            notes: "Par le groupement d'employeurs du Quercy : la conserverie d'octobre à mars, les jardins d'avril à septembre.",
            members: [(cannery, 10, 3, 35), (gardens, 4, 9, 35)])
        let post = try await SharedPostRepository.create(draft, start: start, tenantID: cahors, actorID: adviser, now: start.date.addingTimeInterval(-30 * 86400), on: connection, logger: logger)
        guard let need = try await connection.value("SELECT need_id FROM shared_posts WHERE id = \(post)", as: Int64.self, logger: logger) else { return }
        try await hired(
            needID: need, business: cannery, candidate: person, contract: .sharedTime, start: start, end: nil, hours: 35, newlyCreated: true,
            cahors: cahors, adviser: adviser, at: start, on: connection, logger: logger)
        guard let placement = try await connection.value("SELECT id FROM placements WHERE need_id = \(need)", as: Int64.self, logger: logger) else { return }
        try await SharedPostRepository.holdFollowUps(placementID: placement, needID: need, start: start, tenantID: cahors, now: start.date, on: connection, logger: logger)
        for step: NeedStatus in [.sourcing, .filled] {
            _ = try await JobNeedRepository.move(
                id: need, to: step, comment: "", cancelReason: nil, businessID: nil, tenantID: cahors, actorID: adviser, now: start.date, on: connection, logger: logger)
        }
    }
}
