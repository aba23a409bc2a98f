import PostgresNIO

/// What a person is told of. Each kind has its audience (employers of the business, or the
/// centre's advisers), a default delivery, and whether it may be muted.
enum NotificationKind: String, CaseIterable, Sendable, PostgresDecodable {
    // Employers of the need's business.
    case candidatesPresented = "candidates_presented"
    case interviewScheduled = "interview_scheduled"
    case hireRecorded = "hire_recorded"
    case needQualified = "need_qualified"
    /// An adviser wrote to the employer on their need (a comment shared with them): it waits for their answer.
    case needQuestion = "need_question"
    // Advisers: the one in charge of the need, else every adviser of the centre.
    case newNeed = "new_need"
    case joinRequest = "join_request"
    case employerAnswer = "employer_answer"
    /// Someone applied to a published offer from the centre's site.
    case siteApplication = "site_application"
    /// An employer tells the centre that a hire goes wrong: always sent at once.
    case employerAlert = "employer_alert"

    var label: String {
        switch self {
        case .candidatesPresented: "Des candidats vous sont présentés"
        case .interviewScheduled: "Un entretien est prévu (avec l'invitation pour votre agenda)"
        case .hireRecorded: "Une embauche est enregistrée"
        case .needQualified: "Votre besoin est qualifié par le centre"
        case .needQuestion: "Le centre vous écrit au sujet d'un besoin et attend votre réponse"
        case .newNeed: "Un employeur dépose un besoin"
        case .joinRequest: "Une entreprise demande à adhérer"
        case .employerAnswer: "Un employeur répond sur un candidat présenté"
        case .siteApplication: "Une personne postule à une offre depuis le site du centre"
        case .employerAlert: "Un employeur signale qu'une embauche se passe mal"
        }
    }

    /// The digest's heading for this kind's lines.
    var digestHeading: String {
        switch self {
        case .candidatesPresented: "Candidats présentés"
        case .interviewScheduled: "Entretiens prévus"
        case .hireRecorded: "Embauches enregistrées"
        case .needQualified: "Besoins qualifiés"
        case .needQuestion: "Messages du centre qui attendent votre réponse"
        case .newNeed: "Nouveaux besoins"
        case .joinRequest: "Demandes d'adhésion"
        case .employerAnswer: "Réponses des employeurs"
        case .siteApplication: "Candidatures reçues par le site"
        case .employerAlert: "Alertes des employeurs"
        }
    }

    /// Who receives it.
    var audience: Role {
        switch self {
        case .candidatesPresented, .interviewScheduled, .hireRecorded, .needQualified, .needQuestion: .employer
        case .newNeed, .joinRequest, .employerAnswer, .siteApplication, .employerAlert: .adviser
        }
    }

    /// What a person gets until they choose.
    var defaultDelivery: NotificationDelivery {
        switch self {
        case .needQualified, .joinRequest: .digest
        default: .immediate
        }
    }

    /// The outbox's `kind` of its messages (the alert keeps the name it had before notifications).
    var outboxKind: String { self == .employerAlert ? "employer-alert" : "notification-\(rawValue)" }

    /// The employer's alert cannot wait nor be silenced.
    var mayBeMuted: Bool { self != .employerAlert }

    static func kinds(for role: Role) -> [NotificationKind] { allCases.filter { $0.audience == role } }
}

/// How a person is told of one kind.
enum NotificationDelivery: String, CaseIterable, Sendable, PostgresDecodable {
    case immediate, digest, never

    var label: String {
        switch self {
        case .immediate: "À chaque fois"
        case .digest: "Dans un récapitulatif quotidien"
        case .never: "Jamais"
        }
    }
}
