import Hummingbird

/// Where each role lands: the adviser's worklist, the employer's business, the observer's
/// centres, and a chooser for people with several centres.
struct HomeController: Sendable {
    let services: AppServices

    func addRoutes(root: Router<AppRequestContext>, signedIn: RouterGroup<SignedInContext>, centre: RouterGroup<CentreContext>) {
        root.get("/", use: rootPage)
        signedIn.get("accueil", use: chooser)
        centre.get("", use: centreHome)
    }

    @Sendable func rootPage(request: Request, context: AppRequestContext) async throws -> Response {
        .seeOther(context.session?.user?.homePath ?? "/login")
    }

    struct CentreLink: Sendable {
        let href: String
        let name: String
        let roleLabel: String
    }

    struct ChooserPage: Sendable {
        let layout: Layout
        let centres: [CentreLink]
        let isEmpty: Bool
        let isAdmin: Bool
    }

    @Sendable func chooser(request: Request, context: SignedInContext) async throws -> Response {
        let page = ChooserPage(
            layout: Layout(title: "Mes centres", session: context.session, currentPath: "/accueil"),
            centres: context.user.memberships.map {
                CentreLink(href: "/c/\($0.centreSlug)", name: $0.centreName, roleLabel: $0.role.label)
            },
            isEmpty: context.user.memberships.isEmpty, isAdmin: context.user.isAdmin)
        return try services.renderer.render("home/chooser", page)
    }

    @Sendable func centreHome(request: Request, context: CentreContext) async throws -> Response {
        switch context.role {
        case .adviser:
            return try services.renderer.render(try await AdviserHomePage.load(in: context, database: services.database, now: services.clock.now()))
        case .employer:
            // An employer's home is their business's page.
            guard let id = context.membership.businessID,
                let page = try await BusinessPage.load(id: id, in: context, database: services.database)
            else { throw AppError.notFound }
            return try services.renderer.render(page)
        case .observer:
            // The observer's centre page is its dashboard, for the last twelve months.
            return try services.renderer.render(
                try await CentreDashboardPage.load(
                    request: request, in: context, figures: services.figures, reads: services.reads, today: Day(services.clock.now())))
        }
    }
}
