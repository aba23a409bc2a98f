import Foundation
import Hummingbird

/// The hires: every placement of the centre for advisers (filtered by business, contract and
/// start dates), the business's own for an employer.
struct PlacementListPage: PageModel {
    static let template = "placements/list"
    static let pageSize = 50

    struct Row: Sendable {
        let href: String
        let candidate: String
        let business: String
        let need: String
        let contract: String
        let start: String
        let end: String
    }

    let layout: Layout
    let rows: [Row]
    let isEmpty: Bool
    let isAdviser: Bool
    let businesses: [Option]
    let contractKinds: [Option]
    let from: String
    let to: String
    let hiredAgain: Bool
    let page: Int
    let nextHref: String?
    let previousHref: String?

    /// The filters of the list, read from its query string.
    struct Filter: Sendable {
        var business: Int64?
        var contract: ContractKind?
        var from: Day?
        var to: Day?
        /// Only the seasonal hires of people hired for an earlier season: the figure
        /// « Saisonniers réembauchés » (the same condition as `CentreFigures`).
        var hiredAgain = false
        var page = 1

        init(query: [String: String]) {
            business = query["entreprise"].flatMap { Int64($0) }
            contract = query["contrat"].flatMap { ContractKind(rawValue: $0) }
            from = query["du"].flatMap { Day(iso: $0) }
            to = query["au"].flatMap { Day(iso: $0) }
            hiredAgain = query["reembauches"] == "1"
            page = min(max(query["page"].flatMap { Int($0) } ?? 1, 1), 10_000)
        }
    }

    static func load(request: Request, in context: CentreContext, database: Database) async throws -> PlacementListPage {
        let businessScope = try context.businessScope()
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
        var filter = Filter(query: query)
        if let businessScope { filter.business = businessScope }
        let (placements, businesses) = try await database.transaction(in: context) { connection in
            (
                try await PlacementRepository.list(
                    businessID: filter.business, contract: filter.contract, from: filter.from, to: filter.to, hiredAgain: filter.hiredAgain, limit: pageSize + 1,
                    offset: (filter.page - 1) * pageSize, on: connection, logger: context.logger),
                businessScope == nil ? try await BusinessRepository.members(on: connection, logger: context.logger) : []
            )
        }
        let base = context.base
        func pageLink(_ number: Int) -> String {
            var items = query.filter { $0.key != "page" }.sorted { $0.key < $1.key }.map { "\($0.key)=\(queryEscaped($0.value))" }
            items.append("page=\(number)")
            return "\(base)/embauches?" + items.joined(separator: "&")
        }
        let shown = placements.prefix(pageSize)
        return PlacementListPage(
            layout: Layout(title: "Embauches", session: context.session, membership: context.membership, currentPath: "\(base)/embauches"),
            rows: shown.map {
                Row(
                    href: "\(base)/embauches/\($0.id)", candidate: $0.candidateName, business: $0.businessName, need: $0.needTitle,
                    contract: $0.contractKind.label, start: $0.startDate.french, end: $0.endDate?.french ?? "—")
            },
            isEmpty: shown.isEmpty, isAdviser: businessScope == nil,
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: $0.id == filter.business) },
            contractKinds: Option.all(ContractKind.self, chosen: filter.contract?.rawValue, label: \.label),
            from: filter.from?.iso ?? "", to: filter.to?.iso ?? "", hiredAgain: filter.hiredAgain, page: filter.page,
            nextHref: placements.count > pageSize ? pageLink(filter.page + 1) : nil,
            previousHref: filter.page > 1 ? pageLink(filter.page - 1) : nil)
    }
}
