import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The public join request (`/c/{centre}/rejoindre`): a business that is not yet a member
/// gives its SIRET, contact and first need; advisers accept it (the contact is invited) or
/// decline it with a reason.
struct JoinController: Sendable {
    let services: AppServices
    /// Join requests accepted from one address per hour.
    static let hourlyLimit = 5

    func addRoutes(root: Router<AppRequestContext>, centre: RouterGroup<CentreContext>) {
        root.get("/c/{centre}/rejoindre", use: form)
        root.post("/c/{centre}/rejoindre", use: submit)
        centre.get("adhesions", use: requests)
        centre.post("adhesions/{id}/accepter", use: accept)
        centre.post("adhesions/{id}/refuser", use: decline)
    }

    struct PublicCentre: Sendable {
        let id: Int64
        let slug: String
        let name: String
        let territory: String
    }

    private func centre(_ context: AppRequestContext) async throws -> PublicCentre {
        guard let slug = context.parameters.get("centre") else { throw AppError.notFound }
        let row = try await services.database.withTransaction(logger: context.logger) { connection in
            try await connection.first("SELECT id, slug, name, territory FROM centres WHERE slug = \(slug)", as: (Int64.self, String.self, String.self, String.self), logger: context.logger)
        }
        guard let row else { throw AppError.notFound }
        return PublicCentre(id: row.0, slug: row.1, name: row.2, territory: row.3)
    }

    struct FormPage: Sendable {
        let layout: Layout
        let centreName: String
        let territory: String
        let action: String
        let business: BusinessInput
        let headcountBands: [Option]
        let input: JobNeedInput
        let contractKinds: [Option]
        let fullTimeYes: Bool
        let fullTimeNo: Bool
        let creation: Bool
        let replacement: Bool
        let hardYes: Bool
        let hardNo: Bool
        let reasons: [Option]
        let today: String
        let minimumWage: Int
        let sent: Bool
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    private func page(
        _ centre: PublicCentre, context: AppRequestContext, session: SessionInfo, business: BusinessInput, need: JobNeedInput,
        errors: FormErrors, sent: Bool
    ) -> FormPage {
        let needPage = JobNeedFormPage(
            layout: Layout(title: "", session: nil, currentPath: ""), heading: "", action: "", cancelHref: "", isNew: true, input: need,
            businesses: nil, businessName: nil, today: Day(services.clock.now()), errors: errors)
        return FormPage(
            layout: Layout(title: "Rejoindre le centre", session: session, currentPath: "/c/\(centre.slug)/rejoindre"),
            centreName: centre.name, territory: centre.territory, action: "/c/\(centre.slug)/rejoindre", business: business,
            headcountBands: HeadcountBand.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == business.headcountBand) },
            input: need,
            contractKinds: needPage.contractKinds, fullTimeYes: needPage.fullTimeYes, fullTimeNo: needPage.fullTimeNo,
            creation: needPage.creation, replacement: needPage.replacement, hardYes: needPage.hardYes, hardNo: needPage.hardNo,
            reasons: needPage.reasons, today: needPage.today, minimumWage: needPage.minimumWage, sent: sent,
            errors: errors.all, hasErrors: !errors.isEmpty, fieldErrors: needPage.fieldErrors)
    }

    @Sendable func form(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let sent = request.uri.queryParameters["envoye"] == "1"
        if let session = context.session {
            return try services.renderer.render("join/form", page(centre, context: context, session: session, business: BusinessInput(), need: JobNeedInput(), errors: FormErrors(), sent: sent))
        }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render("join/form", page(centre, context: context, session: session, business: BusinessInput(), need: JobNeedInput(), errors: FormErrors(), sent: sent))
        response.setCookie(services.cookie.make(token))
        return response
    }

    @Sendable func submit(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        guard let session = context.session else { throw AppError.forbidden("Session absente.") }
        let done = "/c/\(centre.slug)/rejoindre?envoye=1"
        // A robot fills every field; a person never sees this one.
        if !(context.form["website"] ?? "").isEmpty {
            context.logger.info("join request honeypot filled")
            return .seeOther(done)
        }
        let address = SignInController(services: services).clientAddress(request: request, context: context)
        let now = services.clock.now()
        let recent = try await services.database.withTransaction(logger: context.logger) { connection in
            try await connection.value(
                "SELECT count(*) FROM public_form_posts WHERE form = 'join' AND client_address = \(address) AND at > \(now.addingTimeInterval(-3600))",
                as: Int.self, logger: context.logger) ?? 0
        }
        if recent >= Self.hourlyLimit {
            throw AppError.tooManyRequests(retryAfter: 3600, message: "Trop de demandes ont été envoyées depuis cette adresse. Réessayez dans une heure, ou appelez le centre.")
        }
        let (business, businessDraft, businessErrors) = BusinessForm.read(context.form, full: false)
        var (need, needDraft, errors) = JobNeedForm.read(context.form, today: Day(now), isNew: true)
        for error in businessErrors.all { errors.add(error.field, error.message) }
        guard let businessDraft, let needDraft, errors.isEmpty else {
            return try services.renderer.render("join/form", page(centre, context: context, session: session, business: business, need: need, errors: errors, sent: false), status: .unprocessableContent)
        }
        need.businessID = ""
        let token = context.form["_form"]
        let accepted: Bool
        do {
            accepted = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) { connection -> Bool in
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return true }
            // Known already: refused, and the claim of the form token rolls back with the rest.
            if try await BusinessRepository.id(siret: businessDraft.siret, on: connection, logger: context.logger) != nil { throw KnownSiret() }
            let businessID = try await BusinessRepository.insert(
                businessDraft, status: "pending", tenantID: centre.id, actorID: nil, now: now, on: connection, logger: context.logger)
            _ = try await JobNeedRepository.insert(
                needDraft, businessID: businessID, tenantID: centre.id, actorID: nil, now: now, on: connection, logger: context.logger)
            try await connection.execute(
                "INSERT INTO public_form_posts (form, client_address, at) VALUES ('join', \(address), \(now))", logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: done, on: connection, logger: context.logger)
            return true
            }
        } catch is KnownSiret {
            accepted = false
        }
        guard accepted else {
            var errors = FormErrors()
            errors.add("siret", "Ce SIRET est déjà connu du centre : contactez directement votre conseiller.")
            return try services.renderer.render("join/form", page(centre, context: context, session: session, business: business, need: need, errors: errors, sent: false), status: .unprocessableContent)
        }
        context.logger.info("join request received", metadata: ["centre": "\(centre.id)"])
        return .seeOther(done)
    }

    private struct KnownSiret: Error {}

    // MARK: The advisers' side

    struct RequestRow: Sendable {
        let name: String
        let siret: String
        let commune: String
        let contact: String
        let email: String
        let phone: String
        let received: String
        let needTitle: String
        let needHref: String?
        let acceptAction: String
        let declineAction: String
        let declineError: String?
    }

    struct RequestsPage: Sendable {
        let layout: Layout
        let requests: [RequestRow]
        let isEmpty: Bool
        let publicLink: String
        let notice: String?
    }

    @Sendable func requests(request: Request, context: CentreContext) async throws -> Response {
        try await requestsPage(context: context, errors: [:], notice: request.uri.queryParameters["fait"].map { $0 == "acceptee" ? "Adhésion acceptée : le contact a reçu une invitation." : "Demande refusée." }, status: .ok)
    }

    private func requestsPage(context: CentreContext, errors: [Int64: String], notice: String?, status: HTTPResponse.Status) async throws -> Response {
        try context.require(.adviser)
        let base = "/c/\(context.membership.centreSlug)"
        let rows = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection -> [RequestRow] in
            var rows: [RequestRow] = []
            for business in try await BusinessRepository.pending(on: connection, logger: context.logger) {
                var filter = JobNeedFilter()
                filter.businessID = business.id
                let need = try await JobNeedRepository.list(filter, businessID: business.id, on: connection, logger: context.logger).needs.first
                rows.append(RequestRow(
                    name: business.name, siret: business.siret, commune: business.communeName ?? "", contact: business.contactName ?? "",
                    email: business.email ?? "", phone: business.phone ?? "", received: Formats.dateTime(business.createdAt),
                    needTitle: need?.title ?? "—", needHref: need.map { "\(base)/besoins/\($0.id)" },
                    acceptAction: "\(base)/adhesions/\(business.id)/accepter", declineAction: "\(base)/adhesions/\(business.id)/refuser",
                    declineError: errors[business.id]))
            }
            return rows
        }
        let page = RequestsPage(
            layout: Layout(title: "Demandes d'adhésion", session: context.session, membership: context.membership, currentPath: "\(base)/adhesions"),
            requests: rows, isEmpty: rows.isEmpty, publicLink: "\(services.configuration.baseURL)/c/\(context.membership.centreSlug)/rejoindre", notice: notice)
        return try services.renderer.render("join/requests", page, status: status)
    }

    private func pendingID(_ context: CentreContext) throws -> Int64 {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }

    @Sendable func accept(request: Request, context: CentreContext) async throws -> Response {
        let id = try pendingID(context)
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        try await services.database.withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger) { connection in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound }
            // Already answered (a second click): nothing more to do.
            guard business.status == "pending" else { return }
            try await connection.execute(
                "UPDATE businesses SET status = 'member', member_since = \(Day(now).iso)::date, updated_at = \(now) WHERE id = \(id)",
                logger: context.logger)
            try await BusinessRepository.addEvent(businessID: id, tenantID: context.tenantID, actorID: context.user.id, kind: "accepted", detail: "", now: now, on: connection, logger: context.logger)
            if let email = business.email {
                _ = try await EmployerInvitations.invite(
                    email: email, name: business.contactName ?? business.name, businessID: id, businessName: business.name,
                    tenantID: context.tenantID, actorID: context.user.id, baseURL: baseURL, now: now, on: connection, logger: context.logger)
            }
        }
        return .seeOther("/c/\(context.membership.centreSlug)/adhesions?fait=acceptee")
    }

    @Sendable func decline(request: Request, context: CentreContext) async throws -> Response {
        let id = try pendingID(context)
        var reader = FormReader(context.form)
        let reason = reader.text("reason", "Motif du refus", required: true, max: 1000)
        guard reader.errors.isEmpty else {
            guard let business = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) })
            else { throw AppError.notFound }
            // Already answered (by a colleague, or a second click): back to the list.
            guard business.status == "pending" else { return .seeOther("/c/\(context.membership.centreSlug)/adhesions") }
            return try await requestsPage(context: context, errors: [id: reader.errors["reason"] ?? ""], notice: nil, status: .unprocessableContent)
        }
        let now = services.clock.now()
        try await services.database.withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger) { connection in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound }
            guard business.status == "pending" else { return }
            try await connection.execute(
                "UPDATE businesses SET status = 'declined', decline_reason = \(reason), updated_at = \(now) WHERE id = \(id)", logger: context.logger)
            try await BusinessRepository.addEvent(businessID: id, tenantID: context.tenantID, actorID: context.user.id, kind: "declined", detail: reason, now: now, on: connection, logger: context.logger)
            // Its first need ends with it.
            let needs = try await connection.values("SELECT id FROM job_needs WHERE business_id = \(id) AND status = 'submitted'", as: Int64.self, logger: context.logger)
            for need in needs {
                _ = try await JobNeedRepository.move(
                    id: need, to: .cancelled, comment: "Adhésion refusée : \(reason)", cancelReason: "Adhésion refusée : \(reason)",
                    businessID: nil, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            }
        }
        return .seeOther("/c/\(context.membership.centreSlug)/adhesions?fait=refusee")
    }
}
