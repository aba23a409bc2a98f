import Foundation

/// The adviser's home, their worklist: needs to qualify, join requests, the pipeline's
/// waiting work and the follow-ups due.
struct AdviserHomePage: PageModel {
    static let template = "home/adviser"

    struct QueueRow: Sendable {
        let href: String
        let title: String
        let businessName: String
        let contract: String
        let positions: Int
        let submitted: String
        let hardToFill: Bool
    }

    let layout: Layout
    let centreName: String
    let businessCount: Int
    let businessesHref: String
    let queue: [QueueRow]
    let queueCount: Int
    let hasQueue: Bool
    let needsHref: String
    let pendingJoins: Int
    let joinsHref: String
    let worklist: Worklist
    let hasAwaitingEmployer: Bool
    let hasEmployerAnswers: Bool
    let hasInterviews: Bool
    let hasStale: Bool
    let hasPendingOffers: Bool
    let followUpsOverdue: Int
    let followUpsThisWeek: Int
    let followUpsAtRisk: Int
    let followUpsAlerts: Int
    let followUpsHref: String

    static func load(in context: CentreContext, database: Database, now: Date) async throws -> AdviserHomePage {
        try context.require(.adviser)
        let path = context.base
        let (counts, queue, worklist) = try await database.transaction(in: context) { connection in
            (
                try await CentreRepository.homeCounts(today: Day(now), on: connection, logger: context.logger),
                try await JobNeedRepository.intakeQueue(limit: 25, on: connection, logger: context.logger),
                try await Worklist.load(now: now, base: path, on: connection, logger: context.logger)
            )
        }
        let (count, pending, followUps) = counts
        return AdviserHomePage(
            layout: Layout(title: "Mes suivis", session: context.session, membership: context.membership, currentPath: path),
            centreName: context.membership.centreName, businessCount: count, businessesHref: "\(path)/entreprises",
            queue: queue.map {
                QueueRow(
                    href: "\(path)/besoins/\($0.id)", title: $0.title, businessName: $0.businessName, contract: $0.contractKind.label,
                    positions: $0.positions, submitted: Formats.day($0.submittedAt), hardToFill: $0.hardToFill)
            },
            queueCount: queue.count, hasQueue: !queue.isEmpty, needsHref: "\(path)/besoins?statut=submitted",
            pendingJoins: pending, joinsHref: "\(path)/adhesions", worklist: worklist,
            hasAwaitingEmployer: !worklist.awaitingEmployer.isEmpty, hasEmployerAnswers: !worklist.employerAnswers.isEmpty,
            hasInterviews: !worklist.interviewsThisWeek.isEmpty, hasStale: !worklist.stale.isEmpty, hasPendingOffers: !worklist.pendingOffers.isEmpty,
            followUpsOverdue: followUps.overdue, followUpsThisWeek: followUps.thisWeek, followUpsAtRisk: followUps.atRisk,
            followUpsAlerts: followUps.alerts, followUpsHref: "\(path)/suivis")
    }
}
