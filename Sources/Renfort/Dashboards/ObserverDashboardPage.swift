import Foundation
import Hummingbird

/// The observer's home: all their centres side by side, and the total, with the filters of a
/// centre's dashboard; its two tables are also its CSV exports.
struct ObserverDashboardPage: PageModel {
    static let template = "dashboards/observer"

    let layout: Layout
    /// The filters' messages (a 422), beside the fields and in the summary.
    let form: FormState<TypedFields>
    let filters: DashboardFilterForm
    let tiles: [DashboardTile]
    /// The tables' sections (`FigureTable.sections`).
    let tablesMarkup: String
    let several: Bool
    let apiHref: String
    let tokensHref: String
    /// "Données à jour au …" when the figures come from a replica.
    let freshness: String?

    /// What the filters found wrong: the page answers 422 then.
    var status: HTTPResponse.Status { form.hasErrors ? .unprocessableContent : .ok }

    /// The centres `context`'s person observes; none is a 404.
    static func observed(_ context: SignedInContext) throws -> [Membership] {
        let observed = context.user.memberships.filter { $0.role == .observer }
        guard !observed.isEmpty else { throw AppError.notFound }
        return observed
    }

    /// The filters as sent, and what was wrong with them.
    static func filter(_ request: Request, today: Day) -> (MetricsFilter, sent: [String: String], FormErrors) {
        let sent = MetricsFilter.query(request)
        let (filter, errors) = MetricsFilter.read(query: sent, today: today)
        return (filter, sent, errors)
    }

    static func load(
        request: Request, in context: SignedInContext, figures store: FigureStore, reads: ReadReplicas, today: Day
    ) async throws -> ObserverDashboardPage {
        let centres = try observed(context)
        let (filter, sent, errors) = filter(request, today: today)
        let (figures, freshness) = try await reads.read(logger: context.logger) { reading in
            (try await store.figures(of: centres, filter: filter, asOf: today, on: reading.database, logger: context.logger), reading.freshness)
        }
        var (total, tables) = Self.tables(centres: centres, figures: figures, filter: filter)
        for index in tables.indices { tables[index].prepare(base: "/observateur", filter: filter) }
        let sectors = Set(figures.flatMap { $0.businesses.compactMap { $0.naf.flatMap(NAFSection.code(of:)) } })
        let communes = Dictionary(figures.flatMap { $0.businesses.compactMap { b in b.communeInsee.map { ($0, b.commune ?? $0) } } }, uniquingKeysWith: { a, _ in a })
        return ObserverDashboardPage(
            layout: Layout(title: "Mes centres", session: context.session, currentPath: "/observateur"),
            form: FormState(TypedFields(text: sent), errors: errors),
            filters: DashboardFilterForm(
                action: "/observateur", filter: filter, businesses: nil, sectors: Array(sectors),
                communes: communes.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }, sent: sent, errors: errors),
            tiles: DashboardTile.headline(total, placementsHref: nil), tablesMarkup: FigureTable.sections(tables), several: centres.count > 1,
            apiHref: "/api/v1/metrics?\(filter.query(french: false))", tokensHref: "/profil", freshness: freshness)
    }

    /// The total of the centres, and the page's two tables: the centres side by side (with its
    /// chart) and the total's headline figures.
    static func tables(centres: [Membership], figures: [Figures], filter: MetricsFilter) -> (CentreMetrics, [FigureTable]) {
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
}

/// `/indicateurs`: what each figure means, for everyone.
struct DefinitionsPage: PageModel {
    static let template = "dashboards/definitions"

    let layout: Layout
    let smallest: Int
    /// The definitions' anchors as they are (`/indicateurs#essai`, the dashboards' links).
    let definitionIDPrefix = ""

    init(session: SessionInfo?) {
        layout = Layout(title: "Définition des indicateurs", session: session, currentPath: "/indicateurs")
        smallest = CentreFigures.smallestShownCount
    }
}
