import Foundation
import Hummingbird

/// The centre's data-protection page (`/c/{centre}/donnees`), for its advisers: who looked at
/// which record (views, downloads, exports) and the erasures and purges, over a period, 50 a
/// page, the latest first; the same as a CSV file that names no one (record numbers only).
struct DataProtectionPage: PageModel {
    static let template = "dataaccess/donnees"

    struct Row: Sendable {
        let at: String
        let who: String
        let what: String
        let candidate: String
        let candidateHref: String?
    }

    let layout: Layout
    let rows: [Row]
    let hasRows: Bool
    let total: Int
    let from: String
    let to: String
    let kinds: [Option]
    let page: Int
    let pages: Int
    let previousHref: String?
    let nextHref: String?
    let csvHref: String
    let csvInternationalHref: String
    let form: FormState<TypedFields>

    /// The filter the query asks for (`du`, `au`, `nature`, `page`), or the messages of its
    /// fields. By default: the last twelve months, which the log keeps.
    static func filter(_ request: Request, today: Day) -> (DataProtectionFilter, FormErrors) {
        let query = request.uri.queryParameters
        let names = ["du", "au", "nature"]
        let sent = FormData(fields: names.compactMap { name -> (String, String)? in query[Substring(name)].map { (name, String($0)) } })
        var reader = FormReader(sent)
        let span = today.within(yearsBack: 10, yearsAhead: 1)
        let to = reader.day("au", "Au", range: span) ?? today
        let from = reader.day("du", "Du", range: span) ?? to.adding(months: -12).adding(days: 1)
        if from > to { reader.errors.add("du", "La période commence après sa fin.") }
        let kind = reader.choice("nature", "Nature", as: DataProtectionKind.self, required: false)
        let page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 100_000)
        return (DataProtectionFilter(from: from, to: to, kind: kind, page: page), reader.errors)
    }

    static func load(request: Request, in context: CentreContext, database: Database, today: Day) async throws -> (DataProtectionPage, ok: Bool) {
        try context.require(.adviser)
        let (filter, errors) = Self.filter(request, today: today)
        let base = context.base
        var result: (events: [DataProtectionEvent], total: Int) = ([], 0)
        if errors.isEmpty {
            result = try await database.transaction(in: context) {
                try await DataProtectionRepository.events(filter, page: filter.page, on: $0, logger: context.logger)
            }
        }
        let pages = max(1, (result.total + DataProtectionFilter.pageSize - 1) / DataProtectionFilter.pageSize)
        var items = [("du", filter.from.iso), ("au", filter.to.iso)]
        if let kind = filter.kind { items.append(("nature", kind.rawValue)) }
        let query = items.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        // What was asked, as it was typed (the period shown when nothing was).
        let asked = request.uri.queryParameters
        let typedFrom = asked["du"].map(String.init) ?? filter.from.iso
        let typedTo = asked["au"].map(String.init) ?? filter.to.iso
        let typedKind = asked["nature"].map(String.init) ?? ""
        let form = FormState(sent: FormData(fields: [("du", typedFrom), ("au", typedTo), ("nature", typedKind)]), errors: errors)
        let page = DataProtectionPage(
            layout: Layout(title: "Données personnelles", session: context.session, membership: context.membership, currentPath: "\(base)/donnees"),
            rows: result.events.map { row($0, base: base) },
            hasRows: !result.events.isEmpty, total: result.total, from: filter.from.iso, to: filter.to.iso,
            kinds: Option.all(DataProtectionKind.self, chosen: filter.kind?.rawValue, label: \.label),
            page: filter.page, pages: pages,
            previousHref: filter.page > 1 ? "\(base)/donnees?\(query)&page=\(filter.page - 1)" : nil,
            nextHref: filter.page < pages ? "\(base)/donnees?\(query)&page=\(filter.page + 1)" : nil,
            csvHref: "\(base)/donnees/export.csv?\(query)", csvInternationalHref: "\(base)/donnees/export.csv?\(query)&format=international",
            form: form)
        return (page, errors.isEmpty)
    }

    /// An event as the page shows it: the record's number, and its name and link while it has one.
    static func row(_ event: DataProtectionEvent, base: String) -> Row {
        var candidate = "n°\u{00A0}\(event.candidateID)"
        var href: String? = nil
        if let name = event.candidateName {
            candidate += " — " + name
            href = "\(base)/candidats/\(event.candidateID)"
        }
        return Row(at: Formats.dateTime(event.at), who: event.who, what: event.what, candidate: candidate, candidateHref: href)
    }

    /// The period's events as CSV: the record's number, never a name (a file leaves Renfort,
    /// and the purge cannot reach it).
    static func csv(_ events: [DataProtectionEvent], filter: DataProtectionFilter, centre: String, variant: CSV.Variant) -> String {
        CSV(variant: variant).document(
            about: [("Registre des accès et effacements", centre), ("Du", filter.from.french), ("Au", filter.to.french)]
                + (filter.kind.map { [("Nature", $0.label)] } ?? []),
            header: ["Date", "Heure", "Fiche n°", "Par", "Nature", "Détail"],
            rows: events.map { event in
                [.text(Formats.day(event.at)), .text(Formats.time(event.at)), .code(String(event.candidateID)), .text(event.who),
                 .text(event.kind.rawValue), .text(event.what)]
            })
    }
}
