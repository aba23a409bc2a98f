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

    func document(header: [String], rows: [[String]]) -> String {
        let lines = ([header] + rows).map { $0.map(field).joined(separator: separator) }
        return (variant == .french ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n"
    }
}
