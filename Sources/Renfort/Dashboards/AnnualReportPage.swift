import Foundation
import Hummingbird

/// A centre's annual report, to print on A4 (`/c/{centre}/tableau-de-bord/rapport`): a page of
/// its own without the site's navigation nor any script, with the headline figures, every table
/// of the dashboard with its chart, the definitions, the period and when it was computed. The
/// period is a calendar year (`annee`), or the dashboard's own filters.
struct AnnualReportPage: PageModel {
    static let template = "dashboards/report"

    let title: String
    let centreName: String
    let periodText: String
    let filters: [Fact]
    let computedAt: String
    let tiles: [DashboardTile]
    let tables: [FigureTable.View]
    let smallest: Int
    /// The definitions' anchors prefixed: the report's own tables carry the same names.
    let definitionIDPrefix = "definition-"
    let dashboardHref: String
    let contractsHref: String
    let errors: [String]
    let status: HTTPResponse.Status

    static func load(request: Request, in context: CentreContext, figures store: FigureStore, database: Database, now: Date) async throws -> AnnualReportPage {
        try context.require(.observer, .adviser)
        let today = Day(now)
        var query = MetricsFilter.query(request)
        var year: Int?
        if let text = query.removeValue(forKey: "annee") {
            guard text.unicodeScalars.count == 4, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(text),
                value >= 2000, value <= today.year
            else { throw AppError.badRequest("L'année du rapport s'écrit en quatre chiffres, de 2000 à \(today.year).") }
            year = value
            query["du"] = "\(value)-01-01"
            query["au"] = "\(value)-12-31"
            query.removeValue(forKey: "from")
            query.removeValue(forKey: "to")
        }
        let (filter, errors) = MetricsFilter.read(query: query, today: today)
        let (figures, _) = try await store.figures(centres: [context.membership], filter: filter, asOf: today, withChoices: false, logger: context.logger)[0]
        let metrics = CentreMetrics(figures, filter: filter)
        let (stages, shared) = try await database.transaction(in: context) { connection in
            (
                try await StageDurations.compute(filter: filter, on: connection, logger: context.logger),
                try await SharedPostRepository.shares(from: filter.from, to: filter.to, businessSiret: filter.business, on: connection, logger: context.logger)
            )
        }
        let tables = DashboardTables(
            links: nil, metrics: metrics, businessIDs: [:], filter: filter, sort: BusinessSort(query: [:]), pagePath: "", sharedPosts: shared)
        let businessName = filter.business.flatMap { siret in metrics.businesses.first { $0.siret == siret }?.name }
        return AnnualReportPage(
            context: context, filter: filter, year: year, metrics: metrics, tables: tables.all + StageDurations.tables(stages), businessName: businessName, now: now,
            errors: errors.isEmpty ? [] : ["Les filtres demandés n'étaient pas valides : le rapport porte sur les douze derniers mois, sans filtre."])
    }

    init(
        context: CentreContext, filter: MetricsFilter, year: Int?, metrics: CentreMetrics, tables: [FigureTable], businessName: String?, now: Date,
        errors: [String]
    ) {
        let base = "\(context.base)/tableau-de-bord"
        var views = tables
        for index in views.indices { views[index].prepare(base: base, filter: filter) }
        centreName = context.membership.centreName
        title = year.map { "Rapport annuel \($0)" } ?? "Rapport d'activité"
        periodText = "du \(filter.from.french) au \(filter.to.french)"
        filters = filter.described(businessName: businessName).dropFirst().map { Fact(label: $0.0, value: $0.1) }
        computedAt = Self.moment(now)
        tiles = DashboardTile.headline(metrics, placementsHref: nil)
        self.tables = views.map(\.view)
        smallest = CentreFigures.smallestShownCount
        dashboardHref = "\(base)?\(filter.query(french: true))"
        contractsHref = "\(base)/contrats?\(filter.query(french: true))"
        self.errors = errors
        status = errors.isEmpty ? .ok : .unprocessableContent
    }

    /// `01/12/2026 à 14 h 05`, in the centre's time (Europe/Paris).
    static func moment(_ date: Date) -> String {
        let parts = Day.calendar.dateComponents([.hour, .minute], from: date)
        return "\(Day(date).french) à \(parts.hour ?? 0) h \(Formats.twoDigits(parts.minute ?? 0))"
    }
}
