import Foundation

/// The calendar as an SVG drawing: twelve months across, each business's needs as bars under
/// its name, each bar's label on its own line above it (never cut). The table beside it on the
/// page says the same.
enum SeasonChart {
    static let shortMonths = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

    private static func number(_ value: Double) -> String { Formats.decimal(value, digits: 1) }

    static func draw(id: String, needs: [CalendarNeed], from: Day, to: Day) -> String {
        let width = 760, header = 34, line = 16, bar = 14, gap = 10, heading = 22
        let total = Double(from.distance(to: to) + 1)
        func x(_ day: Day) -> Double { Double(width) * Double(from.distance(to: max(min(day, to), from))) / total }
        let groups = Dictionary(grouping: needs, by: \.businessID)
        let order = needs.map(\.businessID).reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }
        let labels = needs.map { Charts.wrap(label($0), characters: Charts.labelCharacters) }
        let rows = needs.count, lines = labels.map(\.count).reduce(0, +)
        let height = header + order.count * heading + lines * line + rows * (bar + 4 + gap) + 4
        let title = "Le calendrier des besoins du territoire, de \(Day.monthNames[from.month - 1]) \(from.year) à \(Day.monthNames[to.month - 1]) \(to.year)"
        let description = "\(needs.count) besoin(s) de \(order.count) entreprise(s), une barre par besoin sur les douze mois ; en pointillés, les saisons attendues d'après les années précédentes. Le tableau qui suit donne les mêmes informations."
        var svg = Charts.open(id: id, width: width, height: height, title: title, description: description)
        // The months: a line at each one's first day, its short name (and the year in January).
        var month = from
        while month <= to {
            let left = x(month)
            svg += "<line x1=\"\(number(left))\" x2=\"\(number(left))\" y1=\"\(header - 6)\" y2=\"\(height)\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(number(left + 3))\" y=\"13\" font-size=\"11\" fill=\"#333\">\(shortMonths[month.month - 1])</text>"
            if month.month == 1 || month == from {
                svg += "<text x=\"\(number(left + 3))\" y=\"26\" font-size=\"11\" fill=\"#333\">\(month.year)</text>"
            }
            month = month.adding(months: 1)
        }
        var y = header
        var index = 0
        for business in order {
            let own = groups[business] ?? []
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">\(HTML.escape(own.first?.businessName ?? ""))</text>"
            y += heading
            for need in own {
                let wrapped = labels[index]
                for (lineIndex, text) in wrapped.enumerated() {
                    svg += "<text x=\"0\" y=\"\(y + 12 + lineIndex * line)\" font-size=\"12\" fill=\"#222\">\(HTML.escape(text))</text>"
                }
                let top = y + wrapped.count * line + 2
                let left = x(need.start), right = need.end.map { x($0.adding(days: 1)) } ?? Double(width)
                let colour = Charts.contractSeries.first { $0.key == need.contract.rawValue }?.colour ?? "#6b6b6b"
                let style = need.projected
                    ? "fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-dasharray=\"5 3\""
                    : "fill=\"\(colour)\""
                svg += "<rect x=\"\(number(left))\" y=\"\(top)\" width=\"\(number(max(right - left, 3)))\" height=\"\(bar)\" \(style)><title>\(HTML.escape(SeasonsPage.period(need)))</title></rect>"
                y = top + bar + gap
                index += 1
            }
        }
        return svg + "</svg>"
    }

    /// "Vendangeurs (8 postes, CDD saisonnier, attendu)".
    static func label(_ need: CalendarNeed) -> String {
        var parts = ["\(need.positions) poste\(need.positions > 1 ? "s" : "")", need.contract.label]
        if need.projected { parts.append("attendu d'après les années précédentes") }
        return "\(need.title) (\(parts.joined(separator: ", ")))"
    }
}
