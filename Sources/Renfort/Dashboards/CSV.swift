import Foundation

/// CSV for spreadsheets: the French variant (UTF-8 with BOM, `;`, decimal comma) that
/// French spreadsheets open as they are, or the international one (`,`, decimal point).
struct CSV {
    enum Variant { case french, international }
    let variant: Variant

    var separator: String { variant == .french ? ";" : "," }

    func number(_ value: Double?, decimals: Int = 1) -> String {
        guard let value else { return "" }
        let text = Formats.decimal(value, digits: decimals)
        return variant == .french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func field(_ value: String) -> String {
        let needsQuotes = value.contains(separator) || value.contains("\"") || value.contains("\n") || value.contains("\r")
        // A leading =, +, - or @ would be read as a formula by a spreadsheet.
        var safe = value
        if let first = safe.first, "=+-@".contains(first) { safe = "'" + safe }
        return needsQuotes || safe != value ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A cell: text as it is (defused), or a code of digits kept as text.
    enum Value {
        case text(String)
        case code(String)
    }

    /// A code of digits (a SIRET) as a formula that gives its text, `="90010000100014"`, so that
    /// a spreadsheet shows the 14 digits and not 9,0010E+13: Excel and LibreOffice Calc evaluate
    /// such a formula when they open a CSV file, where a leading tab or quote stays in the cell.
    /// Only ASCII digits are written this way (nothing else can be read as a formula).
    func code(_ value: String) -> String {
        guard !value.isEmpty, value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return field(value) }
        return "\"=\"\"\(value)\"\"\""
    }

    /// The file: `about` lines first (name and value: the table, the centre, the period, the
    /// filters), an empty line, then the header and the rows.
    func document(about: [(String, String)] = [], header: [String], rows: [[Value]]) -> String {
        let top = about.map { field($0.0) + separator + field($0.1) } + (about.isEmpty ? [] : [""])
        let lines = [header.map(field).joined(separator: separator)] + rows.map { row in
            row.map { value in
                switch value {
                case .text(let text): field(text)
                case .code(let digits): code(digits)
                }
            }.joined(separator: separator)
        }
        return (variant == .french ? "\u{FEFF}" : "") + (top + lines).joined(separator: "\r\n") + "\r\n"
    }
}
