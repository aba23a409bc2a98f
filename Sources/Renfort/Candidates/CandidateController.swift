import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The centre's candidate pool: search, create (with duplicates shown first), edit, merge,
/// documents. Advisers only; employers see presented candidates through their needs.
struct CandidateController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("candidats", use: list)
        centre.get("candidats/nouveau", use: newForm)
        centre.post("candidats", use: create)
        centre.get("candidats/{id}", use: show)
        centre.get("candidats/{id}/modifier", use: editForm)
        centre.post("candidats/{id}/modifier", use: update)
        centre.get("candidats/{id}/fusionner", use: compare)
        centre.post("candidats/{id}/fusionner", use: merge)
        centre.post("candidats/{id}/documents", use: upload)
        centre.get("candidats/{id}/documents/{document}", use: download)
    }

    /// The record of the route, for an adviser.
    private func candidateID(_ context: CentreContext) throws -> Int64 {
        try context.require(.adviser)
        return try context.id()
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await CandidateListPage.load(request: request, in: context, database: services.database, searches: services.searches))
    }

    // MARK: Create and edit

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        return try services.renderer.render(CandidateFormPage(editing: nil, form: FormState(CandidateInput()), context: context))
    }

    private struct DuplicatesFound: Error { let duplicates: [Suspect] }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let now = services.clock.now()
        var (input, draft, errors) = CandidateForm.read(context.form, today: Day(now))
        let jobs = try await CandidateSeasons.readJobs(from: context.form, errors: &errors, database: services.database, logger: context.logger)
        draft?.jobs = jobs
        guard let draft, errors.isEmpty else {
            return try services.renderer.render(
                CandidateFormPage(editing: nil, form: FormState(input, errors: errors), context: context), status: .unprocessableContent)
        }
        let token = context.form["_form"]
        let base = context.base
        do {
            let (path, said) = try await services.database.transaction(in: context) { connection -> (String, String) in
                if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                    return (path, FormSubmissions.alreadyDoneMessage)
                }
                if !input.confirmDuplicate {
                    let duplicates = try await CandidateRepository.duplicates(of: draft, excluding: nil, on: connection, logger: context.logger)
                    if !duplicates.isEmpty { throw DuplicatesFound(duplicates: duplicates) }
                }
                let id = try await CandidateRepository.insert(
                    draft, tenantID: context.tenantID, actorID: context.user.id, informing: services.notified(context), now: now, on: connection, logger: context.logger)
                let path = "\(base)/candidats/\(id)"
                try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
                return (path, "Candidat ajouté au vivier.")
            }
            return .seeOther(path, saying: said)
        } catch let found as DuplicatesFound {
            var errors = FormErrors()
            errors.add(
                "confirm_duplicate",
                "Cette personne est peut-être déjà dans le vivier : vérifiez les fiches ci-dessous, ou cochez «\u{00A0}Il s'agit d'une autre personne\u{00A0}».")
            return try services.renderer.render(
                CandidateFormPage(editing: nil, form: FormState(input, errors: errors), duplicates: found.duplicates, context: context),
                status: .unprocessableContent)
        }
    }

    private func activeCandidate(_ id: Int64, _ context: CentreContext) async throws -> Candidate {
        guard let candidate = try await services.database.transaction(in: context, { try await CandidateRepository.find(id: id, on: $0, logger: context.logger) }),
            candidate.mergedInto == nil, candidate.erasedAt == nil
        else { throw AppError.notFound }
        return candidate
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        let candidate = try await activeCandidate(id, context)
        try await services.database.recordView(of: id, at: .edit, in: context, now: services.clock.now())
        return try services.renderer.render(CandidateFormPage(editing: id, form: FormState(CandidateInput(candidate)), context: context))
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        let now = services.clock.now()
        let current = try await activeCandidate(id, context)
        var (input, draft, errors) = CandidateForm.read(context.form, today: Day(now), keptUntil: current.purgeAfter)
        let jobs = try await CandidateSeasons.readJobs(from: context.form, errors: &errors, database: services.database, logger: context.logger)
        draft?.jobs = jobs
        guard let draft, errors.isEmpty else {
            return try services.renderer.render(
                CandidateFormPage(editing: id, form: FormState(input, errors: errors), context: context), status: .unprocessableContent)
        }
        try await services.database.transaction(in: context) { connection in
            try await CandidateRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/candidats/\(id)", saying: "Fiche du candidat enregistrée.")
    }

    // MARK: The record

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        // Who looked: recorded first, so that the page's "consulted by" shows this view too
        // (a record of another centre records nothing, and is a 404 below).
        try await services.database.recordView(of: id, at: .record, in: context, now: services.clock.now())
        if let erased = try await ErasedCandidatePage.load(id: id, in: context, database: services.database) {
            return try services.renderer.render(erased)
        }
        guard let page = try await CandidatePage.load(id: id, in: context, database: services.database)
        else { throw AppError.notFound }
        return try services.renderer.render(page)
    }

    /// The record's page again, with the form as it was sent and its errors (422).
    private func invalid(_ id: Int64, _ errors: FormErrors, _ context: CentreContext, sent: FormData? = nil) async throws -> Response {
        guard let page = try await CandidatePage.load(id: id, in: context, database: services.database, form: FormState(sent: sent ?? context.form, errors: errors))
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    // MARK: Merge

    /// The record to keep, as a form (the record's page, or the comparison) sends its number.
    private func mergeTarget(_ id: Int64, _ reader: inout FormReader) -> Int64? {
        let target = reader.integer("target_id", "Numéro de la fiche à garder", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        if target == id { reader.errors.add("target_id", "Choisissez une autre fiche que celle-ci.") }
        return target
    }

    /// The two records side by side before merging record `id` into `target_id` (a suspect of
    /// the record's page, or a number typed there).
    @Sendable func compare(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        let query = request.uri.queryParameters
        let sent = FormData(fields: query["target_id"].map { [("target_id", String($0))] } ?? [])
        var reader = FormReader(sent)
        let target = mergeTarget(id, &reader)
        guard let target, reader.errors.isEmpty else { return try await invalid(id, reader.errors, context, sent: sent) }
        guard let page = try await CandidateMergePage.load(id: id, target: target, in: context, database: services.database) else {
            _ = try await activeCandidate(id, context)
            var errors = FormErrors()
            errors.add("target_id", "Aucune fiche active de ce numéro dans le vivier.")
            return try await invalid(id, errors, context, sent: sent)
        }
        // Both files are shown side by side: a view of each.
        for shown in [id, target] { try await services.database.recordView(of: shown, at: .merge, in: context, now: services.clock.now()) }
        return try services.renderer.render(page)
    }

    @Sendable func merge(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        var reader = FormReader(context.form)
        let target = mergeTarget(id, &reader)
        guard let target, reader.errors.isEmpty else { return try await invalid(id, reader.errors, context) }
        _ = reader.confirmed("Cochez la case pour confirmer la fusion : elle ne se défait pas.")
        if !reader.errors.isEmpty {
            // Not confirmed: the comparison again, the message beside the box.
            if let page = try await CandidateMergePage.load(
                id: id, target: target, in: context, database: services.database, form: FormState(sent: context.form, errors: reader.errors))
            {
                return try services.renderer.render(page, status: .unprocessableContent)
            }
            return try await invalid(id, reader.errors, context)
        }
        let now = services.clock.now()
        // Sent twice, the second finds the record merged already: the survivor's page again.
        let merged = try await services.database.transaction(in: context) { connection -> Int64? in
            guard let source = try await CandidateRepository.find(id: id, on: connection, logger: context.logger) else { throw AppError.notFound }
            if let survivor = source.mergedInto { return survivor == target ? target : nil }
            guard source.erasedAt == nil, let kept = try await CandidateRepository.find(id: target, on: connection, logger: context.logger),
                kept.mergedInto == nil, kept.erasedAt == nil
            else { return nil }
            try await CandidateRepository.merge(source: id, into: target, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return target
        }
        guard let merged else {
            _ = try await activeCandidate(id, context)
            var errors = FormErrors()
            errors.add("target_id", "Aucune fiche active de ce numéro dans le vivier.")
            return try await invalid(id, errors, context)
        }
        return .seeOther("\(context.base)/candidats/\(merged)", saying: "Les deux fiches sont fusionnées.")
    }

    // MARK: Documents

    /// PDF only (checked by content), 5 MB at most, stored with its SHA-256.
    @Sendable func upload(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        var errors = FormErrors()
        let file = context.files.first { $0.field == "document" }
        let cleanName = CandidateDocument.cleanFilename(file?.filename ?? "")
        if file == nil || file?.filename.isEmpty == true {
            errors.add("document", "Choisissez un fichier PDF.")
        } else if let file {
            if file.data.isEmpty {
                errors.add("document", "Ce fichier est vide.")
            } else if file.data.count > CandidateDocument.maximumSize {
                errors.add("document", "Ce fichier dépasse 5 Mo (\(file.data.count / 1024) Ko).")
            } else if !CandidateDocument.isPDF(file.data) {
                errors.add("document", "Ce fichier n'est pas un PDF : seuls les PDF sont acceptés.")
            }
        }
        guard let file, errors.isEmpty else {
            // A file field cannot be filled again by the page: it names the file that was chosen.
            let chosen = String((file?.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "").prefix(200))
            var sent = FormData(fields: context.form.fields.map { ($0.name, $0.value) } + (chosen.isEmpty ? [] : [("document", chosen)]))
            sent.action = context.form.action
            guard let page = try await CandidatePage.load(id: id, in: context, database: services.database, form: FormState(sent: sent, errors: errors))
            else { throw AppError.notFound }
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let done = "\(context.base)/candidats/\(id)"
        // The page's form carries a one-time token: sent twice, the document is kept once.
        let token = context.form["_form"]
        let path = try await services.database.transaction(in: context) { connection -> String? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger),
                candidate.mergedInto == nil, candidate.erasedAt == nil
            else { return nil }
            if let token, case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
            try await CandidateRepository.addDocument(
                candidateID: id, filename: cleanName, data: file.data, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
            if let token { try await FormSubmissions.complete(token, resultPath: done, on: connection, logger: context.logger) }
            return done
        }
        guard let path else { throw AppError.notFound }
        return .seeOther(path, saying: "Document ajouté.")
    }

    /// The PDF as an attachment, never shown inline.
    @Sendable func download(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        let document = try context.id("document")
        let now = services.clock.now()
        guard let file = try await services.database.transaction(in: context, { connection -> (filename: String, content: ByteBuffer)? in
            guard let file = try await CandidateRepository.documentContent(id: document, candidateID: id, on: connection, logger: context.logger)
            else { return nil }
            try await AccessLog.record(
                .document, candidateID: id, by: .user(context.user.id), place: .record, documentID: document, tenantID: context.tenantID, now: now,
                on: connection, logger: context.logger)
            return file
        }) else { throw AppError.notFound }
        return .attachment(filename: file.filename, contentType: "application/pdf", content: file.content)
    }
}
