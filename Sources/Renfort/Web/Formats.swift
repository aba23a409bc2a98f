import Foundation

/// How French pages write dates, times, hours, euros and numbers. Written by hand from the
/// calendar's components: no formatter is made per call (that was a visible cost per page).
enum Formats {
    /// `14/07/2026 à 09:05`, in Paris time.
    static func dateTime(_ date: Date) -> String {
        let parts = Day.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(twoDigits(parts.day ?? 1))/\(twoDigits(parts.month ?? 1))/\(parts.year ?? 1970) à \(twoDigits(parts.hour ?? 0)):\(twoDigits(parts.minute ?? 0))"
    }

    /// `09:05`, in Paris time.
    static func time(_ date: Date) -> String {
        let parts = Day.calendar.dateComponents([.hour, .minute], from: date)
        return "\(twoDigits(parts.hour ?? 0)):\(twoDigits(parts.minute ?? 0))"
    }

    static func day(_ date: Date) -> String { Day(date).french }

    /// `35` or `17,5`: hours as a French form shows them.
    static func hours(_ value: Double) -> String { decimalComma(value) }

    /// `1 900 €`, thousands grouped as in French.
    static func euros(_ value: Int) -> String { integer(value) + euroSign }

    /// ` €` after an amount, by a no-break space: the sign never starts a line of its own.
    static let euroSign = "\u{00A0}€"

    /// A whole value without decimals, otherwise one with a decimal comma (`17,5`).
    static func decimalComma(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value).replacingOccurrences(of: ".", with: ",")
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// A number with `digits` decimals and a point (`2.5`), rounded half away from zero;
    /// without `String(format:)`, which is slow on Linux.
    static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(scaled) }
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// `12345` → `12 345`, thousands grouped by a narrow no-break space as in French.
    static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "\u{202F}" }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
