/// Reads a submitted form field by field, checking each value and collecting the French
/// messages to show beside the fields. What was typed stays available for the page.
struct FormReader {
    let form: FormData
    var errors = FormErrors()

    init(_ form: FormData) {
        self.form = form
    }

    /// The trimmed text of a field ("" when absent), checked for presence and length — the
    /// length PostgreSQL counts (`String.storedLength`: code points, not what Swift calls characters).
    mutating func text(_ name: String, _ label: String, required: Bool = false, max: Int = 200) -> String {
        let value = form[name] ?? ""
        if required && value.isEmpty {
            errors.add(name, "Renseignez «\u{00A0}\(label)\u{00A0}».")
        } else if value.storedLength > max {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» ne peut pas dépasser \(max) caractères (\(value.storedLength) saisis).")
        }
        return value
    }

    /// The ids of the boxes ticked in `name` (whole numbers above zero), at most `limit`: none
    /// ticked, one that is not an id (a page gone stale) or too many, each with its message.
    mutating func ticked(_ name: String, limit: Int, none: String, stale: String, tooMany: String) -> [Int64] {
        let raw = form.values(name)
        let ids = raw.compactMap { Int64($0) }.filter { $0 > 0 }
        if raw.isEmpty { errors.add(name, none) } else if ids.count != raw.count { errors.add(name, stale) } else if ids.count > limit { errors.add(name, tooMany) }
        return errors.isEmpty ? ids : []
    }

    /// Like `text`, but nil when empty.
    mutating func optional(_ name: String, _ label: String, max: Int = 200) -> String? {
        let value = text(name, label, max: max)
        return value.isEmpty ? nil : value
    }

    /// A text that must match `pattern` (letters in any case) when given. Codes are ASCII: the
    /// pattern's `[0-9]` and `[A-Z]` never let through another script's digits, nor letters
    /// that fold to ASCII ones (the Kelvin sign K, the long s ſ) as a case-insensitive match would.
    mutating func formatted(_ name: String, _ label: String, pattern: String, example: String, required: Bool = false) -> String? {
        let value = text(name, label, required: required, max: 100)
        guard !value.isEmpty else { return nil }
        guard value.unicodeScalars.allSatisfy(\.isASCII),
            value.range(of: "^\(pattern)$", options: [.regularExpression, .caseInsensitive]) != nil
        else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» n'est pas au bon format (exemple : \(example)).")
            return nil
        }
        return value
    }

    /// A whole number within `range`; nil when empty or wrong (with a message).
    mutating func integer(_ name: String, _ label: String, range: ClosedRange<Int>, required: Bool = false) -> Int? {
        let raw = (form[name] ?? "").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        guard !raw.isEmpty else {
            if required { errors.add(name, "Renseignez «\u{00A0}\(label)\u{00A0}».") }
            return nil
        }
        guard let value = Int(raw), range.contains(value) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» doit être un nombre entier entre \(range.lowerBound) et \(range.upperBound).")
            return nil
        }
        return value
    }

    /// A decimal number (comma or point) within `range`.
    mutating func decimal(_ name: String, _ label: String, range: ClosedRange<Double>, required: Bool = false) -> Double? {
        let raw = (form[name] ?? "").replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
        guard !raw.isEmpty else {
            if required { errors.add(name, "Renseignez «\u{00A0}\(label)\u{00A0}».") }
            return nil
        }
        guard let value = Double(raw), value.isFinite, range.contains(value) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» doit être un nombre entre \(Formats.decimalComma(range.lowerBound)) et \(Formats.decimalComma(range.upperBound)).")
            return nil
        }
        return (value * 10).rounded() / 10
    }

    /// A day written `AAAA-MM-JJ` (what date fields send), within `range` when given (what the
    /// date means: a purge date not already past, an interview not ten years away…).
    mutating func day(_ name: String, _ label: String, required: Bool = false, range: ClosedRange<Day>? = nil) -> Day? {
        let raw = form[name] ?? ""
        guard !raw.isEmpty else {
            if required { errors.add(name, "Renseignez «\u{00A0}\(label)\u{00A0}».") }
            return nil
        }
        guard let day = Day(iso: raw) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» n'est pas une date valide (format AAAA-MM-JJ, par exemple 2026-06-15).")
            return nil
        }
        if let range, !range.contains(day) {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» doit être comprise entre le \(range.lowerBound.french) et le \(range.upperBound.french).")
            return nil
        }
        return day
    }

    /// One value of a closed list.
    mutating func choice<Option: RawRepresentable & CaseIterable>(_ name: String, _ label: String, as type: Option.Type, required: Bool = true)
        -> Option? where Option.RawValue == String
    {
        let raw = form[name] ?? ""
        guard !raw.isEmpty else {
            if required { errors.add(name, "Choisissez «\u{00A0}\(label)\u{00A0}».") }
            return nil
        }
        guard let option = Option(rawValue: raw) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» : choisissez une valeur de la liste.")
            return nil
        }
        return option
    }

    /// Every checked value of a list of checkboxes that belongs to the list.
    mutating func choices<Option: RawRepresentable & CaseIterable>(_ name: String, _ label: String, as type: Option.Type) -> [Option]
    where Option.RawValue == String {
        var result: [Option] = []
        for raw in form.values(name) {
            guard let option = Option(rawValue: raw) else {
                errors.add(name, "«\u{00A0}\(label)\u{00A0}» : choisissez des valeurs de la liste.")
                return []
            }
            if !result.contains(where: { $0.rawValue == option.rawValue }) { result.append(option) }
        }
        return result
    }

    /// A checkbox: checked when sent with any of the values browsers and people use.
    func flag(_ name: String) -> Bool {
        ["on", "1", "true", "oui", "yes"].contains((form[name] ?? "").lowercased())
    }

    /// A yes/no radio pair: nil (with a message) when neither was chosen.
    mutating func yesNo(_ name: String, _ label: String) -> Bool? {
        switch form[name] ?? "" {
        case "oui": return true
        case "non": return false
        default:
            errors.add(name, "Répondez à «\u{00A0}\(label)\u{00A0}».")
            return nil
        }
    }

    /// An e-mail address, loosely checked.
    mutating func email(_ name: String, _ label: String, required: Bool = false) -> String? {
        let value = text(name, label, required: required, max: 254)
        guard !value.isEmpty else { return nil }
        guard value.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) != nil else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» n'est pas une adresse e-mail valide (exemple : nom@entreprise.fr).")
            return nil
        }
        return value
    }
}

extension String {
    /// The length PostgreSQL counts (`char_length`, `varchar(n)`): Unicode code points. Swift's
    /// `count` counts grapheme clusters, fewer for combining accents and emoji ("é" written
    /// e + U+0301 is one `Character`, two code points): every limit of ours uses this one.
    var storedLength: Int { unicodeScalars.count }
}
