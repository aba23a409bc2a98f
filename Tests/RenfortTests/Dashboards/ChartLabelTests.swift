import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A chart's labels are never cut: each stands inside the drawing, whole (wrapped if long).
@Suite struct ChartLabelTests {
    /// The texts of an SVG: their x, their anchor and their content.
    static func texts(_ svg: String) -> [(x: Double, anchor: String, size: Double, text: String)] {
        PageHTML.matches(#"<text\b([^>]*)>([^<]*)</text>"#, in: svg).map { match in
            let attributes = HTMLForm.attributes(match[1])
            return (Double(attributes["x"] ?? "") ?? -1, attributes["text-anchor"] ?? "start", Double(attributes["font-size"] ?? "") ?? 0, HTMLForm.decode(match[2]))
        }
    }

    static func width(_ svg: String) -> Double {
        Double(PageHTML.matches(#"viewBox="0 0 (\d+) \d+""#, in: svg).first?[1] ?? "") ?? 0
    }

    /// Inside the drawing, counting 0.7 em for every character (capitals and wide letters included).
    static func inside(_ text: (x: Double, anchor: String, size: Double, text: String), width: Double) -> Bool {
        let extent = Double(text.text.count) * text.size * 0.7
        switch text.anchor {
        case "middle": return text.x - extent / 2 >= 0 && text.x + extent / 2 <= width
        case "end": return text.x - extent >= 0 && text.x <= width
        default: return text.x >= 0 && text.x + extent <= width
        }
    }

    @Test func longNamesOfABarChartStandWholeInsideTheDrawing() {
        let names = [
            "Centre RH mutualisé du Grand Cahors", "Groupement d'employeurs agricoles et viticoles du Quercy Blanc et de la vallée du Lot (antenne de Figeac)",
            "Figeac", "UNMOTSANSESPACEQUINEFINITJAMAISETQUIDEPASSELALARGEURDUNELIGNEENTIEREDUDESSINDUGRAPHIQUE",
        ]
        let svg = Charts.bars(
            id: "centres", title: "Embauches par centre", description: "…", items: names.enumerated().map { (label: $0.element, value: Double(10 * ($0.offset + 1)), text: "\(10 * ($0.offset + 1))") })
        let width = Self.width(svg)
        let texts = Self.texts(svg)
        #expect(width > 0 && !texts.isEmpty)
        for text in texts { #expect(Self.inside(text, width: width), "cut: \(text)") }
        let written = texts.map(\.text).joined(separator: " ")
        for name in names.dropLast() { #expect(written.contains(name), "\(name) is not written whole") }
        #expect(written.replacingOccurrences(of: " ", with: "").contains(names.last!))
    }

    @Test func theMonthsUnderStackedColumnsStayInsideTheDrawing() {
        let months = (1...13).map { "sept. \(2000 + $0)" }
        let svg = Charts.stackedColumns(
            id: "mois", title: "Contrats par mois", description: "…", labels: months, values: months.map { _ in ["cdi": 2, "cdd": 1] }, series: Charts.contractSeries)
        for text in Self.texts(svg) { #expect(Self.inside(text, width: Self.width(svg)), "cut: \(text)") }
    }

    @Test func theObserversCentresChartWritesEachCentresWholeName() async throws {
        try await TestApp.run(demo: false) { desk, database in
            _ = try await PhoneWorld.make(database)
            let long = "Centre RH mutualisé du Grand Cahors et de la vallée du Lot"
            _ = try await DemoLookup(database: database).ids("essai", "UPDATE centres SET name = '\(long)' WHERE slug = 'essai' RETURNING id")
            try await desk.signIn(PhoneWorld.observerEmail)
            let page = try await desk.get("/observateur").text
            let charts = PageHTML.matches(#"<svg class="chart".*?</svg>"#, in: page).map { $0[0] }
            let centres = try #require(charts.first { $0.contains(long) || $0.contains("Centre autre") }, "no chart of the centres")
            let width = Self.width(centres)
            for text in Self.texts(centres) { #expect(Self.inside(text, width: width), "cut: \(text)") }
            #expect(Self.texts(centres).contains { $0.text == long })
        }
    }
}
