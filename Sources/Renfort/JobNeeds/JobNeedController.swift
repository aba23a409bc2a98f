import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Job needs: the employer submits, follows, edits and cancels theirs; advisers qualify and
/// steer every need of the centre. Observers have no access (404).
struct JobNeedController: CentreController, Sendable {
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

    private func base(_ context: CentreContext) -> String { "/c/\(context.membership.centreSlug)" }
    private func today() -> Day { Day(services.clock.now()) }

    /// The business an employer is limited to; nil for advisers (the whole centre).
    private func scope(_ context: CentreContext) throws -> Int64? {
        try context.require(.adviser, .employer)
        guard context.role == .employer else { return nil }
        guard let id = context.membership.businessID else { throw AppError.notFound }
        return id
    }

    private func needID(_ context: CentreContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }

    // MARK: List

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let query = request.uri.queryParameters
        var filter = JobNeedFilter()
        filter.status = query["statut"].flatMap { NeedStatus(rawValue: String($0)) }
        filter.contractKind = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        filter.businessID = query["entreprise"].flatMap { Int64(String($0)) }
        filter.adviserID = query["conseiller"].flatMap { Int64(String($0)) }
        filter.hardToFill = query["difficile"] == "1" ? true : nil
        filter.seasonal = query["saisonnier"] == "1" ? true : nil
        let text = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        filter.text = text.isEmpty ? nil : String(text.prefix(100))
        filter.page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 10_000)
        let isAdviser = context.role == .adviser
        let (result, counts, businesses, advisers) = try await transaction(context) { connection in
            let result = try await JobNeedRepository.list(filter, businessID: businessScope, on: connection, logger: context.logger)
            let counts = try await JobNeedRepository.countsByStatus(businessID: businessScope, on: connection, logger: context.logger)
            let businesses = isAdviser ? try await BusinessRepository.members(on: connection, logger: context.logger) : []
            let advisers = isAdviser ? try await BusinessRepository.advisers(on: connection, logger: context.logger) : []
            return (result, counts, businesses, advisers)
        }
        let base = self.base(context)
        func link(status: NeedStatus?) -> String {
            var items: [String] = []
            if let status { items.append("statut=\(status.rawValue)") }
            return "\(base)/besoins" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        }
        func pageLink(_ page: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            items.append("page=\(page)")
            return "\(base)/besoins?" + items.joined(separator: "&")
        }
        let pages = max(1, (result.total + JobNeedFilter.pageSize - 1) / JobNeedFilter.pageSize)
        let rows = result.needs.map { need in
            JobNeedListPage.Row(
                href: "\(base)/besoins/\(need.id)", title: need.title, businessName: need.businessName, contract: need.contractKind.label,
                positions: "\(need.positionsFilled) / \(need.positions)", start: need.wishedStart.french, statusLabel: need.status.label,
                statusClass: Formats.statusClass(need.status), hardToFill: need.hardToFill, seasonal: need.seasonal,
                adviserName: need.adviserName, submitted: Formats.day(need.submittedAt))
        }
        let page = JobNeedListPage(
            layout: Layout(title: isAdviser ? "Besoins de recrutement" : "Mes besoins", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            heading: isAdviser ? "Besoins de recrutement" : "Mes besoins", isAdviser: isAdviser, newHref: "\(base)/besoins/nouveau",
            rows: rows, isEmpty: rows.isEmpty, total: result.total,
            counts: NeedStatus.allCases.map { JobNeedListPage.Count(label: $0.label, count: counts[$0] ?? 0, href: link(status: $0), current: filter.status == $0) },
            statuses: NeedStatus.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: filter.status == $0) },
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: filter.businessID == $0.id) },
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: filter.contractKind == $0) },
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: filter.adviserID == $0.id) },
            text: text, hardToFillChecked: filter.hardToFill == true, seasonalChecked: filter.seasonal == true,
            page: filter.page, pages: pages,
            previousHref: filter.page > 1 ? pageLink(filter.page - 1) : nil,
            nextHref: filter.page < pages ? pageLink(filter.page + 1) : nil)
        return try services.renderer.render("needs/list", page)
    }

    // MARK: New and edit

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        var input = JobNeedInput()
        input.businessID = businessScope.map(String.init) ?? String(request.uri.queryParameters["entreprise"] ?? "")
        return try await formPage(context: context, input: input, errors: FormErrors(), editing: nil, businessScope: businessScope, status: .ok)
    }

    private func formPage(
        context: CentreContext, input: JobNeedInput, errors: FormErrors, editing: JobNeedRecord?, businessScope: Int64?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let base = self.base(context)
        let (businesses, ownName) = try await transaction(context) { connection in
            if let businessScope {
                let own = try await BusinessRepository.find(id: businessScope, on: connection, logger: context.logger)
                return ([Business]?.none, own?.name)
            }
            return (try await BusinessRepository.members(on: connection, logger: context.logger), String?.none)
        }
        let isNew = editing == nil
        let page = JobNeedFormPage(
            layout: Layout(title: isNew ? "Nouveau besoin" : "Modifier le besoin", session: context.session, membership: context.membership, currentPath: "\(base)/besoins/nouveau"),
            heading: isNew ? "Déposer un besoin de recrutement" : "Modifier le besoin « \(editing?.title ?? "") »",
            action: editing.map { "\(base)/besoins/\($0.id)/modifier" } ?? "\(base)/besoins",
            cancelHref: editing.map { "\(base)/besoins/\($0.id)" } ?? "\(base)/besoins",
            isNew: isNew, input: input, businesses: isNew ? businesses : nil, businessName: editing?.businessName ?? ownName,
            today: today(), errors: errors)
        return try services.renderer.render("needs/form", page, status: status)
    }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        var (input, draft, errors) = JobNeedForm.read(context.form, today: today(), isNew: true)
        let businessID = businessScope ?? Int64(input.businessID)
        if let businessScope { input.businessID = String(businessScope) }
        if businessID == nil { errors.add("business_id", "Choisissez l'entreprise qui recrute.") }
        guard let draft, let businessID, errors.isEmpty else {
            return try await formPage(context: context, input: input, errors: errors, editing: nil, businessScope: businessScope, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let base = self.base(context)
        let submittedToken = context.form["_form"]
        let outcome: String?
        do {
            outcome = try await transaction(context) { connection in
            switch try await FormSubmissions.claim(submittedToken, on: connection, logger: context.logger) {
            case .alreadyDone(let path): return path
            case .claimed: break
            }
            // Only a member business of this centre (row-level security already hides the others).
            guard let business = try await BusinessRepository.find(id: businessID, on: connection, logger: context.logger),
                business.status == "member"
            else { throw NeedRefused.unknownBusiness }
            let id = try await JobNeedRepository.insert(
                draft, businessID: businessID, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            let path = "\(base)/besoins/\(id)"
            try await FormSubmissions.complete(submittedToken ?? "", resultPath: path, on: connection, logger: context.logger)
            context.logger.info("job need submitted", metadata: ["need": "\(id)"])
            return path
            }
        } catch NeedRefused.unknownBusiness {
            outcome = nil
        }
        guard let path = outcome else {
            errors.add("business_id", "Choisissez une entreprise adhérente du centre.")
            return try await formPage(context: context, input: input, errors: errors, editing: nil, businessScope: businessScope, status: .unprocessableContent)
        }
        return .seeOther(path)
    }

    enum NeedRefused: Error { case unknownBusiness }

    /// Employers edit while the need is submitted; advisers while it is open.
    private func editable(_ need: JobNeedRecord, context: CentreContext) -> Bool {
        context.role == .adviser ? need.status.isOpen : need.status == .submitted
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let id = try needID(context)
        guard let need = try await transaction(context, { try await JobNeedRepository.find(id: id, businessID: businessScope, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        guard editable(need, context: context) else { return .seeOther("\(base(context))/besoins/\(id)") }
        return try await formPage(context: context, input: Self.input(from: need), errors: FormErrors(), editing: need, businessScope: businessScope, status: .ok)
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let id = try needID(context)
        guard let need = try await transaction(context, { try await JobNeedRepository.find(id: id, businessID: businessScope, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        var (input, draft, errors) = JobNeedForm.read(context.form, today: today(), isNew: false)
        input.businessID = String(need.businessID)
        guard editable(need, context: context) else {
            errors.add("title", "Ce besoin n'est plus modifiable : écrivez plutôt un commentaire aux conseillers.")
            return try await formPage(context: context, input: input, errors: errors, editing: need, businessScope: businessScope, status: .unprocessableContent)
        }
        guard let draft, errors.isEmpty else {
            return try await formPage(context: context, input: input, errors: errors, editing: need, businessScope: businessScope, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let isAdviser = context.role == .adviser
        let saved = try await transaction(context) { connection in
            // Checked again under a lock: the need may have moved since the form was shown.
            guard let current = try await JobNeedRepository.find(id: id, businessID: businessScope, forUpdate: true, on: connection, logger: context.logger),
                isAdviser ? current.status.isOpen : current.status == .submitted
            else { return false }
            try await JobNeedRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return true
        }
        guard saved else {
            errors.add("title", "Ce besoin vient d'être pris en charge et n'est plus modifiable : écrivez plutôt un commentaire aux conseillers.")
            return try await formPage(context: context, input: input, errors: errors, editing: need, businessScope: businessScope, status: .unprocessableContent)
        }
        return .seeOther("\(base(context))/besoins/\(id)")
    }

    static func input(from need: JobNeedRecord) -> JobNeedInput {
        var input = JobNeedInput()
        input.businessID = String(need.businessID)
        input.title = need.title
        input.romeCode = need.romeCode ?? ""
        input.description = need.description
        input.contractKind = need.contractKind.rawValue
        input.fullTime = need.fullTime ? "oui" : "non"
        input.hoursPerWeek = Formats.hours(need.hoursPerWeek)
        input.positions = String(need.positions)
        input.wishedStart = need.wishedStart.iso
        input.endDate = need.endDate?.iso ?? ""
        input.seasonStart = need.seasonStart?.iso ?? ""
        input.seasonEnd = need.seasonEnd?.iso ?? ""
        input.seasonRecurring = need.seasonRecurring
        input.placeInsee = need.placeInsee ?? ""
        input.placeName = need.placeName
        input.payMin = need.payMin.map(String.init) ?? ""
        input.payMax = need.payMax.map(String.init) ?? ""
        input.skills = need.skills
        input.drivingLicence = need.drivingLicence
        input.otherLicences = need.otherLicences
        input.certificates = need.certificates
        input.experience = need.experience
        input.newlyCreated = need.newlyCreated ? "creation" : "remplacement"
        input.hardToFill = need.hardToFill ? "oui" : "non"
        input.hardToFillReasons = need.hardToFillReasons.map(\.rawValue)
        input.hardToFillOther = need.hardToFillOther
        input.housingOffered = need.housingOffered
        input.notes = need.notes
        input.confirmLowPay = true
        return input
    }

    // MARK: Show

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try await showPage(context: context, errors: FormErrors(), status: .ok)
    }

    private func showPage(context: CentreContext, errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        let businessScope = try scope(context)
        let id = try needID(context)
        let isAdviser = context.role == .adviser
        let loaded = try await transaction(context) { connection -> (JobNeedRecord, [JobNeedEvent], [(id: Int64, name: String)], [(Int64, String, String, String?)], Int)? in
            guard let need = try await JobNeedRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) else { return nil }
            let events = try await JobNeedRepository.events(needID: id, on: connection, logger: context.logger)
            let advisers = isAdviser ? try await BusinessRepository.advisers(on: connection, logger: context.logger) : []
            // The candidates presented to the employer: never the others.
            let presented = try await connection.all(
                """
                SELECT a.id, c.first_name || ' ' || c.last_name, c.commune_name, a.employer_answer FROM applications a
                JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
                WHERE a.need_id = \(id) AND a.presented_at IS NOT NULL ORDER BY a.presented_at
                """, as: (Int64.self, String.self, String.self, String?.self), logger: context.logger)
            let count = isAdviser ? (try await connection.value("SELECT count(*) FROM applications WHERE need_id = \(id)", as: Int.self, logger: context.logger) ?? 0) : 0
            return (need, events, advisers, presented, count)
        }
        guard let (need, events, advisers, presented, applicationCount) = loaded else { throw AppError.notFound }
        let base = self.base(context)
        var facts: [Fact] = [
            .init(label: "Contrat", value: need.contractKind.label),
            .init(label: "Temps de travail", value: need.fullTime ? "Temps plein (\(Formats.hours(need.hoursPerWeek)) h/semaine)" : "Temps partiel (\(Formats.hours(need.hoursPerWeek)) h/semaine)"),
            .init(label: "Postes", value: "\(need.positionsFilled) pourvu(s) sur \(need.positions)"),
            .init(label: "Début souhaité", value: need.wishedStart.french),
        ]
        if let end = need.endDate { facts.append(.init(label: "Fin", value: end.french)) }
        if let first = need.seasonStart, let last = need.seasonEnd {
            facts.append(.init(label: "Saison", value: "du \(first.french) au \(last.french)" + (need.seasonRecurring ? ", chaque année" : "")))
        }
        facts.append(.init(label: "Lieu de travail", value: need.placeName + (need.placeInsee.map { " (\($0))" } ?? "")))
        if need.payMin != nil || need.payMax != nil {
            let pay = [need.payMin.map(Formats.euros), need.payMax.map(Formats.euros)].compactMap { $0 }.joined(separator: " à ")
            facts.append(.init(label: "Salaire brut mensuel", value: pay))
        }
        if let rome = need.romeCode { facts.append(.init(label: "Code ROME", value: rome)) }
        facts.append(.init(label: "Poste", value: need.newlyCreated ? "Création de poste" : "Remplacement"))
        if !need.skills.isEmpty { facts.append(.init(label: "Compétences", value: need.skills)) }
        var licences: [String] = need.drivingLicence ? ["Permis B"] : []
        if !need.otherLicences.isEmpty { licences.append(need.otherLicences) }
        if !licences.isEmpty { facts.append(.init(label: "Permis, habilitations", value: licences.joined(separator: " ; "))) }
        if !need.certificates.isEmpty { facts.append(.init(label: "Diplômes, certificats", value: need.certificates)) }
        if !need.experience.isEmpty { facts.append(.init(label: "Expérience", value: need.experience)) }
        if need.hardToFill {
            var reasons = need.hardToFillReasons.filter { $0 != .other }.map(\.label)
            if !need.hardToFillOther.isEmpty { reasons.append(need.hardToFillOther) }
            facts.append(.init(label: "Difficile à pourvoir", value: reasons.isEmpty ? "Oui" : "Oui : " + reasons.joined(separator: ", ")))
        }
        if need.housingOffered { facts.append(.init(label: "Logement", value: "Proposé par l'employeur")) }
        if let adviser = need.adviserName { facts.append(.init(label: "Conseiller", value: adviser)) }
        facts.append(.init(label: "Déposé le", value: Formats.dateTime(need.submittedAt)))

        let history = events.map { event -> JobNeedPage.HistoryLine in
            let what: String
            switch event.kind {
            case "submitted": what = "Besoin déposé"
            case "edited": what = "Besoin modifié"
            case "qualified": what = "Besoin qualifié"
            case "comment": what = "Commentaire"
            default: what = "Statut : \(event.fromStatus?.label ?? "—") → \(event.toStatus?.label ?? "—")"
            }
            return .init(at: Formats.dateTime(event.at), who: event.actorName, what: what, comment: event.comment.isEmpty ? nil : event.comment)
        }
        let moves = (NeedStatus.transitions[need.status] ?? []).map { Option(value: $0.rawValue, label: $0.label, selected: false) }
        let page = JobNeedPage(
            layout: Layout(title: need.title, session: context.session, membership: context.membership, currentPath: "\(base)/besoins/\(id)"),
            title: need.title, businessName: need.businessName,
            businessHref: isAdviser ? "\(base)/entreprises/\(need.businessID)" : nil,
            statusLabel: need.status.label, statusClass: Formats.statusClass(need.status),
            positionsText: "\(need.positionsFilled) / \(need.positions)", facts: facts, description: need.description,
            notes: need.notes.isEmpty ? nil : need.notes, cancelReason: need.cancelReason, history: history, base: "\(base)/besoins/\(id)",
            canEdit: editable(need, context: context), canCancel: need.status.isOpen, canComment: true,
            commentHint: isAdviser ? "Visible de l'employeur." : (need.status == .submitted ? "Pour les conseillers du centre." : "Le besoin est pris en charge : pour demander une modification, écrivez-la ici aux conseillers."),
            isAdviser: isAdviser, canQualify: isAdviser && need.status == .submitted, moves: isAdviser ? moves : [], hasMoves: isAdviser && !moves.isEmpty,
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: $0.id == (need.adviserID ?? context.user.id)) },
            reasons: HardToFillReason.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: need.hardToFillReasons.contains($0)) },
            romeCode: context.form["rome_code"] ?? need.romeCode ?? "", hardToFill: need.hardToFill, hardToFillOther: need.hardToFillOther,
            commentToken: FormSubmissions.newToken(),
            pipelineHref: isAdviser ? "\(base)/besoins/\(id)/candidatures" : nil, applicationCount: applicationCount,
            presented: presented.map {
                PresentedRow(href: "\(base)/candidatures/\($0.0)", name: $0.1, commune: $0.2,
                             answer: $0.3 == "interview" ? "entretien souhaité" : ($0.3 == "declined" ? "non retenu" : "réponse attendue"))
            },
            hasPresented: !presented.isEmpty,
            errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("needs/show", page, status: status)
    }

    // MARK: Actions

    @Sendable func cancel(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let id = try needID(context)
        var reader = FormReader(context.form)
        let reason = reader.text("reason", "Motif de l'annulation", required: true, max: 1000)
        guard reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let outcome = try await transaction(context) { connection in
            try await JobNeedRepository.move(
                id: id, to: .cancelled, comment: reason, cancelReason: reason, businessID: businessScope, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, id: id, context: context, field: "reason", what: "annuler")
    }

    @Sendable func move(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try needID(context)
        var reader = FormReader(context.form)
        let target = reader.choice("to", "Nouveau statut", as: NeedStatus.self)
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if target == .cancelled { reader.errors.add("to", "Pour annuler un besoin, utilisez le formulaire d'annulation et donnez un motif.") }
        guard let target, reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let outcome = try await transaction(context) { connection in
            try await JobNeedRepository.move(
                id: id, to: target, comment: comment, cancelReason: nil, businessID: nil, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, id: id, context: context, field: "to", what: "passer à « \(target.label) »")
    }

    @Sendable func qualify(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try needID(context)
        var reader = FormReader(context.form)
        let rome = reader.formatted("rome_code", "Code ROME", pattern: "[A-N][0-9]{4}", example: "G1602")?.uppercased()
        let hard = reader.yesNo("hard_to_fill", "Poste difficile à pourvoir")
        let reasons = reader.choices("hard_to_fill_reasons", "Raisons de la difficulté", as: HardToFillReason.self)
        let other = reader.text("hard_to_fill_other", "Autre raison", max: 500)
        let adviser = reader.integer("adviser_id", "Conseiller chargé du besoin", range: 1...Int.max, required: true).map(Int64.init)
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if hard == true && reasons.isEmpty { reader.errors.add("hard_to_fill_reasons", "Indiquez au moins une raison de la difficulté.") }
        if reasons.contains(.other) && other.isEmpty && hard == true { reader.errors.add("hard_to_fill_other", "Précisez l'autre raison.") }
        guard let hard, reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let outcome = try await transaction(context) { connection -> JobNeedRepository.MoveOutcome? in
            // The adviser must be one of this centre's.
            let advisers = try await BusinessRepository.advisers(on: connection, logger: context.logger)
            guard let adviser, advisers.contains(where: { $0.id == adviser }) else { return nil }
            return try await JobNeedRepository.qualify(
                id: id, romeCode: rome, hardToFill: hard, reasons: hard ? reasons : [], reasonOther: hard ? other : "",
                adviserID: adviser, comment: comment, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
        }
        guard let outcome else {
            var errors = FormErrors()
            errors.add("adviser_id", "Choisissez un conseiller du centre.")
            return try await showPage(context: context, errors: errors, status: .unprocessableContent)
        }
        return try await answer(outcome, id: id, context: context, field: "rome_code", what: "qualifier")
    }

    @Sendable func comment(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let id = try needID(context)
        var reader = FormReader(context.form)
        let text = reader.text("comment", "Commentaire", required: true, max: 2000)
        guard reader.errors.isEmpty else { return try await showPage(context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        let token = context.form["_form"]
        let path = "\(base(context))/besoins/\(id)#historique"
        let found = try await transaction(context) { connection -> Bool in
            guard try await JobNeedRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) != nil else { return false }
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return true }
            try await JobNeedRepository.addEvent(
                needID: id, tenantID: context.tenantID, actorID: context.user.id, kind: "comment", from: nil, to: nil, comment: text, now: now,
                on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther(path)
    }

    private func answer(_ outcome: JobNeedRepository.MoveOutcome, id: Int64, context: CentreContext, field: String, what: String) async throws -> Response {
        switch outcome {
        case .moved: return .seeOther("\(base(context))/besoins/\(id)")
        case .notFound: throw AppError.notFound
        case .refused(let from):
            var errors = FormErrors()
            errors.add(field, "Impossible de \(what) un besoin au statut « \(from.label) ».")
            return try await showPage(context: context, errors: errors, status: .unprocessableContent)
        }
    }
}

