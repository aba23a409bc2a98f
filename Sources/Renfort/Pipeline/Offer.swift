import PostgresNIO

/// An offer made to a candidate.
struct Offer: Sendable {
    enum Status: String, CaseIterable, Sendable, PostgresDecodable {
        case pending, accepted, declined
    }

    let id: Int64
    let contractKind: ContractKind
    let startDate: Day
    let endDate: Day?
    let hoursPerWeek: Double
    let grossPay: Amount?
    let status: Status
    let declineReason: String?

    /// `CDI à partir du 01/12/2026, 35 h/semaine, 1 900 € brut par mois`.
    var summary: String {
        "\(contractKind.label) à partir du \(startDate.french)" + (endDate.map { " jusqu'au \($0.french)" } ?? "")
            + ", \(Formats.hours(hoursPerWeek)) h/semaine" + (grossPay.map { ", \($0.french) brut par mois" } ?? "")
    }

    var statusLabel: String {
        switch status {
        case .pending: "en attente de réponse"
        case .accepted: "acceptée"
        case .declined: "refusée : \(declineReason ?? "")"
        }
    }
}

/// What an employer answered about a candidate presented to them.
enum EmployerAnswer: String, CaseIterable, Sendable, PostgresDecodable {
    case interview, declined

    /// As the employer's own page says it.
    var label: String {
        switch self {
        case .interview: "Entretien souhaité"
        case .declined: "Non retenu"
        }
    }

    /// As the need's list of presented candidates says it.
    var presentedLabel: String {
        switch self {
        case .interview: "entretien souhaité"
        case .declined: "non retenu"
        }
    }

    /// As the adviser's board says it.
    var boardLabel: String {
        switch self {
        case .interview: "L'employeur veut un entretien"
        case .declined: "Non retenu par l'employeur"
        }
    }
}
