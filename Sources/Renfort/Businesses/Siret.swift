/// The SIRET number of an establishment: 14 digits with a Luhn check, except La Poste's
/// (SIREN 356 000 000), whose establishments' digits add up to a multiple of 5.
enum Siret {
    /// 14 ASCII digits with their check: `wholeNumberValue` alone would take Thai or Arabic
    /// digits (๔, ٤), which the database's constraint refuses.
    static func isValid(_ value: String) -> Bool {
        let digits = value.unicodeScalars.compactMap { ("0"..."9").contains($0) ? Int($0.value - 48) : nil }
        guard value.unicodeScalars.count == 14, digits.count == 14 else { return false }
        if value.hasPrefix("356000000") { return digits.reduce(0, +) % 5 == 0 }
        return luhnSum(digits) % 10 == 0
    }

    /// The 14-digit SIRET whose first 13 digits are `prefix`, with the Luhn digit added.
    static func completing(_ prefix: String) -> String {
        let digits = prefix.compactMap(\.wholeNumberValue) + [0]
        let check = (10 - luhnSum(digits) % 10) % 10
        return prefix + String(check)
    }

    private static func luhnSum(_ digits: [Int]) -> Int {
        digits.reversed().enumerated().reduce(0) { sum, pair in
            let (index, digit) = pair
            guard index % 2 == 1 else { return sum + digit }
            let doubled = digit * 2
            return sum + (doubled > 9 ? doubled - 9 : doubled)
        }
    }
}
