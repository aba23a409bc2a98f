import Foundation

/// How a message reaches a candidate: by e-mail when they have one; else by SMS when their
/// phone is a French mobile (06, 07, +33 6, +33 7); else not at all.
enum CandidateReach: Sendable, Equatable {
    case email(String)
    case sms(String)
    case none

    static func of(email: String?, phone: String?) -> CandidateReach {
        if let email, !email.isEmpty { return .email(email) }
        if let phone, let mobile = mobile(phone) { return .sms(mobile) }
        return .none
    }

    /// A French mobile number in international form (`+33612345678`), or nil.
    static func mobile(_ phone: String) -> String? {
        var digits = phone.filter { $0.isASCII && $0.isNumber }
        if phone.trimmingCharacters(in: .whitespaces).hasPrefix("+33") || digits.hasPrefix("0033") {
            digits = "0" + digits.dropFirst(digits.hasPrefix("0033") ? 4 : 2)
        }
        guard digits.count == 10, digits.hasPrefix("06") || digits.hasPrefix("07") else { return nil }
        return "+33" + digits.dropFirst()
    }

    var channel: OutboxChannel? {
        switch self {
        case .email: .email
        case .sms: .sms
        case .none: nil
        }
    }

    var address: String? {
        switch self {
        case .email(let address), .sms(let address): address
        case .none: nil
        }
    }

    /// "par e-mail (camille@example.org)", as the forms say it.
    var phrase: String {
        switch self {
        case .email(let address): "par e-mail (\(address))"
        case .sms(let number): "par SMS (\(number))"
        case .none: "ni e-mail ni téléphone mobile"
        }
    }
}
