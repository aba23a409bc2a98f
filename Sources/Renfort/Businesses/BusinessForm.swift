/// A business as typed in the form, every field as text.
struct BusinessInput: Sendable {
    var siret = ""
    var name = ""
    var nafCode = ""
    var headcountBand = ""
    var communeInsee = ""
    var communeName = ""
    var address = ""
    var contactName = ""
    var phone = ""
    var email = ""
    var memberSince = ""
    var notes = ""
    var token = FormSubmissions.newToken()

    init() {}

    init(_ business: Business) {
        siret = business.siret
        name = business.name
        nafCode = business.nafCode ?? ""
        headcountBand = business.headcountBand ?? ""
        communeInsee = business.communeInsee ?? ""
        communeName = business.communeName ?? ""
        address = business.address ?? ""
        contactName = business.contactName ?? ""
        phone = business.phone ?? ""
        email = business.email ?? ""
        memberSince = business.memberSince?.iso ?? ""
        notes = business.notes ?? ""
    }
}

/// The headcount bands of the form.
enum HeadcountBand: String, CaseIterable, Sendable {
    case none = "0"
    case small = "1-9"
    case medium = "10-49"
    case large = "50-249"

    var label: String {
        switch self {
        case .none: "0 salarié"
        case .small: "1 à 9 salariés"
        case .medium: "10 à 49 salariés"
        case .large: "50 à 249 salariés"
        }
    }
}

/// The rules of the business form (advisers) and of the business part of a join request.
enum BusinessForm {
    /// `full`: the advisers' form (membership date, notes…); otherwise the public join request.
    static func read(_ form: FormData, full: Bool) -> (BusinessInput, BusinessDetails?, FormErrors) {
        var input = BusinessInput()
        input.siret = (form["siret"] ?? "").filter { !$0.isWhitespace }
        input.name = form["name"] ?? ""
        input.nafCode = form["naf_code"] ?? ""
        input.headcountBand = form["headcount_band"] ?? ""
        input.communeInsee = form["commune_insee"] ?? ""
        input.communeName = form["commune_name"] ?? ""
        input.address = form["address"] ?? ""
        input.contactName = form["contact_name"] ?? ""
        input.phone = form["phone"] ?? ""
        input.email = form["email"] ?? ""
        input.memberSince = form["member_since"] ?? ""
        input.notes = form["notes"] ?? ""
        input.token = form["_form"] ?? input.token

        var reader = FormReader(form)
        if input.siret.isEmpty {
            reader.errors.add("siret", "Renseignez le numéro SIRET (14 chiffres).")
        } else if !Siret.isValid(input.siret) {
            reader.errors.add("siret", "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres (par exemple sur l'avis de situation Sirene).")
        }
        let name = reader.text("name", "Raison sociale", required: true, max: 200)
        let naf = reader.formatted("naf_code", "Code NAF/APE", pattern: "[0-9]{2}\\.[0-9]{2}[A-Z]", example: "56.10A", required: full)?.uppercased()
        let band = reader.choice("headcount_band", "Effectif", as: HeadcountBand.self, required: full)
        let insee = reader.formatted("commune_insee", "Code INSEE de la commune", pattern: "[0-9][0-9AB][0-9]{3}", example: "46042", required: full)?.uppercased()
        let commune = reader.text("commune_name", "Commune", required: true, max: 100)
        let address = reader.optional("address", "Adresse", max: 300)
        let contact = reader.text("contact_name", "Personne à contacter", required: !full, max: 150)
        let phone = reader.formatted("phone", "Téléphone", pattern: "\\+?[0-9][0-9 .-]{8,18}[0-9]", example: "05 65 12 34 56")
        let email = reader.email("email", "Adresse e-mail", required: !full)
        let since = reader.day("member_since", "Date d'adhésion")
        let notes = reader.optional("notes", "Notes", max: 5000)
        guard reader.errors.isEmpty else { return (input, nil, reader.errors) }
        let draft = BusinessDetails(
            siret: input.siret, name: name, nafCode: naf, headcountBand: band?.rawValue, communeInsee: insee,
            communeName: commune, address: address, contactName: contact.isEmpty ? nil : contact, phone: phone, email: email,
            memberSince: since, notes: notes)
        return (input, draft, reader.errors)
    }
}
