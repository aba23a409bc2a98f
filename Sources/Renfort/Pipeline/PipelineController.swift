import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The advisers' daily work on a need: its board, applications moving stage by stage,
/// interviews, offers and the hire; the employer's answers on presented candidates.
struct PipelineController: CentreController, Sendable {
    let services: AppServices
    static let boardPageSize = 100
    static let listPageSize = 20

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("besoins/{id}/candidatures", use: board)
        centre.post("besoins/{id}/candidatures", use: add)
        centre.post("besoins/{id}/candidatures/rejeter", use: bulkReject)
        centre.get("candidatures/{id}", use: show)
        centre.post("candidatures/{id}/etape", use: move)
        centre.post("candidatures/{id}/fin", use: end)
        centre.post("candidatures/{id}/reponse", use: employerAnswer)
        centre.post("candidatures/{id}/entretiens", use: scheduleInterview)
        centre.post("candidatures/{id}/entretiens/{interview}/bilan", use: interviewOutcome)
        centre.get("candidatures/{id}/entretiens/{interview}/invitation.ics", use: calendar)
        centre.post("candidatures/{id}/propositions", use: makeOffer)
        centre.post("candidatures/{id}/propositions/{offer}/reponse", use: answerOffer)
        centre.post("candidatures/{id}/embauche", use: hire)
        centre.get("candidatures/{id}/documents/{document}", use: document)
    }

    private func base(_ context: CentreContext) -> String { "/c/\(context.membership.centreSlug)" }
    private func now() -> Date { services.clock.now() }
    private func id(_ context: CentreContext, _ name: String = "id") throws -> Int64 {
        guard let id = context.parameters.get(name, as: Int64.self) else { throw AppError.notFound }
        return id
    }
    /// The business an employer is limited to; nil for advisers.
    private func scope(_ context: CentreContext) throws -> Int64? {
        try context.require(.adviser, .employer)
        guard context.role == .employer else { return nil }
        guard let business = context.membership.businessID else { throw AppError.notFound }
        return business
    }

    // MARK: The board

    struct Card: Sendable {
        let id: Int64
        let href: String
        let name: String
        let commune: String
        let stageLabel: String
        let answer: String?
        let moves: [Option]
        let moveAction: String
        let open: Bool
    }

    /// The list view's rows, written here (the page's largest repeated part): each data value
    /// escaped as mustache would (`HTML.escape`).
    static func listRows(_ cards: [ApplicationCard], base: String) -> String {
        var html = ""
        html.reserveCapacity(cards.count * 400)
        for card in cards {
            let name = HTML.escape(card.candidateName)
            html += "<tr><td>"
            if card.stage.isOpen {
                html += "<input type=\"checkbox\" name=\"ids\" value=\"\(card.id)\" form=\"bulk\" aria-label=\"Sélectionner \(name)\">"
            }
            html += "</td><th scope=\"row\"><a href=\"\(HTML.escape(base))/candidatures/\(card.id)\">\(name)</a></th><td>\(HTML.escape(card.communeName))</td>"
            html += "<td>\(HTML.escape(card.stage.label))</td><td>\(HTML.escape(answer(card) ?? ""))</td></tr>"
        }
        return html
    }

    static func answer(_ card: ApplicationCard) -> String? {
        card.employerAnswer.map { $0 == "interview" ? "L'employeur veut un entretien" : "Non retenu par l'employeur" }
    }

    struct Column: Sendable {
        let stage: String
        let label: String
        let count: Int
        let cards: [Card]
    }

    struct Candidate: Sendable {
        let id: Int64
        let name: String
        let commune: String
    }

    struct BoardPage: Sendable {
        let layout: Layout
        let needTitle: String
        let businessName: String
        let needHref: String
        let columns: [Column]
        let endedCount: Int
        let listView: Bool
        /// The list view's rows, as markup (`listRows`).
        let rows: String
        let boardHref: String
        let listHref: String
        let addAction: String
        let bulkAction: String
        /// The rejection reasons and the stages as `<option>`s (`HTML.options`).
        let reasonOptions: String
        let search: String
        let found: [Candidate]
        let searched: Bool
        let total: Int
        let more: Bool
        let stageOptions: String
        let page: Int
        let pages: Int
        let previousHref: String?
        let nextHref: String?
        let notice: String?
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    func listPageHref(base: String, needID: Int64, stage: ApplicationStage?, page: Int) -> String {
        "\(base)/besoins/\(needID)/candidatures?vue=liste" + (stage.map { "&etape=\($0.rawValue)" } ?? "") + "&page=\(page)"
    }

    @Sendable func board(request: Request, context: CentreContext) async throws -> Response {
        try await boardPage(request: request, context: context, errors: FormErrors(), status: .ok)
    }

    private func boardPage(request: Request, context: CentreContext, errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        try context.require(.adviser)
        let needID = try id(context)
        let query = request.uri.queryParameters
        let search = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let listView = query["vue"] == "liste"
        // The list view pages through the applications, 20 at a time, optionally at one stage.
        let stage = listView ? query["etape"].flatMap { ApplicationStage(rawValue: String($0)) } : nil
        let page = listView ? min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 100_000) : 1
        let limit = listView ? Self.listPageSize : Self.boardPageSize
        let tenant = context.tenantID, user = context.user.id
        func read(_ connection: PostgresConnection) async throws -> ApplicationRepository.Board? {
            try await ApplicationRepository.board(
                needID: needID, stage: stage, limit: limit, offset: (page - 1) * limit, tenantID: tenant, userID: user, on: connection, logger: context.logger)
        }
        let loaded: (ApplicationRepository.Board, [CandidateSummary])?
        if search.isEmpty {
            // The list's pages and the board alone: one statement, no transaction (schema 0018).
            loaded = try await services.database.withConnection(logger: context.logger) { connection in
                try await read(connection).map { ($0, []) }
            }
        } else {
            loaded = try await transaction(context) { connection -> (ApplicationRepository.Board, [CandidateSummary])? in
                guard let board = try await read(connection) else { return nil }
                var filter = CandidateFilter()
                filter.text = String(search.prefix(100))
                return (board, try await CandidateRepository.search(filter, on: connection, logger: context.logger).candidates)
            }
        }
        guard let loaded else { throw AppError.notFound }
        var board = loaded.0
        let found = loaded.1
        // A centre's first board: its default rejection reasons are written then.
        if board.reasons.isEmpty {
            board.reasons = try await transaction(context) { connection in
                try await ApplicationRepository.rejectionReasons(tenantID: tenant, on: connection, logger: context.logger)
            }
        }
        let cards = board.cards
        let counts = board.counts
        let total = stage.map { counts[$0] ?? 0 } ?? board.total
        let base = self.base(context)
        func card(_ card: ApplicationCard) -> Card {
            Card(id: card.id, href: "\(base)/candidatures/\(card.id)", name: card.candidateName, commune: card.communeName, stageLabel: card.stage.label,
                 answer: Self.answer(card),
                 moves: (ApplicationStage.transitions[card.stage] ?? []).map { Option(value: $0.rawValue, label: $0.label, selected: false) },
                 moveAction: "\(base)/candidatures/\(card.id)/etape", open: card.stage.isOpen)
        }
        // Each view gets only what it shows: the list its rows, the board its columns.
        let columns = listView ? [] : ApplicationStage.board.map { stage in
            Column(stage: stage.rawValue, label: stage.label, count: counts[stage] ?? 0, cards: cards.filter { $0.stage == stage }.map(card))
        }
        let model = BoardPage(
            layout: Layout(title: "Candidatures · \(board.title)", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            needTitle: board.title, businessName: board.businessName, needHref: "\(base)/besoins/\(needID)", columns: columns,
            endedCount: (counts[.rejected] ?? 0) + (counts[.withdrawn] ?? 0), listView: listView, rows: listView ? Self.listRows(cards, base: base) : "",
            boardHref: "\(base)/besoins/\(needID)/candidatures", listHref: "\(base)/besoins/\(needID)/candidatures?vue=liste",
            addAction: "\(base)/besoins/\(needID)/candidatures", bulkAction: "\(base)/besoins/\(needID)/candidatures/rejeter",
            reasonOptions: HTML.options(board.reasons.map { Option(value: String($0.id), label: $0.label, selected: false) }), search: search,
            found: found.map { Candidate(id: $0.id, name: $0.name, commune: $0.communeName) }, searched: !search.isEmpty,
            total: total, more: !listView && total > cards.count,
            stageOptions: listView
                ? HTML.options(ApplicationStage.allCases.map { Option(value: $0.rawValue, label: "\($0.label) (\(counts[$0] ?? 0))", selected: $0 == stage) }) : "",
            page: page, pages: max(1, (total + Self.listPageSize - 1) / Self.listPageSize),
            previousHref: listView && page > 1 ? listPageHref(base: base, needID: needID, stage: stage, page: page - 1) : nil,
            nextHref: listView && page * Self.listPageSize < total ? listPageHref(base: base, needID: needID, stage: stage, page: page + 1) : nil,
            notice: query["rejetees"].map { "\($0) candidature(s) marquée(s) « Non retenu »." },
            errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("pipeline/board", model, status: status)
    }

    @Sendable func add(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try id(context)
        var reader = FormReader(context.form)
        let candidateID = reader.integer("candidate_id", "Candidat", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        guard let candidateID, reader.errors.isEmpty else { return try await boardPage(request: request, context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = self.now()
        let outcome = try await transaction(context) { connection -> String? in
            guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) else { throw AppError.notFound }
            guard need.status.isOpen else { return "Ce besoin est « \(need.status.label) » : on n'y ajoute plus de candidat." }
            guard let candidate = try await CandidateRepository.find(id: candidateID, on: connection, logger: context.logger), candidate.mergedInto == nil else {
                return "Ce candidat n'est pas dans le vivier du centre."
            }
            _ = try await ApplicationRepository.create(needID: needID, candidateID: candidateID, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return nil
        }
        if let message = outcome {
            var errors = FormErrors()
            errors.add("candidate_id", message)
            return try await boardPage(request: request, context: context, errors: errors, status: .unprocessableContent)
        }
        return .seeOther("\(base(context))/besoins/\(needID)/candidatures")
    }

    @Sendable func bulkReject(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try id(context)
        var reader = FormReader(context.form)
        let reason = reader.integer("reason_id", "Motif", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        let ids = context.form.values("ids").compactMap { Int64($0) }
        if ids.isEmpty { reader.errors.add("ids", "Cochez au moins une candidature.") }
        if ids.count > 5000 { reader.errors.add("ids", "Trop de candidatures à la fois.") }
        guard let reason, reader.errors.isEmpty else { return try await boardPage(request: request, context: context, errors: reader.errors, status: .unprocessableContent) }
        let now = self.now()
        let count = try await transaction(context) { connection -> Int in
            guard try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) != nil else { throw AppError.notFound }
            let reasons = try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
            guard reasons.contains(where: { $0.id == reason }) else { return -1 }
            // Only this need's open applications; the others are left as they are.
            let targets = try await connection.values(
                "SELECT id FROM applications WHERE need_id = \(needID) AND id = ANY(\(ids)) AND stage IN ('sourced','screening','presented','interview','offer')",
                as: Int64.self, logger: context.logger)
            for target in targets {
                _ = try await ApplicationRepository.move(id: target, to: .rejected, comment: "", reasonID: reason, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            }
            return targets.count
        }
        guard count >= 0 else {
            var errors = FormErrors()
            errors.add("reason_id", "Choisissez un motif de la liste.")
            return try await boardPage(request: request, context: context, errors: errors, status: .unprocessableContent)
        }
        return .seeOther("\(base(context))/besoins/\(needID)/candidatures?rejetees=\(count)")
    }

    // MARK: One application

    struct InterviewRow: Sendable {
        let id: Int64
        let when: String
        let duration: Int
        let mode: String
        let place: String
        let attendees: String
        let outcome: String?
        let icsHref: String
        let outcomeAction: String
        let outcomes: [Option]
    }

    struct OfferRow: Sendable {
        let summary: String
        let status: String
        let pending: Bool
        let answerAction: String
    }

    struct HistoryRow: Sendable {
        let at: String
        let who: String
        let what: String
        let comment: String?
    }

    struct ApplicationPage: Sendable {
        let layout: Layout
        let isAdviser: Bool
        let candidateName: String
        let candidateHref: String?
        let needTitle: String
        let needHref: String
        let boardHref: String?
        let businessName: String
        let stageLabel: String
        let open: Bool
        let facts: [Fact]
        let documents: [CandidateController.DocumentRow]
        let hasDocuments: Bool
        let employerAnswer: String?
        let canAnswer: Bool
        let answerAction: String
        let moves: [Option]
        let hasMoves: Bool
        let moveAction: String
        let endAction: String
        let reasons: [Option]
        let interviews: [InterviewRow]
        let hasInterviews: Bool
        let canInterview: Bool
        let interviewAction: String
        let modes: [Option]
        let offers: [OfferRow]
        let hasOffers: Bool
        let canOffer: Bool
        let offerAction: String
        let contractKinds: [Option]
        let canHire: Bool
        let hireAction: String
        let hireStart: String
        let hireEnd: String
        let hireHours: String
        let history: [HistoryRow]
        let base: String
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try await applicationPage(context: context, errors: FormErrors(), status: .ok)
    }

    private func applicationPage(context: CentreContext, errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        let businessScope = try scope(context)
        let applicationID = try id(context)
        let isAdviser = businessScope == nil
        let tenant = context.tenantID
        let loaded = try await transaction(context) { connection -> (ApplicationRecord, Renfort.Candidate, JobNeedRecord, [ApplicationEvent], [Interview], [Offer], [(id: Int64, label: String)], [(Int64, String, Int, Date)])? in
            guard let application = try await ApplicationRepository.find(id: applicationID, businessID: businessScope, on: connection, logger: context.logger),
                let candidate = try await CandidateRepository.find(id: application.candidateID, on: connection, logger: context.logger),
                let need = try await JobNeedRepository.find(id: application.needID, businessID: nil, on: connection, logger: context.logger)
            else { return nil }
            let events = isAdviser ? try await ApplicationRepository.events(applicationID: applicationID, on: connection, logger: context.logger) : []
            let interviews = try await PipelineSteps.interviews(applicationID: applicationID, on: connection, logger: context.logger)
            let offers = isAdviser ? try await PipelineSteps.offers(applicationID: applicationID, on: connection, logger: context.logger) : []
            let reasons = isAdviser ? try await ApplicationRepository.rejectionReasons(tenantID: tenant, on: connection, logger: context.logger) : []
            let documents = try await connection.all(
                "SELECT id, filename, size, uploaded_at FROM candidate_documents WHERE candidate_id = \(candidate.id) ORDER BY uploaded_at DESC",
                as: (Int64.self, String.self, Int.self, Date.self), logger: context.logger)
            return (application, candidate, need, events, interviews, offers, reasons, documents)
        }
        guard let (application, candidate, need, events, interviews, offers, reasons, documents) = loaded else { throw AppError.notFound }
        let base = self.base(context)
        let here = "\(base)/candidatures/\(applicationID)"
        var facts: [Fact] = [.init(label: "Commune", value: candidate.communeName)]
        let mobility = CandidateController.mobility(licence: candidate.drivingLicence, vehicle: candidate.ownVehicle)
        facts.append(.init(label: "Mobilité", value: mobility.isEmpty ? "ni permis ni véhicule" : mobility))
        if !candidate.skills.isEmpty { facts.append(.init(label: "Compétences", value: candidate.skills)) }
        if !candidate.experience.isEmpty { facts.append(.init(label: "Expérience", value: candidate.experience)) }
        if let available = candidate.availableFrom { facts.append(.init(label: "Disponible à partir du", value: available.french)) }
        if isAdviser {
            if let email = candidate.email { facts.append(.init(label: "E-mail", value: email)) }
            if let phone = candidate.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        }
        let answer = application.employerAnswer.map { ($0 == "interview" ? "Entretien souhaité" : "Non retenu") + (application.employerNote.isEmpty ? "" : " : \(application.employerNote)") }
        let lastOffer = offers.last
        let page = ApplicationPage(
            layout: Layout(title: candidate.fullName, session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            isAdviser: isAdviser, candidateName: candidate.fullName, candidateHref: isAdviser ? "\(base)/candidats/\(candidate.id)" : nil,
            needTitle: need.title, needHref: "\(base)/besoins/\(need.id)", boardHref: isAdviser ? "\(base)/besoins/\(need.id)/candidatures" : nil,
            businessName: need.businessName,
            stageLabel: application.stage.label + (application.rejectionReason.map { " (\($0))" } ?? ""), open: application.stage.isOpen,
            facts: facts,
            documents: documents.map { .init(href: "\(here)/documents/\($0.0)", filename: $0.1, size: "\(max(1, $0.2 / 1024)) Ko", uploaded: Formats.dateTime($0.3)) },
            hasDocuments: !documents.isEmpty, employerAnswer: answer,
            canAnswer: !isAdviser && application.stage == .presented && application.employerAnswer == nil, answerAction: "\(here)/reponse",
            moves: (ApplicationStage.transitions[application.stage] ?? []).map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            hasMoves: isAdviser && !(ApplicationStage.transitions[application.stage] ?? []).isEmpty, moveAction: "\(here)/etape", endAction: "\(here)/fin",
            reasons: reasons.map { Option(value: String($0.id), label: $0.label, selected: false) },
            interviews: interviews.map { interview in
                InterviewRow(
                    id: interview.id, when: Formats.dateTime(interview.startsAt), duration: interview.durationMinutes, mode: interview.mode.label, place: interview.place,
                    attendees: interview.attendees, outcome: interview.outcome.map { $0.label + (interview.outcomeNote.isEmpty ? "" : " — \(interview.outcomeNote)") },
                    icsHref: "\(here)/entretiens/\(interview.id)/invitation.ics", outcomeAction: "\(here)/entretiens/\(interview.id)/bilan",
                    outcomes: Interview.Outcome.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) })
            },
            hasInterviews: !interviews.isEmpty, canInterview: isAdviser && (application.stage == .presented || application.stage == .interview),
            interviewAction: "\(here)/entretiens", modes: Interview.Mode.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            offers: offers.map { offer in
                OfferRow(
                    summary: "\(offer.contractKind.label) à partir du \(offer.startDate.french)" + (offer.endDate.map { " jusqu'au \($0.french)" } ?? "")
                        + ", \(Formats.hours(offer.hoursPerWeek)) h/semaine" + (offer.grossPay.map { ", \(Formats.euros($0)) brut par mois" } ?? ""),
                    status: offer.status == "pending" ? "en attente de réponse" : (offer.status == "accepted" ? "acceptée" : "refusée : \(offer.declineReason ?? "")"),
                    pending: offer.status == "pending", answerAction: "\(here)/propositions/\(offer.id)/reponse")
            },
            hasOffers: !offers.isEmpty, canOffer: isAdviser && (application.stage == .interview || application.stage == .offer), offerAction: "\(here)/propositions",
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == (lastOffer?.contractKind ?? need.contractKind)) },
            canHire: isAdviser && application.stage == .offer, hireAction: "\(here)/embauche",
            hireStart: (lastOffer?.startDate ?? need.wishedStart).iso, hireEnd: (lastOffer?.endDate ?? need.endDate)?.iso ?? "",
            hireHours: Formats.hours(lastOffer?.hoursPerWeek ?? need.hoursPerWeek),
            history: events.map { event in
                let what: String
                if let to = event.to { what = event.from.map { "\($0.label) → \(to.label)" } ?? "Ajouté : \(to.label)" } else { what = "Note" }
                return HistoryRow(at: Formats.dateTime(event.at), who: event.who, what: what, comment: event.comment.isEmpty ? nil : event.comment)
            },
            base: here, errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("pipeline/application", page, status: status)
    }

    private func answer(_ outcome: ApplicationRepository.MoveOutcome, context: CentreContext, field: String, what: String) async throws -> Response {
        switch outcome {
        case .moved: return .seeOther("\(base(context))/candidatures/\(try id(context))")
        case .notFound: throw AppError.notFound
        case .refused(let from):
            var errors = FormErrors()
            errors.add(field, "Impossible de \(what) : la candidature est au stade « \(from.label) ».")
            return try await applicationPage(context: context, errors: errors, status: .unprocessableContent)
        }
    }

    private func invalid(_ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        try await applicationPage(context: context, errors: errors, status: .unprocessableContent)
    }

    @Sendable func move(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let target = reader.choice("to", "Nouvelle étape", as: ApplicationStage.self)
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if let target, !ApplicationStage.board.contains(target) || target == .hired {
            reader.errors.add("to", "Cette étape passe par son propre formulaire (fin de candidature ou embauche).")
        }
        guard let target, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let outcome = try await transaction(context) { connection in
            try await ApplicationRepository.move(id: applicationID, to: target, comment: comment, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        // From the board, back to the board.
        if outcome == .moved, let back = safeLocalPath(context.form["return_to"]) { return .seeOther(back) }
        return try await answer(outcome, context: context, field: "to", what: "passer à « \(target.label) »")
    }

    @Sendable func end(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let kind = reader.choice("ending", "Fin de la candidature", as: ApplicationStage.self)
        let reason = context.form["reason_id"].flatMap { Int64($0) }
        let comment = reader.text("comment", "Commentaire", max: 2000)
        if let kind, kind != .rejected && kind != .withdrawn { reader.errors.add("ending", "Choisissez « Non retenu » ou « Désisté ».") }
        if kind == .rejected && reason == nil { reader.errors.add("reason_id", "Choisissez le motif.") }
        guard let kind, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let outcome = try await transaction(context) { connection -> ApplicationRepository.MoveOutcome? in
            if kind == .rejected {
                let reasons = try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
                guard reasons.contains(where: { $0.id == reason }) else { return nil }
            }
            return try await ApplicationRepository.move(
                id: applicationID, to: kind, comment: comment, reasonID: kind == .rejected ? reason : nil, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard let outcome else {
            var errors = FormErrors()
            errors.add("reason_id", "Choisissez un motif de la liste.")
            return try await invalid(errors, context)
        }
        return try await answer(outcome, context: context, field: "ending", what: "clore la candidature")
    }

    /// The employer answers on a presented candidate: an interview, or not retained with a reason.
    @Sendable func employerAnswer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.employer)
        let businessScope = try scope(context)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let wanted: Bool?
        switch context.form["answer"] ?? "" {
        case "interview": wanted = true
        case "declined": wanted = false
        default:
            reader.errors.add("answer", "Indiquez si vous souhaitez rencontrer cette personne.")
            wanted = nil
        }
        let note = reader.text("note", "Précision", required: wanted == false, max: 1000)
        guard let wanted, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let done = try await transaction(context) { connection -> Bool? in
            guard let application = try await ApplicationRepository.find(id: applicationID, businessID: businessScope, forUpdate: true, on: connection, logger: context.logger) else { return nil }
            guard application.stage == .presented, application.employerAnswer == nil else { return false }
            try await connection.execute(
                "UPDATE applications SET employer_answer = \(wanted ? "interview" : "declined"), employer_note = \(note), employer_answered_at = \(now) WHERE id = \(applicationID)",
                logger: context.logger)
            try await ApplicationRepository.addEvent(
                applicationID: applicationID, tenantID: context.tenantID, actorID: context.user.id, from: nil, to: nil,
                comment: (wanted ? "L'employeur souhaite un entretien" : "L'employeur ne retient pas") + (note.isEmpty ? "" : " : \(note)"), now: now,
                on: connection, logger: context.logger)
            return true
        }
        guard let done else { throw AppError.notFound }
        if !done {
            var errors = FormErrors()
            errors.add("answer", "Vous avez déjà répondu pour cette personne.")
            return try await invalid(errors, context)
        }
        return .seeOther("\(base(context))/candidatures/\(applicationID)")
    }

    // MARK: Interviews

    @Sendable func scheduleInterview(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let day = reader.day("date", "Date de l'entretien", required: true)
        let time = reader.formatted("time", "Heure", pattern: "([01][0-9]|2[0-3]):[0-5][0-9]", example: "14:30", required: true)
        let duration = reader.integer("duration", "Durée (minutes)", range: 5...480, required: true)
        let mode = reader.choice("mode", "Modalité", as: Interview.Mode.self)
        let place = reader.text("place", "Lieu, numéro ou lien", max: 300)
        let attendees = reader.text("attendees", "Participants", max: 500)
        guard let day, let time, let duration, let mode, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let parts = time.split(separator: ":").compactMap { Int($0) }
        guard let startsAt = Day.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: parts[0], minute: parts[1])) else {
            var errors = FormErrors()
            errors.add("date", "Date ou heure invalide.")
            return try await invalid(errors, context)
        }
        let now = self.now()
        let outcome = try await transaction(context) { connection in
            try await PipelineSteps.scheduleInterview(
                applicationID: applicationID, startsAt: startsAt, duration: duration, mode: mode, place: place, attendees: attendees,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, context: context, field: "date", what: "prévoir un entretien")
    }

    @Sendable func interviewOutcome(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        let interviewID = try id(context, "interview")
        var reader = FormReader(context.form)
        let outcome = reader.choice("outcome", "Bilan de l'entretien", as: Interview.Outcome.self)
        let note = reader.text("note", "Précision", max: 1000)
        guard let outcome, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let found = try await transaction(context) { connection in
            try await PipelineSteps.recordInterviewOutcome(
                interviewID: interviewID, applicationID: applicationID, outcome: outcome, note: note, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(base(context))/candidatures/\(applicationID)")
    }

    /// The interview as an iCalendar invitation (RFC 5545), in Paris time.
    @Sendable func calendar(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let applicationID = try id(context)
        let interviewID = try id(context, "interview")
        guard let found = try await transaction(context, { try await PipelineSteps.interviewForCalendar(id: interviewID, businessID: businessScope, on: $0, logger: context.logger) }),
            found.interview.applicationID == applicationID
        else { throw AppError.notFound }
        let ics = InterviewCalendar.invitation(
            interview: found.interview, candidate: found.candidate, need: found.need, business: found.business,
            host: URL(string: services.configuration.baseURL)?.host ?? "renfort", now: now())
        return Response(
            status: .ok,
            headers: [.contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"entretien-\(interviewID).ics\""],
            body: .init(byteBuffer: ByteBuffer(string: ics)))
    }

    // MARK: Offers and the hire

    @Sendable func makeOffer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let contract = reader.choice("contract_kind", "Contrat", as: ContractKind.self)
        let start = reader.day("start_date", "Date de début", required: true)
        let end = reader.day("end_date", "Date de fin")
        let hours = reader.decimal("hours_per_week", "Heures par semaine", range: 1...48, required: true)
        let pay = reader.integer("gross_pay", "Salaire brut mensuel", range: 0...30000)
        if let contract, contract.endDate == .required, end == nil, reader.errors["end_date"] == nil { reader.errors.add("end_date", "Un \(contract.label) a une date de fin.") }
        if let start, let end, end < start { reader.errors.add("end_date", "La date de fin doit suivre la date de début.") }
        guard let contract, let start, let hours, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let outcome = try await transaction(context) { connection in
            try await PipelineSteps.makeOffer(
                applicationID: applicationID, contract: contract, start: start, end: contract.endDate == .none ? nil : end, hours: hours, pay: pay,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, context: context, field: "contract_kind", what: "faire une proposition")
    }

    @Sendable func answerOffer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        let offerID = try id(context, "offer")
        var reader = FormReader(context.form)
        let accepted = reader.yesNo("accepted", "Réponse du candidat")
        let reason = reader.text("reason", "Motif du refus", required: accepted == false, max: 1000)
        guard let accepted, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let found = try await transaction(context) { connection in
            try await PipelineSteps.answerOffer(offerID: offerID, applicationID: applicationID, accepted: accepted, reason: reason, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(base(context))/candidatures/\(applicationID)")
    }

    @Sendable func hire(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try id(context)
        var reader = FormReader(context.form)
        let contract = reader.choice("contract_kind", "Contrat", as: ContractKind.self)
        let start = reader.day("start_date", "Date de début", required: true)
        let end = reader.day("end_date", "Date de fin")
        let hours = reader.decimal("hours_per_week", "Heures par semaine", range: 1...48, required: true)
        if let contract, contract.endDate == .required, end == nil, reader.errors["end_date"] == nil { reader.errors.add("end_date", "Un \(contract.label) a une date de fin.") }
        if let start, let end, end < start { reader.errors.add("end_date", "La date de fin doit suivre la date de début.") }
        guard let contract, let start, let hours, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        let now = self.now()
        let outcome = try await transaction(context) { connection in
            try await PipelineSteps.hire(
                applicationID: applicationID, contract: contract, start: start, end: contract.endDate == .none ? nil : end, hours: hours,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        switch outcome {
        case .hired(let placementID): return .seeOther("\(base(context))/embauches/\(placementID)")
        case .notFound: throw AppError.notFound
        case .refused(let message):
            var errors = FormErrors()
            errors.add("start_date", message)
            return try await invalid(errors, context)
        }
    }

    /// A presented candidate's document, for the employer of that need (or an adviser).
    @Sendable func document(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let applicationID = try id(context)
        let documentID = try id(context, "document")
        guard let application = try await transaction(context, { try await ApplicationRepository.find(id: applicationID, businessID: businessScope, on: $0, logger: context.logger) })
        else { throw AppError.notFound }
        return try await CandidateController.documentResponse(document: documentID, candidateID: application.candidateID, context: context, services: services)
    }
}

/// The board's fields without a Mirror (the page behind the applications list, the busiest of
/// an adviser's pages); checked against the Mirror's by `MustacheModelTests`.
extension PipelineController.BoardPage: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "layout": layout, "needTitle": needTitle, "businessName": businessName, "needHref": needHref, "columns": columns,
            "endedCount": endedCount, "listView": listView, "rows": rows, "boardHref": boardHref, "listHref": listHref,
            "addAction": addAction, "bulkAction": bulkAction, "reasonOptions": reasonOptions, "search": search, "found": found,
            "searched": searched, "total": total, "more": more, "stageOptions": stageOptions, "page": page, "pages": pages,
            "previousHref": previousHref as Any, "nextHref": nextHref as Any, "notice": notice as Any, "errors": errors,
            "hasErrors": hasErrors, "fieldErrors": fieldErrors,
        ]
    }
}
