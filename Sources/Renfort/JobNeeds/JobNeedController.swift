import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Job needs: the employer submits, follows, edits and cancels theirs; advisers qualify and
/// steer every need of the centre. Observers have no access (404).
struct JobNeedController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("besoins", use: list)
        centre.get("besoins/nouveau", use: newForm)
        centre.post("besoins", use: create)
        centre.get("besoins/{id}", use: show)
        centre.get("besoins/{id}/modifier", use: editForm)
        centre.post("besoins/{id}/modifier", use: update)
        centre.post("besoins/{id}/annuler", use: cancel)
        centre.post("besoins/{id}/commentaires", use: comment)
        centre.post("besoins/{id}/qualifier", use: qualify)
        centre.post("besoins/{id}/statut", use: move)
    }

    private func today() -> Day { Day(services.clock.now()) }

    // MARK: List

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await JobNeedListPage.load(request: request, in: context, database: services.database))
    }

    // MARK: New and edit

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        var input = JobNeedInput()
        input.businessID = businessScope.map(String.init) ?? String(request.uri.queryParameters["entreprise"] ?? "")
        return try await formPage(context: context, form: FormState(input), editing: nil)
    }

    private func formPage(context: CentreContext, form: FormState<JobNeedInput>, editing: JobNeedRecord?) async throws -> Response {
        let page = try await JobNeedFormPage.load(editing: editing, form: form, in: context, database: services.database, today: today(), minimumWages: services.minimumWages)
        return try services.renderer.render(page, status: form.hasErrors ? .unprocessableContent : .ok)
    }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        var (input, draft, errors) = JobNeedForm.read(context.form, today: today(), isNew: true, minimumWages: services.minimumWages)
        try await readJob(into: &draft, errors: &errors, context: context)
        let businessID = businessScope ?? Int64(input.businessID)
        if let businessScope { input.businessID = String(businessScope) }
        if businessID == nil { errors.add("business_id", "Choisissez l'entreprise qui recrute.") }
        guard let draft, let businessID, errors.isEmpty else {
            return try await formPage(context: context, form: FormState(input, errors: errors), editing: nil)
        }
        let now = services.clock.now()
        let base = context.base
        let submittedToken = context.form["_form"]
        let outcome: (String, String)?
        do {
            outcome = try await services.database.transaction(in: context) { connection -> (String, String) in
            switch try await FormSubmissions.claim(submittedToken, on: connection, logger: context.logger) {
            case .alreadyDone(let path): return (path, FormSubmissions.alreadyDoneMessage)
            case .claimed: break
            }
            // Only a member business of this centre (row-level security already hides the others).
            guard let business = try await BusinessRepository.find(id: businessID, on: connection, logger: context.logger),
                business.status == .member
            else { throw NeedRefused.unknownBusiness }
            let id = try await JobNeedRepository.insert(
                draft, businessID: businessID, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            let path = "\(base)/besoins/\(id)"
            if context.role == .employer { try await Notifications.newNeed(needID: id, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            try await FormSubmissions.complete(submittedToken ?? "", resultPath: path, on: connection, logger: context.logger)
            context.logger.info("job need submitted", metadata: ["need": "\(id)"])
            return (path, "Besoin déposé : le centre en est prévenu.")
            }
        } catch NeedRefused.unknownBusiness {
            outcome = nil
        }
        guard let outcome else {
            errors.add("business_id", "Choisissez une entreprise adhérente du centre.")
            return try await formPage(context: context, form: FormState(input, errors: errors), editing: nil)
        }
        return .seeOther(outcome.0, saying: outcome.1)
    }

    enum NeedRefused: Error { case unknownBusiness }

    /// The form's job (`job`, and `job_choice` when titles were offered), matched against the referential.
    private func readJob(into draft: inout JobNeedDetails?, errors: inout FormErrors, context: CentreContext) async throws {
        let (job, jobErrors) = try await JobTitles.read("job", label: "Métier", from: context.form, database: services.database, logger: context.logger)
        errors.absorb(jobErrors)
        draft?.romeCode = job?.code
        draft?.appellationID = job?.appellationID
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let id = try context.id()
        guard let need = try await services.database.transaction(in: context, { try await JobNeedRepository.find(id: id, businessID: businessScope, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        guard JobNeedPage.mayEdit(need, role: context.role) else { return .seeOther("\(context.base)/besoins/\(id)") }
        return try await formPage(context: context, form: FormState(JobNeedInput(need)), editing: need)
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let id = try context.id()
        guard let need = try await services.database.transaction(in: context, { try await JobNeedRepository.find(id: id, businessID: businessScope, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        var (input, draft, errors) = JobNeedForm.read(context.form, today: today(), isNew: false, minimumWages: services.minimumWages)
        try await readJob(into: &draft, errors: &errors, context: context)
        input.businessID = String(need.businessID)
        guard JobNeedPage.mayEdit(need, role: context.role) else {
            errors.add("title", "Ce besoin n'est plus modifiable : écrivez plutôt un commentaire aux conseillers.")
            return try await formPage(context: context, form: FormState(input, errors: errors), editing: need)
        }
        guard let draft, errors.isEmpty else {
            return try await formPage(context: context, form: FormState(input, errors: errors), editing: need)
        }
        let now = services.clock.now()
        let saved = try await services.database.transaction(in: context) { connection in
            // Checked again under a lock: the need may have moved since the form was shown.
            guard let current = try await JobNeedRepository.find(id: id, businessID: businessScope, forUpdate: true, on: connection, logger: context.logger),
                JobNeedPage.mayEdit(current, role: context.role)
            else { return false }
            try await JobNeedRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return true
        }
        guard saved else {
            errors.add("title", "Ce besoin vient d'être pris en charge et n'est plus modifiable : écrivez plutôt un commentaire aux conseillers.")
            return try await formPage(context: context, form: FormState(input, errors: errors), editing: need)
        }
        return .seeOther("\(context.base)/besoins/\(id)", saying: "Besoin modifié.")
    }

    // MARK: Show

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try await showPage(context: context)
    }

    /// The need's page; with `errors`, again as a form came back with them (422), what was typed kept.
    private func showPage(context: CentreContext, errors: FormErrors? = nil) async throws -> Response {
        let form = errors.map { FormState(sent: context.form, errors: $0) } ?? .blank
        guard let page = try await JobNeedPage.load(id: try context.id(), in: context, database: services.database, form: form) else {
            throw AppError.notFound
        }
        return try services.renderer.render(page, status: errors == nil ? .ok : .unprocessableContent)
    }

    // MARK: Actions

    @Sendable func cancel(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let id = try context.id()
        var reader = FormReader(context.form)
        let reason = reader.text("reason", "Motif de l'annulation", required: true, max: 1000)
        guard reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors) }
        let now = services.clock.now()
        let shared = sharedWithEmployer(reader, context)
        let outcome = try await services.database.transaction(in: context) { connection in
            try await JobNeedRepository.move(
                id: id, to: .cancelled, comment: reason, cancelReason: reason, shared: shared, businessID: businessScope, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, id: id, context: context, field: "reason", what: "annuler", done: "Besoin annulé.")
    }

    @Sendable func move(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let target = reader.choice("to", "Nouveau statut", as: NeedStatus.self)
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if target == .cancelled { reader.errors.add("to", "Pour annuler un besoin, utilisez le formulaire d'annulation et donnez un motif.") }
        guard let target, reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors) }
        let now = services.clock.now()
        let shared = sharedWithEmployer(reader, context)
        let outcome = try await services.database.transaction(in: context) { connection in
            try await JobNeedRepository.move(
                id: id, to: target, comment: comment, cancelReason: nil, shared: shared, businessID: nil, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(
            outcome, id: id, context: context, field: "to", what: "passer à «\u{00A0}\(target.label)\u{00A0}»", done: "Besoin passé au statut «\u{00A0}\(target.label)\u{00A0}».")
    }

    @Sendable func qualify(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let (job, jobErrors) = try await JobTitles.read("job", label: "Métier", from: context.form, database: services.database, logger: context.logger)
        reader.errors.absorb(jobErrors)
        let hard = reader.yesNo("hard_to_fill", "Poste difficile à pourvoir")
        let reasons = reader.choices("hard_to_fill_reasons", "Raisons de la difficulté", as: HardToFillReason.self)
        let other = reader.text("hard_to_fill_other", "Autre raison", max: 500)
        let adviser = reader.integer("adviser_id", "Conseiller chargé du besoin", range: 1...Int.max, required: true).map(Int64.init)
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if hard == true && reasons.isEmpty { reader.errors.add("hard_to_fill_reasons", "Indiquez au moins une raison de la difficulté.") }
        if reasons.contains(.other) && other.isEmpty && hard == true { reader.errors.add("hard_to_fill_other", "Précisez l'autre raison.") }
        guard let hard, reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors) }
        let now = services.clock.now()
        let shared = sharedWithEmployer(reader, context)
        let outcome = try await services.database.transaction(in: context) { connection -> JobNeedRepository.MoveOutcome? in
            // The adviser must be one of this centre's.
            let advisers = try await BusinessRepository.advisers(on: connection, logger: context.logger)
            guard let adviser, advisers.contains(where: { $0.id == adviser }) else { return nil }
            let outcome = try await JobNeedRepository.qualify(
                id: id, romeCode: job?.code, appellationID: job?.appellationID, hardToFill: hard, reasons: hard ? reasons : [], reasonOther: hard ? other : "",
                adviserID: adviser, comment: comment, shared: shared, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
            if outcome == .moved { try await Notifications.needQualified(needID: id, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            return outcome
        }
        guard let outcome else {
            var errors = FormErrors()
            errors.add("adviser_id", "Choisissez un conseiller du centre.")
            return try await showPage(context: context, errors: errors)
        }
        return try await answer(outcome, id: id, context: context, field: "job", what: "qualifier", done: "Besoin qualifié.")
    }

    @Sendable func comment(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let id = try context.id()
        var reader = FormReader(context.form)
        let text = reader.text("comment", "Commentaire", required: true, max: 2000)
        guard reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors) }
        let now = services.clock.now()
        let token = context.form["_form"]
        let path = "\(context.base)/besoins/\(id)#historique"
        let shared = sharedWithEmployer(reader, context)
        let found = try await services.database.transaction(in: context) { connection -> Bool in
            guard try await JobNeedRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) != nil else { return false }
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return true }
            try await JobNeedRepository.addEvent(
                needID: id, tenantID: context.tenantID, actorID: context.user.id, kind: .comment, from: nil, to: nil, comment: text, shared: shared, now: now,
                on: connection, logger: context.logger)
            if context.role == .adviser && shared { try await Notifications.needQuestion(needID: id, text: text, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther(path, saying: shared || context.role == .employer ? "Commentaire ajouté." : "Commentaire interne ajouté.")
    }

    /// What an adviser writes stays inside the centre unless the box "visible de l'employeur"
    /// was ticked; what an employer writes is theirs to read.
    private func sharedWithEmployer(_ reader: FormReader, _ context: CentreContext) -> Bool {
        context.role == .employer || reader.flag("share")
    }

    private func answer(
        _ outcome: JobNeedRepository.MoveOutcome, id: Int64, context: CentreContext, field: String, what: String, done: String
    ) async throws -> Response {
        switch outcome {
        case .moved: return .seeOther("\(context.base)/besoins/\(id)", saying: done)
        case .notFound: throw AppError.notFound
        case .refused(let from):
            var errors = FormErrors()
            errors.add(field, "Impossible de \(what) un besoin au statut «\u{00A0}\(from.label)\u{00A0}».")
            return try await showPage(context: context, errors: errors)
        }
    }
}

