import Foundation

/// French typography for what we write: elision before a name, guillemets with their
/// no-break spaces. Numbers and amounts are `Formats`' (thousands by a narrow no-break space,
/// a no-break space before `€`). The house writes the straight apostrophe (`'`) everywhere.
enum French {
    /// The no-break space inside guillemets and before `€`.
    static let noBreakSpace = "\u{00A0}"

    /// `de ` or `d'`, as it goes before `name`: "d'Anaïs", "d'Hélène", "de Sarah".
    /// Elided before a vowel or a mute h (first names with an aspirated h are rare).
    static func de(_ name: String) -> String {
        guard let first = name.trimmingCharacters(in: .whitespaces).first else { return "de " }
        let folded = String(first).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        return "aeiouyhœæ".contains(folded) && !startsWithConsonantY(name) ? "d'" : "de "
    }

    /// `name` after "de", elided: "d'Anaïs".
    static func of(_ name: String) -> String { de(name) + name }

    /// `« text »`, with no-break spaces inside.
    static func quoted(_ text: String) -> String { "«" + noBreakSpace + text + noBreakSpace + "»" }

    /// "Yann", "Yasmine": a y before a vowel is a consonant ("de Yann"); "Yves" keeps elision.
    private static func startsWithConsonantY(_ name: String) -> Bool {
        let letters = Array(name.trimmingCharacters(in: .whitespaces).lowercased().prefix(2))
        guard letters.count == 2, letters[0] == "y" else { return false }
        return "aeiouéèêàâôîû".contains(letters[1])
    }
}
