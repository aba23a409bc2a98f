import Foundation

/// A job need as typed in the form: every field as text, so that it comes back as typed.
struct JobNeedInput: Sendable {
    var businessID = ""
    var title = ""
    /// The job as typed: a usual title of the ROME referential or a code (`JobTitles`).
    var job = ""
    var description = ""
    var contractKind = ""
    var fullTime = ""
    var hoursPerWeek = "35"
    var positions = "1"
    var wishedStart = ""
    var endDate = ""
    var seasonStart = ""
    var seasonEnd = ""
    var seasonRecurring = false
    var placeInsee = ""
    var placeName = ""
    var payMin = ""
    var payMax = ""
    var skills = ""
    var drivingLicence = false
    var otherLicences = ""
    var certificates = ""
    var experience = ""
    var newlyCreated = ""
    var hardToFill = ""
    var hardToFillReasons: [String] = []
    var hardToFillOther = ""
    var housingOffered = false
    var notes = ""
    var confirmLowPay = false
    var token = FormSubmissions.newToken()
}

/// What a need's form holds, checked: a new need, an edit, or a need read back.
struct JobNeedDetails: Sendable {
    let title: String
    /// The job of the ROME referential: its code, and the usual title picked if any
    /// (`JobTitles.read`, once the rest of the form is read).
    var romeCode: String?
    let description: String
    let contractKind: ContractKind
    let fullTime: Bool
    let hoursPerWeek: Double
    let positions: Int
    let wishedStart: Day
    let endDate: Day?
    let seasonStart: Day?
    let seasonEnd: Day?
    let seasonRecurring: Bool
    let placeInsee: String?
    let placeName: String
    let payMin: Amount?
    let payMax: Amount?
    let skills: String
    let drivingLicence: Bool
    let otherLicences: String
    let certificates: String
    let experience: String
    let newlyCreated: Bool
    let hardToFill: Bool
    let hardToFillReasons: [HardToFillReason]
    let hardToFillOther: String
    let housingOffered: Bool
    let notes: String
    /// The usual title picked with `romeCode`, if any.
    var appellationID: Int32? = nil
}

/// The rules of the job-need form, checked on the server.
enum JobNeedForm {
    static let longText = 5000

    /// Reads and checks the form. `isNew`: dates may not be in the past. A full-time pay is
    /// checked against the SMIC in force on the wished start (`minimumWages`).
    static func read(_ form: FormData, today: Day, isNew: Bool, minimumWages: MinimumWages) -> (JobNeedInput, JobNeedDetails?, FormErrors) {
        var input = JobNeedInput()
        input.businessID = form["business_id"] ?? ""
        input.title = form["title"] ?? ""
        input.job = form["job"] ?? ""
        input.description = form["description"] ?? ""
        input.contractKind = form["contract_kind"] ?? ""
        input.fullTime = form["full_time"] ?? ""
        input.hoursPerWeek = form["hours_per_week"] ?? ""
        input.positions = form["positions"] ?? ""
        input.wishedStart = form["wished_start"] ?? ""
        input.endDate = form["end_date"] ?? ""
        input.seasonStart = form["season_start"] ?? ""
        input.seasonEnd = form["season_end"] ?? ""
        input.placeInsee = form["place_insee"] ?? ""
        input.placeName = form["place_name"] ?? ""
        input.payMin = form["pay_min"] ?? ""
        input.payMax = form["pay_max"] ?? ""
        input.skills = form["skills"] ?? ""
        input.otherLicences = form["other_licences"] ?? ""
        input.certificates = form["certificates"] ?? ""
        input.experience = form["experience"] ?? ""
        input.newlyCreated = form["newly_created"] ?? ""
        input.hardToFill = form["hard_to_fill"] ?? ""
        input.hardToFillReasons = form.values("hard_to_fill_reasons")
        input.hardToFillOther = form["hard_to_fill_other"] ?? ""
        input.notes = form["notes"] ?? ""
        input.token = form["_form"] ?? input.token

        var reader = FormReader(form)
        input.seasonRecurring = reader.flag("season_recurring")
        input.drivingLicence = reader.flag("driving_licence")
        input.housingOffered = reader.flag("housing_offered")
        input.confirmLowPay = reader.flag("confirm_low_pay")

        let title = reader.text("title", "Intitulé du poste", required: true, max: 150)
        let description = reader.text("description", "Description du poste", required: true, max: longText)
        let contract = reader.choice("contract_kind", "Type de contrat", as: ContractKind.self)
        let fullTime: Bool?
        switch input.fullTime {
        case "oui": fullTime = true
        case "non": fullTime = false
        default:
            reader.errors.add("full_time", "Indiquez s'il s'agit d'un temps plein ou d'un temps partiel.")
            fullTime = nil
        }
        var hours = reader.decimal("hours_per_week", "Heures par semaine", range: 1...48, required: true)
        if fullTime == true && hours == nil && input.hoursPerWeek.isEmpty { hours = 35 }
        if fullTime == false, let value = hours, value >= 35 {
            reader.errors.add("hours_per_week", "Un temps partiel compte moins de 35 heures par semaine.")
        }
        let positions = reader.integer("positions", "Nombre de postes", range: 1...50, required: true)
        let start = reader.day("wished_start", "Date de début souhaitée", required: true, range: today.within(yearsBack: 30, yearsAhead: 3))
        var end = reader.day("end_date", "Date de fin", range: today.within(yearsBack: 30, yearsAhead: 13))
        let seasonStart = reader.day("season_start", "Début de la saison", range: today.within(yearsBack: 30, yearsAhead: 3))
        let seasonEnd = reader.day("season_end", "Fin de la saison", range: today.within(yearsBack: 30, yearsAhead: 4))
        let placeInsee = reader.formatted("place_insee", "Code INSEE de la commune", pattern: "[0-9][0-9AB][0-9]{3}", example: "46042")?.uppercased()
        let placeName = reader.text("place_name", "Lieu de travail (commune)", required: true, max: 100)
        let payMin = reader.amount("pay_min", "Salaire brut mensuel minimum", range: Amount(euros: 0)...Amount(euros: 30000))
        let payMax = reader.amount("pay_max", "Salaire brut mensuel maximum", range: Amount(euros: 0)...Amount(euros: 30000))
        let skills = reader.text("skills", "Compétences", max: longText)
        let otherLicences = reader.text("other_licences", "Autres permis et habilitations", max: 1000)
        let certificates = reader.text("certificates", "Diplômes, certificats", max: 1000)
        let experience = reader.text("experience", "Expérience", max: 1000)
        let newlyCreated: Bool?
        switch input.newlyCreated {
        case "creation": newlyCreated = true
        case "remplacement": newlyCreated = false
        default:
            reader.errors.add("newly_created", "Indiquez si le poste est une création ou un remplacement.")
            newlyCreated = nil
        }
        let hardToFill = reader.yesNo("hard_to_fill", "Poste difficile à pourvoir")
        let reasons = reader.choices("hard_to_fill_reasons", "Raisons de la difficulté", as: HardToFillReason.self)
        let reasonOther = reader.text("hard_to_fill_other", "Autre raison", max: 500)
        let notes = reader.text("notes", "Remarques pour les conseillers", max: longText)

        // Rules that tie fields together.
        if let start, isNew, start < today {
            reader.errors.add("wished_start", "La date de début souhaitée ne peut pas être passée.")
        }
        if let contract {
            switch contract.endDate {
            case .required where end == nil && input.endDate.isEmpty:
                reader.errors.add("end_date", "Un \(contract.label) a une date de fin : renseignez-la.")
            case .none where end != nil:
                reader.errors.add("end_date", "Un \(contract.label) n'a pas de date de fin : laissez ce champ vide.")
                end = nil
            default: break
            }
            if contract == .seasonalCDD && (seasonStart == nil || seasonEnd == nil) {
                if input.seasonStart.isEmpty { reader.errors.add("season_start", "Un CDD saisonnier demande le premier jour de la saison.") }
                if input.seasonEnd.isEmpty { reader.errors.add("season_end", "Un CDD saisonnier demande le dernier jour de la saison.") }
            }
            // The SMIC of the first day of work (today's when that day is not known yet).
            if let minimum = payMin, fullTime == true, !contract.allowsPayBelowMinimumWage,
                minimum < Amount(cents: minimumWages.monthlyGrossCents(on: start ?? today)), !input.confirmLowPay
            {
                reader.errors.add(
                    "pay_min",
                    "Pour un temps plein, le salaire ne peut pas être inférieur au SMIC en vigueur au \((start ?? today).french) (\(minimumWages.monthlyGrossText(on: start ?? today)) brut par mois). Corrigez-le, ou cochez la case de confirmation si c'est voulu.")
            }
        }
        if let start, let endDay = end, endDay < start {
            reader.errors.add("end_date", "La date de fin doit suivre la date de début.")
        }
        if let first = seasonStart, let last = seasonEnd, last < first {
            reader.errors.add("season_end", "La fin de la saison doit suivre son début.")
        }
        if (seasonStart == nil) != (seasonEnd == nil) && reader.errors["season_start"] == nil && reader.errors["season_end"] == nil {
            reader.errors.add(seasonStart == nil ? "season_start" : "season_end", "Renseignez les deux dates de la saison, ou aucune.")
        }
        if let low = payMin, let high = payMax, low > high {
            reader.errors.add("pay_max", "Le salaire maximum doit être supérieur ou égal au minimum.")
        }
        if hardToFill == true && reasons.isEmpty {
            reader.errors.add("hard_to_fill_reasons", "Indiquez au moins une raison de la difficulté.")
        }
        if reasons.contains(.other) && reasonOther.isEmpty {
            reader.errors.add("hard_to_fill_other", "Précisez l'autre raison.")
        }

        guard reader.errors.isEmpty, let contract, let fullTime, let hours, let positions, let start,
            let newlyCreated, let hardToFill
        else { return (input, nil, reader.errors) }
        let draft = JobNeedDetails(
            title: title, romeCode: nil, description: description, contractKind: contract, fullTime: fullTime,
            hoursPerWeek: hours, positions: positions, wishedStart: start, endDate: end, seasonStart: seasonStart,
            seasonEnd: seasonEnd, seasonRecurring: seasonStart != nil && input.seasonRecurring, placeInsee: placeInsee,
            placeName: placeName, payMin: payMin, payMax: payMax, skills: skills, drivingLicence: input.drivingLicence,
            otherLicences: otherLicences, certificates: certificates, experience: experience, newlyCreated: newlyCreated,
            hardToFill: hardToFill, hardToFillReasons: hardToFill ? reasons : [], hardToFillOther: hardToFill ? reasonOther : "",
            housingOffered: input.housingOffered, notes: notes)
        return (input, draft, reader.errors)
    }
}

extension JobNeedInput {
    /// The form of an existing need, as it stands.
    init(_ need: JobNeedRecord) {
        self.businessID = String(need.businessID)
        self.title = need.title
        self.job = need.job?.typed ?? need.romeCode ?? ""
        self.description = need.description
        self.contractKind = need.contractKind.rawValue
        self.fullTime = need.fullTime ? "oui" : "non"
        self.hoursPerWeek = Formats.hours(need.hoursPerWeek)
        self.positions = String(need.positions)
        self.wishedStart = need.wishedStart.iso
        self.endDate = need.endDate?.iso ?? ""
        self.seasonStart = need.seasonStart?.iso ?? ""
        self.seasonEnd = need.seasonEnd?.iso ?? ""
        self.seasonRecurring = need.seasonRecurring
        self.placeInsee = need.placeInsee ?? ""
        self.placeName = need.placeName
        self.payMin = need.payMin?.field ?? ""
        self.payMax = need.payMax?.field ?? ""
        self.skills = need.skills
        self.drivingLicence = need.drivingLicence
        self.otherLicences = need.otherLicences
        self.certificates = need.certificates
        self.experience = need.experience
        self.newlyCreated = need.newlyCreated ? "creation" : "remplacement"
        self.hardToFill = need.hardToFill ? "oui" : "non"
        self.hardToFillReasons = need.hardToFillReasons.map(\.rawValue)
        self.hardToFillOther = need.hardToFillOther
        self.housingOffered = need.housingOffered
        self.notes = need.notes
        self.confirmLowPay = true
    }
}
