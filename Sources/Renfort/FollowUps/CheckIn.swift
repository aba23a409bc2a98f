import Foundation
import PostgresNIO

/// One point of a placement's follow-up: due on a day, done (or closed) once.
struct CheckIn: Sendable {
    let id: Int64
    let label: String
    let dueOn: Day
    let doneOn: Day?
    let status: Status?
    let closed: Bool
    let actions: String?
    /// A contact outside the schedule, recorded as such (`FollowUpRepository.recordUnscheduled`).
    let unscheduled: Bool
    /// The business it is held with when it names one: on a shared post, the member that has
    /// the person then (nil: the hire's own business).
    let heldWith: String?

    static let unscheduledLabel = "Contact hors calendrier"

    /// Who was contacted at a check-in.
    enum Contacted: String, CaseIterable, Sendable, PostgresDecodable {
        case employee, employer, both
        var label: String {
            switch self {
            case .employee: "La personne recrutée"
            case .employer: "L'employeur"
            case .both: "Les deux"
            }
        }
    }

    enum Channel: String, CaseIterable, Sendable, PostgresDecodable {
        case phone, visit, email, centre
        var label: String {
            switch self {
            case .phone: "Téléphone"
            case .visit: "Visite"
            case .email: "E-mail"
            case .centre: "Au centre"
            }
        }
    }

    /// How the employment goes, as the check-in found it.
    enum Status: String, CaseIterable, Sendable, PostgresDecodable {
        case onTrack = "on_track", atRisk = "at_risk", ended
        var label: String {
            switch self {
            case .onTrack: "Tout va bien"
            case .atRisk: "À risque"
            case .ended: "L'emploi a pris fin"
            }
        }
    }

    enum Risk: String, CaseIterable, Sendable, PostgresDecodable {
        case transport, housing, childcare, hours, relations, skills, health, pay, other
        var label: String {
            switch self {
            case .transport: "Transport"
            case .housing: "Logement"
            case .childcare: "Garde d'enfants"
            case .hours: "Horaires"
            case .relations: "Relations au travail"
            case .skills: "Compétences, formation"
            case .health: "Santé"
            case .pay: "Rémunération"
            case .other: "Autre"
            }
        }
    }

    enum ActionKind: String, CaseIterable, Sendable, PostgresDecodable {
        case mobility = "mobility_help", housing = "housing_help", training, mediation, referral
        var label: String {
            switch self {
            case .mobility: "Aide à la mobilité"
            case .housing: "Aide au logement"
            case .training: "Formation"
            case .mediation: "Médiation avec l'employeur"
            case .referral: "Orientation vers un partenaire"
            }
        }
    }
}

/// Why an employment ended.
enum EndReason: String, CaseIterable, Sendable, PostgresDecodable {
    case resignation, dismissal
    case trialByEmployer = "trial_by_employer", trialByEmployee = "trial_by_employee"
    case fixedTermEnd = "fixed_term_end", mutualAgreement = "mutual_agreement", other
    var label: String {
        switch self {
        case .resignation: "Démission"
        case .dismissal: "Licenciement"
        case .trialByEmployer: "Fin de la période d'essai (employeur)"
        case .trialByEmployee: "Fin de la période d'essai (salarié)"
        case .fixedTermEnd: "Fin du contrat à durée déterminée"
        case .mutualAgreement: "Rupture conventionnelle"
        case .other: "Autre"
        }
    }
}

/// What an employer tells the centre about a hire.
struct PlacementAlert: Sendable {
    enum Kind: String, CaseIterable, Sendable, PostgresDecodable {
        /// Something is going wrong.
        case problem
        /// The person has left.
        case left

        var label: String {
            switch self {
            case .problem: "difficulté"
            case .left: "départ"
            }
        }
    }

    let id: Int64
    let kind: Kind
    let message: String
    let createdAt: Date
    let handledAt: Date?
    let handledBy: String?
    /// What the adviser did about it: internal to the centre.
    let handledNote: String?
}
