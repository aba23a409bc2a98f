import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Public offers: an adviser publishes a need (`/c/{centre}/besoins/{id}/offre`) and withdraws
/// it; anyone reads the centre's open offers (`/c/{centre}/offres`, its Atom feed and JSON for
/// partners), one offer with its `JobPosting` data, applies from it, and reads the centre's
/// information notice. The public pages show only what an offer publishes.
struct OfferController: Sendable {
    let services: AppServices

    func addRoutes(root: Router<AppRequestContext>, centre: RouterGroup<CentreContext>) {
        centre.get("besoins/{id}/offre", use: publishForm)
        centre.post("besoins/{id}/offre", use: publish)
        centre.post("besoins/{id}/offre/retirer", use: unpublish)
        root.get("/c/{centre}/offres", use: list)
        root.get("/c/{centre}/offres.atom", use: atom)
        root.get("/c/{centre}/offres.json", use: json)
        root.get("/c/{centre}/offres/{id}", use: show)
        root.post("/c/{centre}/offres/{id}/candidater", use: apply)
    }

    // MARK: The adviser's side

    @Sendable func publishForm(request: Request, context: CentreContext) async throws -> Response {
        guard let page = try await PublishOfferPage.load(id: try context.id(), in: context, database: services.database, today: Day(services.clock.now()))
        else { throw AppError.notFound }
        return try services.renderer.render(page)
    }

    private func shownAgain(_ id: Int64, _ form: FormState<OfferInput>, _ context: CentreContext) async throws -> Response {
        guard let page = try await PublishOfferPage.load(id: id, in: context, database: services.database, today: Day(services.clock.now()), form: form)
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    @Sendable func publish(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let now = services.clock.now()
        let (input, details, errors) = OfferForm.read(context.form, today: Day(now))
        guard let details else { return try await shownAgain(id, FormState(input, errors: errors, action: context.form.action), context) }
        let token = context.form["_form"]
        let here = "\(context.base)/besoins/\(id)/offre"
        let done = try await services.database.transaction(in: context) { connection -> String? in
            guard let need = try await JobNeedRepository.find(id: id, businessID: nil, forUpdate: true, on: connection, logger: context.logger) else {
                throw AppError.notFound
            }
            // A need done (filled, closed, cancelled) is not offered any more.
            guard need.status.isOpen else { return nil }
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
            _ = try await PublishedOfferRepository.publish(
                needID: id, details, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: here, on: connection, logger: context.logger)
            return here
        }
        guard let done else {
            var errors = FormErrors()
            errors.add("title", "Ce besoin n'est plus ouvert : il ne peut pas être publié.")
            return try await shownAgain(id, FormState(input, errors: errors, action: context.form.action), context)
        }
        context.logger.info("offer published", metadata: ["need": "\(id)"])
        return .seeOther(done, saying: "Offre publiée : elle est visible sur la page des offres du centre.")
    }

    @Sendable func unpublish(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let today = Day(services.clock.now())
        guard reader.confirmed("Cochez la case pour confirmer le retrait de l'offre.") else {
            let loaded = try await services.database.transaction(in: context) { connection -> (JobNeedRecord, PublishedOffer?)? in
                guard let need = try await JobNeedRepository.find(id: id, businessID: nil, on: connection, logger: context.logger) else { return nil }
                return (need, try await PublishedOfferRepository.find(needID: id, on: connection, logger: context.logger))
            }
            guard let (need, offer) = loaded else { throw AppError.notFound }
            return try await shownAgain(id, FormState(OfferInput(offer: offer, need: need, today: today), errors: reader.errors, action: context.form.action), context)
        }
        let now = services.clock.now()
        let withdrawn = try await services.database.transaction(in: context) { connection -> Bool in
            guard try await JobNeedRepository.find(id: id, businessID: nil, on: connection, logger: context.logger) != nil else { throw AppError.notFound }
            return try await PublishedOfferRepository.unpublish(needID: id, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        let here = "\(context.base)/besoins/\(id)/offre"
        // Sent twice, the second finds it withdrawn already.
        return .seeOther(here, saying: withdrawn ? "Offre retirée : elle n'est plus visible et ne reçoit plus de candidatures." : "Cette offre n'était pas publiée.")
    }

    // MARK: The public side

    private func centre(_ context: AppRequestContext) async throws -> PublicCentre {
        guard let slug = context.parameters.get("centre"),
            let centre = try await services.database.withConnection(logger: context.logger, {
                try await CentreRepository.publicCentre(slug: slug, on: $0, logger: context.logger)
            })
        else { throw AppError.notFound }
        return centre
    }

    private func openOffers(_ centre: PublicCentre, context: AppRequestContext) async throws -> [PublishedOffer] {
        let today = Day(services.clock.now())
        return try await services.database.withTransaction(tenant: centre.id, logger: context.logger) { connection in
            try await PublishedOfferRepository.open(today: today, on: connection, logger: context.logger)
        }
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let offers = try await openOffers(centre, context: context)
        return try services.renderer.render(PublicOfferListPage(centre: centre, offers: offers, session: context.session))
    }

    @Sendable func atom(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let offers = try await openOffers(centre, context: context)
        let xml = OfferFeeds.atom(offers, centre: centre, base: services.configuration.baseURL, now: services.clock.now())
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    @Sendable func json(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let offers = try await openOffers(centre, context: context)
        let text = try OfferFeeds.list(offers, centre: centre, base: services.configuration.baseURL, now: services.clock.now())
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Offer `id` of the centre, published once at least (never published: it does not exist).
    private func findOffer(_ centre: PublicCentre, context: AppRequestContext) async throws -> PublishedOffer {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0,
            let offer = try await services.database.withTransaction(tenant: centre.id, logger: context.logger, {
                try await PublishedOfferRepository.find(id: id, on: $0, logger: context.logger)
            })
        else { throw AppError.notFound }
        return offer
    }

    /// The offer's page: open, with its form; closed, only that it is (410).
    private func page(
        _ centre: PublicCentre, _ offer: PublishedOffer, form: FormState<ApplyInput>, sent: Bool = false, status: HTTPResponse.Status? = nil,
        context: AppRequestContext
    ) async throws -> Response {
        let open = offer.isOpen(today: Day(services.clock.now()))
        let status = status ?? (open || sent ? .ok : .gone)
        func render(_ session: SessionInfo?) throws -> Response {
            try services.renderer.render(
                PublicOfferPage(centre: centre, offer: offer, isOpen: open, sent: sent, base: services.configuration.baseURL, session: session, form: form),
                status: status)
        }
        // Its form needs a session (its CSRF token): a visitor gets one.
        if let session = context.session { return try render(session) }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try render(session)
        response.setCookie(services.cookie.make(token))
        return response
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let offer = try await findOffer(centre, context: context)
        return try await page(centre, offer, form: FormState(ApplyInput()), sent: request.uri.queryParameters["envoyee"] == "1", context: context)
    }

    private struct Closed: Error {}

    @Sendable func apply(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let offer = try await findOffer(centre, context: context)
        let now = services.clock.now()
        guard offer.isOpen(today: Day(now)) else { return try await page(centre, offer, form: FormState(ApplyInput()), context: context) }
        let done = "/c/\(centre.slug)/offres/\(offer.id)?envoyee=1"
        if PublicForms.honeypotFilled(context.form) {
            context.logger.info("offer application honeypot filled")
            return .seeOther(done)
        }
        let (input, draft, errors) = OfferApplications.read(context.form, files: context.files)
        guard let draft else { return try await page(centre, offer, form: FormState(input, errors: errors), status: .unprocessableContent, context: context) }
        let address = ClientAddress.of(request, peer: context.peerAddress, trustForwardedFor: services.configuration.trustForwardedFor)
        let recent = try await services.database.withConnection(logger: context.logger) { connection in
            try await PublicForms.posts("application", from: address, since: now.addingTimeInterval(-3600), on: connection, logger: context.logger)
        }
        if recent >= OfferApplications.hourlyLimit {
            throw AppError.tooManyRequests(
                retryAfter: 3600, message: "Trop de candidatures ont été envoyées depuis cette adresse. Réessayez dans une heure, ou appelez le centre.")
        }
        let token = context.form["_form"]
        let baseURL = services.configuration.baseURL
        do {
            let path = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) { connection -> String in
                if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
                // Read again inside the transaction: withdrawn or closed meanwhile, it takes nothing.
                guard let current = try await PublishedOfferRepository.find(id: offer.id, on: connection, logger: context.logger), current.isOpen(today: Day(now))
                else { throw Closed() }
                let outcome = try await OfferApplications.record(draft, offer: current, centre: centre, token: token ?? "", baseURL: baseURL, now: now, on: connection, logger: context.logger)
                try await PublicForms.record("application", from: address, at: now, on: connection, logger: context.logger)
                try await Notifications.siteApplication(
                    applicationID: outcome.applicationID, needID: current.needID, person: "\(draft.firstName) \(draft.lastName)",
                    known: outcome.matched != nil, centre: NotifiedCentre(id: centre.id, slug: centre.slug, baseURL: baseURL), now: now,
                    on: connection, logger: context.logger)
                try await FormSubmissions.complete(token ?? "", resultPath: done, on: connection, logger: context.logger)
                context.logger.info(
                    "offer application received",
                    metadata: ["centre": "\(centre.id)", "application": "\(outcome.applicationID)", "known": "\(outcome.matched != nil)"])
                return done
            }
            return .seeOther(path)
        } catch is Closed {
            let closed = try await findOffer(centre, context: context)
            return try await page(centre, closed, form: FormState(ApplyInput()), status: .gone, context: context)
        }
    }
}
