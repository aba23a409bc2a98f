import Foundation
import Hummingbird

/// The retention worklist: check-ins overdue, this week and in the next 30 days, the
/// placements at risk and the employers' alerts, filtered by business, adviser or risk.
struct FollowUpWorklistPage: PageModel {
    static let template = "followups/worklist"

    struct Row: Sendable {
        let href: String
        let person: String
        let business: String
        let label: String
        let due: String
        let atRisk: Bool
    }

    struct AlertRow: Sendable {
        let href: String
        let person: String
        let business: String
        let message: String
        let at: String
    }

    let layout: Layout
    let overdue: [Row]
    let thisWeek: [Row]
    let upcoming: [Row]
    let atRisk: [Row]
    let alerts: [AlertRow]
    let overdueCount: Int
    let thisWeekCount: Int
    let upcomingCount: Int
    let atRiskCount: Int
    let alertCount: Int
    let businesses: [Option]
    let advisers: [Option]
    let onlyAtRisk: Bool

    static func load(request: Request, in context: CentreContext, database: Database, today: Day) async throws -> FollowUpWorklistPage {
        try context.require(.adviser)
        let query = request.uri.queryParameters
        let business = query["entreprise"].flatMap { Int64(String($0)) }
        let adviser = query["conseiller"].flatMap { Int64(String($0)) }
        let onlyAtRisk = query["statut"] == "risque"
        let weekEnd = today.adding(days: 7)
        let (due, atRiskRows, alerts, businesses, advisers) = try await database.transaction(in: context) { connection in
            (
                try await FollowUpRepository.due(
                    by: today.adding(days: 30), businessID: business, adviserID: adviser, onlyAtRisk: onlyAtRisk, limit: 500,
                    on: connection, logger: context.logger),
                try await FollowUpRepository.atRisk(businessID: business, adviserID: adviser, limit: 500, on: connection, logger: context.logger),
                try await FollowUpRepository.openAlerts(businessID: business, limit: 100, on: connection, logger: context.logger),
                try await BusinessRepository.members(on: connection, logger: context.logger),
                try await BusinessRepository.advisers(on: connection, logger: context.logger)
            )
        }
        let base = context.base
        let all = due.map {
            ($0.dueOn, Row(href: "\(base)/embauches/\($0.placementID)", person: $0.person, business: $0.business, label: $0.label, due: $0.dueOn.french, atRisk: $0.atRisk))
        }
        let overdue = all.filter { $0.0 < today }.map(\.1)
        let thisWeek = all.filter { $0.0 >= today && $0.0 <= weekEnd }.map(\.1)
        let upcoming = all.filter { $0.0 > weekEnd }.map(\.1)
        // Every placement at risk, whether or not a check-in falls within 30 days: the same
        // definition as the home page's count (`at_risk_placements`).
        let atRisk = atRiskRows.map {
            Row(href: "\(base)/embauches/\($0.placementID)", person: $0.person, business: $0.business, label: "", due: "", atRisk: true)
        }
        return FollowUpWorklistPage(
            layout: Layout(title: "Suivis dans l'emploi", session: context.session, membership: context.membership, currentPath: "\(base)/suivis"),
            overdue: overdue, thisWeek: thisWeek, upcoming: upcoming, atRisk: atRisk,
            alerts: alerts.map {
                AlertRow(href: "\(base)/embauches/\($0.placementID)#alertes", person: $0.person, business: $0.business, message: $0.message, at: Formats.dateTime($0.createdAt))
            },
            overdueCount: overdue.count, thisWeekCount: thisWeek.count, upcomingCount: upcoming.count, atRiskCount: atRisk.count, alertCount: alerts.count,
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: $0.id == business) },
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: $0.id == adviser) }, onlyAtRisk: onlyAtRisk)
    }
}
