import Foundation

/// What looks like a French social-security number (NIR): 13 characters — sex 1, 2, 7 or 8, year,
/// month, department (2A and 2B for Corsica), commune, order — and a 2-digit key, with or without
/// spaces, dots or dashes between the groups. Recruitment must not collect it (CNIL), so a free
/// text about a person that holds one is refused. The key is checked (97 less the 13 digits
/// modulo 97, Corsica's 2A and 2B counted as 19 and 18): a phone number or a reference of 15
/// digits is one chance in 97 to pass it, and must also fit the groups' shape.
enum SocialSecurityNumber {
    /// Whether `text` holds such a number, written as one piece or in groups.
    static func appears(in text: String) -> Bool {
        // Pieces between spaces (no-break ones too), dots and dashes; a run of numeric pieces
        // may hold the number as any of its stretches.
        let pieces = text.split(whereSeparator: { $0.isWhitespace || $0 == "." || $0 == "-" || $0 == "/" })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",;:()[]«»\"'")) }
        var run: [String] = []
        for piece in pieces + [""] {
            if isNumeric(piece) {
                run.append(piece.uppercased())
                continue
            }
            if found(in: run) { return true }
            run = []
        }
        return false
    }

    private static func isNumeric(_ piece: String) -> Bool {
        !piece.isEmpty && piece.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "ABab".unicodeScalars.contains($0) }
            && piece.unicodeScalars.contains { ("0"..."9").contains($0) }
    }

    private static func found(in run: [String]) -> Bool {
        for start in run.indices {
            var joined = ""
            for piece in run[start...] {
                joined += piece
                if joined.count > 15 { break }
                if joined.count == 15 && isNIR(joined) { return true }
            }
        }
        return false
    }

    /// `value`: 15 characters, upper case.
    static func isNIR(_ value: String) -> Bool {
        let characters = Array(value)
        guard characters.count == 15, "1278".contains(characters[0]) else { return false }
        let department = String(characters[5...6])
        let digitsOnly = { (slice: ArraySlice<Character>) in slice.allSatisfy(\.isASCIIDigitCharacter) }
        guard digitsOnly(characters[0...4]), digitsOnly(characters[7...14]) else { return false }
        guard let month = Int(String(characters[3...4])), (1...12).contains(month) || month == 20 || (30...42).contains(month) || (50...99).contains(month)
        else { return false }
        let numeric: String
        switch department {
        case "2A": numeric = String(characters[0...4]) + "19" + String(characters[7...12])
        case "2B": numeric = String(characters[0...4]) + "18" + String(characters[7...12])
        default:
            guard digitsOnly(characters[5...6]) else { return false }
            numeric = String(characters[0...12])
        }
        guard let number = Int64(numeric), let key = Int64(String(characters[13...14])) else { return false }
        return key == 97 - number % 97
    }

    /// The message beside the field that held one.
    static func refusal(_ label: String) -> String {
        "«\u{00A0}\(label)\u{00A0}» contient ce qui ressemble à un numéro de sécurité sociale. Un recrutement ne doit pas le recueillir (CNIL) : retirez-le avant d'enregistrer. Il ne sera demandé, par l'employeur, qu'à l'embauche."
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension FormReader {
    /// A free text about a person (notes, comments, a message): `text`, refused when it holds
    /// what looks like a social-security number (`SocialSecurityNumber`).
    mutating func personalText(_ name: String, _ label: String, required: Bool = false, max: Int = 200) -> String {
        let value = text(name, label, required: required, max: max)
        if errors[name] == nil, SocialSecurityNumber.appears(in: value) { errors.add(name, SocialSecurityNumber.refusal(label)) }
        return value
    }
}
