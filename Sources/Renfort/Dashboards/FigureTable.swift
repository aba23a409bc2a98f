import Foundation

/// One table of a dashboard: shown as HTML (with links for advisers) and downloadable as
/// CSV, from the same cells so that both always say the same.
struct FigureTable: Sendable {
    enum Value: Sendable {
        case text(String)
        /// A code made of digits (a SIRET): text in a spreadsheet, never a number.
        case code(String)
        case count(Int?)
        /// A number with its decimals in the CSV (a rate is written in percent).
        case number(Double?, decimals: Int)
    }

    struct Cell: Sendable {
        let text: String
        let href: String?
        let numeric: Bool
        let isHeader: Bool
        let value: Value

        static func header(_ text: String, href: String? = nil) -> Cell {
            Cell(text: text, href: href, numeric: false, isHeader: true, value: .text(text))
        }
        static func text(_ text: String) -> Cell {
            Cell(text: text, href: nil, numeric: false, isHeader: false, value: .text(text))
        }
        static func code(_ code: String) -> Cell {
            Cell(text: code, href: nil, numeric: false, isHeader: false, value: .code(code))
        }
        static func count(_ count: Int?, href: String? = nil, hiddenText: String = "—") -> Cell {
            Cell(text: count.map(Formats.integer) ?? hiddenText, href: count == nil || count == 0 ? nil : href, numeric: true, isHeader: false, value: .count(count))
        }
        static func percent(_ rate: Double?, base: Int? = nil) -> Cell {
            var text = DashboardFormat.percent(rate)
            if let base, rate != nil { text += " (\(base))" }
            return Cell(text: text, href: nil, numeric: true, isHeader: false, value: .number(rate.map { $0 * 100 }, decimals: 1))
        }
        static func days(_ days: Double?) -> Cell {
            Cell(text: DashboardFormat.days(days), href: nil, numeric: true, isHeader: false, value: .number(days, decimals: 1))
        }
    }

    struct Column: Sendable {
        let label: String
        let csvName: String
        let numeric: Bool
        /// Sortable columns link to the page sorted by them.
        var sortHref: String? = nil
        var sortState: String? = nil
    }

    struct Row: Sendable {
        let cells: [Cell]
    }

    let id: String
    let title: String
    let caption: String
    var columns: [Column]
    var rows: [Row]
    var foot: [Row] = []
    var csvHref = ""
    var csvInternationalHref = ""
    /// An SVG chart drawing the same numbers, when there is one.
    var chart: String? = nil
    var note: String? = nil

    /// For the template (it reads stored properties only): set by `prepare`.
    var hasRows = false
    var hasFoot = false
    /// The table's markup, written here rather than by the template: a large table is
    /// thousands of cells, and mustache looks each of their fields up at run time.
    var markup = ""

    /// Ready to render: its CSV links under `base` with the filter, and its flags.
    mutating func prepare(base: String, filter: MetricsFilter) {
        csvHref = "\(base)/export/\(id)?\(filter.query(french: true))"
        csvInternationalHref = csvHref + "&format=international"
        hasRows = !rows.isEmpty
        hasFoot = !foot.isEmpty
        markup = html
    }

    /// What the template reads: the table's markup and its surroundings, not its cells.
    struct View: Sendable {
        let id: String
        let title: String
        let chart: String?
        let hasRows: Bool
        let markup: String
        let note: String?
        let csvHref: String
        let csvInternationalHref: String
    }

    var view: View {
        View(id: id, title: title, chart: chart, hasRows: hasRows, markup: markup, note: note, csvHref: csvHref, csvInternationalHref: csvInternationalHref)
    }

    /// The tables' sections, each with its heading, chart, table, note and downloads, written
    /// here like the tables themselves (a dashboard is ten of them: through mustache, their
    /// parts were a fifth of the page's server time).
    static func sections(_ tables: [FigureTable]) -> String {
        var out = ""
        out.reserveCapacity(tables.reduce(0) { $0 + $1.markup.utf8.count + 1_000 + ($1.chart?.utf8.count ?? 0) })
        for table in tables {
            let id = HTML.escape(table.id), title = HTML.escape(table.title)
            out += "<section class=\"figure\" aria-labelledby=\"\(id)\">\n  <h2 id=\"\(id)\">\(title)</h2>\n"
            if let chart = table.chart, !chart.isEmpty { out += "  <figure class=\"chart-figure\">\(chart)</figure>\n" }
            if table.hasRows {
                out += "  <div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau : \(title)\">\n  \(table.markup)\n  </div>\n"
            } else {
                out += "  <p class=\"empty-state\">Rien à compter sur cette période.</p>\n"
            }
            if let note = table.note, !note.isEmpty { out += "  <p class=\"muted\">\(HTML.escape(note))</p>\n" }
            out += "  <p class=\"downloads\">Télécharger ce tableau : <a href=\"\(HTML.escape(table.csvHref))\">CSV pour tableur français</a>"
            out += " · <a href=\"\(HTML.escape(table.csvInternationalHref))\">CSV international (virgules, point décimal)</a></p>\n</section>\n"
        }
        return out
    }

    /// `<table>` with its caption, sortable headers, row headers, links and totals.
    var html: String {
        func cell(_ cell: Cell, header: Bool) -> String {
            let content = cell.href.map { "<a href=\"\(HTML.escape($0))\">\(HTML.escape(cell.text))</a>" } ?? HTML.escape(cell.text)
            if cell.isHeader { return "<th scope=\"row\">\(content)</th>" }
            return cell.numeric ? "<td class=\"num\">\(content)</td>" : "<td>\(content)</td>"
        }
        var out = "<table class=\"table\">\n<caption>\(HTML.escape(caption))</caption>\n<thead><tr>"
        for column in columns {
            out += "<th scope=\"col\"" + (column.numeric ? " class=\"num\"" : "") + (column.sortState.map { " aria-sort=\"\($0)\"" } ?? "") + ">"
            out += column.sortHref.map { "<a href=\"\(HTML.escape($0))\">\(HTML.escape(column.label))</a>" } ?? HTML.escape(column.label)
            out += "</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows { out += "<tr>" + row.cells.map { cell($0, header: false) }.joined() + "</tr>\n" }
        out += "</tbody>\n"
        if !foot.isEmpty {
            out += "<tfoot>"
            for row in foot {
                out += "<tr>" + row.cells.map { $0.isHeader ? "<th scope=\"row\">\(HTML.escape($0.text))</th>" : ($0.numeric ? "<td class=\"num\">\(HTML.escape($0.text))</td>" : "<td>\(HTML.escape($0.text))</td>") }.joined() + "</tr>"
            }
            out += "</tfoot>\n"
        }
        return out + "</table>"
    }

    /// The table as CSV: `about` first (the centre, the period, the filters: what the file
    /// holds, written in it as in its name), then the columns' French headings and the rows.
    func csv(_ variant: CSV.Variant, about: [(String, String)] = []) -> String {
        let csv = CSV(variant: variant)
        let lines = (rows + foot).map { row in
            row.cells.map { cell -> CSV.Value in
                switch cell.value {
                case .text(let text): .text(text)
                case .code(let code): .code(code)
                case .count(let count): .text(count.map(String.init) ?? "")
                case .number(let number, let decimals): .text(csv.number(number, decimals: decimals))
                }
            }
        }
        return csv.document(about: [("Tableau", title)] + about, header: columns.map(\.label), rows: lines)
    }
}

/// How the dashboards write numbers, in French.
enum DashboardFormat {
    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        let text = Formats.decimal(value * 100, digits: 0)
        return "\(text)\u{202F}%"
    }

    static func days(_ value: Double?) -> String {
        value.map { "\(Formats.integer(Int($0.rounded())))\u{00A0}j" } ?? "—"
    }

    /// `2018-10` → `oct. 2018`.
    static func month(_ key: String) -> String {
        let names = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
        let parts = key.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return key }
        return "\(names[month - 1]) \(parts[0])"
    }

    static func outcome(_ status: String) -> String {
        switch status {
        case "filled": "Pourvu"
        case "partly_filled": "Partiellement pourvu"
        case "closed": "Clos"
        case "cancelled": "Annulé"
        default: "En cours (\(NeedStatus(rawValue: status)?.label.lowercased() ?? status))"
        }
    }
}
