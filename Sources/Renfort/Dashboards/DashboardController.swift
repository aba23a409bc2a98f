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
        centre.get("tableau-de-bord/contrats", use: contractsExport)
        centre.get("tableau-de-bord/rapport", use: annualReport)
    }

    // MARK: - A centre's dashboard

    /// The figures of an export (which may come from a replica), or of the page shown again
    /// with the filters' messages (as that page reads them).
    private func load(
        request: Request, context: CentreContext, today: Day, withChoices: Bool = true, export: Bool, kept: CentreDashboardPage.KeptText? = nil
    ) async throws -> (MetricsFilter, CentreDashboardPage.Loaded) {
        try await CentreDashboardPage.loaded(
            request: request, in: context, figures: services.figures, reads: services.reads, today: today,
            withChoices: withChoices, fromReplica: export || context.role == .observer, kept: kept)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        let page = try await CentreDashboardPage.load(
            request: request, in: context, figures: services.figures, reads: services.reads, today: Day(services.clock.now()))
        return try services.renderer.render(page, status: page.status)
    }

    /// The table as a CSV file: what it holds (`about`: the centre, the period, the filters) at its
    /// top as in its `name`.
    static func csvResponse(_ table: FigureTable, request: Request, name: String, about: [(String, String)]) -> Response {
        let variant = csvVariant(request)
        return csvResponse(table.csv(variant, about: about), variant: variant, name: name)
    }

    static func csvVariant(_ request: Request) -> CSV.Variant {
        request.uri.queryParameters["format"] == "international" ? .international : .french
    }

    static func csvResponse(_ text: String, variant: CSV.Variant, name: String) -> Response {
        let file = name + (variant == .international ? "-international" : "") + ".csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Any table of the dashboard as CSV, the centre and the filters in the file name.
    @Sendable func export(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.observer, .adviser)
        guard let id = context.parameters.get("table"), DashboardTables.ids.contains(id) else { throw AppError.notFound }
        let today = Day(services.clock.now()), variant = Self.csvVariant(request)
        // The file is kept beside the figures' version like the page's tables.
        let kept = CentreDashboardPage.KeptText.csv(table: id, variant: variant, centreName: context.membership.centreName)
        var (filter, loaded) = try await load(request: request, context: context, today: today, withChoices: false, export: true, kept: kept)
        // A wrong filter: the dashboard with its message, as its form would show it (422).
        if !loaded.errors.isEmpty {
            (filter, loaded) = try await load(request: request, context: context, today: today, export: false)
            let page = CentreDashboardPage(context: context, filter: filter, loaded: loaded)
            return try services.renderer.render(page, status: page.status)
        }
        let name = "\(id)-\(context.membership.centreSlug)-\(filter.fileNamePart)"
        if let text = loaded.kept { return Self.csvResponse(text, variant: variant, name: name) }
        guard let table = loaded.tables.table(id) else { throw AppError.notFound }
        let businessName = filter.business.flatMap { siret in loaded.metrics.businesses.first { $0.siret == siret }?.name }
        let text = table.csv(
            variant, about: [("Centre", context.membership.centreName)] + filter.described(businessName: businessName) + Self.freshness(loaded.freshness))
        services.figures.keep(markup: text, loaded.keptKind, centre: context.tenantID, filter: filter, asOf: today, version: loaded.version)
        return Self.csvResponse(text, variant: variant, name: name)
    }

    /// The line a CSV file read from a replica carries: how current its figures are.
    static func freshness(_ text: String?) -> [(String, String)] {
        text.map { [("Données", $0)] } ?? []
    }

    /// What became of each contract of the period, one line each, for DDETS/DREETS: never a
    /// candidate's name or contact (`ContractsExport`).
    @Sendable func contractsExport(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.observer, .adviser)
        let today = Day(services.clock.now())
        let (filter, errors) = MetricsFilter.read(query: MetricsFilter.query(request), today: today)
        if !errors.isEmpty {
            let (filter, loaded) = try await load(request: request, context: context, today: today, export: false)
            let page = CentreDashboardPage(context: context, filter: filter, loaded: loaded)
            return try services.renderer.render(page, status: page.status)
        }
        let (lines, businessName, freshness) = try await services.reads.read(logger: context.logger) { reading in
            try await reading.database.transaction(in: context) { connection in
                let lines = try await ContractsExport.lines(filter: filter, on: connection, logger: context.logger)
                guard let siret = filter.business else { return (lines, String?.none, reading.freshness) }
                return (lines, try await BusinessRepository.name(siret: siret, on: connection, logger: context.logger), reading.freshness)
            }
        }
        let international = request.uri.queryParameters["format"] == "international"
        let about = [("Tableau", "Devenir de chaque contrat"), ("Centre", context.membership.centreName)] + filter.described(businessName: businessName)
            + [("Calculé le", today.french)] + Self.freshness(freshness) + [("Définitions", "/indicateurs")]
        let text = ContractsExport.csv(lines, variant: international ? .international : .french, about: about, asOf: today)
        let file = "contrats-\(context.membership.centreSlug)-\(filter.fileNamePart)" + (international ? "-international" : "") + ".csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A centre's annual report, to print (A4, no script): the headline figures, the tables and
    /// their charts, the definitions, the period and when the figures were computed.
    @Sendable func annualReport(request: Request, context: CentreContext) async throws -> Response {
        let page = try await AnnualReportPage.load(
            request: request, in: context, figures: services.figures, database: services.database, now: services.clock.now())
        return try services.renderer.render(page, status: page.status)
    }

    // MARK: - The observer's home: all their centres side by side, and the total

    @Sendable func observerHome(request: Request, context: SignedInContext) async throws -> Response {
        let page = try await ObserverDashboardPage.load(
            request: request, in: context, figures: services.figures, reads: services.reads, today: Day(services.clock.now()))
        return try services.renderer.render(page, status: page.status)
    }

    @Sendable func observerExport(request: Request, context: SignedInContext) async throws -> Response {
        let centres = try ObserverDashboardPage.observed(context)
        guard let id = context.parameters.get("table"), ["centres", "indicateurs"].contains(id) else { throw AppError.notFound }
        let today = Day(services.clock.now())
        let (filter, _, errors) = ObserverDashboardPage.filter(request, today: today)
        // A wrong filter: the observer's home with its message, as its form would show it (422).
        if !errors.isEmpty { return try await observerHome(request: request, context: context) }
        let (figures, freshness) = try await services.reads.read(logger: context.logger) { reading in
            (try await services.figures.figures(of: centres, filter: filter, asOf: today, on: reading.database, logger: context.logger), reading.freshness)
        }
        let (_, tables) = ObserverDashboardPage.tables(centres: centres, figures: figures, filter: filter)
        guard let table = tables.first(where: { $0.id == id }) else { throw AppError.notFound }
        let businessName = filter.business.flatMap { siret in figures.lazy.flatMap(\.businesses).first { $0.siret == siret }?.name }
        return Self.csvResponse(
            table, request: request, name: "\(id)-mes-centres-\(filter.fileNamePart)",
            about: [("Centres", centres.map(\.centreName).joined(separator: ", "))] + filter.described(businessName: businessName)
                + Self.freshness(freshness))
    }

    // MARK: - Definitions

    @Sendable func definitions(request: Request, context: AppRequestContext) async throws -> Response {
        try services.renderer.render(DefinitionsPage(session: context.session))
    }
}
