import Foundation
import Testing

@testable import Renfort

/// The data of the phone and accessibility tests: a centre whose employer has needs in several
/// states, a person presented, a hire with its check-ins (and so a page of follow-ups), an
/// observer of two centres, an admin; and the pages each of them reaches.
struct PhoneWorld: Sendable {
    let centre: Int64
    let adviser: Int64
    let business: Int64
    let employer: Int64
    let need: Int64
    let seasonal: Int64
    let presented: Int64
    let placement: Int64
    let hireApplication: Int64

    static let employerEmail = "patron@auberge.test"
    static let observerEmail = "observatrice@dreets.test"
    static let adminEmail = "admin@plateforme.test"

    /// Builds it in a centre `essai` (and a second centre `autre` for the observer).
    static func make(_ database: TestDatabase) async throws -> PhoneWorld {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("essai")
        let (other, otherAdviser) = try await make.centre("autre")
        let business = try await make.business(centre: centre, name: "Auberge du Causse")
        let employer = try await make.person(employerEmail, role: .employer, centre: centre, business: business)
        let need = try await make.need(centre: centre, business: business, title: "Cuisinier ou cuisinière", positions: 2)
        let seasonal = try await make.need(
            centre: centre, business: business, title: "Serveur (saison d'été)", contract: .seasonalCDD,
            start: Day(year: 2026, month: 12, day: 1), end: Day(year: 2027, month: 3, day: 31))
        try await make.qualify(centre: centre, need: need, actor: adviser)
        let anais = try await make.candidate(centre: centre, firstName: "Anaïs", lastName: "Delmas", email: "anais@example.org")
        let hugo = try await make.candidate(centre: centre, firstName: "Sarah", lastName: "Issaly", email: "sarah@example.org")
        let presented = try await make.application(centre: centre, need: need, candidate: anais, stage: .presented, actor: adviser)
        let placement = try await make.placement(centre: centre, need: need, candidate: hugo, actor: adviser)
        let hireApplication = try #require(try await DemoLookup(database: database).ids("essai", "SELECT application_id FROM placements WHERE id = \(placement)").first)
        // The other centre has a hire too, so the observer's figures have two centres to compare.
        let otherBusiness = try await make.business(centre: other, name: "Conserverie", siret: "55210055400013")
        let otherNeed = try await make.need(centre: other, business: otherBusiness)
        try await make.placement(centre: other, need: otherNeed, candidate: try await make.candidate(centre: other), actor: otherAdviser)
        try await make.observer(observerEmail, centres: [centre, other])
        try await make.admin(adminEmail)
        return PhoneWorld(
            centre: centre, adviser: adviser, business: business, employer: employer, need: need, seasonal: seasonal, presented: presented,
            placement: placement, hireApplication: hireApplication)
    }

    /// The employer's pages: from their home, and the known routes of their records.
    var employerStarts: [String] {
        [
            "/c/essai", "/c/essai/besoins", "/c/essai/embauches", "/c/essai/besoins/nouveau", "/c/essai/besoins/\(need)",
            "/c/essai/besoins/\(seasonal)", "/c/essai/besoins/\(seasonal)/modifier", "/c/essai/candidatures/\(presented)",
            "/c/essai/embauches/\(placement)", "/c/essai/entreprises/\(business)", "/profil", "/accessibilite",
        ]
    }

    var adviserStarts: [String] {
        [
            "/c/essai", "/c/essai/besoins", "/c/essai/candidats", "/c/essai/embauches", "/c/essai/suivis", "/c/essai/entreprises",
            "/c/essai/adhesions", "/c/essai/tableau-de-bord", "/c/essai/parametres/suivis", "/c/essai/parametres/motifs",
            "/c/essai/besoins/\(need)", "/c/essai/besoins/\(need)/candidatures", "/c/essai/candidatures/\(presented)",
            "/c/essai/embauches/\(placement)", "/indicateurs", "/profil",
        ]
    }
}

/// What the phone tests read in a page's HTML: its tables, cells and regions.
enum PageHTML {
    struct Table {
        let headers: [String]
        /// Each body cell: its tag (`td` or `th`) and its `data-label`, row by row.
        let rows: [[(tag: String, label: String?)]]
        /// The element that holds the table when it is a scrolling region (its attributes).
        let region: [String: String]?
    }

    static func text(_ html: String) -> String {
        var text = html.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: "", options: .regularExpression)
        return HTMLForm.decode(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func tables(in html: String) -> [Table] {
        var tables: [Table] = []
        var rest = Substring(html)
        var before = Substring("")
        while let start = rest.range(of: "<table"), let end = rest.range(of: "</table>", range: start.upperBound..<rest.endIndex) {
            before = rest[..<start.lowerBound]
            let markup = String(rest[start.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
            let head = markup.range(of: "<thead>").flatMap { h in markup.range(of: "</thead>", range: h.upperBound..<markup.endIndex).map { String(markup[h.upperBound..<$0.lowerBound]) } } ?? ""
            let headers = matches(#"<th\b[^>]*>(.*?)</th>"#, in: head).map { text($0[1]) }
            let body = markup.range(of: "<tbody>").flatMap { b in markup.range(of: "</tbody>", range: b.upperBound..<markup.endIndex).map { String(markup[b.upperBound..<$0.lowerBound]) } } ?? ""
            let rows = matches(#"<tr\b[^>]*>(.*?)</tr>"#, in: body).map { row in
                matches(#"<(td|th)\b([^>]*)>"#, in: row[1]).map { cell in (tag: cell[1], label: HTMLForm.attributes(cell[2])["data-label"].map(HTMLForm.decode)) }
            }
            // A region holds the table when the last tag opened before it is a `table-scroll` div.
            var region: [String: String]? = nil
            if let open = before.range(of: "<div class=\"table-scroll\"", options: .backwards), !before[open.lowerBound...].contains("</div>"),
                let close = before[open.lowerBound...].firstIndex(of: ">")
            {
                region = HTMLForm.attributes(String(before[open.upperBound..<close]) + " class=\"table-scroll\"")
            }
            tables.append(Table(headers: headers, rows: rows, region: region))
        }
        return tables
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators, .caseInsensitive]) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    /// The `<details>` element of `id`, its opening tag's attributes (nil when absent).
    static func details(_ id: String, in html: String) -> [String: String]? {
        matches(#"<details\b([^>]*)>"#, in: html).map { HTMLForm.attributes($0[1]) }.first { $0["id"] == id }
    }
}
