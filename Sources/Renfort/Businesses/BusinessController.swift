import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The centre's businesses: advisers list, create, edit them and manage employers' access;
/// an employer sees their own business page only.
struct BusinessController: CentreController, Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("entreprises", use: list)
        centre.get("entreprises/nouvelle", use: newForm)
        centre.post("entreprises", use: create)
        centre.get("entreprises/{id}", use: show)
        centre.get("entreprises/{id}/modifier", use: editForm)
        centre.post("entreprises/{id}/modifier", use: update)
        centre.post("entreprises/{id}/invitations", use: invite)
        centre.post("entreprises/{id}/acces/{membership}/retirer", use: revoke)
    }

    private func base(_ context: CentreContext) -> String { "/c/\(context.membership.centreSlug)" }

    private func businessID(_ context: CentreContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }

    // MARK: List

    struct BusinessRow: Sendable {
        let href: String
        let name: String
        let siret: String
        let communeName: String
        let nafCode: String
    }

    struct ListPage: Sendable {
        let layout: Layout
        let businesses: [BusinessRow]
        let count: Int
        let isEmpty: Bool
        let newHref: String
        let pendingCount: Int
        let pendingHref: String
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let (members, pending) = try await transaction(context) { connection in
            (try await BusinessRepository.members(on: connection, logger: context.logger),
             try await BusinessRepository.pending(on: connection, logger: context.logger).count)
        }
        let base = self.base(context)
        let page = ListPage(
            layout: Layout(title: "Entreprises", session: context.session, membership: context.membership, currentPath: "\(base)/entreprises"),
            businesses: members.map {
                BusinessRow(href: "\(base)/entreprises/\($0.id)", name: $0.name, siret: $0.siret, communeName: $0.communeName ?? "", nafCode: $0.nafCode ?? "")
            },
            count: members.count, isEmpty: members.isEmpty, newHref: "\(base)/entreprises/nouvelle",
            pendingCount: pending, pendingHref: "\(base)/adhesions")
        return try services.renderer.render("businesses/list", page)
    }

    // MARK: Create and edit

    struct FormPage: Sendable {
        let layout: Layout
        let heading: String
        let action: String
        let cancelHref: String
        let isNew: Bool
        let business: BusinessInput
        let headcountBands: [Option]
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    private func formPage(context: CentreContext, input: BusinessInput, errors: FormErrors, editing: Int64?, status: HTTPResponse.Status) throws -> Response {
        let base = self.base(context)
        let page = FormPage(
            layout: Layout(title: editing == nil ? "Nouvelle entreprise" : "Modifier l'entreprise", session: context.session, membership: context.membership, currentPath: "\(base)/entreprises"),
            heading: editing == nil ? "Nouvelle entreprise adhérente" : "Modifier « \(input.name) »",
            action: editing.map { "\(base)/entreprises/\($0)/modifier" } ?? "\(base)/entreprises",
            cancelHref: editing.map { "\(base)/entreprises/\($0)" } ?? "\(base)/entreprises",
            isNew: editing == nil, business: input,
            headcountBands: HeadcountBand.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == input.headcountBand) },
            errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("businesses/form", page, status: status)
    }

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var input = BusinessInput()
        input.memberSince = Day(services.clock.now()).iso
        return try formPage(context: context, input: input, errors: FormErrors(), editing: nil, status: .ok)
    }

    private struct Refused: Error { let errors: FormErrors }

    private static func siretTaken() -> FormErrors {
        var errors = FormErrors()
        errors.add("siret", "Une entreprise de ce centre a déjà ce numéro SIRET.")
        return errors
    }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let (input, draft, errors) = BusinessForm.read(context.form, full: true)
        guard let draft else { return try formPage(context: context, input: input, errors: errors, editing: nil, status: .unprocessableContent) }
        let now = services.clock.now()
        let base = self.base(context)
        let token = context.form["_form"]
        do {
            let path = try await transaction(context) { connection -> String in
                if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
                if try await BusinessRepository.id(siret: draft.siret, on: connection, logger: context.logger) != nil {
                    throw Refused(errors: Self.siretTaken())
                }
                let id = try await BusinessRepository.insert(
                    draft, status: "member", tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
                let path = "\(base)/entreprises/\(id)"
                try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
                return path
            }
            return .seeOther(path)
        } catch let refused as Refused {
            return try formPage(context: context, input: input, errors: refused.errors, editing: nil, status: .unprocessableContent)
        } catch where error.isUniqueViolation("businesses_siret_per_centre") {
            return try formPage(context: context, input: input, errors: Self.siretTaken(), editing: nil, status: .unprocessableContent)
        }
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try businessID(context)
        guard let business = try await transaction(context, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) }),
            business.status == "member"
        else { throw AppError.notFound }
        return try formPage(context: context, input: BusinessInput(business), errors: FormErrors(), editing: id, status: .ok)
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try businessID(context)
        let (input, draft, errors) = BusinessForm.read(context.form, full: true)
        guard let draft else {
            guard try await transaction(context, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) }) != nil else { throw AppError.notFound }
            return try formPage(context: context, input: input, errors: errors, editing: id, status: .unprocessableContent)
        }
        let now = services.clock.now()
        do {
            let found = try await transaction(context) { connection -> Bool in
                guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == "member" else { return false }
                if let other = try await BusinessRepository.id(siret: draft.siret, on: connection, logger: context.logger), other != id {
                    throw Refused(errors: Self.siretTaken())
                }
                try await BusinessRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
                return true
            }
            guard found else { throw AppError.notFound }
            return .seeOther("\(base(context))/entreprises/\(id)")
        } catch let refused as Refused {
            return try formPage(context: context, input: input, errors: refused.errors, editing: id, status: .unprocessableContent)
        }
    }

    // MARK: The business page

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

    struct ShowPage: Sendable {
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
        let inviteName: String
        let inviteEmail: String
        let inviteToken: String
        let history: [HistoryRow]
        let notice: String?
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    /// An adviser sees any member business of their centre; an employer only their own;
    /// anyone else, or another centre's business, gets a 404.
    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser, .employer)
        let id = try businessID(context)
        if context.role == .employer && context.membership.businessID != id { throw AppError.notFound }
        var notice: String? = nil
        switch request.uri.queryParameters["invitation"] {
        case "envoyee": notice = "Invitation envoyée : la personne choisira son mot de passe avec le lien reçu (valable 7 jours)."
        case "accordee": notice = "Cette personne avait déjà un compte Renfort : elle a maintenant accès à l'entreprise."
        default: break
        }
        if request.uri.queryParameters["acces"] == "retire" { notice = "L'accès a été retiré." }
        return try await page(id: id, context: context, notice: notice, invite: ("", ""), errors: FormErrors(), status: .ok)
    }

    func page(id: Int64, context: CentreContext, notice: String?, invite: (name: String, email: String), errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        let isAdviser = context.role == .adviser
        let loaded = try await transaction(context) { connection -> (Business, [JobNeedSummary], [EmployerAccess], [BusinessEvent], [(Int64, String, String, String, String?, String?)])? in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == "member" else { return nil }
            var filter = JobNeedFilter()
            filter.businessID = id
            let needs = try await JobNeedRepository.list(filter, businessID: id, on: connection, logger: context.logger).needs
            let people = isAdviser ? try await BusinessRepository.people(businessID: id, on: connection, logger: context.logger) : []
            let events = isAdviser ? try await BusinessRepository.events(businessID: id, on: connection, logger: context.logger) : []
            // The business's hires with their next check-in, in one query.
            let hires = try await connection.all(
                """
                SELECT p.id, c.first_name || ' ' || c.last_name, p.contract_kind, p.start_date::text, p.ended_on::text,
                       (SELECT min(k.due_on)::text FROM check_ins k WHERE k.placement_id = p.id AND k.done_on IS NULL AND NOT k.closed)
                FROM placements p JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
                WHERE p.business_id = \(id) ORDER BY p.start_date DESC, p.id DESC LIMIT 50
                """, as: (Int64.self, String.self, String.self, String.self, String?.self, String?.self), logger: context.logger)
            return (business, needs, people, events, hires)
        }
        guard let (business, needs, people, events, hires) = loaded else { throw AppError.notFound }
        let base = self.base(context)
        var facts: [Fact] = [.init(label: "SIRET", value: business.siret)]
        if let naf = business.nafCode { facts.append(.init(label: "Code NAF/APE", value: naf)) }
        if let band = business.headcountBand.flatMap(HeadcountBand.init(rawValue:)) { facts.append(.init(label: "Effectif", value: band.label)) }
        if let commune = business.communeName { facts.append(.init(label: "Commune", value: commune + (business.communeInsee.map { " (\($0))" } ?? ""))) }
        if let address = business.address { facts.append(.init(label: "Adresse", value: address)) }
        if let contact = business.contactName { facts.append(.init(label: "Contact", value: contact)) }
        if let phone = business.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        if let email = business.email { facts.append(.init(label: "E-mail", value: email)) }
        if let since = business.memberSince { facts.append(.init(label: "Adhérente depuis le", value: since.french)) }
        let page = ShowPage(
            layout: Layout(title: business.name, session: context.session, membership: context.membership, currentPath: isAdviser ? "\(base)/entreprises" : base),
            name: business.name, facts: facts, notes: isAdviser ? business.notes : nil, isAdviser: isAdviser, isEmployer: !isAdviser,
            editHref: "\(base)/entreprises/\(id)/modifier",
            newNeedHref: isAdviser ? "\(base)/besoins/nouveau?entreprise=\(id)" : "\(base)/besoins/nouveau",
            needsHref: isAdviser ? "\(base)/besoins?entreprise=\(id)" : "\(base)/besoins",
            needs: needs.map {
                NeedRow(href: "\(base)/besoins/\($0.id)", title: $0.title, contract: $0.contractKind.label, positions: "\($0.positionsFilled) / \($0.positions)",
                        statusLabel: $0.status.label, statusClass: Formats.statusClass($0.status))
            },
            hasNeeds: !needs.isEmpty,
            hires: hires.map {
                HireRow(href: "\(base)/embauches/\($0.0)", person: $0.1, contract: ContractKind(rawValue: $0.2)?.label ?? $0.2,
                        start: Day(iso: $0.3)?.french ?? $0.3,
                        next: $0.4.flatMap(Day.init(iso:)).map { "emploi terminé le \($0.french)" } ?? ($0.5.flatMap(Day.init(iso:)).map { $0.french } ?? "—"))
            },
            hasHires: !hires.isEmpty,
            people: people.map {
                PersonRow(name: $0.name, email: $0.email, state: $0.active ? "accès actif" : "invitation envoyée",
                          revokeAction: "\(base)/entreprises/\(id)/acces/\($0.membershipID)/retirer")
            },
            hasPeople: !people.isEmpty, inviteAction: "\(base)/entreprises/\(id)/invitations", inviteName: invite.name, inviteEmail: invite.email,
            inviteToken: FormSubmissions.newToken(),
            history: events.map { HistoryRow(at: Formats.dateTime($0.at), who: $0.actorName, what: Self.describe($0)) },
            notice: notice, errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("businesses/show", page, status: status)
    }

    static func describe(_ event: BusinessEvent) -> String {
        switch event.kind {
        case "created": "Entreprise enregistrée"
        case "requested": "Demande d'adhésion reçue"
        case "accepted": "Adhésion acceptée"
        case "declined": "Adhésion refusée : \(event.detail)"
        case "edited": "Fiche modifiée"
        case "invited": "Accès proposé à \(event.detail)"
        case "revoked": "Accès retiré à \(event.detail)"
        default: event.kind
        }
    }

    // MARK: Employers' access

    @Sendable func invite(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try businessID(context)
        var reader = FormReader(context.form)
        let name = reader.text("invite_name", "Nom de la personne", required: true, max: 150)
        let email = reader.email("invite_email", "Adresse e-mail", required: true)
        guard let email, reader.errors.isEmpty else {
            return try await page(id: id, context: context, notice: nil, invite: (name, context.form["invite_email"] ?? ""), errors: reader.errors, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        let token = context.form["_form"]
        let base = self.base(context)
        let outcome: String?
        do {
            outcome = try await transaction(context) { connection -> String in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == "member" else {
                throw AppError.notFound
            }
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
            let result = try await EmployerInvitations.invite(
                email: email, name: name, businessID: id, businessName: business.name, tenantID: context.tenantID,
                actorID: context.user.id, baseURL: baseURL, now: now, on: connection, logger: context.logger)
            let path: String
            switch result {
            case .alreadyInCentre: throw InviteRefused()  // rolls back the claim of the form token too
            case .invited: path = "\(base)/entreprises/\(id)?invitation=envoyee"
            case .granted: path = "\(base)/entreprises/\(id)?invitation=accordee"
            }
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return path
            }
        } catch is InviteRefused {
            outcome = nil
        }
        guard let path = outcome else {
            var errors = FormErrors()
            errors.add("invite_email", "Cette personne a déjà un rôle dans ce centre (un seul rôle par centre).")
            return try await page(id: id, context: context, notice: nil, invite: (name, email), errors: errors, status: .unprocessableContent)
        }
        return .seeOther(path)
    }

    private struct InviteRefused: Error {}

    @Sendable func revoke(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try businessID(context)
        guard let membership = context.parameters.get("membership", as: Int64.self) else { throw AppError.notFound }
        let now = services.clock.now()
        let done = try await transaction(context) { connection in
            try await EmployerInvitations.revoke(
                membershipID: membership, businessID: id, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
        }
        guard done else { throw AppError.notFound }
        return .seeOther("\(base(context))/entreprises/\(id)?acces=retire")
    }
}
