import PostgresNIO
import Foundation

/// The kinds of contract a job need can ask for.
enum ContractKind: String, CaseIterable, Sendable, PostgresDecodable {
    case cdi, cdd
    case seasonalCDD = "seasonal_cdd"
    case apprenticeship, professionalisation, temporary
    case sharedTime = "shared_time"

    var label: String {
        switch self {
        case .cdi: "CDI"
        case .cdd: "CDD"
        case .seasonalCDD: "CDD saisonnier"
        case .apprenticeship: "Contrat d'apprentissage"
        case .professionalisation: "Contrat de professionnalisation"
        case .temporary: "Intérim"
        case .sharedTime: "Temps partagé (groupement d'employeurs)"
        }
    }

    /// An end date is required (fixed-term), allowed, or meaningless (permanent).
    enum EndDate { case required, optional, none }

    var endDate: EndDate {
        switch self {
        case .cdd, .seasonalCDD, .temporary: .required
        case .apprenticeship, .professionalisation: .optional
        case .cdi, .sharedTime: .none
        }
    }

    /// Pay may legally be below the minimum wage (apprentices, professionalisation contracts).
    var allowsPayBelowMinimumWage: Bool { self == .apprenticeship || self == .professionalisation }
}

/// Why a need is hard to fill.
enum HardToFillReason: String, CaseIterable, Sendable {
    case rareSkill = "rare_skill"
    case transport, hours, seasonality, housing, pay, other

    var label: String {
        switch self {
        case .rareSkill: "Compétence rare"
        case .transport: "Accès, transport"
        case .hours: "Horaires"
        case .seasonality: "Saisonnalité"
        case .housing: "Logement"
        case .pay: "Rémunération"
        case .other: "Autre"
        }
    }
}

/// Where a need stands. The moves allowed are the table below; the database keeps the history.
enum NeedStatus: String, CaseIterable, Sendable, PostgresDecodable {
    case submitted, qualified, sourcing, filled
    case partlyFilled = "partly_filled"
    case closed, cancelled

    /// The badge's class on the pages.
    var cssClass: String { "status status--\(rawValue)" }

    var label: String {
        switch self {
        case .submitted: "Déposé"
        case .qualified: "Qualifié"
        case .sourcing: "En recherche"
        case .filled: "Pourvu"
        case .partlyFilled: "Partiellement pourvu"
        case .closed: "Clos"
        case .cancelled: "Annulé"
        }
    }

    /// Open needs can still be cancelled; the others are done.
    var isOpen: Bool { [.submitted, .qualified, .sourcing, .partlyFilled].contains(self) }

    /// The moves an adviser can make from each state (cancelling goes through its own form,
    /// with a reason, from any open state).
    static let transitions: [NeedStatus: [NeedStatus]] = [
        .submitted: [.qualified],
        .qualified: [.sourcing],
        .sourcing: [.filled, .partlyFilled],
        .partlyFilled: [.sourcing, .filled, .closed],
        .filled: [.closed],
        .closed: [],
        .cancelled: [],
    ]

    /// The moves an adviser can make from this status (cancelling has its own form).
    var moves: [NeedStatus] { Self.transitions[self] ?? [] }

    static func canMove(from: NeedStatus, to: NeedStatus) -> Bool {
        if to == .cancelled { return from.isOpen }
        return transitions[from]?.contains(to) ?? false
    }
}
