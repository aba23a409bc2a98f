import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Placements: the hires, for advisers (all) and employers (their business's).
struct PlacementController: Sendable {
    let services: AppServices
    static let pageSize = 50

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("embauches", use: list)
        centre.get("embauches/{id}", use: show)
    }

    private func scope(_ context: CentreContext) throws -> Int64? {
        try context.require(.adviser, .employer)
        guard context.role == .employer else { return nil }
        guard let business = context.membership.businessID else { throw AppError.notFound }
        return business
    }

    struct Row: Sendable {
        let href: String
        let candidate: String
        let business: String
        let need: String
        let contract: String
        let start: String
        let end: String
    }

    struct ListPage: Sendable {
        let layout: Layout
        let rows: [Row]
        let isEmpty: Bool
        let isAdviser: Bool
        let businesses: [Option]
        let contractKinds: [Option]
        let from: String
        let to: String
        let page: Int
        let nextHref: String?
        let previousHref: String?
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let query = request.uri.queryParameters
        let business = businessScope ?? query["entreprise"].flatMap { Int64(String($0)) }
        let contract = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        let from = query["du"].flatMap { Day(iso: String($0)) }
        let to = query["au"].flatMap { Day(iso: String($0)) }
        let page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 10_000)
        let (placements, businesses) = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            (try await PipelineSteps.placements(
                businessID: business, contract: contract, from: from, to: to, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize,
                on: connection, logger: context.logger),
             businessScope == nil ? try await BusinessRepository.members(on: connection, logger: context.logger) : [])
        }
        let base = "/c/\(context.membership.centreSlug)"
        func pageLink(_ number: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            items.append("page=\(number)")
            return "\(base)/embauches?" + items.joined(separator: "&")
        }
        let shown = placements.prefix(Self.pageSize)
        let model = ListPage(
            layout: Layout(title: "Embauches", session: context.session, membership: context.membership, currentPath: "\(base)/embauches"),
            rows: shown.map {
                Row(href: "\(base)/embauches/\($0.id)", candidate: $0.candidateName, business: $0.businessName, need: $0.needTitle,
                    contract: $0.contractKind.label, start: $0.startDate.french, end: $0.endDate?.french ?? "—")
            },
            isEmpty: shown.isEmpty, isAdviser: businessScope == nil,
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: $0.id == business) },
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == contract) },
            from: from?.iso ?? "", to: to?.iso ?? "", page: page,
            nextHref: placements.count > Self.pageSize ? pageLink(page + 1) : nil, previousHref: page > 1 ? pageLink(page - 1) : nil)
        return try services.renderer.render("placements/list", model)
    }

    struct ShowPage: Sendable {
        let layout: Layout
        let candidate: String
        let candidateHref: String?
        let facts: [Fact]
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        guard let placement = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger, {
            try await PipelineSteps.placement(id: id, businessID: businessScope, on: $0, logger: context.logger)
        }) else { throw AppError.notFound }
        let base = "/c/\(context.membership.centreSlug)"
        let model = ShowPage(
            layout: Layout(title: "Embauche de \(placement.candidateName)", session: context.session, membership: context.membership, currentPath: "\(base)/embauches"),
            candidate: placement.candidateName, candidateHref: businessScope == nil ? "\(base)/candidats/\(placement.candidateID)" : nil,
            facts: [
                .init(label: "Entreprise", value: placement.businessName),
                .init(label: "Besoin", value: placement.needTitle),
                .init(label: "Contrat", value: placement.contractKind.label),
                .init(label: "Début", value: placement.startDate.french),
                .init(label: "Fin", value: placement.endDate?.french ?? "—"),
                .init(label: "Temps de travail", value: "\(Formats.hours(placement.hoursPerWeek)) h/semaine" + (placement.fullTime ? " (temps plein)" : " (temps partiel)")),
                .init(label: "Poste", value: placement.newlyCreated ? "Création de poste" : "Remplacement"),
            ])
        return try services.renderer.render("placements/show", model)
    }
}
