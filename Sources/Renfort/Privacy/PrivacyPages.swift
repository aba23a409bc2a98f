import Foundation

/// What every version of the notice says of the centre: the controller and how to reach it.
struct NoticeContent: Sendable {
    let centreName: String
    let territory: String
    let postalAddress: String?
    let contactEmail: String?
    let contactPhone: String?
    let hasContact: Bool
    let withoutConsentMonths = "trois mois"
    let withConsentYears = "deux ans"
    let printHref: String
    let pageHref: String
    let offersHref: String

    init(_ centre: CentreController) {
        centreName = centre.name
        territory = centre.territory
        postalAddress = centre.postalAddress.isEmpty ? nil : centre.postalAddress
        contactEmail = centre.contactEmail.isEmpty ? nil : centre.contactEmail
        contactPhone = centre.contactPhone.isEmpty ? nil : centre.contactPhone
        hasContact = centre.contactLine != nil
        printHref = InformationNotice.printPath(centre.slug)
        pageHref = InformationNotice.path(centre.slug)
        offersHref = "/c/\(centre.slug)/offres"
    }
}

/// The centre's information notice to candidates (`/c/{centre}/informations-candidats`), public.
struct CandidateNoticePage: PageModel {
    static let template = "privacy/notice"

    let layout: Layout
    let notice: NoticeContent

    init(centre: CentreController, session: SessionInfo?) {
        self.layout = Layout(title: "Vos données personnelles", session: session, currentPath: InformationNotice.path(centre.slug))
        self.notice = NoticeContent(centre)
    }
}

/// The same notice on its own page, to print and hand to a person without an e-mail address:
/// no navigation, no script.
struct PrintableNoticePage: PageModel {
    static let template = "privacy/notice-print"

    let layout: Layout
    let notice: NoticeContent

    init(centre: CentreController) {
        self.layout = Layout(title: "Vos données personnelles", session: nil, currentPath: InformationNotice.printPath(centre.slug))
        self.notice = NoticeContent(centre)
    }
}

/// The page a question's link opens: yes or no, or what became of it.
struct QuestionPage: PageModel {
    static let template = "privacy/question"

    let layout: Layout
    let centreName: String
    let action: String
    let noticeHref: String
    /// Open: the question and its two buttons.
    let open: Bool
    let isStay: Bool
    let purgeOn: String?
    /// "Ce lien a déjà servi"…, with what to do.
    let problemTitle: String?
    let problem: String?
    /// The answer just recorded, as the page confirms it.
    let recorded: String?
    let form: FormState<TypedFields>

    init(
        centre: CentreController, session: SessionInfo, token: String, state: CandidateQuestion.State, errors: FormErrors = FormErrors(),
        justAnswered: Bool = false
    ) {
        let path = CandidateQuestions.path(centre.slug, token: token)
        self.layout = Layout(title: "Votre réponse au centre", session: session, currentPath: path)
        self.centreName = centre.name
        self.action = path
        self.noticeHref = InformationNotice.path(centre.slug)
        self.form = FormState(sent: FormData(fields: []), errors: errors)
        let contact = centre.contactLine.map { " Pour changer d'avis, écrivez au centre \($0)." } ?? " Pour changer d'avis, adressez-vous au centre."
        switch state {
        case .open(_, let purpose, let purgeOn):
            open = true
            isStay = purpose == .stay
            self.purgeOn = purgeOn?.french
            problemTitle = nil
            problem = nil
            recorded = nil
        case .answered(let answer, let at):
            open = false
            isStay = false
            purgeOn = nil
            if justAnswered {
                problemTitle = nil
                problem = nil
                recorded = (answer == "yes"
                    ? "Merci : le centre garde votre dossier pour vous proposer d'autres postes, deux ans au plus à partir d'aujourd'hui."
                    : "Merci : votre réponse est enregistrée. Le centre ne garde votre dossier que le temps prévu, puis le supprime.") + contact
            } else {
                problemTitle = "Ce lien a déjà servi"
                problem = "Votre réponse («\u{00A0}\(answer == "yes" ? "oui" : "non")\u{00A0}») a été enregistrée le \(Formats.dateTime(at))." + contact
                recorded = nil
            }
        case .expired:
            open = false
            isStay = false
            purgeOn = nil
            problemTitle = "Ce lien n'est plus valable"
            problem = "Il a expiré, ou le dossier auquel il se rapporte n'existe plus." + contact
            recorded = nil
        case .unknown:
            open = false
            isStay = false
            purgeOn = nil
            problemTitle = "Ce lien n'est pas valable"
            problem = "Vérifiez qu'il a été copié en entier." + contact
            recorded = nil
        }
    }
}

/// The centre's contact details, which its information notice gives (`/c/{centre}/parametres/coordonnees`).
struct CentreContactPage: PageModel {
    static let template = "privacy/contact"

    let layout: Layout
    let action: String
    let noticeHref: String
    let postalAddress: String
    let contactEmail: String
    let contactPhone: String
    let form: FormState<TypedFields>

    static func load(in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank) async throws -> CentreContactPage {
        try context.require(.adviser)
        let path = "\(context.base)/parametres/coordonnees"
        guard let centre = try await database.transaction(in: context, {
            try await PrivacyRepository.controller(centreID: context.tenantID, on: $0, logger: context.logger)
        }) else { throw AppError.notFound }
        let typed = form.values.text
        return CentreContactPage(
            layout: Layout(title: "Coordonnées du centre", session: context.session, membership: context.membership, currentPath: path),
            action: path, noticeHref: InformationNotice.path(centre.slug), postalAddress: typed["postal_address"] ?? centre.postalAddress,
            contactEmail: typed["contact_email"] ?? centre.contactEmail, contactPhone: typed["contact_phone"] ?? centre.contactPhone, form: form)
    }
}

/// The candidate page's block "Information et consentement": whether the person was informed,
/// their last contact, the consent question and its answer.
struct CandidatePrivacySection: Sendable {
    let noticeSent: String?
    let noticeToHand: Bool
    let noticeHanded: String?
    let printHref: String
    let handedAction: String
    let handedToday: String
    let lastContact: String
    let question: String?
    let mayAsk: Bool
    let askAction: String
    let askToken: String

    init(_ privacy: CandidatePrivacy, slug: String, base: String, id: Int64, today: Day) {
        noticeSent = privacy.noticeSentAt.map(Formats.dateTime)
        noticeToHand = privacy.noticeSentAt == nil
        noticeHanded = privacy.noticeHandedOn.map(\.french)
        printHref = InformationNotice.printPath(slug)
        handedAction = "\(base)/candidats/\(id)/notice-remise"
        handedToday = today.iso
        lastContact = privacy.lastContactAt.map { "le \(Formats.dateTime($0))" } ?? "aucune action de la personne enregistrée depuis la création de la fiche"
        question = privacy.lastQuestion.map { asked in
            let what = asked.purpose == .consent ? "Consentement demandé par e-mail" : "Question avant suppression envoyée"
            let answer: String
            if let said = asked.answer, let at = asked.answeredAt {
                answer = "réponse «\u{00A0}\(said == "yes" ? "oui" : "non")\u{00A0}» le \(Formats.dateTime(at))"
            } else {
                answer = "pas encore de réponse"
            }
            return "\(what) le \(Formats.dateTime(asked.askedAt)) : \(answer)"
        }
        mayAsk = privacy.email != nil
        askAction = "\(base)/candidats/\(id)/consentement"
        askToken = FormSubmissions.newToken()
    }
}
