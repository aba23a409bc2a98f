import Foundation

/// The centre's member businesses, for advisers.
struct BusinessListPage: PageModel {
    static let template = "businesses/list"

    struct BusinessRow: Sendable {
        let href: String
        let name: String
        let siret: String
        let communeName: String
        let nafCode: String
    }

    let layout: Layout
    let businesses: [BusinessRow]
    let count: Int
    let isEmpty: Bool
    let newHref: String
    let pendingCount: Int
    let pendingHref: String

    static func load(in context: CentreContext, database: Database) async throws -> BusinessListPage {
        try context.require(.adviser)
        let (members, pending) = try await database.transaction(in: context) { connection in
            (
                try await BusinessRepository.members(on: connection, logger: context.logger),
                try await BusinessRepository.pending(on: connection, logger: context.logger).count
            )
        }
        let base = context.base
        return BusinessListPage(
            layout: Layout(title: "Entreprises", session: context.session, membership: context.membership, currentPath: "\(base)/entreprises"),
            businesses: members.map {
                BusinessRow(href: "\(base)/entreprises/\($0.id)", name: $0.name, siret: $0.siret, communeName: $0.communeName ?? "", nafCode: $0.nafCode ?? "")
            },
            count: members.count, isEmpty: members.isEmpty, newHref: "\(base)/entreprises/nouvelle",
            pendingCount: pending, pendingHref: "\(base)/adhesions")
    }
}

/// The business form, new or edit.
struct BusinessFormPage: PageModel {
    static let template = "businesses/form"

    let layout: Layout
    let heading: String
    let action: String
    let cancelHref: String
    let isNew: Bool
    let headcountBands: [Option]
    let form: FormState<BusinessInput>
    /// `date`, or `text` for a membership date typed otherwise (shown as typed).
    let memberSinceType: String

    init(editing: Int64?, form: FormState<BusinessInput>, context: CentreContext) {
        let base = context.base
        self.layout = Layout(
            title: editing == nil ? "Nouvelle entreprise" : "Modifier l'entreprise", session: context.session, membership: context.membership,
            currentPath: "\(base)/entreprises")
        self.heading = editing == nil ? "Nouvelle entreprise adhérente" : "Modifier «\u{00A0}\(form.values.name)\u{00A0}»"
        self.action = editing.map { "\(base)/entreprises/\($0)/modifier" } ?? "\(base)/entreprises"
        self.cancelHref = editing.map { "\(base)/entreprises/\($0)" } ?? "\(base)/entreprises"
        self.isNew = editing == nil
        self.headcountBands = Option.all(HeadcountBand.self, chosen: form.values.headcountBand, label: \.label)
        self.form = form
        self.memberSinceType = InputKind.date(form.values.memberSince)
    }
}

/// A member business's page: its facts, needs and hires; for advisers also the people who act
/// for it (with the invitation form) and its history. An employer's home is their business's page.
struct BusinessPage: PageModel {
    static let template = "businesses/show"

    struct NeedRow: Sendable {
        let href: String
        let title: String
        let contract: String
        let positions: String
        let statusLabel: String
        let statusClass: String
    }

    struct HireRow: Sendable {
        let href: String
        let person: String
        let contract: String
        let start: String
        let next: String
    }

    struct PersonRow: Sendable {
        let name: String
        let email: String
        let state: String
        let revokeAction: String
    }

    struct HistoryRow: Sendable {
        let at: String
        let who: String
        let what: String
    }

    let layout: Layout
    let name: String
    let facts: [Fact]
    let notes: String?
    let isAdviser: Bool
    let isEmployer: Bool
    let editHref: String
    let newNeedHref: String
    let needsHref: String
    let needs: [NeedRow]
    let hasNeeds: Bool
    let hires: [HireRow]
    let hasHires: Bool
    let people: [PersonRow]
    let hasPeople: Bool
    let inviteAction: String
    let inviteToken: String
    let history: [HistoryRow]
    /// For the employer: what waits for their answer.
    let waiting: [WaitingItem]
    let hasWaiting: Bool
    let form: FormState<TypedFields>

    /// Business `id` as the person may see it: an adviser any member business of their centre,
    /// an employer only their own; nil otherwise.
    static func load(
        id: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> BusinessPage? {
        try context.require(.adviser, .employer)
        if context.role == .employer && context.membership.businessID != id { return nil }
        let isAdviser = context.role == .adviser
        let loaded = try await database.transaction(in: context) { connection -> (Business, [JobNeedSummary], [EmployerAccess], [BusinessEvent], [BusinessHire], [WaitingItem])? in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == .member else { return nil }
            var filter = JobNeedFilter()
            filter.businessID = id
            return (
                business, try await JobNeedRepository.list(filter, businessID: id, on: connection, logger: context.logger).needs,
                isAdviser ? try await BusinessRepository.people(businessID: id, on: connection, logger: context.logger) : [],
                isAdviser ? try await BusinessRepository.events(businessID: id, on: connection, logger: context.logger) : [],
                try await PlacementRepository.hires(businessID: id, limit: 50, on: connection, logger: context.logger),
                isAdviser ? [] : try await EmployerWaiting.items(businessID: id, base: context.base, on: connection, logger: context.logger)
            )
        }
        guard let (business, needs, people, events, hires, waiting) = loaded else { return nil }
        let base = context.base
        var facts: [Fact] = [.init(label: "SIRET", value: business.siret)]
        if let naf = business.nafCode { facts.append(.init(label: "Code NAF/APE", value: naf)) }
        if let band = business.headcountBand.flatMap(HeadcountBand.init(rawValue:)) { facts.append(.init(label: "Effectif", value: band.label)) }
        if let commune = business.communeName { facts.append(.init(label: "Commune", value: commune + (business.communeInsee.map { " (\($0))" } ?? ""))) }
        if let address = business.address { facts.append(.init(label: "Adresse", value: address)) }
        if let contact = business.contactName { facts.append(.init(label: "Contact", value: contact)) }
        if let phone = business.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        if let email = business.email { facts.append(.init(label: "E-mail", value: email)) }
        if let since = business.memberSince { facts.append(.init(label: "Adhérente depuis le", value: since.french)) }
        return BusinessPage(
            layout: Layout(title: business.name, session: context.session, membership: context.membership, currentPath: isAdviser ? "\(base)/entreprises" : base),
            name: business.name, facts: facts, notes: isAdviser ? business.notes : nil, isAdviser: isAdviser, isEmployer: !isAdviser,
            editHref: "\(base)/entreprises/\(id)/modifier",
            newNeedHref: isAdviser ? "\(base)/besoins/nouveau?entreprise=\(id)" : "\(base)/besoins/nouveau",
            needsHref: isAdviser ? "\(base)/besoins?entreprise=\(id)" : "\(base)/besoins",
            needs: needs.map {
                NeedRow(
                    href: "\(base)/besoins/\($0.id)", title: $0.title, contract: $0.contractKind.label, positions: "\($0.positionsFilled) / \($0.positions)",
                    statusLabel: $0.status.label, statusClass: $0.status.cssClass)
            },
            hasNeeds: !needs.isEmpty,
            hires: hires.map {
                HireRow(
                    href: "\(base)/embauches/\($0.placementID)", person: $0.person, contract: $0.contract.label, start: $0.start.french,
                    next: $0.endedOn.map { "emploi terminé le \($0.french)" } ?? ($0.nextCheckIn?.french ?? "—"))
            },
            hasHires: !hires.isEmpty,
            people: people.map {
                PersonRow(
                    name: $0.name, email: $0.email, state: $0.active ? "accès actif" : "invitation envoyée",
                    revokeAction: "\(base)/entreprises/\(id)/acces/\($0.membershipID)/retirer")
            },
            hasPeople: !people.isEmpty, inviteAction: "\(base)/entreprises/\(id)/invitations", inviteToken: FormSubmissions.newToken(),
            history: events.map { HistoryRow(at: Formats.dateTime($0.at), who: $0.actorName, what: $0.description) },
            waiting: waiting, hasWaiting: !waiting.isEmpty, form: form)
    }
}

extension BusinessEvent {
    /// As the business's history says it.
    var description: String {
        switch kind {
        case .created: "Entreprise enregistrée"
        case .requested: "Demande d'adhésion reçue"
        case .accepted: "Adhésion acceptée"
        case .declined: "Adhésion refusée : \(detail)"
        case .edited: "Fiche modifiée"
        case .invited: "Accès proposé à \(detail)"
        case .revoked: "Accès retiré à \(detail)"
        }
    }
}
