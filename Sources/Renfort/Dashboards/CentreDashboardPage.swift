import Foundation
import Hummingbird
import Logging

/// A centre's dashboard, for its observers and advisers (the advisers' figures link to the
/// lists behind them): the filters, the headline tiles and every table with its chart.
struct CentreDashboardPage: PageModel {
    static let template = "dashboards/centre"

    let layout: Layout
    let heading: String
    let filters: DashboardFilterForm
    let tiles: [DashboardTile]
    /// The tables' sections (`FigureTable.sections`), kept beside the figures' version.
    let tablesMarkup: String
    let apiHref: String
    /// "Données à jour au …" when the figures come from a replica.
    let freshness: String?
    /// The per-contract CSV for DDETS/DREETS and the printable report, for the same period and filters;
    /// the annual report of the last full year.
    let contractsHref: String
    let reportHref: String
    let lastYearReportHref: String
    let lastYear: Int
    let isAdviser: Bool
    /// The filters' messages (a 422), beside the fields and in the summary.
    let form: FormState<TypedFields>

    /// The figures and tables of a centre for the request's period and filters.
    struct Loaded {
        let metrics: CentreMetrics
        let tables: DashboardTables
        let choices: FigureChoices
        /// What was wrong in the filters (the figures are then those of the rest, the period by default).
        let errors: FormErrors
        /// The filters as sent, to show them again.
        let sent: [String: String]
        /// "Données à jour au …" when the figures come from a replica.
        let freshness: String?
        /// The centre's version read before the figures (nil: it never changed).
        let version: Int64?
        /// What a text kept from the tables is keyed by: what it is (`KeptText`), the role's
        /// links, the sort, the page's address.
        let keptKind: String
        /// The text asked for, kept at `version` (then `tables` has no shared posts).
        let kept: String?
    }

    /// A text written from the tables and kept beside the figures' version: the page's
    /// sections, or a table's CSV file (whose top says the centre and how current a replica is).
    enum KeptText {
        case tables
        case csv(table: String, variant: CSV.Variant, centreName: String)

        func kind(freshness: String?) -> String {
            switch self {
            case .tables: "tables"
            case .csv(let table, let variant, let centreName): "csv \(table) \(variant) \(centreName) \(freshness ?? "")"
            }
        }
    }

    /// `kept`: the text to take from the store when kept at the version read, the shared posts
    /// then not read nor the tables made; nil: every table made.
    static func loaded(
        request: Request, in context: CentreContext, figures store: FigureStore, reads: ReadReplicas, today: Day, withChoices: Bool = true,
        fromReplica: Bool, kept: KeptText? = nil
    ) async throws -> (MetricsFilter, Loaded) {
        try context.require(.observer, .adviser)
        let sent = MetricsFilter.query(request)
        let (filter, errors) = MetricsFilter.read(query: sent, today: today)
        let query = sent.filter { $0.key != "tri" && $0.key != "ordre" }.sorted { $0.key < $1.key }.map { "\($0.key)=\(queryEscaped($0.value))&" }.joined()
        let base = context.base
        let sort = BusinessSort(query: sent)
        let pagePath = "\(base)/tableau-de-bord?\(query)"
        // An adviser's page reads the primary (what they just recorded is counted); an
        // observer's, and every export, may read a replica.
        let (figures, choices, version, freshness, shared, kind, keptText) = try await reads.read(replica: fromReplica, logger: context.logger) {
            reading -> (Figures, FigureChoices, Int64?, String?, [SharedPostShare], String, String?) in
            let kind = "\(kept?.kind(freshness: reading.freshness) ?? "") dashboard \(context.role.rawValue) \(sort.key) \(sort.descending) \(pagePath)"
            let (figures, choices, version) = try await store.figures(
                centre: context.membership, filter: filter, asOf: today, withChoices: withChoices, on: reading.database, logger: context.logger)
            if kept != nil, errors.isEmpty, let text = store.keptMarkup(kind, centre: context.tenantID, filter: filter, asOf: today, version: version) {
                return (figures, choices, version, reading.freshness, [], kind, text)
            }
            let shared = try await reading.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
                try await SharedPostRepository.shares(from: filter.from, to: filter.to, businessSiret: filter.business, on: connection, logger: context.logger)
            }
            return (figures, choices, version, reading.freshness, shared, kind, nil)
        }
        let ids = Dictionary(figures.businesses.map { ($0.siret, $0.id) }, uniquingKeysWith: { a, _ in a })
        let metrics = CentreMetrics(figures, filter: filter)
        let tables = DashboardTables(
            links: context.role == .adviser ? base : nil, metrics: metrics, businessIDs: ids, filter: filter, sort: sort, pagePath: pagePath,
            sharedPosts: shared)
        return (filter, Loaded(
            metrics: metrics, tables: tables, choices: choices, errors: errors, sent: sent, freshness: freshness,
            version: errors.isEmpty ? version : nil, keptKind: kind, kept: keptText))
    }

    static func load(request: Request, in context: CentreContext, figures: FigureStore, reads: ReadReplicas, today: Day) async throws -> CentreDashboardPage {
        let (filter, loaded) = try await loaded(
            request: request, in: context, figures: figures, reads: reads, today: today, fromReplica: context.role == .observer, kept: .tables)
        if let kept = loaded.kept { return CentreDashboardPage(context: context, filter: filter, loaded: loaded, tablesMarkup: kept) }
        let markup = Self.tablesMarkup(loaded.tables, base: context.base, filter: filter)
        figures.keep(markup: markup, loaded.keptKind, centre: context.tenantID, filter: filter, asOf: today, version: loaded.version)
        return CentreDashboardPage(context: context, filter: filter, loaded: loaded, tablesMarkup: markup)
    }

    static func tablesMarkup(_ tables: DashboardTables, base: String, filter: MetricsFilter) -> String {
        var tables = tables.all
        for index in tables.indices { tables[index].prepare(base: "\(base)/tableau-de-bord", filter: filter) }
        return FigureTable.sections(tables)
    }

    /// `tablesMarkup`: the tables' sections when kept, else written here.
    init(context: CentreContext, filter: MetricsFilter, loaded: Loaded, tablesMarkup: String? = nil) {
        let base = context.base
        let adviser = context.role == .adviser
        self.layout = Layout(
            title: "Tableau de bord", session: context.session, membership: context.membership,
            currentPath: context.role == .observer ? base : "\(base)/tableau-de-bord")
        self.heading = context.membership.centreName
        self.filters = DashboardFilterForm(
            action: "\(base)/tableau-de-bord", filter: filter, businesses: loaded.choices.businesses, sectors: loaded.choices.sectors,
            communes: loaded.choices.communes, sent: loaded.sent, errors: loaded.errors)
        self.tiles = DashboardTile.headline(loaded.metrics, placementsHref: adviser ? "\(base)/embauches?du=\(filter.from.iso)&au=\(filter.to.iso)" : nil)
        self.tablesMarkup = tablesMarkup ?? Self.tablesMarkup(loaded.tables, base: base, filter: filter)
        self.freshness = loaded.freshness
        self.apiHref = "/api/v1/centres/\(context.membership.centreSlug)/metrics?\(filter.query(french: false))"
        self.contractsHref = "\(base)/tableau-de-bord/contrats?\(filter.query(french: true))"
        self.reportHref = "\(base)/tableau-de-bord/rapport?\(filter.query(french: true))"
        self.lastYear = filter.to.year - 1
        self.lastYearReportHref = "\(base)/tableau-de-bord/rapport?annee=\(filter.to.year - 1)"
        self.isAdviser = adviser
        self.form = FormState(TypedFields(text: loaded.sent), errors: loaded.errors)
    }

    /// A 422 when a filter was wrong: the page still shows, with the filters and their messages.
    var status: HTTPResponse.Status { form.hasErrors ? .unprocessableContent : .ok }
}

/// A headline figure at the top of a dashboard.
struct DashboardTile: Sendable {
    let value: String
    let label: String
    let href: String?

    /// The headline tiles of a centre (or of several centres' total); `placementsHref` links them to the hires.
    static func headline(_ m: CentreMetrics, placementsHref: String?) -> [DashboardTile] {
        [
            DashboardTile(value: Formats.integer(m.permanent_posts_created), label: "postes pérennes créés (CDI)", href: placementsHref.map { $0 + "&contrat=cdi" }),
            DashboardTile(value: Formats.integer(m.newly_created_permanent_posts), label: "dont créations de poste", href: nil),
            DashboardTile(value: Formats.integer(m.durable_jobs), label: "emplois durables", href: nil),
            DashboardTile(value: Formats.integer(m.placements), label: "embauches en tout", href: placementsHref),
            DashboardTile(value: DashboardFormat.days(m.median_days_to_fill), label: "délai médian de recrutement", href: nil),
            DashboardTile(value: DashboardFormat.percent(m.fill_rate), label: "taux de satisfaction des besoins", href: nil),
            DashboardTile(value: DashboardFormat.percent(m.retention.first { $0.months == 6 }?.rate), label: "maintien dans l'emploi à 6 mois", href: nil),
        ]
    }
}

/// The period and filters form at the top of both dashboards.
struct DashboardFilterForm: Sendable {
    let action: String
    let periodText: String
    let from: String
    let to: String
    /// `date`, or `text` when the day typed is not one (shown as typed).
    let fromType: String
    let toType: String
    /// The `<option>`s of each filter, written here (`HTML.options`): an observer's centres
    /// have a hundred communes, and through mustache they were a fifth of the page's time.
    let businessOptions: String
    let showBusinessFilter: Bool
    let sectorOptions: String
    let communeOptions: String
    let contractOptions: String
    let filtered: Bool
    let resetHref: String

    /// `businesses` nil: no business filter (the observer's several centres). `sent` and
    /// `errors`: the filters as typed, and what was wrong with them (their days are shown as typed).
    init(
        action: String, filter: MetricsFilter, businesses: [(String, String)]?, sectors: [String], communes: [(String, String)],
        sent: [String: String] = [:], errors: FormErrors = FormErrors()
    ) {
        self.action = action
        periodText = "du \(filter.from.french) au \(filter.to.french)"
        from = errors.isEmpty ? filter.from.iso : (sent["du"] ?? sent["from"] ?? filter.from.iso)
        to = errors.isEmpty ? filter.to.iso : (sent["au"] ?? sent["to"] ?? filter.to.iso)
        fromType = InputKind.date(from)
        toType = InputKind.date(to)
        businessOptions = HTML.options((businesses ?? []).map { Option(value: $0.0, label: $0.1, selected: $0.0 == filter.business) })
        showBusinessFilter = businesses != nil
        sectorOptions = HTML.options(NAFSection.all.filter { sectors.contains($0.code) || $0.code == filter.sector }.map {
            Option(value: $0.code, label: "\($0.code) – \($0.label)", selected: $0.code == filter.sector)
        })
        communeOptions = HTML.options(communes.map { Option(value: $0.0, label: $0.1, selected: $0.0 == filter.commune) })
        contractOptions = HTML.options(ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == filter.contract) })
        filtered = filter.business != nil || filter.sector != nil || filter.commune != nil || filter.contract != nil
        resetHref = "\(action)?du=\(filter.from.iso)&au=\(filter.to.iso)"
    }
}
