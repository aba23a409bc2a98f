import PostgresNIO

/// Where an application stands. It moves only by the named transitions below.
enum ApplicationStage: String, CaseIterable, Sendable, PostgresDecodable {
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

    /// The stages an application can still leave.
    static let open: [ApplicationStage] = [.sourced, .screening, .presented, .interview, .offer]

    var isOpen: Bool { Self.open.contains(self) }

    /// The board's moves from this stage (the stage changes, no form of its own is needed).
    var moves: [ApplicationStage] {
        ApplicationTransition.allCases.filter { $0.isBoardMove && $0.allows(from: self) && $0.target != self }.map(\.target)
    }
}

/// The application's moves, each with the stages it starts from. The same predicate
/// (`allows(from:)`) decides whether a page offers the action and whether the action is done.
enum ApplicationTransition: CaseIterable, Sendable {
    /// Back to the first stage, for a second look.
    case backToSourced
    case screen
    case present
    /// An interview is scheduled (or the application moves to the interview stage).
    case scheduleInterview
    case makeOffer
    case hire
    case reject
    case withdraw
    /// An offer fell through: back to the interview stage.
    case backToInterview

    /// The stages the transition starts from.
    var from: [ApplicationStage] {
        switch self {
        case .backToSourced: [.screening]
        case .screen: [.sourced, .presented]
        case .present: [.sourced, .screening, .interview]
        case .scheduleInterview: [.presented, .interview]
        case .makeOffer: [.interview, .offer]
        case .hire: [.offer]
        case .reject, .withdraw: ApplicationStage.open
        case .backToInterview: [.offer]
        }
    }

    /// The stage it leads to.
    var target: ApplicationStage {
        switch self {
        case .backToSourced: .sourced
        case .screen: .screening
        case .present: .presented
        case .scheduleInterview, .backToInterview: .interview
        case .makeOffer: .offer
        case .hire: .hired
        case .reject: .rejected
        case .withdraw: .withdrawn
        }
    }

    /// Moves made from the board's buttons; the hire and the endings have forms of their own.
    var isBoardMove: Bool { ![.hire, .reject, .withdraw].contains(self) }

    func allows(from stage: ApplicationStage) -> Bool { from.contains(stage) }

    /// The transition that takes an application from `stage` to `target`, if one does.
    static func leading(from stage: ApplicationStage, to target: ApplicationStage) -> ApplicationTransition? {
        allCases.first { $0.target == target && $0.target != stage && $0.allows(from: stage) }
    }
}

/// The default reasons an application ends, until a centre edits its list.
enum DefaultRejectionReasons {
    static let labels = [
        "Profil", "Disponibilité", "Mobilité", "Rémunération", "Refus du candidat", "Refus de l'employeur", "Sans réponse", "Recruté ailleurs",
    ]
}
