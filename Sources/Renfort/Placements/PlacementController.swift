import Hummingbird

/// Placements: the hires, for advisers (all) and employers (their business's).
struct PlacementController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("embauches", use: list)
        centre.get("embauches/{id}", use: show)
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await PlacementListPage.load(request: request, in: context, database: services.database))
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        guard let page = try await PlacementPage.load(
            id: try context.id(), in: context, database: services.database, today: Day(services.clock.now()))
        else { throw AppError.notFound }
        return try services.renderer.render(page)
    }
}
