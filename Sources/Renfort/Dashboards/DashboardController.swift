import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The placement dashboards: a centre's page (its observers and advisers), the observer's
/// home with all their centres, every table as CSV, and the definitions page.
struct DashboardController: Sendable {
    let services: AppServices

    func addRoutes(root: Router<AppRequestContext>, signedIn: RouterGroup<SignedInContext>, centre: RouterGroup<CentreContext>) {
        root.get("indicateurs", use: definitions)
        signedIn.get("observateur", use: observerHome)
        signedIn.get("observateur/export/{table}", use: observerExport)
        centre.get("tableau-de-bord", use: page)
        centre.get("tableau-de-bord/export/{table}", use: export)
    }

    func filter(_ request: Request) throws -> MetricsFilter {
        try MetricsFilter(request: request, today: Day(services.clock.now()))
    }

    /// The figures of several centres, side by side (see `FigureStore`: computed, or kept from
    /// the last request while the centre's data is unchanged).
    func figures(centres: [Membership], filter: MetricsFilter, logger: Logger) async throws -> [Figures] {
        try await services.figures.figures(of: centres, filter: filter, asOf: Day(services.clock.now()), logger: logger)
    }

    // MARK: - A centre's dashboard

    typealias Tile = DashboardTile
    typealias FilterForm = DashboardFilterForm

    func load(request: Request, context: CentreContext, withChoices: Bool = true) async throws -> (MetricsFilter, CentreDashboardPage.Loaded) {
        try await CentreDashboardPage.loaded(
            request: request, in: context, figures: services.figures, today: Day(services.clock.now()), withChoices: withChoices)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        let page = try await CentreDashboardPage.load(request: request, in: context, figures: services.figures, today: Day(services.clock.now()))
        return try services.renderer.render(page, status: page.status)
    }

    static func tiles(_ m: CentreMetrics, placementsHref: String?) -> [Tile] {
        DashboardTile.headline(m, placementsHref: placementsHref)
    }

    /// The table as a CSV file: what it holds (`about`: the centre, the period, the filters) at its
    /// top as in its `name`.
    static func csvResponse(_ table: FigureTable, request: Request, name: String, about: [(String, String)]) -> Response {
        let international = request.uri.queryParameters["format"] == "international"
        let text = table.csv(international ? .international : .french, about: about)
        let file = name + (international ? "-international" : "") + ".csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Any table of the dashboard as CSV, the centre and the filters in the file name.
    @Sendable func export(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.observer, .adviser)
        guard let id = context.parameters.get("table"), DashboardTables.ids.contains(id) else { throw AppError.notFound }
        var (filter, loaded) = try await load(request: request, context: context, withChoices: false)
        // A wrong filter: the dashboard with its message, as its form would show it (422).
        if !loaded.errors.isEmpty {
            (filter, loaded) = try await load(request: request, context: context)
            let page = CentreDashboardPage(context: context, filter: filter, loaded: loaded)
            return try services.renderer.render(page, status: page.status)
        }
        guard let table = loaded.tables.table(id) else { throw AppError.notFound }
        let businessName = filter.business.flatMap { siret in loaded.metrics.businesses.first { $0.siret == siret }?.name }
        return Self.csvResponse(
            table, request: request, name: "\(id)-\(context.membership.centreSlug)-\(filter.fileNamePart)",
            about: [("Centre", context.membership.centreName)] + filter.described(businessName: businessName))
    }

    // MARK: - The observer's home: all their centres side by side, and the total

    struct ObserverPage: Sendable {
        let layout: Layout
        /// The filters' messages (a 422), beside the fields and in the summary.
        let form: FormState<TypedFields>
        let filters: FilterForm
        let tiles: [Tile]
        let tables: [FigureTable.View]
        let several: Bool
        let apiHref: String
        let tokensHref: String
    }

    func observed(_ context: SignedInContext) throws -> [Membership] {
        let observed = context.user.memberships.filter { $0.role == .observer }
        guard !observed.isEmpty else { throw AppError.notFound }
        return observed
    }

    /// The observer's home, or its export: its filters as sent, and what was wrong with them.
    func observerFilter(_ request: Request) -> (MetricsFilter, sent: [String: String], FormErrors) {
        let sent = MetricsFilter.query(request)
        let (filter, errors) = MetricsFilter.read(query: sent, today: Day(services.clock.now()))
        return (filter, sent, errors)
    }

    func observerTables(centres: [Membership], figures: [Figures], filter: MetricsFilter) -> (CentreMetrics, [FigureTable]) {
        let total = CentreMetrics(Figures.sum(figures), filter: filter)
        let each = figures.map { CentreMetrics($0, filter: filter) }
        func cells(_ m: CentreMetrics) -> [FigureTable.Cell] {
            [.count(m.permanent_posts_created), .count(m.newly_created_permanent_posts), .count(m.durable_jobs), .count(m.placements),
             .days(m.median_days_to_fill), .percent(m.fill_rate), .percent(m.retention.first { $0.months == 6 }?.rate),
             .count(m.seasonal_placements), .count(m.businesses.count)]
        }
        var table = FigureTable(
            id: "centres", title: "Vos centres côte à côte", caption: "Indicateurs principaux de chaque centre et de l'ensemble",
            columns: [.init(label: "Centre", csvName: "centre", numeric: false), .init(label: "Postes pérennes créés", csvName: "postes_perennes_crees", numeric: true),
                      .init(label: "dont créations", csvName: "dont_creations_de_poste", numeric: true), .init(label: "Emplois durables", csvName: "emplois_durables", numeric: true),
                      .init(label: "Embauches", csvName: "embauches", numeric: true), .init(label: "Délai médian (jours)", csvName: "delai_median_jours", numeric: true),
                      .init(label: "Taux de satisfaction (%)", csvName: "taux_satisfaction_pct", numeric: true),
                      .init(label: "Maintien à 6 mois (%)", csvName: "maintien_6_mois_pct", numeric: true),
                      .init(label: "Embauches saisonnières", csvName: "embauches_saisonnieres", numeric: true),
                      .init(label: "Entreprises", csvName: "entreprises", numeric: true)],
            rows: zip(centres, each).map { centre, m in
                .init(cells: [.header(centre.centreName, href: "/c/\(centre.centreSlug)/tableau-de-bord?\(filter.query(french: true))")] + cells(m))
            })
        table.foot = [.init(cells: [.header("Ensemble")] + cells(total))]
        table.chart = Charts.bars(
            id: "graphique-centres", title: "Postes pérennes créés par centre",
            description: "Barres horizontales : les postes pérennes créés sur la période dans chaque centre.",
            items: zip(centres, each).map { ($0.centreName, Double($1.permanent_posts_created), Formats.integer($1.permanent_posts_created)) })
        let headline = DashboardTables(links: nil, metrics: total, businessIDs: [:], filter: filter, sort: BusinessSort(query: [:]), pagePath: "").headline
        return (total, [table, headline])
    }

    @Sendable func observerHome(request: Request, context: SignedInContext) async throws -> Response {
        let centres = try observed(context)
        let (filter, sent, errors) = observerFilter(request)
        let figures = try await figures(centres: centres, filter: filter, logger: context.logger)
        var (total, tables) = observerTables(centres: centres, figures: figures, filter: filter)
        for index in tables.indices { tables[index].prepare(base: "/observateur", filter: filter) }
        let sectors = Set(figures.flatMap { $0.businesses.compactMap { $0.naf.flatMap(NAFSection.code(of:)) } })
        let communes = Dictionary(figures.flatMap { $0.businesses.compactMap { b in b.communeInsee.map { ($0, b.commune ?? $0) } } }, uniquingKeysWith: { a, _ in a })
        let model = ObserverPage(
            layout: Layout(title: "Mes centres", session: context.session, currentPath: "/observateur"),
            form: FormState(TypedFields(text: sent), errors: errors),
            filters: FilterForm(
                action: "/observateur", filter: filter, businesses: nil, sectors: Array(sectors),
                communes: communes.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }, sent: sent, errors: errors),
            tiles: Self.tiles(total, placementsHref: nil), tables: tables.map(\.view), several: centres.count > 1,
            apiHref: "/api/v1/metrics?\(filter.query(french: false))", tokensHref: "/profil")
        return try services.renderer.render("dashboards/observer", model, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func observerExport(request: Request, context: SignedInContext) async throws -> Response {
        let centres = try observed(context)
        guard let id = context.parameters.get("table"), ["centres", "indicateurs"].contains(id) else { throw AppError.notFound }
        let (filter, _, errors) = observerFilter(request)
        // A wrong filter: the observer's home with its message, as its form would show it (422).
        if !errors.isEmpty { return try await observerHome(request: request, context: context) }
        let figures = try await figures(centres: centres, filter: filter, logger: context.logger)
        let (_, tables) = observerTables(centres: centres, figures: figures, filter: filter)
        guard let table = tables.first(where: { $0.id == id }) else { throw AppError.notFound }
        let businessName = filter.business.flatMap { siret in figures.lazy.flatMap(\.businesses).first { $0.siret == siret }?.name }
        return Self.csvResponse(
            table, request: request, name: "\(id)-mes-centres-\(filter.fileNamePart)",
            about: [("Centres", centres.map(\.centreName).joined(separator: ", "))] + filter.described(businessName: businessName))
    }

    // MARK: - Definitions

    struct DefinitionsPage: Sendable {
        let layout: Layout
        let smallest: Int
    }

    @Sendable func definitions(request: Request, context: AppRequestContext) async throws -> Response {
        try services.renderer.render(
            "dashboards/definitions",
            DefinitionsPage(layout: Layout(title: "Définition des indicateurs", session: context.session, currentPath: "/indicateurs"), smallest: CentreFigures.smallestShownCount))
    }
}
