extension FormReader {
    /// An amount in euros (`1 900`, `1 900,50`, `1900.50`), within `range`; nil when empty or
    /// wrong (with a message). `1,900` and `1.900` are refused as ambiguous rather than guessed.
    mutating func amount(_ name: String, _ label: String, range: ClosedRange<Amount>, required: Bool = false) -> Amount? {
        let raw = form[name] ?? ""
        guard !raw.isEmpty else {
            if required { errors.add(name, "Renseignez «\u{00A0}\(label)\u{00A0}».") }
            return nil
        }
        guard let amount = Amount.parse(raw) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» doit être un montant en euros, au centime près, par exemple 1 900 ou 1 900,50.")
            return nil
        }
        guard range.contains(amount) else {
            errors.add(name, "«\u{00A0}\(label)\u{00A0}» doit être compris entre \(range.lowerBound.french) et \(range.upperBound.french).")
            return nil
        }
        return amount
    }
}
