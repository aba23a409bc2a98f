import Foundation

/// The adviser's page of a need's offer (`/c/{centre}/besoins/{id}/offre`): the publish form,
/// started from the need or from the offer as published, and the withdrawal.
struct PublishOfferPage: PageModel {
    static let template = "offers/publish"

    let layout: Layout
    let needTitle: String
    let needHref: String
    let businessName: String
    let needOpen: Bool
    let isPublished: Bool
    let isOpen: Bool
    let publicHref: String?
    let stateText: String
    /// "2 candidatures reçues par le site", or nil before the first.
    let applicationsText: String?
    let action: String
    let unpublishAction: String
    let contractKinds: [Option]
    let notDate: [String: Bool]
    let form: FormState<OfferInput>

    /// `form`: what was typed (on error); nil on a first view.
    static func load(id: Int64, in context: CentreContext, database: Database, today: Day, form: FormState<OfferInput>? = nil) async throws
        -> PublishOfferPage?
    {
        try context.require(.adviser)
        let loaded = try await database.transaction(in: context) { connection -> (JobNeedRecord, PublishedOffer?, Int)? in
            guard let need = try await JobNeedRepository.find(id: id, businessID: nil, on: connection, logger: context.logger) else { return nil }
            return (
                need, try await PublishedOfferRepository.find(needID: id, on: connection, logger: context.logger),
                try await PublishedOfferRepository.applicationCount(needID: id, on: connection, logger: context.logger)
            )
        }
        guard let (need, offer, count) = loaded else { return nil }
        let base = context.base
        let here = "\(base)/besoins/\(id)/offre"
        let form = form ?? FormState(OfferInput(offer: offer, need: need, today: today))
        let published = offer.map { $0.unpublishedAt == nil } ?? false
        let open = offer?.isOpen(today: today) ?? false
        let state: String
        switch (offer, published, open) {
        case (nil, _, _) where !need.status.isOpen:
            state = "Ce besoin est \(need.status.label.lowercased()) : il ne peut plus être publié."
        case (nil, _, _): state = "Ce besoin n'est pas publié : l'offre ci-dessous n'est visible de personne tant que vous ne l'avez pas publiée."
        case (_, false, _): state = "Offre retirée : elle n'est plus visible et ne reçoit plus de candidatures. Vous pouvez la publier de nouveau."
        case (_, true, true): state = "Offre publiée : visible de tous sur la page des offres du centre et dans ses flux."
        case (_, true, false):
            state = need.status.isOpen
                ? "Offre publiée mais close : sa date limite de candidature est passée. Changez-la pour la rouvrir."
                : "Offre close : le besoin est \(need.status.label.lowercased()), elle ne reçoit plus de candidatures."
        }
        return PublishOfferPage(
            layout: Layout(title: "Offre publique : \(need.title)", session: context.session, membership: context.membership, currentPath: here),
            needTitle: need.title, needHref: "\(base)/besoins/\(id)", businessName: need.businessName, needOpen: need.status.isOpen,
            isPublished: published, isOpen: open,
            publicHref: offer.map { "\(base)/offres/\($0.id)" }, stateText: state,
            applicationsText: count == 0 ? nil : (count == 1 ? "1 candidature reçue par le site" : "\(count) candidatures reçues par le site"),
            action: here, unpublishAction: "\(here)/retirer",
            contractKinds: Option.all(ContractKind.self, chosen: form.values.contractKind, label: \.label),
            notDate: OfferPages.notDate(form.values.startsOn, form.values.endsOn, form.values.validThrough),
            form: form)
    }
}

/// What the offers' pages share.
enum OfferPages {
    /// The date fields whose value is not a day, shown again as text fields (`TypedFields.notDate`).
    static func notDate(_ starts: String, _ ends: String, _ until: String) -> [String: Bool] {
        var result: [String: Bool] = [:]
        for (name, value) in [("starts_on", starts), ("ends_on", ends), ("valid_through", until)] where !InputKind.isDate(value) {
            result[name] = true
        }
        return result
    }

    /// What an application's page says of an application sent from an offer (advisers only).
    static func originFacts(_ origin: OfferApplicationOrigin) -> [Fact] {
        var facts: [Fact] = [
            .init(label: "Origine", value: "Site du centre : offre \(French.quoted(origin.offerTitle)), le \(Formats.dateTime(origin.receivedAt))"),
            .init(label: "Vivier", value: origin.matched.map { "Déjà dans le vivier (\($0)) : candidature rattachée à sa fiche" } ?? "Nouvelle fiche"),
            .init(label: "Autres postes", value: origin.keepForOtherPosts ? "Accepte d'être proposé(e) pour d'autres postes" : "Non (dossier gardé trois mois)"),
        ]
        if !origin.message.isEmpty { facts.append(.init(label: "Message", value: origin.message)) }
        return facts
    }

    /// What an offer's page and list say of it: all public.
    static func facts(_ offer: PublishedOffer) -> [Fact] {
        let details = offer.details
        let hours = "\(Formats.hours(offer.hoursPerWeek)) h/semaine"
        var facts: [Fact] = [
            .init(label: "Contrat", value: details.contractKind.label),
            .init(label: "Temps de travail", value: offer.fullTime ? "Temps plein (\(hours))" : "Temps partiel (\(hours))"),
            .init(label: "Lieu de travail", value: details.placeName),
            .init(label: "Début", value: details.startsOn.french),
        ]
        if let end = details.endsOn { facts.append(.init(label: "Fin", value: end.french)) }
        if offer.payMin != nil || offer.payMax != nil {
            facts.append(.init(label: "Salaire brut mensuel", value: [offer.payMin?.french, offer.payMax?.french].compactMap { $0 }.joined(separator: " à ")))
        }
        facts.append(.init(label: "Employeur", value: offer.businessName ?? "Une entreprise du territoire, adhérente du centre"))
        facts.append(.init(label: "Candidatures jusqu'au", value: details.validThrough.french))
        return facts
    }
}

/// The centre's open offers (`/c/{centre}/offres`), with the links to its feeds.
struct PublicOfferListPage: PageModel {
    static let template = "offers/list"

    struct Row: Sendable {
        let href: String
        let title: String
        let contract: String
        let place: String
        let business: String?
        let until: String
        let published: String
    }

    let layout: Layout
    let centreName: String
    let territory: String
    let rows: [Row]
    let isEmpty: Bool
    let atomHref: String
    let jsonHref: String
    let noticeHref: String

    init(centre: PublicCentre, offers: [PublishedOffer], session: SessionInfo?) {
        let base = "/c/\(centre.slug)/offres"
        self.layout = Layout(title: "Offres d'emploi du \(centre.name)", session: session, currentPath: base)
        self.centreName = centre.name
        self.territory = centre.territory
        self.rows = offers.map {
            Row(
                href: "\(base)/\($0.id)", title: $0.details.title, contract: $0.details.contractKind.label, place: $0.details.placeName,
                business: $0.businessName, until: $0.details.validThrough.french, published: Formats.day($0.publishedAt))
        }
        self.isEmpty = offers.isEmpty
        self.atomHref = base + ".atom"
        self.jsonHref = base + ".json"
        self.noticeHref = "/c/\(centre.slug)/informations-candidats"
    }
}

/// What the application form holds, as typed (the CV is a file: it is chosen again).
struct ApplyInput: Sendable {
    var firstName = ""
    var lastName = ""
    var email = ""
    var phone = ""
    var communeName = ""
    var message = ""
    var keepForOtherPosts = false
    /// The name of the file that was chosen, said again when the form comes back.
    var chosenFile: String?
    var token = FormSubmissions.newToken()
}

/// One offer (`/c/{centre}/offres/{id}`): its public text and facts, its `JobPosting` data,
/// and the application form; once sent, the thanks; closed, only that it is closed.
struct PublicOfferPage: PageModel {
    static let template = "offers/show"

    let layout: Layout
    let centreName: String
    let title: String
    let body: String
    let facts: [Fact]
    let isOpen: Bool
    let sent: Bool
    /// The `JobPosting` as JSON, safe inside its `<script>` element.
    let jobPosting: String?
    let listHref: String
    let noticeHref: String
    let action: String
    let form: FormState<ApplyInput>

    init(centre: PublicCentre, offer: PublishedOffer, isOpen: Bool, sent: Bool, base: String, session: SessionInfo?, form: FormState<ApplyInput>) throws {
        let path = "/c/\(centre.slug)/offres/\(offer.id)"
        self.layout = Layout(title: offer.details.title, session: session, currentPath: path)
        self.centreName = centre.name
        self.title = offer.details.title
        self.body = offer.details.body
        self.facts = OfferPages.facts(offer)
        self.isOpen = isOpen
        self.sent = sent
        // A closed offer is no longer a posting for search engines and boards.
        self.jobPosting = isOpen ? try OfferFeeds.json(OfferFeeds.jobPosting(offer, centre: centre, base: base)) : nil
        self.listHref = "/c/\(centre.slug)/offres"
        self.noticeHref = "/c/\(centre.slug)/informations-candidats"
        self.action = "\(path)/candidater"
        self.form = form
    }
}
