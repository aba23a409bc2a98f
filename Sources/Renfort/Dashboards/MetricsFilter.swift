import Foundation
import Hummingbird

/// What the figures count: a period and, optionally, one business, one sector (NAF
/// section), one commune (INSEE code) and one contract kind.
struct MetricsFilter: Sendable, Hashable {
    var from: Day
    var to: Day
    /// A business's SIRET: the same key in every centre and outside Renfort.
    var business: String? = nil
    var sector: String? = nil
    var commune: String? = nil
    var contract: ContractKind? = nil

    /// The longest period asked for: ten years of months.
    static let longestPeriod = 3660

    /// A period only: no business, sector, commune or contract kind.
    var isUnfiltered: Bool { business == nil && sector == nil && commune == nil && contract == nil }

    /// Reads `from`/`to` (or `du`/`au`), `business` (`entreprise`), `sector` (`secteur`),
    /// `commune` and `contract` (`contrat`); by default the twelve months up to `today`.
    /// Anything else than what the forms send is refused with a French message (the API's 400).
    init(query: [String: String], today: Day) throws {
        let (filter, errors) = Self.read(query: query, today: today)
        if let first = errors.all.first { throw AppError.badRequest(first.message) }
        self = filter
    }

    /// The filter of a dashboard's form: what was right of it, the rest left at its default
    /// (the whole period when a day is wrong), and a French message by field of the form
    /// (`du`, `au`, `entreprise`, `secteur`, `commune`, `contrat`) for what was not.
    static func read(query: [String: String], today: Day) -> (MetricsFilter, FormErrors) {
        var errors = FormErrors()
        func value(_ names: String...) -> String? {
            for name in names { if let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text } }
            return nil
        }
        func day(_ text: String?, _ what: String, field: String) -> Day? {
            guard let text else { return nil }
            guard let day = Day(iso: text) else {
                errors.add(field, "La date \(what) n'est pas une date valide de la forme AAAA-MM-JJ.")
                return nil
            }
            return day
        }
        let defaultTo = today
        let defaultFrom = defaultTo.adding(months: -12).adding(days: 1)
        var to = day(value("to", "au"), "de fin", field: "au") ?? defaultTo
        var from = day(value("from", "du"), "de début", field: "du") ?? to.adding(months: -12).adding(days: 1)
        if from > to {
            errors.add("au", "La période commence après sa fin.")
            (from, to) = (defaultFrom, defaultTo)
        } else if from.distance(to: to) > Self.longestPeriod {
            errors.add("du", "La période ne peut pas dépasser dix ans.")
            (from, to) = (defaultFrom, defaultTo)
        }
        var filter = MetricsFilter(from: from, to: to)
        if let siret = value("business", "entreprise") {
            if siret.unicodeScalars.count == 14, siret.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
                filter.business = siret
            } else {
                errors.add("entreprise", "L'entreprise se désigne par son SIRET (14 chiffres).")
            }
        }
        if let sector = value("sector", "secteur") {
            if NAFSection.all.contains(where: { $0.code == sector }) {
                filter.sector = sector
            } else {
                errors.add("secteur", "Le secteur se désigne par la lettre de sa section NAF (A à U).")
            }
        }
        if let commune = value("commune") {
            if commune.unicodeScalars.count == 5, commune.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "A" || $0 == "B" }) {
                filter.commune = commune
            } else {
                errors.add("commune", "La commune se désigne par son code INSEE (5 caractères).")
            }
        }
        if let contract = value("contract", "contrat") {
            if let kind = ContractKind(rawValue: contract) {
                filter.contract = kind
            } else {
                errors.add("contrat", "Ce type de contrat n'existe pas.")
            }
        }
        return (filter, errors)
    }

    /// The filter of a page's or an API call's query string, by default the twelve months up
    /// to `today` (the same rules for both).
    init(request: Request, today: Day) throws {
        try self.init(query: Self.query(request), today: today)
    }

    /// A request's query string as names and values (the last value of a name repeated).
    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    init(from: Day, to: Day, business: String? = nil, sector: String? = nil, commune: String? = nil, contract: ContractKind? = nil) {
        self.from = from
        self.to = to
        self.business = business
        self.sector = sector
        self.commune = commune
        self.contract = contract
    }

    /// The filter as query items, in the page's French names or the API's English ones.
    func queryItems(french: Bool) -> [(String, String)] {
        var items = [(french ? "du" : "from", from.iso), (french ? "au" : "to", to.iso)]
        if let business { items.append((french ? "entreprise" : "business", business)) }
        if let sector { items.append((french ? "secteur" : "sector", sector)) }
        if let commune { items.append(("commune", commune)) }
        if let contract { items.append((french ? "contrat" : "contract", contract.rawValue)) }
        return items
    }

    func query(french: Bool) -> String {
        queryItems(french: french).map { "\($0.0)=\(queryEscaped($0.1))" }.joined(separator: "&")
    }

    /// The period and the filters in French, one line each, for the top of a CSV file.
    /// `businessName`: the name of the filtered business, when known.
    func described(businessName: String?) -> [(String, String)] {
        var lines = [("Période", "du \(from.french) au \(to.french)")]
        if let business { lines.append(("Entreprise", businessName.map { "\($0) (SIRET \(business))" } ?? "SIRET \(business)")) }
        if let sector { lines.append(("Secteur", "\(sector) – \(NAFSection.label(sector))")) }
        if let commune { lines.append(("Commune (code INSEE)", commune)) }
        if let contract { lines.append(("Contrat", contract.label)) }
        if isUnfiltered { lines.append(("Filtres", "aucun")) }
        return lines
    }

    /// The filters as a part of a file name: `du-2018-10-01-au-2019-01-31-secteur-I-contrat-cdi`.
    var fileNamePart: String {
        var parts = ["du-\(from.iso)", "au-\(to.iso)"]
        if let business { parts.append("entreprise-\(business)") }
        if let sector { parts.append("secteur-\(sector)") }
        if let commune { parts.append("commune-\(commune)") }
        if let contract { parts.append("contrat-\(contract.rawValue)") }
        return parts.joined(separator: "-")
    }

    /// The months the period touches, as `YYYY-MM`.
    var months: [String] {
        var result: [String] = []
        var year = from.year, month = from.month
        while year < to.year || (year == to.year && month <= to.month) {
            result.append("\(year)-\(month < 10 ? "0" : "")\(month)")
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }
}
