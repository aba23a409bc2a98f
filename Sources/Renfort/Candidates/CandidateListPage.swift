import Foundation
import Hummingbird

/// The centre's pool: a search over names, skills, experience, seasonal availability and notes
/// (best matches first, up to 1 000 of them; beyond, by name), the filters, pages of 25 (by
/// number for the ranked matches, from record to record by name).
struct CandidateListPage: PageModel {
    static let template = "candidates/list"

    let layout: Layout
    /// The page's rows, as markup (`rowsMarkup`).
    let rows: String
    let isEmpty: Bool
    /// « 25 candidat(s) — page 1 sur 1 », « Plus de 1 000 candidats — page 3 ».
    let caption: String
    /// Why a search's matches are by name: too many to rank.
    let byNameNote: String?
    let text: String
    let commune: String
    let licenceChecked: Bool
    let vehicleChecked: Bool
    let availableBy: String
    let contractKinds: [Option]
    let sources: [Option]
    let previousHref: String?
    let nextHref: String?
    let newHref: String
    /// The records whose date comes within 30 days.
    let purgesHref: String

    static func load(request: Request, in context: CentreContext, database: Database, searches: CandidateSearchStore) async throws -> CandidateListPage {
        try context.require(.adviser)
        let query = request.uri.queryParameters
        var filter = CandidateFilter()
        let text = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.text = text.isEmpty ? nil : String(text.prefix(100))
        let commune = String(query["commune"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.commune = commune.isEmpty ? nil : String(commune.prefix(100))
        filter.drivingLicence = query["permis"] == "1"
        filter.ownVehicle = query["vehicule"] == "1"
        filter.availableBy = query["disponible"].flatMap { Day(iso: String($0)) }
        filter.contractKind = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        filter.source = query["origine"].flatMap { CandidateSource(rawValue: String($0)) }
        filter.page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 100_000)
        filter.after = query["apres"].flatMap { Int64(String($0)) }
        filter.before = filter.after == nil ? query["avant"].flatMap { Int64(String($0)) } : nil
        let result = try await database.transaction(in: context) { try await searches.results(filter, tenant: context.tenantID, on: $0, logger: context.logger) }
        let base = context.base
        func link(_ to: CandidateResults.Link) -> String {
            var items = query.filter { !["page", "apres", "avant"].contains($0.key) }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            switch to {
            case .first: break
            case .page(let page): items.append("page=\(page)")
            case .after(let id, let page): items += ["apres=\(id)", "page=\(page)"]
            case .before(let id, let page): items += ["avant=\(id)", "page=\(page)"]
            }
            return "\(base)/candidats" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        }
        let caption: String
        if result.capped {
            caption = "Plus de \(Formats.integer(result.cap)) candidats — page \(result.page), par nom"
        } else {
            let pages = max(1, (result.total + CandidateFilter.pageSize - 1) / CandidateFilter.pageSize)
            caption = "\(result.total) candidat(s) — page \(result.page) sur \(pages)"
        }
        return CandidateListPage(
            layout: Layout(title: "Candidats", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            rows: Self.rowsMarkup(result.candidates, base: base),
            isEmpty: result.candidates.isEmpty, caption: caption,
            byNameNote: result.capped && filter.text != nil
                ? "Plus de \(Formats.integer(result.cap)) personnes correspondent : elles sont classées par nom. Ajoutez un mot ou un filtre pour les classer par pertinence."
                : nil,
            text: text, commune: commune,
            licenceChecked: filter.drivingLicence, vehicleChecked: filter.ownVehicle, availableBy: filter.availableBy?.iso ?? "",
            contractKinds: Option.all(ContractKind.self, chosen: filter.contractKind?.rawValue, label: \.label),
            sources: Option.all(CandidateSource.self, chosen: filter.source?.rawValue, label: \.label),
            previousHref: result.previous.map(link), nextHref: result.next.map(link), newHref: "\(base)/candidats/nouveau",
            purgesHref: "\(base)/candidats/suppressions")
    }
}

/// The pool's fields without a Mirror (the adviser's search); checked against the Mirror's
/// by `MustacheModelTests`.
extension CandidateListPage: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "layout": layout, "rows": rows, "isEmpty": isEmpty, "caption": caption, "byNameNote": byNameNote as Any, "text": text,
            "commune": commune, "licenceChecked": licenceChecked, "vehicleChecked": vehicleChecked, "availableBy": availableBy,
            "contractKinds": contractKinds, "sources": sources, "previousHref": previousHref as Any, "nextHref": nextHref as Any,
            "newHref": newHref, "purgesHref": purgesHref,
        ]
    }
}

extension CandidateListPage {
    /// The page's rows, written here (25 people, each with six cells: through mustache, a third
    /// of the server's time for a search): each value escaped as mustache would (`HTML.escape`).
    static func rowsMarkup(_ candidates: [CandidateSummary], base: String) -> String {
        let base = HTML.escape(base)
        var html = ""
        html.reserveCapacity(candidates.count * 400)
        for candidate in candidates {
            html += "<tr><th scope=\"row\"><a href=\"\(base)/candidats/\(candidate.id)\">\(HTML.escape(candidate.name))</a>"
            if let cdi = candidate.cdiLabel { html += " <span class=\"badge badge--warn\">\(HTML.escape(cdi))</span>" }
            html += "</th><td data-label=\"Commune\">\(HTML.escape(candidate.communeName))</td>"
            html += "<td data-label=\"Compétences\">\(HTML.escape(String(candidate.skills.prefix(120))))</td>"
            html += "<td data-label=\"Mobilité\">\(HTML.escape(Candidate.mobility(licence: candidate.drivingLicence, vehicle: candidate.ownVehicle)))</td>"
            html += "<td data-label=\"Disponible\">\(HTML.escape(candidate.availableFrom?.french ?? ""))</td>"
            html += "<td data-label=\"Origine\">\(HTML.escape(candidate.source.label))</td></tr>"
        }
        return html
    }
}
