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

    private func centre(_ context: AppRequestContext) async throws -> PublicCentre {
        guard let slug = context.parameters.get("centre"),
            let centre = try await services.database.withConnection(logger: context.logger, {
                try await CentreRepository.publicCentre(slug: slug, on: $0, logger: context.logger)
            })
        else { throw AppError.notFound }
        return centre
    }

    private func page(_ centre: PublicCentre, session: SessionInfo, form: FormState<JoinInput>, sent: Bool) -> JoinPage {
        JoinPage(centre: centre, session: session, form: form, today: Day(services.clock.now()), minimumWages: services.minimumWages, sent: sent)
    }

    @Sendable func form(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let sent = request.uri.queryParameters["envoye"] == "1"
        let blank = FormState(JoinInput(business: BusinessInput(), need: JobNeedInput()))
        if let session = context.session {
            return try services.renderer.render(page(centre, session: session, form: blank, sent: sent))
        }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render(page(centre, session: session, form: blank, sent: sent))
        response.setCookie(services.cookie.make(token))
        return response
    }

    @Sendable func submit(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        if context.formUnproven { return try await shownAgain(centre, context: context) }
        guard let session = context.session else { throw AppError.forbidden("Session absente.") }
        let done = "/c/\(centre.slug)/rejoindre?envoye=1"
        // A robot fills every field; a person never sees this one.
        if PublicForms.honeypotFilled(context.form) {
            context.logger.info("join request honeypot filled")
            return .seeOther(done)
        }
        let address = ClientAddress.of(request, peer: context.peerAddress, trustForwardedFor: services.configuration.trustForwardedFor)
        let now = services.clock.now()
        let recent = try await services.database.withConnection(logger: context.logger) { connection in
            try await BusinessRepository.joinRequests(from: address, since: now.addingTimeInterval(-3600), on: connection, logger: context.logger)
        }
        if recent >= Self.hourlyLimit {
            throw AppError.tooManyRequests(retryAfter: 3600, message: "Trop de demandes ont été envoyées depuis cette adresse. Réessayez dans une heure, ou appelez le centre.")
        }
        let (business, businessDraft, businessErrors) = BusinessForm.read(context.form, full: false)
        var (need, needDraft, errors) = JobNeedForm.read(context.form, today: Day(now), isNew: true, minimumWages: services.minimumWages)
        for error in businessErrors.all { errors.add(error.field, error.message) }
        guard let businessDraft, let needDraft, errors.isEmpty else {
            return try services.renderer.render(
                page(centre, session: session, form: FormState(JoinInput(business: business, need: need), errors: errors), sent: false),
                status: .unprocessableContent)
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
                businessDraft, status: .pending, tenantID: centre.id, actorID: nil, now: now, on: connection, logger: context.logger)
            _ = try await JobNeedRepository.insert(
                needDraft, businessID: businessID, tenantID: centre.id, actorID: nil, now: now, on: connection, logger: context.logger)
            try await BusinessRepository.recordJoinRequest(from: address, at: now, on: connection, logger: context.logger)
            try await Notifications.joinRequest(businessID: businessID, businessName: businessDraft.name, centre: NotifiedCentre(id: centre.id, slug: centre.slug, baseURL: services.configuration.baseURL), now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: done, on: connection, logger: context.logger)
            return true
            }
        } catch is KnownSiret {
            accepted = false
        }
        guard accepted else {
            var errors = FormErrors()
            errors.add("siret", "Ce SIRET est déjà connu du centre : contactez directement votre conseiller.")
            return try services.renderer.render(
                page(centre, session: session, form: FormState(JoinInput(business: business, need: need), errors: errors), sent: false),
                status: .unprocessableContent)
        }
        context.logger.info("join request received", metadata: ["centre": "\(centre.id)"])
        return .seeOther(done)
    }

    private struct KnownSiret: Error {}

    /// The request sent from a page that outlived its visitor's session (`FormRecovery`):
    /// nothing is recorded; it comes back filled as it was sent, with what is to correct, under
    /// a fresh session whose token the form now carries.
    private func shownAgain(_ centre: PublicCentre, context: AppRequestContext) async throws -> Response {
        let today = Day(services.clock.now())
        let (business, _, businessErrors) = BusinessForm.read(context.form, full: false)
        let (need, _, needErrors) = JobNeedForm.read(context.form, today: today, isNew: true, minimumWages: services.minimumWages)
        var errors = FormErrors()
        errors.add(
            "envoyer",
            "Cette page était ouverte depuis longtemps : par sécurité, votre demande n'a pas encore été envoyée. Tout ce que vous aviez saisi est ci-dessous : vérifiez-le, puis envoyez la demande.")
        for error in businessErrors.all + needErrors.all { errors.add(error.field, error.message) }
        let form = FormState(JoinInput(business: business, need: need), errors: errors)
        if let session = context.session {
            return try services.renderer.render(page(centre, session: session, form: form, sent: false), status: .unprocessableContent)
        }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render(page(centre, session: session, form: form, sent: false), status: .unprocessableContent)
        response.setCookie(services.cookie.make(token))
        return response
    }

    // MARK: The advisers' side

    @Sendable func requests(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(
            try await JoinRequestsPage.load(in: context, database: services.database, publicBase: services.configuration.baseURL))
    }

    private func pendingID(_ context: CentreContext) throws -> Int64 {
        try context.require(.adviser)
        return try context.id()
    }

    /// The requests again with the answer sent to request `id` and its errors (422); back to the
    /// list when it was already answered (by a colleague, or a second click).
    private func sentAgain(_ id: Int64, _ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        guard let business = try await services.database.transaction(in: context, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        guard business.status == .pending else { return .seeOther("\(context.base)/adhesions") }
        let page = try await JoinRequestsPage.load(
            in: context, database: services.database, publicBase: services.configuration.baseURL, form: FormState(sent: context.form, errors: errors))
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    @Sendable func accept(request: Request, context: CentreContext) async throws -> Response {
        let id = try pendingID(context)
        var reader = FormReader(context.form)
        guard reader.confirmed("Cochez la case pour confirmer l'adhésion.") else { return try await sentAgain(id, reader.errors, context) }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        let accepted = try await services.database.transaction(in: context) { connection -> Bool in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound }
            // Already answered (a second click): nothing more to do.
            guard business.status == .pending else { return business.status == .member }
            try await BusinessRepository.accept(id: id, on: Day(now), now: now, on: connection, logger: context.logger)
            try await BusinessRepository.addEvent(businessID: id, tenantID: context.tenantID, actorID: context.user.id, kind: .accepted, detail: "", now: now, on: connection, logger: context.logger)
            if let email = business.email {
                _ = try await EmployerInvitations.invite(
                    email: email, name: business.contactName ?? business.name, businessID: id, businessName: business.name,
                    tenantID: context.tenantID, actorID: context.user.id, baseURL: baseURL, now: now, on: connection, logger: context.logger)
            }
            return true
        }
        // The new member's page: its need, its contact's invitation.
        guard accepted else { return .seeOther("\(context.base)/adhesions", saying: "Cette demande avait déjà été refusée.") }
        return .seeOther("\(context.base)/entreprises/\(id)", saying: "Adhésion acceptée : l'entreprise est membre du centre et son contact a reçu une invitation.")
    }

    @Sendable func decline(request: Request, context: CentreContext) async throws -> Response {
        let id = try pendingID(context)
        var reader = FormReader(context.form)
        let reason = reader.text("reason", "Motif du refus", required: true, max: 1000)
        _ = reader.confirmed("Cochez la case pour confirmer le refus.")
        guard reader.errors.isEmpty else { return try await sentAgain(id, reader.errors, context) }
        let now = services.clock.now()
        try await services.database.transaction(in: context) { connection in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound }
            guard business.status == .pending else { return }
            try await BusinessRepository.decline(id: id, reason: reason, now: now, on: connection, logger: context.logger)
            try await BusinessRepository.addEvent(businessID: id, tenantID: context.tenantID, actorID: context.user.id, kind: .declined, detail: reason, now: now, on: connection, logger: context.logger)
            // Its first need ends with it.
            for need in try await JobNeedRepository.submitted(businessID: id, on: connection, logger: context.logger) {
                _ = try await JobNeedRepository.move(
                    id: need, to: .cancelled, comment: "Adhésion refusée : \(reason)", cancelReason: "Adhésion refusée : \(reason)",
                    businessID: nil, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            }
        }
        return .seeOther("\(context.base)/adhesions", saying: "Demande d'adhésion refusée.")
    }
}
