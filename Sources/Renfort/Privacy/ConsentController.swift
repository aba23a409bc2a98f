import Foundation
import Hummingbird
import Logging

/// Information and consent: the printable notice, the page where a candidate answers a question
/// sent by e-mail (yes or no, by POST under the page's CSRF token), and the advisers' side —
/// asking for consent, recording that the printed notice was handed over, the centre's contact
/// details that the notice gives.
struct ConsentController: Sendable {
    let services: AppServices

    func addRoutes(root router: Router<AppRequestContext>, centre: RouterGroup<CentreContext>) {
        router.get("/c/{centre}/informations-candidats", use: notice)
        router.get("/c/{centre}/informations-candidats/imprimer", use: printable)
        router.get("/c/{centre}/consentement/{token}", use: question)
        router.post("/c/{centre}/consentement/{token}", use: answer)
        centre.post("candidats/{id}/consentement", use: ask)
        centre.post("candidats/{id}/notice-remise", use: handed)
        centre.get("parametres/coordonnees", use: contactForm)
        centre.post("parametres/coordonnees", use: saveContact)
    }

    private var now: Date { services.clock.now() }

    private func controller(_ context: AppRequestContext) async throws -> CentreController {
        guard let slug = context.parameters.get("centre"),
            let centre = try await services.database.withConnection(logger: context.logger, { connection -> CentreController? in
                guard let found = try await CentreRepository.publicCentre(slug: slug, on: connection, logger: context.logger) else { return nil }
                return try await PrivacyRepository.controller(centreID: found.id, on: connection, logger: context.logger)
            })
        else { throw AppError.notFound }
        return centre
    }

    // MARK: For everyone

    @Sendable func notice(request: Request, context: AppRequestContext) async throws -> Response {
        try services.renderer.render(CandidateNoticePage(centre: try await controller(context), session: context.session))
    }

    /// The notice to print and hand over: no script, print styles.
    @Sendable func printable(request: Request, context: AppRequestContext) async throws -> Response {
        try services.renderer.render(PrintableNoticePage(centre: try await controller(context)))
    }

    /// Renders `page` under the visitor's session (one is started for the form's CSRF token).
    private func withSession(
        _ context: AppRequestContext, status: HTTPResponse.Status = .ok, _ page: (SessionInfo) -> QuestionPage
    ) async throws -> Response {
        if let session = context.session { return try services.renderer.render(page(session), status: status) }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try services.renderer.render(page(session), status: status)
        response.setCookie(services.cookie.make(token))
        return response
    }

    @Sendable func question(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await controller(context)
        let token = context.parameters.get("token") ?? ""
        let now = self.now
        let state = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
            try await PrivacyRepository.question(tokenHash: Tokens.hash(token), now: now, on: $0, logger: context.logger)
        }
        let status: HTTPResponse.Status = if case .open = state { .ok } else { .gone }
        return try await withSession(context, status: status) { QuestionPage(centre: centre, session: $0, token: token, state: state) }
    }

    @Sendable func answer(request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await controller(context)
        let token = context.parameters.get("token") ?? ""
        let now = self.now
        let hash = Tokens.hash(token)
        let said = context.form["answer"]
        guard said == "oui" || said == "non" else {
            let state = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
                try await PrivacyRepository.question(tokenHash: hash, now: now, on: $0, logger: context.logger)
            }
            var errors = FormErrors()
            errors.add("answer", "Choisissez «\u{00A0}Oui\u{00A0}» ou «\u{00A0}Non\u{00A0}».")
            let status: HTTPResponse.Status = if case .open = state { .unprocessableContent } else { .gone }
            return try await withSession(context, status: status) { QuestionPage(centre: centre, session: $0, token: token, state: state, errors: errors) }
        }
        let yes = said == "oui"
        let answered = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) { connection -> CandidateQuestion.Purpose? in
            guard let found = try await PrivacyRepository.answer(tokenHash: hash, yes: yes, now: now, on: connection, logger: context.logger) else { return nil }
            switch (found.purpose, yes) {
            case (_, true): try await PrivacyRepository.consent(candidateID: found.candidateID, scope: Retention.answeredScope, at: now, on: connection, logger: context.logger)
            case (.consent, false): try await PrivacyRepository.refuse(candidateID: found.candidateID, at: now, on: connection, logger: context.logger)
            case (.stay, false): try await PrivacyRepository.leave(candidateID: found.candidateID, at: now, on: connection, logger: context.logger)
            }
            try await CandidateRepository.addEvent(
                candidateID: found.candidateID, tenantID: centre.id, actorID: nil, kind: .answered,
                detail: Self.eventText(found.purpose, yes: yes), now: now, on: connection, logger: context.logger)
            return found.purpose
        }
        guard answered != nil else {
            // Answered already (a second click), expired or unknown: the page says which.
            let state = try await services.database.withTransaction(tenant: centre.id, logger: context.logger) {
                try await PrivacyRepository.question(tokenHash: hash, now: now, on: $0, logger: context.logger)
            }
            return try await withSession(context, status: .gone) { QuestionPage(centre: centre, session: $0, token: token, state: state) }
        }
        context.logger.info("candidate answered", metadata: ["centre": "\(centre.id)"])
        return try await withSession(context) {
            QuestionPage(centre: centre, session: $0, token: token, state: .answered(answer: yes ? "yes" : "no", at: now), justAnswered: true)
        }
    }

    /// As the record's history says the answer.
    static func eventText(_ purpose: CandidateQuestion.Purpose, yes: Bool) -> String {
        switch (purpose, yes) {
        case (.consent, true): "accepte que le centre garde son dossier pour d'autres postes (deux ans après ce contact)"
        case (.consent, false): "refuse que le centre garde son dossier pour d'autres postes (trois mois après ce contact)"
        case (.stay, true): "souhaite que le centre garde son dossier (deux ans après ce contact)"
        case (.stay, false): "ne souhaite pas que le centre garde son dossier : il sera supprimé à la date prévue"
        }
    }

    // MARK: For advisers

    @Sendable func ask(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let now = self.now
        let centre = services.notified(context)
        let token = context.form["_form"]
        let path = "\(context.base)/candidats/\(id)"
        let outcome = try await services.database.transaction(in: context) { connection -> String? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger), candidate.mergedInto == nil else { return nil }
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return "Demande de consentement envoyée." }
            guard let email = candidate.email,
                let controller = try await PrivacyRepository.controller(centreID: context.tenantID, on: connection, logger: context.logger)
            else { return "" }
            try await CandidateQuestions.ask(
                .consent, candidateID: id, firstName: candidate.firstName, email: email, purgeOn: nil, centre: centre, centreName: controller.name,
                replyTo: context.user.email, now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return "Demande de consentement envoyée à \(email)."
        }
        guard let outcome else { throw AppError.notFound }
        guard !outcome.isEmpty else {
            var errors = FormErrors()
            errors.add("consent_request", "Ce candidat n'a pas d'adresse e-mail : recueillez son consentement de vive voix ou par écrit, puis datez-le sur sa fiche.")
            return try await invalid(id, errors, context)
        }
        return .seeOther(path, saying: outcome)
    }

    @Sendable func handed(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let today = Day(now)
        var reader = FormReader(context.form)
        let day = reader.day("handed_on", "Date de remise", required: true, range: today.within(yearsBack: 2, yearsAhead: 0))
        guard let day, reader.errors.isEmpty else { return try await invalid(id, reader.errors, context) }
        let done = try await services.database.transaction(in: context) { connection in
            try await PrivacyRepository.noticeHanded(candidateID: id, on: day, on: connection, logger: context.logger)
        }
        guard done else { throw AppError.notFound }
        return .seeOther("\(context.base)/candidats/\(id)", saying: "Remise de la notice d'information enregistrée (le \(day.french)).")
    }

    /// The record's page again, with the form as it was sent and its errors (422).
    private func invalid(_ id: Int64, _ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        guard let page = try await CandidatePage.load(id: id, in: context, database: services.database, form: FormState(sent: context.form, errors: errors))
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    @Sendable func contactForm(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await CentreContactPage.load(in: context, database: services.database))
    }

    @Sendable func saveContact(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let address = reader.text("postal_address", "Adresse postale", required: true, max: 500)
        let email = reader.email("contact_email", "Adresse e-mail pour les données personnelles", required: true)
        let phone = reader.formatted("contact_phone", "Téléphone", pattern: "\\+?[0-9][0-9 .-]{8,18}[0-9]", example: "05 65 20 40 60")
        guard let email, reader.errors.isEmpty else {
            let page = try await CentreContactPage.load(in: context, database: services.database, form: FormState(sent: context.form, errors: reader.errors))
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        try await services.database.transaction(in: context) { connection in
            try await PrivacyRepository.saveContact(
                centreID: context.tenantID, postalAddress: address, email: email, phone: phone ?? "", on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/parametres/coordonnees", saying: "Coordonnées du centre enregistrées : la notice d'information les donne dès maintenant.")
    }
}
