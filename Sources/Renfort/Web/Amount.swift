/// A sum of money in euros and cents, kept exactly: stored in `numeric(9,2)` columns (schema
/// 0030) and read back as cents, never as a floating-point number.
struct Amount: Sendable, Hashable, Comparable {
    let cents: Int

    init(cents: Int) {
        self.cents = cents
    }

    init(euros: Int) {
        self.cents = euros * 100
    }

    static func < (left: Amount, right: Amount) -> Bool { left.cents < right.cents }

    /// `1 900 €`, or `1 900,50 €` when there are cents.
    var french: String { Formats.integer(cents / 100) + fraction(",") + Formats.euroSign }

    /// As a form's field shows it, to be read again as it stands: `1900` or `1900,50`.
    var field: String { String(cents / 100) + fraction(",") }

    private func fraction(_ mark: String) -> String {
        let rest = abs(cents % 100)
        return rest == 0 ? "" : mark + Formats.twoDigits(rest)
    }

    /// An amount as people write it: `1900`, `1 900,50`, `1900.5`, `1.900,50`, `1 900 €`; the
    /// spaces may be French typography's no-break ones (U+00A0, U+202F). Nil when it is not one,
    /// or when it has more than two decimals (a cent is the smallest unit kept).
    static func parse(_ typed: String) -> Amount? {
        var text = Substring(typed.trimmingCharacters(in: .whitespacesAndNewlines))
        for suffix in ["€", "euros", "eur"] where text.lowercased().hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            break
        }
        let spaces: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "\u{2009}", "\u{2007}"]
        let compact = text.filter { !spaces.contains($0) }
        guard !compact.isEmpty, compact.count <= 20, compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }) else { return nil }
        let marks = compact.filter { $0 == "," || $0 == "." }
        var whole = Substring(compact)
        var decimals = Substring("")
        if let last = compact.lastIndex(where: { $0 == "," || $0 == "." }) {
            let mark = compact[last]
            let after = compact[compact.index(after: last)...]
            let isDecimal: Bool
            if Set(marks).count == 2 {
                isDecimal = true  // 1.900,50 or 1,900.50: the last mark is the decimal one
            } else if marks.count == 1 {
                // 1900,5 and 1900,50 have cents; 1,900 could be either: refused rather than guessed.
                guard after.count != 3 else { return nil }
                isDecimal = true
            } else {
                isDecimal = false  // 1.900.000
            }
            if isDecimal {
                guard (1...2).contains(after.count), marks.filter({ $0 == mark }).count == 1 else { return nil }
                decimals = after
                whole = compact[..<last]
            }
        }
        // What is left: digits, grouped by thousands with one kind of mark or not at all.
        let groups = whole.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "." }
        guard let first = groups.first, !first.isEmpty, Set(whole.filter { $0 == "," || $0 == "." }).count <= 1 else { return nil }
        if groups.count > 1 {
            guard first.count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        let digits = groups.joined()
        guard digits.count <= 9, let euros = Int(digits), let fraction = decimals.isEmpty ? 0 : Int(decimals) else { return nil }
        let cents = decimals.count == 1 ? fraction * 10 : fraction
        return Amount(cents: euros * 100 + cents)
    }
}
