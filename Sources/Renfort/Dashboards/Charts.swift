import Foundation

/// SVG charts drawn by the server: no library, no script. Each one is an image with a
/// title and a description for screen readers, and its table stands beside it on the page.
enum Charts {
    struct Series: Sendable {
        let key: String
        let label: String
        let colour: String
    }

    /// Colours that stay distinct for colour-blind readers (Okabe–Ito), one per contract kind.
    static let contractSeries: [Series] = [
        .init(key: "cdi", label: "CDI", colour: "#0072B2"),
        .init(key: "shared_time", label: "CDI temps partagé", colour: "#56B4E9"),
        .init(key: "cdd", label: "CDD", colour: "#E69F00"),
        .init(key: "seasonal_cdd", label: "CDD saisonnier", colour: "#009E73"),
        .init(key: "apprenticeship", label: "Apprentissage", colour: "#CC79A7"),
        .init(key: "professionalisation", label: "Professionnalisation", colour: "#D55E00"),
        .init(key: "temporary", label: "Intérim", colour: "#6b6b6b"),
    ]

    private static func number(_ value: Double) -> String { Formats.decimal(value, digits: 1) }

    /// A bar label's line, in characters: at 13 px, even a line of capitals (about 9 px each)
    /// stays inside the 760 units of the drawing.
    static let labelCharacters = 80
    /// The room kept right of the longest bar for its value (`12 345 (100 %)`).
    static let valueWidth = 130

    /// `text` cut between words into lines of `characters` at most (a longer word is split).
    static func wrap(_ text: String, characters: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > characters {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(characters)))
                word = String(word.dropFirst(characters))
            }
            if current.isEmpty { current = word } else if current.count + 1 + word.count <= characters { current += " " + word } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    static func open(id: String, width: Int, height: Int, title: String, description: String) -> String {
        """
        <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)-titre \(id)-desc" xmlns="http://www.w3.org/2000/svg">\
        <title id="\(id)-titre">\(HTML.escape(title))</title><desc id="\(id)-desc">\(HTML.escape(description))</desc>
        """
    }

    /// A round upper bound for an axis: 1, 2, 5, 10, 20, 50…
    static func niceMaximum(_ value: Int) -> Int {
        guard value > 0 else { return 1 }
        var step = 1
        while true {
            for factor in [1, 2, 5] where step * factor >= value { return step * factor }
            step *= 10
        }
    }

    /// Stacked columns: one per label, stacked by series.
    static func stackedColumns(id: String, title: String, description: String, labels: [String], values: [[String: Int]], series: [Series]) -> String {
        let width = 760, left = 44, right = 8, top = 12, plotHeight = 200
        let used = series.filter { s in values.contains { ($0[s.key] ?? 0) > 0 } }
        let legendRows = (used.count + 3) / 4
        let height = top + plotHeight + 34 + legendRows * 20 + 6
        let maximum = niceMaximum(values.map { $0.values.reduce(0, +) }.max() ?? 0)
        let slot = Double(width - left - right) / Double(max(labels.count, 1))
        let bar = max(2, slot * 0.7)
        var svg = open(id: id, width: width, height: height, title: title, description: description)
        for tick in Set([0, maximum / 2, maximum]).sorted() {
            let y = Double(top + plotHeight) - Double(tick) / Double(maximum) * Double(plotHeight)
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(number(y))\" y2=\"\(number(y))\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(number(y + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">\(tick)</text>"
        }
        let every = max(1, Int((Double(labels.count) / 12).rounded(.up)))
        for (index, label) in labels.enumerated() {
            let x = Double(left) + Double(index) * slot + (slot - bar) / 2
            var y = Double(top + plotHeight)
            for s in series {
                let count = values[index][s.key] ?? 0
                guard count > 0 else { continue }
                let h = Double(count) / Double(maximum) * Double(plotHeight)
                y -= h
                svg += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(bar))\" height=\"\(number(h))\" fill=\"\(s.colour)\"><title>\(HTML.escape(label)) : \(count) \(HTML.escape(s.label))</title></rect>"
            }
            if index % every == 0 {
                // Centred under its column, but kept inside the drawing (at most 8 units a character at 11).
                let half = Double(label.count) * 4
                let centre = min(max(x + bar / 2, half), Double(width) - half)
                svg += "<text x=\"\(number(centre))\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">\(HTML.escape(label))</text>"
            }
        }
        for (index, s) in used.enumerated() {
            let x = left + (index % 4) * 175, y = top + plotHeight + 32 + (index / 4) * 20
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(s.colour)\"/>"
            svg += "<text x=\"\(x + 18)\" y=\"\(y + 11)\" font-size=\"12\" fill=\"#333\">\(HTML.escape(s.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per item, with the value written after the bar. Each label stands
    /// on its own line(s) above its bar, from the left edge: never cut, however long the name.
    static func bars(id: String, title: String, description: String, items: [(label: String, value: Double, text: String)], maximum: Double? = nil) -> String {
        let width = 760, line = 16, bar = 16, gap = 12, top = 4
        let labels = items.map { wrap($0.label, characters: labelCharacters) }
        let rows = labels.map { $0.count * line + 4 + bar + gap }
        let height = top + rows.reduce(0, +)
        let top_ = maximum ?? max(items.map(\.value).max() ?? 0, 1)
        let plot = Double(width - valueWidth)
        var svg = open(id: id, width: width, height: height, title: title, description: description)
        var y = top
        for (index, item) in items.enumerated() {
            for (lineIndex, text) in labels[index].enumerated() {
                svg += "<text x=\"0\" y=\"\(y + 13 + lineIndex * line)\" font-size=\"13\" fill=\"#222\">\(HTML.escape(text))</text>"
            }
            let barTop = y + labels[index].count * line + 4
            let w = top_ > 0 ? max(0, item.value / top_ * plot) : 0
            svg += "<rect x=\"0\" y=\"\(barTop)\" width=\"\(number(w))\" height=\"\(bar)\" fill=\"#0072B2\"/>"
            svg += "<text x=\"\(number(w + 6))\" y=\"\(barTop + 13)\" font-size=\"13\" fill=\"#222\">\(HTML.escape(item.text))</text>"
            y += rows[index]
        }
        return svg + "</svg>"
    }
}
