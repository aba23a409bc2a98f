import Foundation

/// The gross minimum wage (SMIC, metropolitan France) by the day it came into force, read at
/// start from `schema/data/smic.csv` (its values and legal texts from the Journal officiel).
/// A full-time pay is checked against the SMIC in force on the day, never against a constant.
struct MinimumWages: Sendable {
    struct Value: Sendable {
        let since: Day
        /// Gross hourly SMIC, in cents.
        let hourlyCents: Int
        /// The décret or arrêté that set it.
        let legalText: String
    }

    /// Monthly hours of a 35-hour week (35 × 52 / 12).
    static let monthlyHours = 151.67

    /// Oldest first.
    let values: [Value]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The table of `smic.csv`: `depuis;smic_horaire_brut;texte`, days `AAAA-MM-JJ`, amounts `9,88`.
    init(csv: String) throws {
        var values: [Value] = []
        for (index, line) in csv.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let euros = fields.count == 3 ? fields[1].split(separator: ",", omittingEmptySubsequences: false) : []
            guard fields.count == 3, let since = Day(iso: fields[0]), euros.count == 2, euros[1].count == 2,
                let whole = Int(euros[0]), let cents = Int(euros[1]), !fields[2].isEmpty
            else { throw Malformed(description: "smic.csv, line \(index + 1): expected `AAAA-MM-JJ;9,99;texte`, found `\(line)`") }
            if let last = values.last, last.since >= since {
                throw Malformed(description: "smic.csv, line \(index + 1): the days must follow each other")
            }
            values.append(Value(since: since, hourlyCents: whole * 100 + cents, legalText: fields[2]))
        }
        guard !values.isEmpty else { throw Malformed(description: "smic.csv holds no value") }
        self.values = values
    }

    /// Reads `smic.csv` in `directory` (the schema's `data/`).
    static func load(directory: String) throws -> MinimumWages {
        let path = directory + "/smic.csv"
        guard let data = FileManager.default.contents(atPath: path) else { throw Malformed(description: "cannot read \(path)") }
        return try MinimumWages(csv: String(decoding: data, as: UTF8.self))
    }

    /// The value in force on `day` (before the first known one, the first).
    func value(on day: Day) -> Value {
        values.last { $0.since <= day } ?? values[0]
    }

    /// The full-time gross monthly SMIC on `day`, in cents (11,88 € × 151,67 h = 1 801,84 €).
    func monthlyGrossCents(on day: Day) -> Int {
        Int((Double(value(on: day).hourlyCents) * Self.monthlyHours).rounded())
    }

    /// The same in euros (`1801.84`).
    func monthlyGross(on day: Day) -> Double { Double(monthlyGrossCents(on: day)) / 100 }

    /// The same as French pages write it: `1 801,84 €`.
    func monthlyGrossText(on day: Day) -> String {
        let cents = monthlyGrossCents(on: day)
        return Formats.integer(cents / 100) + "," + Formats.twoDigits(cents % 100) + Formats.euroSign
    }
}
