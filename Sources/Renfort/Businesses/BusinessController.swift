import Hummingbird

/// The centre's businesses as advisers see them, and an employer's own business.
struct BusinessController: Sendable {
    let services: AppServices
    var repository: BusinessRepository { BusinessRepository(database: services.database) }

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("entreprises", use: list)
        centre.get("entreprises/{id}", use: show)
    }

    struct BusinessRow: Sendable {
        let href: String
        let name: String
        let siret: String
        let communeName: String
        let nafCode: String
    }

    struct ListPage: Sendable {
        let layout: Layout
        let businesses: [BusinessRow]
        let count: Int
        let isEmpty: Bool
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let businesses = try await repository.all(tenant: context.tenantID, logger: context.logger)
        let base = "/c/\(context.membership.centreSlug)"
        let page = ListPage(
            layout: Layout(title: "Entreprises", session: context.session, membership: context.membership, currentPath: "\(base)/entreprises"),
            businesses: businesses.map {
                BusinessRow(href: "\(base)/entreprises/\($0.id)", name: $0.name, siret: $0.siret, communeName: $0.communeName, nafCode: $0.nafCode)
            },
            count: businesses.count, isEmpty: businesses.isEmpty)
        return try services.renderer.render("businesses/list", page)
    }

    struct ShowPage: Sendable {
        let layout: Layout
        let business: Business
        let isEmployer: Bool
    }

    /// An adviser sees any business of their centre; an employer only their own; anyone
    /// else, or another centre's business, gets a 404.
    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser, .employer)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        if context.role == .employer && context.membership.businessID != id { throw AppError.notFound }
        guard let business = try await repository.find(id: id, tenant: context.tenantID, logger: context.logger) else {
            throw AppError.notFound
        }
        return try render(business, context: context, currentPath: request.uri.path)
    }

    func render(_ business: Business, context: CentreContext, currentPath: String) throws -> Response {
        let page = ShowPage(
            layout: Layout(title: business.name, session: context.session, membership: context.membership, currentPath: currentPath),
            business: business, isEmployer: context.role == .employer)
        return try services.renderer.render("businesses/show", page)
    }
}
