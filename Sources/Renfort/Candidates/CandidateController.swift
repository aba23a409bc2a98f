import Crypto
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The centre's candidate pool: search, create (with duplicates shown first), edit, merge,
/// documents. Advisers only; employers see presented candidates through their needs.
struct CandidateController: CentreController, Sendable {
    let services: AppServices
    static let maximumDocumentSize = 5 * 1024 * 1024

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("candidats", use: list)
        centre.get("candidats/nouveau", use: newForm)
        centre.post("candidats", use: create)
        centre.get("candidats/{id}", use: show)
        centre.get("candidats/{id}/modifier", use: editForm)
        centre.post("candidats/{id}/modifier", use: update)
        centre.post("candidats/{id}/fusionner", use: merge)
        centre.post("candidats/{id}/documents", use: upload)
        centre.get("candidats/{id}/documents/{document}", use: download)
    }

    private func base(_ context: CentreContext) -> String { "/c/\(context.membership.centreSlug)" }
    private func candidateID(_ context: CentreContext) throws -> Int64 {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }

    // MARK: The pool

    struct Row: Sendable {
        let href: String
        let name: String
        let commune: String
        let skills: String
        let mobility: String
        let available: String
        let source: String
    }

    struct ListPage: Sendable {
        let layout: Layout
        let rows: [Row]
        let isEmpty: Bool
        let total: Int
        let text: String
        let commune: String
        let licenceChecked: Bool
        let vehicleChecked: Bool
        let availableBy: String
        let contractKinds: [Option]
        let sources: [Option]
        let page: Int
        let pages: Int
        let previousHref: String?
        let nextHref: String?
        let newHref: String
    }

    static func mobility(licence: Bool, vehicle: Bool) -> String {
        [licence ? "permis B" : nil, vehicle ? "véhiculé" : nil].compactMap { $0 }.joined(separator: ", ")
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let query = request.uri.queryParameters
        var filter = CandidateFilter()
        let text = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.text = text.isEmpty ? nil : String(text.prefix(100))
        let commune = String(query["commune"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.commune = commune.isEmpty ? nil : String(commune.prefix(100))
        filter.drivingLicence = query["permis"] == "1"
        filter.ownVehicle = query["vehicule"] == "1"
        filter.availableBy = query["disponible"].flatMap { Day(iso: String($0)) }
        filter.contractKind = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        filter.source = query["origine"].flatMap { CandidateSource(rawValue: String($0)) }
        filter.page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 10_000)
        let result = try await transaction(context) { try await CandidateRepository.search(filter, on: $0, logger: context.logger) }
        let base = self.base(context)
        let pages = max(1, (result.total + CandidateFilter.pageSize - 1) / CandidateFilter.pageSize)
        func pageLink(_ page: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            items.append("page=\(page)")
            return "\(base)/candidats?" + items.joined(separator: "&")
        }
        let page = ListPage(
            layout: Layout(title: "Candidats", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            rows: result.candidates.map {
                Row(href: "\(base)/candidats/\($0.id)", name: $0.name, commune: $0.communeName, skills: String($0.skills.prefix(120)),
                    mobility: Self.mobility(licence: $0.drivingLicence, vehicle: $0.ownVehicle), available: $0.availableFrom?.french ?? "", source: $0.source.label)
            },
            isEmpty: result.candidates.isEmpty, total: result.total, text: text, commune: commune,
            licenceChecked: filter.drivingLicence, vehicleChecked: filter.ownVehicle, availableBy: filter.availableBy?.iso ?? "",
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: filter.contractKind == $0) },
            sources: CandidateSource.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: filter.source == $0) },
            page: filter.page, pages: pages, previousHref: filter.page > 1 ? pageLink(filter.page - 1) : nil,
            nextHref: filter.page < pages ? pageLink(filter.page + 1) : nil, newHref: "\(base)/candidats/nouveau")
        return try services.renderer.render("candidates/list", page)
    }

    // MARK: Create and edit

    struct DuplicateRow: Sendable {
        let href: String
        let name: String
        let commune: String
    }

    struct FormPage: Sendable {
        let layout: Layout
        let heading: String
        let action: String
        let cancelHref: String
        let isNew: Bool
        let input: CandidateInput
        let contractKinds: [Option]
        let sources: [Option]
        let duplicates: [DuplicateRow]
        let hasDuplicates: Bool
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    private func formPage(context: CentreContext, input: CandidateInput, errors: FormErrors, duplicates: [CandidateSummary], editing: Int64?, status: HTTPResponse.Status) throws -> Response {
        let base = self.base(context)
        let page = FormPage(
            layout: Layout(title: editing == nil ? "Nouveau candidat" : "Modifier la fiche", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            heading: editing == nil ? "Nouveau candidat" : "Modifier « \(input.firstName) \(input.lastName) »",
            action: editing.map { "\(base)/candidats/\($0)/modifier" } ?? "\(base)/candidats",
            cancelHref: editing.map { "\(base)/candidats/\($0)" } ?? "\(base)/candidats", isNew: editing == nil, input: input,
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: input.wishedContracts.contains($0.rawValue)) },
            sources: CandidateSource.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: input.source == $0.rawValue) },
            duplicates: duplicates.map { DuplicateRow(href: "\(base)/candidats/\($0.id)", name: $0.name, commune: $0.communeName) },
            hasDuplicates: !duplicates.isEmpty, errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("candidates/form", page, status: status)
    }

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        return try formPage(context: context, input: CandidateInput(), errors: FormErrors(), duplicates: [], editing: nil, status: .ok)
    }

    private struct DuplicatesFound: Error { let duplicates: [CandidateSummary] }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let now = services.clock.now()
        let (input, draft, errors) = CandidateForm.read(context.form, today: Day(now))
        guard let draft else { return try formPage(context: context, input: input, errors: errors, duplicates: [], editing: nil, status: .unprocessableContent) }
        let token = context.form["_form"]
        let base = self.base(context)
        do {
            let path = try await transaction(context) { connection -> String in
                if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return path }
                if !input.confirmDuplicate {
                    let duplicates = try await CandidateRepository.duplicates(of: draft, excluding: nil, on: connection, logger: context.logger)
                    if !duplicates.isEmpty { throw DuplicatesFound(duplicates: duplicates) }
                }
                let id = try await CandidateRepository.insert(draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
                let path = "\(base)/candidats/\(id)"
                try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
                return path
            }
            return .seeOther(path)
        } catch let found as DuplicatesFound {
            var errors = FormErrors()
            errors.add("confirm_duplicate", "Cette personne est peut-être déjà dans le vivier : vérifiez les fiches ci-dessous, ou cochez « Il s'agit d'une autre personne ».")
            return try formPage(context: context, input: input, errors: errors, duplicates: found.duplicates, editing: nil, status: .unprocessableContent)
        }
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        guard let candidate = try await transaction(context, { try await CandidateRepository.find(id: id, on: $0, logger: context.logger) }), candidate.mergedInto == nil
        else { throw AppError.notFound }
        return try formPage(context: context, input: CandidateInput(candidate), errors: FormErrors(), duplicates: [], editing: id, status: .ok)
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        let now = services.clock.now()
        let (input, draft, errors) = CandidateForm.read(context.form, today: Day(now))
        guard let existing = try await transaction(context, { try await CandidateRepository.find(id: id, on: $0, logger: context.logger) }), existing.mergedInto == nil
        else { throw AppError.notFound }
        guard let draft else { return try formPage(context: context, input: input, errors: errors, duplicates: [], editing: id, status: .unprocessableContent) }
        try await transaction(context) { connection in
            try await CandidateRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return .seeOther("\(base(context))/candidats/\(id)")
    }

    // MARK: The record

    struct ApplicationRow: Sendable {
        let href: String
        let need: String
        let business: String
        let stage: String
    }

    struct DocumentRow: Sendable {
        let href: String
        let filename: String
        let size: String
        let uploaded: String
    }

    struct ShowPage: Sendable {
        let layout: Layout
        let name: String
        let merged: Bool
        let mergedHref: String?
        let facts: [Fact]
        let notes: String?
        let editHref: String
        let applications: [ApplicationRow]
        let hasApplications: Bool
        let documents: [DocumentRow]
        let hasDocuments: Bool
        let uploadAction: String
        let mergeAction: String
        let history: [Fact]
        let notice: String?
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        let notice = request.uri.queryParameters["document"] == "ajoute" ? "Document ajouté." : (request.uri.queryParameters["fusion"] == "faite" ? "Les deux fiches sont fusionnées." : nil)
        return try await page(context: context, notice: notice, errors: FormErrors(), status: .ok)
    }

    private func page(context: CentreContext, notice: String?, errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        let id = try candidateID(context)
        let base = self.base(context)
        let loaded = try await transaction(context) { connection -> (Candidate, [ApplicationRow], [DocumentRow], [Fact])? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger) else { return nil }
            let applications = try await connection.all(
                """
                SELECT a.id, n.title, b.name, a.stage FROM applications a
                JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
                JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
                WHERE a.candidate_id = \(id) ORDER BY a.last_move_at DESC
                """, as: (Int64.self, String.self, String.self, String.self), logger: context.logger
            ).map { ApplicationRow(href: "\(base)/candidatures/\($0.0)", need: $0.1, business: $0.2, stage: ApplicationStage(rawValue: $0.3)?.label ?? $0.3) }
            let documents = try await connection.all(
                "SELECT id, filename, size, uploaded_at FROM candidate_documents WHERE candidate_id = \(id) ORDER BY uploaded_at DESC",
                as: (Int64.self, String.self, Int.self, Date.self), logger: context.logger
            ).map { DocumentRow(href: "\(base)/candidats/\(id)/documents/\($0.0)", filename: $0.1, size: "\(max(1, $0.2 / 1024)) Ko", uploaded: Formats.dateTime($0.3)) }
            let history = try await CandidateRepository.events(candidateID: id, on: connection, logger: context.logger).map {
                Fact(label: "\(Formats.dateTime($0.at)) · \($0.who)", value: Self.describe(kind: $0.kind, detail: $0.detail))
            }
            return (candidate, applications, documents, history)
        }
        guard let (candidate, applications, documents, history) = loaded else { throw AppError.notFound }
        var facts: [Fact] = []
        if let email = candidate.email { facts.append(.init(label: "E-mail", value: email)) }
        if let phone = candidate.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        facts.append(.init(label: "Commune", value: candidate.communeName))
        if let birth = candidate.birthDate { facts.append(.init(label: "Date de naissance", value: birth.french)) }
        let mobility = Self.mobility(licence: candidate.drivingLicence, vehicle: candidate.ownVehicle)
        facts.append(.init(label: "Mobilité", value: (mobility.isEmpty ? "ni permis ni véhicule" : mobility) + (candidate.travelKm.map { ", jusqu'à \($0) km" } ?? "")))
        if !candidate.skills.isEmpty { facts.append(.init(label: "Compétences", value: candidate.skills)) }
        if !candidate.experience.isEmpty { facts.append(.init(label: "Expérience", value: candidate.experience)) }
        if let available = candidate.availableFrom { facts.append(.init(label: "Disponible à partir du", value: available.french)) }
        if !candidate.seasonalWindows.isEmpty { facts.append(.init(label: "Disponibilités saisonnières", value: candidate.seasonalWindows)) }
        if !candidate.wishedContracts.isEmpty { facts.append(.init(label: "Contrats souhaités", value: candidate.wishedContracts.map(\.label).joined(separator: ", "))) }
        facts.append(.init(label: "Origine", value: candidate.source.label))
        facts.append(.init(label: "Consentement", value: candidate.consentAt.map { "le \($0.french) : \(candidate.consentScope)" } ?? "aucun"))
        facts.append(.init(label: "À supprimer après le", value: candidate.purgeAfter.french))
        let page = ShowPage(
            layout: Layout(title: candidate.fullName, session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            name: candidate.fullName, merged: candidate.mergedInto != nil, mergedHref: candidate.mergedInto.map { "\(base)/candidats/\($0)" },
            facts: facts, notes: candidate.notes.isEmpty ? nil : candidate.notes, editHref: "\(base)/candidats/\(id)/modifier",
            applications: applications, hasApplications: !applications.isEmpty, documents: documents, hasDocuments: !documents.isEmpty,
            uploadAction: "\(base)/candidats/\(id)/documents", mergeAction: "\(base)/candidats/\(id)/fusionner", history: history,
            notice: notice, errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("candidates/show", page, status: status)
    }

    static func describe(kind: String, detail: String) -> String {
        switch kind {
        case "created": "Fiche créée"
        case "edited": "Fiche modifiée"
        case "document": "Document ajouté : \(detail)"
        case "merged", "merged_into": "Fusion : \(detail)"
        default: kind
        }
    }

    // MARK: Merge

    @Sendable func merge(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        var reader = FormReader(context.form)
        let target = reader.integer("target_id", "Numéro de la fiche à garder", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        if target == id { reader.errors.add("target_id", "Choisissez une autre fiche que celle-ci.") }
        guard let target, reader.errors.isEmpty else { return try await page(context: context, notice: nil, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let merged = try await transaction(context) { connection -> Bool in
            guard let source = try await CandidateRepository.find(id: id, on: connection, logger: context.logger), source.mergedInto == nil else { throw AppError.notFound }
            guard let kept = try await CandidateRepository.find(id: target, on: connection, logger: context.logger), kept.mergedInto == nil else { return false }
            try await CandidateRepository.merge(source: id, into: target, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return true
        }
        guard merged else {
            var errors = FormErrors()
            errors.add("target_id", "Aucune fiche active de ce numéro dans le vivier.")
            return try await page(context: context, notice: nil, errors: errors, status: .unprocessableContent)
        }
        return .seeOther("\(base(context))/candidats/\(target)?fusion=faite")
    }

    // MARK: Documents

    /// PDF only (checked by content), 5 MB at most, stored with its SHA-256.
    @Sendable func upload(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        var errors = FormErrors()
        let file = context.files.first { $0.field == "document" }
        let cleanName = Self.cleanFilename(file?.filename ?? "")
        if file == nil || file?.filename.isEmpty == true {
            errors.add("document", "Choisissez un fichier PDF.")
        } else if let file {
            if file.data.isEmpty { errors.add("document", "Ce fichier est vide.") }
            else if file.data.count > Self.maximumDocumentSize { errors.add("document", "Ce fichier dépasse 5 Mo (\(file.data.count / 1024) Ko).") }
            else if !Self.isPDF(file.data) { errors.add("document", "Ce fichier n'est pas un PDF : seuls les PDF sont acceptés.") }
        }
        guard let file, errors.isEmpty else { return try await page(context: context, notice: nil, errors: errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let digest = SHA256.hash(data: Data(file.data)).map { String(format: "%02x", $0) }.joined()
        let found = try await transaction(context) { connection -> Bool in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger), candidate.mergedInto == nil else { return false }
            try await connection.execute(
                """
                INSERT INTO candidate_documents (tenant_id, candidate_id, filename, content, size, sha256, uploaded_by, uploaded_at)
                VALUES (\(context.tenantID), \(id), \(cleanName), \(ByteBuffer(bytes: file.data)), \(file.data.count), \(digest), \(context.user.id), \(now))
                """, logger: context.logger)
            try await CandidateRepository.addEvent(candidateID: id, tenantID: context.tenantID, actorID: context.user.id, kind: "document", detail: cleanName, now: now, on: connection, logger: context.logger)
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(base(context))/candidats/\(id)?document=ajoute")
    }

    static func isPDF(_ data: [UInt8]) -> Bool {
        data.count >= 5 && Array(data.prefix(5)) == Array("%PDF-".utf8)
    }

    /// The last path component, without control or quoting characters, ending in .pdf.
    static func cleanFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && !"\"<>:|?*;".unicodeScalars.contains($0) }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        if cleaned.isEmpty { cleaned = "document" }
        cleaned = String(cleaned.prefix(120))
        return cleaned.lowercased().hasSuffix(".pdf") ? cleaned : cleaned + ".pdf"
    }

    @Sendable func download(request: Request, context: CentreContext) async throws -> Response {
        let id = try candidateID(context)
        guard let document = context.parameters.get("document", as: Int64.self) else { throw AppError.notFound }
        return try await Self.documentResponse(document: document, candidateID: id, context: context, services: services)
    }

    /// The PDF as an attachment, never shown inline.
    static func documentResponse(document: Int64, candidateID: Int64, context: CentreContext, services: AppServices) async throws -> Response {
        let row = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await connection.first(
                "SELECT filename, content FROM candidate_documents WHERE id = \(document) AND candidate_id = \(candidateID)",
                as: (String.self, ByteBuffer.self), logger: context.logger)
        }
        guard let (filename, content) = row else { throw AppError.notFound }
        let ascii = String(filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document.pdf")",
                .cacheControl: "private, no-store",
            ],
            body: .init(byteBuffer: content))
    }
}
