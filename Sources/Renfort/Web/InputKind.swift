/// The type of a date or time field that shows a value again: HTML allows in a `type="date"`
/// field's `value` only a valid day, in a `type="time"` one only a valid time, so a value typed
/// otherwise (a browser without date fields, a hand-made request) is shown in a text field.
enum InputKind {
    /// Empty, or a real day `YYYY-MM-DD`.
    static func isDate(_ value: String) -> Bool {
        value.isEmpty || Day(iso: value) != nil
    }

    /// Empty, or `HH:MM` (00:00 to 23:59), as a time field sends it.
    static func isTime(_ value: String) -> Bool {
        if value.isEmpty { return true }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hours = Int(parts[0]), let minutes = Int(parts[1])
        else { return false }
        return (0...23).contains(hours) && (0...59).contains(minutes)
    }

    /// `date`, or `text` for a value that is not a day.
    static func date(_ value: String) -> String { isDate(value) ? "date" : "text" }
}
