import Foundation

/// A need as the centre publishes it (`published_offers`): what the public reads, apart from
/// the need's internal description and notes.
struct PublishedOffer: Sendable {
    let id: Int64
    let needID: Int64
    let details: OfferDetails
    let publishedAt: Date
    let updatedAt: Date
    let unpublishedAt: Date?
    /// The need's status: an offer is open only while its need is.
    let needStatus: NeedStatus
    /// The business's name, read only when the offer names it.
    let businessName: String?
    /// The need's pay range, as the need has it (public: the pay is part of an offer).
    let payMin: Amount?
    let payMax: Amount?
    let placeInsee: String?
    let fullTime: Bool
    let hoursPerWeek: Double

    /// Published, its need open, its closing date not past: it takes applications.
    func isOpen(today: Day) -> Bool {
        unpublishedAt == nil && needStatus.isOpen && details.validThrough >= today
    }
}

/// What the publish form holds, checked.
struct OfferDetails: Sendable {
    let title: String
    let body: String
    let businessNamed: Bool
    let placeName: String
    let contractKind: ContractKind
    let startsOn: Day
    let endsOn: Day?
    let validThrough: Day
}

/// The publish form as typed.
struct OfferInput: Sendable {
    var title = ""
    var body = ""
    var businessNamed = false
    var placeName = ""
    var contractKind = ""
    var startsOn = ""
    var endsOn = ""
    var validThrough = ""
    var token = FormSubmissions.newToken()

    init() {}

    /// The form as it starts: the offer as published, or else the need's title, place, contract
    /// and dates (its description is internal: the public text starts empty).
    init(offer: PublishedOffer?, need: JobNeedRecord, today: Day) {
        if let offer {
            let details = offer.details
            title = details.title
            body = details.body
            businessNamed = details.businessNamed
            placeName = details.placeName
            contractKind = details.contractKind.rawValue
            startsOn = details.startsOn.iso
            endsOn = details.endsOn?.iso ?? ""
            validThrough = max(details.validThrough, today).iso
        } else {
            title = need.title
            placeName = need.placeName
            contractKind = need.contractKind.rawValue
            startsOn = max(need.wishedStart, today).iso
            endsOn = need.endDate.map { max($0, today).iso } ?? ""
            validThrough = today.adding(days: OfferForm.defaultDays).iso
        }
    }
}

/// The rules of the publish form.
enum OfferForm {
    /// An offer is open this many days unless the adviser says otherwise.
    static let defaultDays = 60

    static func read(_ form: FormData, today: Day) -> (OfferInput, OfferDetails?, FormErrors) {
        var input = OfferInput()
        input.title = form["title"] ?? ""
        input.body = form["body"] ?? ""
        input.placeName = form["place_name"] ?? ""
        input.contractKind = form["contract_kind"] ?? ""
        input.startsOn = form["starts_on"] ?? ""
        input.endsOn = form["ends_on"] ?? ""
        input.validThrough = form["valid_through"] ?? ""
        input.token = form["_form"] ?? input.token
        var reader = FormReader(form)
        input.businessNamed = reader.flag("business_named")
        let title = reader.text("title", "Titre de l'offre", required: true, max: 150)
        let body = reader.text("body", "Texte de l'offre", required: true, max: 5000)
        let place = reader.text("place_name", "Commune du poste", required: true, max: 100)
        let contract = reader.choice("contract_kind", "Contrat", as: ContractKind.self)
        let window = today.within(yearsBack: 1, yearsAhead: 3)
        let start = reader.day("starts_on", "Début du contrat", required: true, range: window)
        let end = reader.day("ends_on", "Fin du contrat", range: window)
        let until = reader.day("valid_through", "Candidatures jusqu'au", required: true, range: today...today.adding(days: 365))
        if let start, let end, end < start { reader.errors.add("ends_on", "La fin du contrat ne peut pas précéder son début.") }
        if let contract, contract.endDate == .required, end == nil, reader.errors["ends_on"] == nil {
            reader.errors.add("ends_on", "Un \(contract.label) a une date de fin : renseignez «\u{00A0}Fin du contrat\u{00A0}».")
        }
        guard reader.errors.isEmpty, let contract, let start, let until else { return (input, nil, reader.errors) }
        return (input, OfferDetails(
            title: title, body: body, businessNamed: input.businessNamed, placeName: place, contractKind: contract, startsOn: start,
            endsOn: contract.endDate == .none ? nil : end, validThrough: until), reader.errors)
    }
}
