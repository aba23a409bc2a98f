/// Where an application stands. The moves allowed are one table; rejecting and withdrawing
/// are possible from any open stage; "hired" is reached only through the hire form.
enum ApplicationStage: String, CaseIterable, Sendable {
    case sourced, screening, presented, interview, offer, hired, rejected, withdrawn

    var label: String {
        switch self {
        case .sourced: "Repéré"
        case .screening: "Présélection"
        case .presented: "Présenté à l'employeur"
        case .interview: "Entretien"
        case .offer: "Proposition"
        case .hired: "Recruté"
        case .rejected: "Non retenu"
        case .withdrawn: "Désisté"
        }
    }

    /// The columns of the board, in order.
    static let board: [ApplicationStage] = [.sourced, .screening, .presented, .interview, .offer, .hired]

    var isOpen: Bool { ![.hired, .rejected, .withdrawn].contains(self) }

    static let transitions: [ApplicationStage: [ApplicationStage]] = [
        .sourced: [.screening, .presented],
        .screening: [.sourced, .presented],
        .presented: [.screening, .interview],
        .interview: [.presented, .offer],
        .offer: [.interview],
        .hired: [],
        .rejected: [],
        .withdrawn: [],
    ]

    static func canMove(from: ApplicationStage, to: ApplicationStage) -> Bool {
        if to == .rejected || to == .withdrawn { return from.isOpen }
        return transitions[from]?.contains(to) ?? false
    }
}

/// The default reasons an application ends, until a centre edits its list.
enum DefaultRejectionReasons {
    static let labels = [
        "Profil", "Disponibilité", "Mobilité", "Rémunération", "Refus du candidat", "Refus de l'employeur", "Sans réponse", "Recruté ailleurs",
    ]
}
