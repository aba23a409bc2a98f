import Foundation
import Hummingbird
import Logging
import NIOCore

/// The candidate's own page (`/c/{centre}/mon-espace`): a link by e-mail, used once, opens a
/// short session limited to that candidate of that centre, with no password and no account.
/// The session is an ordinary one without a user (so it opens no adviser's or employer's page)
/// that `candidate_sessions` ties to the record; every handler here finds the candidate from it.
struct PortalController: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/c/{centre}/mon-espace", use: home)
        router.post("/c/{centre}/mon-espace/lien", use: requestLink)
        router.get("/c/{centre}/mon-espace/lien/{token}", use: linkPage)
        router.post("/c/{centre}/mon-espace/lien/{token}", use: open)
        router.post("/c/{centre}/mon-espace/coordonnees", use: updateContact)
        router.post("/c/{centre}/mon-espace/candidatures/{id}/retrait", use: withdraw)
        router.get("/c/{centre}/mon-espace/documents/{id}", use: download)
        router.get("/c/{centre}/mon-espace/mes-donnees.zip", use: export)
        router.post("/c/{centre}/mon-espace/deconnexion", use: signOut)
    }

    private var now: Date { services.clock.now() }

    private func centre(_ context: AppRequestContext) async throws -> PublicCentre {
        guard let slug = context.parameters.get("centre"),
            let centre = try await services.database.withConnection(logger: context.logger, {
                try await CentreRepository.publicCentre(slug: slug, on: $0, logger: context.logger)
            })
        else { throw AppError.notFound }
        return centre
    }

    /// What this request's session is in `centre`'s candidate pages.
    private enum Standing {
        /// A candidate's session, on.
        case visit(PortalVisit)
        /// A candidate's session of this centre that has lasted its hour.
        case ended
        /// Anyone else: a visitor, an adviser, an employer, a candidate of another centre.
        case stranger
    }

    private func standing(_ centre: PublicCentre, _ context: AppRequestContext) async throws -> Standing {
        guard let session = context.session, session.user == nil else { return .stranger }
        let now = self.now
        let found = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
            try await PortalRepository.candidate(sessionID: session.id, now: now, on: $0, logger: context.logger)
        }
        guard let found else { return .stranger }
        return found.active ? .visit(PortalVisit(centre: centre, candidateID: found.id, session: session)) : .ended
    }

    private func visit(_ centre: PublicCentre, _ context: AppRequestContext) async throws -> PortalVisit? {
        if case .visit(let visit) = try await standing(centre, context) { return visit }
        return nil
    }

    /// A handler's candidate, or the answer to someone whose session opens none here.
    private enum Access {
        case visit(PortalVisit)
        case refused(Response)
    }

    /// The visit of a handler that needs one. A session whose hour is over gets the request
    /// page that says so; anyone else a 404, as for a record that is not theirs.
    private func requireVisit(_ context: AppRequestContext) async throws -> Access {
        let centre = try await centre(context)
        switch try await standing(centre, context) {
        case .visit(let visit): return .visit(visit)
        case .stranger: throw AppError.notFound
        case .ended: break
        }
        return .refused(try await requestPage(
            centre, context: context, status: .forbidden, problemTitle: "Votre session est terminée",
            problem: "Pour des raisons de sécurité, l'accès à votre espace ne dure qu'une heure. Demandez un nouveau lien ci-dessous : rien de ce que vous aviez enregistré n'est perdu."))
    }

    /// The request page, under the visitor's session (one is started for the form's CSRF token).
    private func requestPage(
        _ centre: PublicCentre, context: AppRequestContext, status: HTTPResponse.Status = .ok, form: FormState<TypedFields> = .blank,
        sent: Bool = false, signedOut: Bool = false, problemTitle: String? = nil, problem: String? = nil
    ) async throws -> Response {
        func page(_ session: SessionInfo) -> PortalRequestPage {
            PortalRequestPage(centre: centre, session: session, form: form, sent: sent, signedOut: signedOut, problemTitle: problemTitle, problem: problem)
        }
        if let session = context.session { return try services.renderer.render(page(session), status: status) }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render(page(session), status: status)
        response.setCookie(services.cookie.make(token))
        return response
    }

    // MARK: The link

    @Sendable func home(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        guard let visit = try await visit(centre, context) else {
            let query = request.uri.queryParameters
            return try await requestPage(centre, context: context, sent: query["envoye"] == "1", signedOut: query["sortie"] == "1")
        }
        // Who looked: the person's own view of their file is in its log too.
        let now = self.now
        try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger) {
            try await AccessLog.record(.view, candidateID: visit.candidateID, by: .candidate, place: .portal, tenantID: visit.centre.id, now: now, on: $0, logger: context.logger)
        }
        return try await ownPage(visit, context: context)
    }

    private func ownPage(
        _ visit: PortalVisit, context: AppRequestContext, status: HTTPResponse.Status = .ok, form: FormState<PortalContactInput>? = nil,
        withdrawal: FormState<TypedFields> = .blank
    ) async throws -> Response {
        guard let page = try await PortalPage.load(visit, database: services.database, now: now, logger: context.logger, form: form, withdrawal: withdrawal)
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: status)
    }

    /// The e-mail address typed: the same answer whether the centre knows it or not.
    @Sendable func requestLink(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        // Sent from a page that outlived its session (`FormRecovery`): nothing sent, the address kept.
        if context.formUnproven {
            var errors = FormErrors()
            errors.add("email", "Cette page était ouverte depuis longtemps : par sécurité, rien n'a encore été envoyé. Vérifiez votre adresse, puis demandez le lien.")
            return try await requestPage(centre, context: context, status: .unprocessableContent, form: FormState(sent: context.form, errors: errors))
        }
        let email = (context.form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var reader = FormReader(context.form)
        _ = reader.email("email", "Adresse e-mail", required: true)
        guard reader.errors.isEmpty else {
            return try await requestPage(
                centre, context: context, status: .unprocessableContent, form: FormState(sent: context.form, errors: reader.errors))
        }
        let address = ClientAddress.of(request, peer: context.peerAddress, trustForwardedFor: services.configuration.trustForwardedFor)
        let now = self.now
        let baseURL = services.configuration.baseURL
        let done = "/c/\(centre.slug)/mon-espace?envoye=1"
        let token = context.form["_form"]
        let refused = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) { connection -> Bool in
            // A second click on the button sends nothing more.
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return false }
            let recent = try await PortalRepository.requests(from: address, since: now.addingTimeInterval(-3600), on: connection, logger: context.logger)
            guard recent < PortalRepository.hourlyPerAddress else { return true }
            try await PortalRepository.recordRequest(from: address, at: now, on: connection, logger: context.logger)
            try await CandidateLinks.send(email: email, centre: centre, baseURL: baseURL, now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: done, on: connection, logger: context.logger)
            return false
        }
        if refused {
            throw AppError.tooManyRequests(
                retryAfter: 3600, message: "Trop de demandes ont été envoyées depuis cette adresse. Réessayez dans une heure, ou appelez le centre.")
        }
        context.logger.info("candidate link requested", metadata: ["centre": "\(centre.id)"])
        return .seeOther(done)
    }

    /// What a used, expired or unknown link says, with the form to ask for a new one.
    private func badLink(_ state: CandidateLinks.State, _ centre: PublicCentre, context: AppRequestContext) async throws -> Response {
        let minutes = Int(CandidateLinks.validity / 60)
        let (title, message): (String, String) =
            switch state {
            case .used: ("Ce lien a déjà servi", "Chaque lien n'ouvre votre espace qu'une fois. Demandez-en un nouveau ci-dessous : il arrive en quelques instants.")
            case .expired: ("Ce lien a expiré", "Un lien n'est valable que \(minutes) minutes. Demandez-en un nouveau ci-dessous : il arrive en quelques instants.")
            case .unknown, .valid: ("Ce lien n'est pas valable", "Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau ci-dessous.")
            }
        return try await requestPage(centre, context: context, status: .gone, problemTitle: title, problem: message)
    }

    @Sendable func linkPage(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let token = context.parameters.get("token") ?? ""
        let now = self.now
        let state = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
            try await CandidateLinks.state(token: token, now: now, on: $0, logger: context.logger)
        }
        guard case .valid = state else { return try await badLink(state, centre, context: context) }
        if let session = context.session { return try services.renderer.render(PortalLinkPage(centre: centre, session: session, token: token)) }
        let (cookieToken, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render(PortalLinkPage(centre: centre, session: session, token: token))
        response.setCookie(services.cookie.make(cookieToken))
        return response
    }

    /// Uses the link: a new session (whatever this browser had before, an adviser's included,
    /// ends), tied to the candidate for an hour at most.
    @Sendable func open(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        let token = context.parameters.get("token") ?? ""
        let now = self.now
        let candidateID = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
            try await CandidateLinks.consume(token: token, now: now, on: $0, logger: context.logger)
        }
        guard let candidateID else {
            let state = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
                try await CandidateLinks.state(token: token, now: now, on: $0, logger: context.logger)
            }
            return try await badLink(state, centre, context: context)
        }
        if let old = context.session { try await services.sessions.delete(id: old.id, logger: context.logger) }
        let (cookieToken, sessionID) = try await services.sessions.create(userID: nil, logger: context.logger)
        try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
            try await PortalRepository.startSession(sessionID: sessionID, candidateID: candidateID, tenantID: centre.id, now: now, on: $0, logger: context.logger)
            // Opening their own page is the person's action: a new last contact (`Privacy/`).
            try await PrivacyRepository.contact(candidateID: candidateID, at: now, on: $0, logger: context.logger)
        }
        context.logger.info("candidate page opened", metadata: ["centre": "\(centre.id)"])
        var response = Response.seeOther("/c/\(centre.slug)/mon-espace")
        response.setCookie(services.cookie.make(cookieToken))
        return response
    }

    @Sendable func signOut(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await centre(context)
        if let session = context.session, session.user == nil {
            try await services.sessions.delete(id: session.id, logger: context.logger)
        }
        var response = Response.seeOther("/c/\(centre.slug)/mon-espace?sortie=1")
        response.setCookie(services.cookie.cleared())
        return response
    }

    // MARK: The page's actions

    @Sendable func updateContact(request: Request, context: AppRequestContext) async throws -> Response {
        let visit: PortalVisit
        switch try await requireVisit(context) {
        case .visit(let found): visit = found
        case .refused(let answer): return answer
        }
        let now = self.now
        var (input, contact, errors) = PortalContactForm.read(context.form, today: Day(now))
        let jobs = try await CandidateSeasons.readJobs(from: context.form, errors: &errors, database: services.database, logger: context.logger)
        contact?.jobs = jobs
        guard let contact, errors.isEmpty else {
            return try await ownPage(
                visit, context: context, status: .unprocessableContent, form: FormState(input, errors: errors, action: context.form.action))
        }
        let token = context.form["_form"]
        let changed = try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger) { connection -> [String]? in
            // The same form sent twice is saved once, and says so once saved.
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return nil }
            let changed = try await PortalRepository.updateContact(
                candidateID: visit.candidateID, contact, tenantID: visit.centre.id, now: now, on: connection, logger: context.logger)
            try await PrivacyRepository.contact(candidateID: visit.candidateID, at: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: visit.base, on: connection, logger: context.logger)
            return changed
        }
        let message = changed?.isEmpty == true ? "Rien n'a changé : vos coordonnées sont celles que le centre avait déjà." : "Vos coordonnées sont enregistrées : le centre les voit dès maintenant."
        return .seeOther(visit.base, saying: message)
    }

    @Sendable func withdraw(request: Request, context: AppRequestContext) async throws -> Response {
        let visit: PortalVisit
        switch try await requireVisit(context) {
        case .visit(let found): visit = found
        case .refused(let answer): return answer
        }
        guard let applicationID = context.parameters.get("id").flatMap(Int64.init) else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let now = self.now
        let owned = try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger) {
            try await PortalRepository.owns(applicationID: applicationID, candidateID: visit.candidateID, on: $0, logger: context.logger)
        }
        guard owned else { throw AppError.notFound }
        guard reader.confirmed("Cochez la case pour confirmer que vous retirez cette candidature.") else {
            return try await ownPage(visit, context: context, status: .unprocessableContent, withdrawal: FormState(sent: context.form, errors: reader.errors))
        }
        let outcome = try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger) {
            try await ApplicationRepository.move(
                id: applicationID, to: .withdrawn, comment: "Désistement de la personne, depuis son espace", tenantID: visit.centre.id, actorID: nil,
                now: now, on: $0, logger: context.logger)
        }
        try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger) {
            try await PrivacyRepository.contact(candidateID: visit.candidateID, at: now, on: $0, logger: context.logger)
        }
        switch outcome {
        case .moved: return .seeOther(visit.base, saying: "Votre candidature est retirée : le centre en est informé.")
        case .notFound: throw AppError.notFound
        case .refused(let stage) where stage == .withdrawn: return .seeOther(visit.base, saying: "Cette candidature était déjà retirée.")
        case .refused:
            var errors = FormErrors()
            errors.add(FormReader.confirmField, "Cette candidature est close : elle ne peut plus être retirée.")
            return try await ownPage(visit, context: context, status: .unprocessableContent, withdrawal: FormState(sent: context.form, errors: errors))
        }
    }

    @Sendable func download(request: Request, context: AppRequestContext) async throws -> Response {
        let visit: PortalVisit
        switch try await requireVisit(context) {
        case .visit(let found): visit = found
        case .refused(let answer): return answer
        }
        guard let documentID = context.parameters.get("id").flatMap(Int64.init) else { throw AppError.notFound }
        let now = self.now
        guard let file = try await services.database.withTransaction(tenant: visit.centre.id, logger: context.logger, { connection -> (filename: String, content: ByteBuffer)? in
            guard let file = try await CandidateRepository.documentContent(id: documentID, candidateID: visit.candidateID, on: connection, logger: context.logger)
            else { return nil }
            try await AccessLog.record(
                .document, candidateID: visit.candidateID, by: .candidate, place: .portal, documentID: documentID, tenantID: visit.centre.id, now: now,
                on: connection, logger: context.logger)
            return file
        }) else { throw AppError.notFound }
        return .attachment(filename: file.filename, contentType: "application/pdf", content: file.content)
    }

    /// Everything the centre holds on the person, as one ZIP (the right of access); logged.
    @Sendable func export(request: Request, context: AppRequestContext) async throws -> Response {
        let visit: PortalVisit
        switch try await requireVisit(context) {
        case .visit(let found): visit = found
        case .refused(let answer): return answer
        }
        guard let archive = try await PersonalDataExport.make(
            candidateID: visit.candidateID, tenantID: visit.centre.id, centreName: visit.centre.name, by: .candidate, place: .portal,
            database: services.database, now: now, logger: context.logger)
        else { throw AppError.notFound }
        return archive.response
    }
}
