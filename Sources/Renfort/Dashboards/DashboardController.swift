import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The placement dashboards: a centre's page for its observers and advisers, and the same
/// figures as JSON under /api/v1 (signed-in session for now).
struct DashboardController: Sendable {
    let services: AppServices

    func addRoutes(centre: RouterGroup<CentreContext>, api: RouterGroup<CentreContext>) {
        centre.get("tableau-de-bord", use: page)
        centre.get("tableau-de-bord/entreprises.csv", use: businessesCSV)
        api.get("metrics", use: json)
    }

    /// The period asked for (`from`/`to` or `du`/`au`), by default the last twelve months.
    func period(_ request: Request) throws -> (Day, Day) {
        let query = request.uri.queryParameters
        let today = Day(services.clock.now())
        let fromText = query["from"] ?? query["du"]
        let toText = query["to"] ?? query["au"]
        let to = try toText.map { guard let day = Day(iso: String($0)) else { throw AppError.badRequest("La date de fin n'est pas de la forme AAAA-MM-JJ.") }; return day } ?? today
        let from = try fromText.map { guard let day = Day(iso: String($0)) else { throw AppError.badRequest("La date de début n'est pas de la forme AAAA-MM-JJ.") }; return day }
            ?? CandidateForm.adding(days: -365, to: to)
        guard from <= to else { throw AppError.badRequest("La période commence après sa fin.") }
        return (from, to)
    }

    func figures(context: CentreContext, from: Day, to: Day) async throws -> CentreMetrics {
        try context.require(.observer, .adviser)
        let asOf = Day(services.clock.now())
        return try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await CentreFigures.compute(from: from, to: to, asOf: asOf, on: connection, logger: context.logger)
        }
    }

    @Sendable func json(request: Request, context: CentreContext) async throws -> Response {
        let (from, to) = try period(request)
        let metrics = try await figures(context: context, from: from, to: to)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var buffer = ByteBuffer()
        buffer.writeBytes(try encoder.encode(metrics))
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }

    /// "Postes pérennes créés par entreprise" as CSV, the period in the file name.
    @Sendable func businessesCSV(request: Request, context: CentreContext) async throws -> Response {
        let (from, to) = try period(request)
        let metrics = try await figures(context: context, from: from, to: to)
        let csv = CSV(variant: request.uri.queryParameters["format"] == "international" ? .international : .french)
        let rows = metrics.businesses.map {
            [$0.siret, $0.name, $0.sector ?? "", $0.commune ?? "", String($0.permanent_posts_created), String($0.newly_created),
             String($0.durable_jobs), String($0.placements), csv.number($0.median_days_to_fill), csv.number($0.retention_6_months.map { $0 * 100 }),
             String($0.retention_6_months_base)]
        }
        let text = csv.document(
            header: ["siret", "entreprise", "naf", "commune", "postes_perennes_crees", "dont_creations_de_poste", "emplois_durables", "embauches",
                     "delai_median_jours", "maintien_6_mois_pct", "maintien_6_mois_base"],
            rows: rows)
        let name = "postes-perennes-\(context.membership.centreSlug)-du-\(from.iso)-au-\(to.iso).csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    struct Tile: Sendable {
        let value: String
        let label: String
    }

    struct Row: Sendable {
        let name: String
        let sector: String
        let commune: String
        let permanent: Int
        let newlyCreated: Int
        let durable: Int
        let placements: Int
        let timeToFill: String
        let retention: String
    }

    struct Page: Sendable {
        let layout: Layout
        let centreName: String
        let from: String
        let to: String
        let periodText: String
        let tiles: [Tile]
        let rows: [Row]
        let contracts: [Fact]
        let retention: [Fact]
        let apiHref: String
        let csvHref: String
        let csvInternationalHref: String
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.0f %%", $0 * 100) } ?? "—"
    }

    static func days(_ value: Double?) -> String {
        value.map { "\(Int($0.rounded())) j" } ?? "—"
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        let (from, to) = try period(request)
        return try await render(context: context, from: from, to: to)
    }

    func render(context: CentreContext, from: Day, to: Day) async throws -> Response {
        let m = try await figures(context: context, from: from, to: to)
        let base = "/c/\(context.membership.centreSlug)"
        let model = Page(
            layout: Layout(title: "Tableau de bord", session: context.session, membership: context.membership, currentPath: base),
            centreName: context.membership.centreName, from: from.iso, to: to.iso, periodText: "du \(from.french) au \(to.french)",
            tiles: [
                Tile(value: String(m.permanent_posts_created), label: "postes pérennes créés (CDI)"),
                Tile(value: String(m.newly_created_permanent_posts), label: "dont créations de poste"),
                Tile(value: String(m.durable_jobs), label: "emplois durables"),
                Tile(value: String(m.placements), label: "embauches en tout"),
                Tile(value: Self.days(m.median_days_to_fill), label: "délai médian de recrutement"),
                Tile(value: Self.percent(m.fill_rate), label: "taux de satisfaction des besoins"),
            ],
            rows: m.businesses.map {
                Row(name: $0.name, sector: $0.sector ?? "", commune: $0.commune ?? "", permanent: $0.permanent_posts_created, newlyCreated: $0.newly_created,
                    durable: $0.durable_jobs, placements: $0.placements, timeToFill: Self.days($0.median_days_to_fill),
                    retention: $0.retention_6_months_base == 0 ? "—" : "\(Self.percent($0.retention_6_months)) (\($0.retention_6_months_base))")
            },
            contracts: ContractKind.allCases.map { Fact(label: $0.label, value: String(m.placements_by_contract[$0.rawValue] ?? 0)) },
            retention: m.retention.map { Fact(label: "\($0.months) mois", value: $0.placements == 0 ? "— (aucune embauche assez ancienne)" : "\(Self.percent($0.rate)) sur \($0.placements) embauches") }
                + [Fact(label: "Période d'essai passée", value: m.trial_passed_base == 0 ? "—" : "\(Self.percent(m.trial_passed_rate)) sur \(m.trial_passed_base) embauches")],
            apiHref: "/api/v1/centres/\(context.membership.centreSlug)/metrics?from=\(from.iso)&to=\(to.iso)",
            csvHref: "\(base)/tableau-de-bord/entreprises.csv?du=\(from.iso)&au=\(to.iso)",
            csvInternationalHref: "\(base)/tableau-de-bord/entreprises.csv?du=\(from.iso)&au=\(to.iso)&format=international")
        return try services.renderer.render("dashboards/centre", model)
    }
}
