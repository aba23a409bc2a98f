import Foundation
import PostgresNIO

/// Where a candidate came from.
enum CandidateSource: String, CaseIterable, Sendable, PostgresDecodable {
    case franceTravail = "france_travail"
    case missionLocale = "mission_locale"
    case capEmploi = "cap_emploi"
    case spontaneous, referral
    case jobFair = "job_fair"
    case other
    case centreSite = "centre_site"

    var label: String {
        switch self {
        case .franceTravail: "France Travail"
        case .missionLocale: "Mission locale"
        case .capEmploi: "Cap emploi"
        case .spontaneous: "Candidature spontanée"
        case .referral: "Recommandation"
        case .jobFair: "Forum, salon de l'emploi"
        case .other: "Autre"
        case .centreSite: "Site du centre"
        }
    }
}

/// A person of the centre's pool: what the form holds (`details`, read through as
/// `candidate.firstName`…), and what only the centre's work sets.
@dynamicMemberLookup
struct Candidate: Sendable {
    let id: Int64
    var details: CandidateDetails
    let mergedInto: Int64?
    let createdAt: Date
    /// When its identity was erased (the purge, or at the person's request).
    var erasedAt: Date? = nil

    subscript<Value>(dynamicMember field: KeyPath<CandidateDetails, Value>) -> Value { details[keyPath: field] }

    var fullName: String { "\(details.firstName) \(details.lastName)" }

    /// `permis B, véhiculé`, or empty.
    var mobility: String { Candidate.mobility(licence: details.drivingLicence, vehicle: details.ownVehicle) }

    static func mobility(licence: Bool, vehicle: Bool) -> String {
        [licence ? "permis B" : nil, vehicle ? "véhiculé" : nil].compactMap { $0 }.joined(separator: ", ")
    }
}

/// A line of a candidate record's history.
struct CandidateEvent: Sendable {
    enum Kind: String, CaseIterable, Sendable, PostgresDecodable {
        case created, edited, document, merged
        case mergedInto = "merged_into"
        case applied
        /// The person's answer to a question the centre sent by e-mail (consent, staying).
        case answered
    }

    let at: Date
    let who: String
    let kind: Kind
    let detail: String

    /// As the record's history says it.
    var description: String {
        switch kind {
        case .created: "Fiche créée"
        case .edited: detail.isEmpty ? "Fiche modifiée" : "Fiche modifiée \(detail)"
        case .document: "Document ajouté : \(detail)"
        case .merged, .mergedInto: "Fusion : \(detail)"
        case .applied: "Candidature reçue par le site du centre : \(detail)"
        case .answered: "Réponse de la personne, par le lien de l'e-mail du centre : elle \(detail)"
        }
    }
}

/// What a candidate's form holds, checked: a new record, an edit, or a record read back.
struct CandidateDetails: Sendable {
    let firstName: String
    let lastName: String
    let email: String?
    let phone: String?
    let communeInsee: String?
    let communeName: String
    let birthDate: Day?
    let drivingLicence: Bool
    let ownVehicle: Bool
    let travelKm: Int?
    let skills: String
    let experience: String
    let availableFrom: Day?
    let seasonalWindows: String
    let wishedContracts: [ContractKind]
    let source: CandidateSource
    let notes: String
    let consentAt: Day?
    let consentScope: String
    let purgeAfter: Day
    /// The jobs looked for, in the referential's words, and the seasons free (`CandidateSeasons`).
    var jobs: [RomeJob] = []
    var windows: [AvailabilityWindow] = []
}

/// The candidate form as typed.
struct CandidateInput: Sendable {
    var firstName = ""
    var lastName = ""
    var email = ""
    var phone = ""
    var communeInsee = ""
    var communeName = ""
    var birthDate = ""
    var drivingLicence = false
    var ownVehicle = false
    var travelKm = ""
    var skills = ""
    var experience = ""
    var availableFrom = ""
    var seasonalWindows = ""
    var wishedContracts: [String] = []
    var source = ""
    var notes = ""
    var consentAt = ""
    var consentScope = ""
    var purgeAfter = ""
    /// The three job fields and the three windows' rows, as typed.
    var jobs = Array(repeating: "", count: CandidateSeasons.rows.count)
    var windows = Array(repeating: AvailabilityWindowInput(), count: CandidateSeasons.rows.count)
    var confirmDuplicate = false
    var token = FormSubmissions.newToken()

    init() {}

    init(_ candidate: Candidate) {
        firstName = candidate.firstName
        lastName = candidate.lastName
        email = candidate.email ?? ""
        phone = candidate.phone ?? ""
        communeInsee = candidate.communeInsee ?? ""
        communeName = candidate.communeName
        birthDate = candidate.birthDate?.iso ?? ""
        drivingLicence = candidate.drivingLicence
        ownVehicle = candidate.ownVehicle
        travelKm = candidate.travelKm.map(String.init) ?? ""
        skills = candidate.skills
        experience = candidate.experience
        availableFrom = candidate.availableFrom?.iso ?? ""
        seasonalWindows = candidate.seasonalWindows
        wishedContracts = candidate.wishedContracts.map(\.rawValue)
        source = candidate.source.rawValue
        notes = candidate.notes
        consentAt = candidate.consentAt?.iso ?? ""
        consentScope = candidate.consentScope
        purgeAfter = candidate.purgeAfter.iso
        for (index, job) in candidate.jobs.prefix(jobs.count).enumerated() { jobs[index] = job.typed }
        for (index, window) in candidate.windows.prefix(windows.count).enumerated() {
            windows[index] = AvailabilityWindowInput(starts: window.starts.iso, ends: window.ends.iso, everyYear: window.everyYear)
        }
    }
}

/// The rules of the candidate form. Without consent, a record is kept three months
/// (to explain a decision); with it, up to two years after the consent (CNIL).
enum CandidateForm {
    /// `keptUntil`: the record's own date, which the person's last contact may have moved beyond
    /// what the consent's date alone allows (`PrivacyRepository.contact`): it stays allowed.
    static func read(_ form: FormData, today: Day, keptUntil: Day? = nil) -> (CandidateInput, CandidateDetails?, FormErrors) {
        var input = CandidateInput()
        input.firstName = form["first_name"] ?? ""
        input.lastName = form["last_name"] ?? ""
        input.email = form["email"] ?? ""
        input.phone = form["phone"] ?? ""
        input.communeInsee = form["commune_insee"] ?? ""
        input.communeName = form["commune_name"] ?? ""
        input.birthDate = form["birth_date"] ?? ""
        input.travelKm = form["travel_km"] ?? ""
        input.skills = form["skills"] ?? ""
        input.experience = form["experience"] ?? ""
        input.availableFrom = form["available_from"] ?? ""
        input.seasonalWindows = form["seasonal_windows"] ?? ""
        input.wishedContracts = form.values("wished_contracts")
        input.source = form["source"] ?? ""
        input.notes = form["notes"] ?? ""
        input.consentAt = form["consent_at"] ?? ""
        input.consentScope = form["consent_scope"] ?? ""
        input.purgeAfter = form["purge_after"] ?? ""
        input.token = form["_form"] ?? input.token
        input.jobs = CandidateSeasons.rows.map { form[CandidateSeasons.jobField($0)] ?? "" }
        var reader = FormReader(form)
        let seasons: [AvailabilityWindow]
        (input.windows, seasons) = CandidateSeasons.readWindows(&reader, today: today)
        input.drivingLicence = reader.flag("driving_licence")
        input.ownVehicle = reader.flag("own_vehicle")
        input.confirmDuplicate = reader.flag("confirm_duplicate")

        let first = reader.text("first_name", "Prénom", required: true, max: 100)
        let last = reader.text("last_name", "Nom", required: true, max: 100)
        let email = reader.email("email", "Adresse e-mail")
        let phone = reader.formatted("phone", "Téléphone", pattern: "\\+?[0-9][0-9 .-]{8,18}[0-9]", example: "06 12 34 56 78")
        let insee = reader.formatted("commune_insee", "Code INSEE de la commune", pattern: "[0-9][0-9AB][0-9]{3}", example: "46042")?.uppercased()
        let commune = reader.text("commune_name", "Commune", required: true, max: 100)
        let birth = reader.day("birth_date", "Date de naissance")
        let travel = reader.integer("travel_km", "Distance acceptée (km)", range: 0...500)
        let skills = reader.personalText("skills", "Compétences", max: 5000)
        let experience = reader.personalText("experience", "Expérience", max: 5000)
        let available = reader.day("available_from", "Disponible à partir du", range: today.within(yearsBack: 30, yearsAhead: 3))
        let windows = reader.personalText("seasonal_windows", "Disponibilités saisonnières", max: 500)
        let contracts = reader.choices("wished_contracts", "Contrats souhaités", as: ContractKind.self)
        let source = reader.choice("source", "Origine", as: CandidateSource.self)
        let notes = reader.personalText("notes", "Notes", max: 5000)
        let consent = reader.day("consent_at", "Date du consentement")
        let scope = reader.text("consent_scope", "Portée du consentement", max: 500)
        var purge = reader.day("purge_after", "À supprimer après le")
        if email == nil && phone == nil && reader.errors["email"] == nil && reader.errors["phone"] == nil {
            reader.errors.add("email", "Renseignez au moins une adresse e-mail ou un téléphone pour recontacter la personne.")
        }
        if let birth {
            if birth > today { reader.errors.add("birth_date", "La date de naissance ne peut pas être dans le futur.") }
            else if birth.year < today.year - 100 { reader.errors.add("birth_date", "Vérifiez l'année de naissance.") }
        }
        if let consent, consent > today { reader.errors.add("consent_at", "Le consentement ne peut pas être daté dans le futur.") }
        if consent != nil && scope.isEmpty { reader.errors.add("consent_scope", "Précisez à quoi la personne a consenti (par exemple : être proposée pour d'autres postes).") }
        // The longest the record may be kept: two years after consent, three months otherwise.
        let rule = consent.map { Retention.limit(from: $0, consent: true) } ?? Retention.limit(from: today, consent: false)
        let limit = consent == nil ? rule : max(rule, keptUntil ?? rule)
        if purge == nil { purge = limit }
        if let chosen = purge, chosen < today {
            reader.errors.add("purge_after", "La date de suppression ne peut pas être passée : un dossier à supprimer se supprime, il ne s'enregistre pas.")
        } else if let chosen = purge, chosen > limit {
            reader.errors.add("purge_after", consent == nil
                ? "Sans consentement, le dossier ne peut pas être gardé plus de trois mois (jusqu'au \(limit.french) au plus tard)."
                : "Le dossier ne peut pas être gardé plus de deux ans après le consentement (jusqu'au \(limit.french) au plus tard).")
        }
        guard reader.errors.isEmpty, let source, let purge else { return (input, nil, reader.errors) }
        var details = CandidateDetails(
            firstName: first, lastName: last, email: email, phone: phone, communeInsee: insee, communeName: commune, birthDate: birth,
            drivingLicence: input.drivingLicence, ownVehicle: input.ownVehicle, travelKm: travel, skills: skills, experience: experience,
            availableFrom: available, seasonalWindows: windows, wishedContracts: contracts, source: source, notes: notes,
            consentAt: consent, consentScope: scope, purgeAfter: purge)
        details.windows = seasons
        return (input, details, reader.errors)
    }

}
