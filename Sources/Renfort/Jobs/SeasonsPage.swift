import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The territory's seasonal calendar: every need of the coming twelve months by business, as a
/// drawing and its table, and the combinations of seasons that could make a year-round post.
struct SeasonsPage: PageModel {
    static let template = "jobs/seasons"

    struct Row: Sendable {
        let business: String
        let need: String
        let href: String?
        let contract: String
        let period: String
        let positions: Int
        let state: String
    }

    struct Proposal: Sendable {
        let number: Int
        let seasons: [Row]
        let summary: String
        let why: String
        let createHref: String
    }

    let layout: Layout
    let period: String
    let chart: String
    let rows: [Row]
    let hasRows: Bool
    let proposals: [Proposal]
    let hasProposals: Bool
    let minimumMonths: Int
    let needsHref: String
    let sharedPostsHref: String

    static func load(in context: CentreContext, database: Database, today: Day) async throws -> SeasonsPage {
        try context.require(.adviser)
        let calendar = try await database.transaction(in: context) { connection in
            try await SeasonCalendar.load(today: today, on: connection, logger: context.logger)
        }
        let (from, to) = SeasonCalendar.horizon(today: today)
        let base = context.base
        func row(_ need: CalendarNeed) -> Row {
            Row(
                business: need.businessName, need: need.title, href: "\(base)/besoins/\(need.needID)", contract: need.contract.label,
                period: Self.period(need), positions: need.positions,
                state: need.projected ? "attendu : saison récurrente de \(need.start.year - 1) ou avant" : need.status.label)
        }
        let proposals = Combinations.propose(calendar).enumerated().map { index, combination in
            Proposal(
                number: index + 1, seasons: combination.needs.map(row), summary: Self.summary(combination), why: Self.why(combination),
                createHref: "\(base)/postes-partages/nouveau?besoins=" + combination.needs.map { String($0.needID) }.joined(separator: ","))
        }
        return SeasonsPage(
            layout: Layout(title: "Le calendrier des saisons", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            period: "de \(Day.monthNames[from.month - 1]) \(from.year) à \(Day.monthNames[to.month - 1]) \(to.year)",
            chart: calendar.isEmpty ? "" : SeasonChart.draw(id: "calendrier", needs: calendar, from: from, to: to),
            rows: calendar.map(row), hasRows: !calendar.isEmpty, proposals: proposals, hasProposals: !proposals.isEmpty,
            minimumMonths: Combinations.minimumDays / 30, needsHref: "\(base)/besoins", sharedPostsHref: "\(base)/postes-partages")
    }

    /// "du 1er avril au 31 août 2027", "à partir du 1er mars 2027, sans fin prévue".
    static func period(_ need: CalendarNeed) -> String {
        guard let end = need.end else { return "à partir du \(need.start.long), sans fin prévue" }
        return RehirePage.period(need.start, end)
    }

    /// "277 jours de travail sur 305 ; interruptions de 5 et 24 jours."
    static func summary(_ combination: Combination) -> String {
        guard let first = combination.needs.first, let last = combination.needs.last?.end else { return "" }
        let span = first.start.distance(to: last) + 1
        let gaps = combination.gaps.map(String.init)
        let between = gaps.count == 1 ? "une interruption de \(gaps[0]) jours" : "des interruptions de \(gaps.dropLast().joined(separator: ", ")) et \(gaps.last ?? "") jours"
        return "\(combination.days) jours de travail, du \(first.start.long) au \(last.long) (\(span) jours), avec \(between)."
    }

    /// Why these seasons go together: the jobs, the places.
    static func why(_ combination: Combination) -> String {
        let families = Set(combination.needs.compactMap(\.family))
        let jobs = families.count == 1 && combination.needs.allSatisfy({ $0.family != nil })
            ? "des métiers de la même famille du répertoire ROME (\(families.first ?? ""))"
            : "des postes sans compétence rare, diplôme ni expérience demandés, qui s'apprennent sur place"
        let department = combination.needs.first?.department ?? ""
        let businesses = Set(combination.needs.map(\.businessID)).count
        return "\(businesses) entreprises du même département (\(department)), \(jobs), des saisons qui ne se chevauchent pas."
    }
}

/// The calendar's page.
struct SeasonsController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("saisons", use: show)
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await SeasonsPage.load(in: context, database: services.database, today: Day(services.clock.now())))
    }
}
