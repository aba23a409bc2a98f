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

    struct Tile: Sendable {
        let value: String
        let label: String
        let href: String?
    }

    /// The period and filters form at the top of both dashboards.
    struct FilterForm: Sendable {
        let action: String
        let periodText: String
        let from: String
        let to: String
        /// The `<option>`s of the business filter (one per member business), written here.
        let businessOptions: String
        let showBusinessFilter: Bool
        let sectors: [Option]
        let communes: [Option]
        let contracts: [Option]
        let filtered: Bool
        let resetHref: String

        /// `businesses` nil: no business filter (the observer's several centres).
        init(action: String, filter: MetricsFilter, businesses: [(String, String)]?, sectors: [String], communes: [(String, String)]) {
            self.action = action
            periodText = "du \(filter.from.french) au \(filter.to.french)"
            from = filter.from.iso
            to = filter.to.iso
            businessOptions = HTML.options((businesses ?? []).map { Option(value: $0.0, label: $0.1, selected: $0.0 == filter.business) })
            showBusinessFilter = businesses != nil
            self.sectors = NAFSection.all.filter { sectors.contains($0.code) || $0.code == filter.sector }.map {
                Option(value: $0.code, label: "\($0.code) – \($0.label)", selected: $0.code == filter.sector)
            }
            self.communes = communes.map { Option(value: $0.0, label: $0.1, selected: $0.0 == filter.commune) }
            contracts = ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == filter.contract) }
            filtered = filter.business != nil || filter.sector != nil || filter.commune != nil || filter.contract != nil
            resetHref = "\(action)?du=\(filter.from.iso)&au=\(filter.to.iso)"
        }
    }

    struct Page: Sendable {
        let layout: Layout
        let heading: String
        let filters: FilterForm
        let tiles: [Tile]
        let tables: [FigureTable.View]
        let apiHref: String
        let isAdviser: Bool
    }

    struct Loaded {
        let metrics: CentreMetrics
        let tables: DashboardTables
        let choices: FigureChoices
    }

    func load(request: Request, context: CentreContext, withChoices: Bool = true) async throws -> (MetricsFilter, Loaded) {
        try context.require(.observer, .adviser)
        let filter = try filter(request)
        let slug = context.membership.centreSlug
        let (figures, choices) = try await services.figures.figures(
            centres: [context.membership], filter: filter, asOf: Day(services.clock.now()), withChoices: withChoices, logger: context.logger)[0]
        let ids = Dictionary(figures.businesses.map { ($0.siret, $0.id) }, uniquingKeysWith: { a, _ in a })
        let metrics = CentreMetrics(figures, filter: filter)
        let query = MetricsFilter.query(request).filter { $0.key != "tri" && $0.key != "ordre" }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\(queryEscaped($0.value))&" }.joined()
        let base = "/c/\(slug)"
        let tables = DashboardTables(
            links: context.role == .adviser ? base : nil, metrics: metrics, businessIDs: ids, filter: filter,
            sort: BusinessSort(query: MetricsFilter.query(request)), pagePath: "\(base)/tableau-de-bord?\(query)")
        return (filter, Loaded(metrics: metrics, tables: tables, choices: choices))
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        let (filter, loaded) = try await load(request: request, context: context)
        return try render(context: context, filter: filter, loaded: loaded)
    }

    func render(context: CentreContext, filter: MetricsFilter, loaded: Loaded) throws -> Response {
        let m = loaded.metrics
        let base = "/c/\(context.membership.centreSlug)"
        let adviser = context.role == .adviser
        var tables = loaded.tables.all
        for index in tables.indices { tables[index].prepare(base: "\(base)/tableau-de-bord", filter: filter) }
        let model = Page(
            layout: Layout(title: "Tableau de bord", session: context.session, membership: context.membership, currentPath: context.role == .observer ? base : "\(base)/tableau-de-bord"),
            heading: context.membership.centreName,
            filters: FilterForm(
                action: "\(base)/tableau-de-bord", filter: filter, businesses: loaded.choices.businesses, sectors: loaded.choices.sectors,
                communes: loaded.choices.communes),
            tiles: Self.tiles(m, placementsHref: adviser ? "\(base)/embauches?du=\(filter.from.iso)&au=\(filter.to.iso)" : nil),
            tables: tables.map(\.view),
            apiHref: "/api/v1/centres/\(context.membership.centreSlug)/metrics?\(filter.query(french: false))",
            isAdviser: adviser)
        return try services.renderer.render("dashboards/centre", model)
    }

    static func tiles(_ m: CentreMetrics, placementsHref: String?) -> [Tile] {
        [
            Tile(value: Formats.integer(m.permanent_posts_created), label: "postes pérennes créés (CDI)", href: placementsHref.map { $0 + "&contrat=cdi" }),
            Tile(value: Formats.integer(m.newly_created_permanent_posts), label: "dont créations de poste", href: nil),
            Tile(value: Formats.integer(m.durable_jobs), label: "emplois durables", href: nil),
            Tile(value: Formats.integer(m.placements), label: "embauches en tout", href: placementsHref),
            Tile(value: DashboardFormat.days(m.median_days_to_fill), label: "délai médian de recrutement", href: nil),
            Tile(value: DashboardFormat.percent(m.fill_rate), label: "taux de satisfaction des besoins", href: nil),
            Tile(value: DashboardFormat.percent(m.retention.first { $0.months == 6 }?.rate), label: "maintien dans l'emploi à 6 mois", href: nil),
        ]
    }

    static func csvResponse(_ table: FigureTable, request: Request, name: String) -> Response {
        let international = request.uri.queryParameters["format"] == "international"
        let text = table.csv(international ? .international : .french)
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
        let (filter, loaded) = try await load(request: request, context: context, withChoices: false)
        guard let table = loaded.tables.table(id) else { throw AppError.notFound }
        return Self.csvResponse(table, request: request, name: "\(id)-\(context.membership.centreSlug)-\(filter.fileNamePart)")
    }

    // MARK: - The observer's home: all their centres side by side, and the total

    struct ObserverPage: Sendable {
        let layout: Layout
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
        let filter = try filter(request)
        let figures = try await figures(centres: centres, filter: filter, logger: context.logger)
        var (total, tables) = observerTables(centres: centres, figures: figures, filter: filter)
        for index in tables.indices { tables[index].prepare(base: "/observateur", filter: filter) }
        let sectors = Set(figures.flatMap { $0.businesses.compactMap { $0.naf.flatMap(NAFSection.code(of:)) } })
        let communes = Dictionary(figures.flatMap { $0.businesses.compactMap { b in b.communeInsee.map { ($0, b.commune ?? $0) } } }, uniquingKeysWith: { a, _ in a })
        let model = ObserverPage(
            layout: Layout(title: "Mes centres", session: context.session, currentPath: "/observateur"),
            filters: FilterForm(
                action: "/observateur", filter: filter, businesses: nil, sectors: Array(sectors),
                communes: communes.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }),
            tiles: Self.tiles(total, placementsHref: nil), tables: tables.map(\.view), several: centres.count > 1,
            apiHref: "/api/v1/metrics?\(filter.query(french: false))", tokensHref: "/profil")
        return try services.renderer.render("dashboards/observer", model)
    }

    @Sendable func observerExport(request: Request, context: SignedInContext) async throws -> Response {
        let centres = try observed(context)
        guard let id = context.parameters.get("table"), ["centres", "indicateurs"].contains(id) else { throw AppError.notFound }
        let filter = try filter(request)
        let figures = try await figures(centres: centres, filter: filter, logger: context.logger)
        let (_, tables) = observerTables(centres: centres, figures: figures, filter: filter)
        guard let table = tables.first(where: { $0.id == id }) else { throw AppError.notFound }
        return Self.csvResponse(table, request: request, name: "\(id)-mes-centres-\(filter.fileNamePart)")
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
