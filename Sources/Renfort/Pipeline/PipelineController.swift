import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The advisers' daily work on a need: its board, applications moving stage by stage,
/// interviews, offers and the hire; the employer's answers on presented candidates.
/// A form with errors shows its page again (422) with what was typed.
struct PipelineController: Sendable {
    let services: AppServices

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

    var now: Date { services.clock.now() }

    // MARK: The board

    @Sendable func board(request: Request, context: CentreContext) async throws -> Response {
        try await boardPage(request: request, context: context)
    }

    private func boardPage(request: Request, context: CentreContext, errors: FormErrors? = nil) async throws -> Response {
        let form = errors.map { FormState(sent: context.form, errors: $0) } ?? .blank
        guard let page = try await BoardPage.load(
            needID: try context.id(), view: .init(request: request), in: context, database: services.database, form: form)
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: errors == nil ? .ok : .unprocessableContent)
    }

    private func boardPage(request: Request, context: CentreContext, field: String, _ message: String) async throws -> Response {
        var errors = FormErrors()
        errors.add(field, message)
        return try await boardPage(request: request, context: context, errors: errors)
    }

    @Sendable func add(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try context.id()
        var reader = FormReader(context.form)
        let candidateID = reader.integer("candidate_id", "Candidat", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        guard let candidateID, reader.errors.isEmpty else { return try await boardPage(request: request, context: context, errors: reader.errors) }
        let now = self.now
        let refusal = try await services.database.transaction(in: context) { connection -> String? in
            guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) else { throw AppError.notFound }
            guard need.status.isOpen else { return "Ce besoin est «\u{00A0}\(need.status.label)\u{00A0}» : on n'y ajoute plus de candidat." }
            guard let candidate = try await CandidateRepository.find(id: candidateID, on: connection, logger: context.logger), candidate.mergedInto == nil else {
                return "Ce candidat n'est pas dans le vivier du centre."
            }
            _ = try await ApplicationRepository.create(
                needID: needID, candidateID: candidateID, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return nil
        }
        if let refusal { return try await boardPage(request: request, context: context, field: "candidate_id", refusal) }
        return .seeOther("\(context.base)/besoins/\(needID)/candidatures", saying: "Candidature ajoutée à l'étape «\u{00A0}\(ApplicationStage.sourced.label)\u{00A0}».")
    }

    @Sendable func bulkReject(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try context.id()
        var reader = FormReader(context.form)
        let reason = reader.integer("reason_id", "Motif", range: 1...Int(Int64.max / 2), required: true).map(Int64.init)
        let ids = context.form.values("ids").compactMap { Int64($0) }
        if ids.isEmpty { reader.errors.add("ids", "Cochez au moins une candidature.") }
        if ids.count > 5000 { reader.errors.add("ids", "Trop de candidatures à la fois.") }
        let refusal = PipelineMessages.refusal(context.form, &reader)
        guard let reason, reader.errors.isEmpty else { return try await boardPage(request: request, context: context, errors: reader.errors) }
        let now = self.now
        let sender = CandidateMessages.Sender(context)
        let done = try await services.database.transaction(in: context) { connection -> (count: Int, told: Int)? in
            guard try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) != nil else { throw AppError.notFound }
            let reasons = try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
            guard reasons.contains(where: { $0.id == reason }) else { return nil }
            // Only this need's open applications; the others are left as they are.
            let targets = try await ApplicationRepository.openOnes(of: ids, needID: needID, on: connection, logger: context.logger)
            var told = 0
            for target in targets {
                _ = try await ApplicationRepository.move(
                    id: target, to: .rejected, comment: "", reasonID: reason, tenantID: context.tenantID, actorID: context.user.id, now: now,
                    on: connection, logger: context.logger)
                if let refusal, try await PipelineMessages.refuse(applicationID: target, kind: refusal, sender: sender, now: now, on: connection, logger: context.logger) {
                    told += 1
                }
            }
            return (targets.count, told)
        }
        guard let (count, told) = done else { return try await boardPage(request: request, context: context, field: "reason_id", "Choisissez un motif de la liste.") }
        return .seeOther(
            "\(context.base)/besoins/\(needID)/candidatures",
            saying: "\(count) candidature(s) marquée(s) «\u{00A0}Non retenu\u{00A0}»." + (refusal.map { _ in " \(PipelineMessages.toldSummary(told: told, of: count))" } ?? ""))
    }

    // MARK: One application

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        let page = try await applicationPage(context: context)
        // Who looked: the page shows its candidate's file (to the adviser, or the employer it was presented to).
        let (id, now) = (try context.id(), self.now)
        try await services.database.transaction(in: context) {
            try await AccessLog.recordApplicationView(applicationID: id, by: context.user.id, tenantID: context.tenantID, now: now, on: $0, logger: context.logger)
        }
        return page
    }

    func applicationPage(context: CentreContext, errors: FormErrors? = nil) async throws -> Response {
        let form = errors.map { FormState(sent: context.form, errors: $0) } ?? .blank
        guard let page = try await ApplicationPage.load(id: try context.id(), in: context, database: services.database, form: form) else {
            throw AppError.notFound
        }
        return try services.renderer.render(page, status: errors == nil ? .ok : .unprocessableContent)
    }

    func invalid(_ context: CentreContext, field: String, _ message: String) async throws -> Response {
        var errors = FormErrors()
        errors.add(field, message)
        return try await applicationPage(context: context, errors: errors)
    }

    /// After a transition: the application's page, or the form again with why it was refused.
    func answer(
        _ outcome: ApplicationRepository.MoveOutcome, context: CentreContext, field: String, what: String, done: String
    ) async throws -> Response {
        switch outcome {
        case .moved: return .seeOther("\(context.base)/candidatures/\(try context.id())", saying: done)
        case .notFound: throw AppError.notFound
        case .refused(let from): return try await invalid(context, field: field, "Impossible de \(what) : la candidature est au stade «\u{00A0}\(from.label)\u{00A0}».")
        }
    }

    @Sendable func move(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let target = reader.choice("to", "Nouvelle étape", as: ApplicationStage.self)
        let comment = reader.personalText("comment", "Commentaire", max: 2000)
        if let target, !ApplicationTransition.allCases.contains(where: { $0.isBoardMove && $0.target == target }) {
            reader.errors.add("to", "Cette étape passe par son propre formulaire (fin de candidature ou embauche).")
        }
        guard let target, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let outcome = try await services.database.transaction(in: context) { connection in
            let outcome = try await ApplicationRepository.move(
                id: applicationID, to: target, comment: comment, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            if outcome == .moved && target == .presented { try await Notifications.candidatePresented(applicationID: applicationID, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            return outcome
        }
        // From the board, back to the board.
        let done = "Candidature déplacée en «\u{00A0}\(target.label)\u{00A0}»."
        if outcome == .moved, let back = safeLocalPath(context.form["return_to"]) { return .seeOther(back, saying: done) }
        return try await answer(outcome, context: context, field: "to", what: "passer à «\u{00A0}\(target.label)\u{00A0}»", done: done)
    }

    @Sendable func end(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let ending = reader.choice("ending", "Fin de la candidature", as: ApplicationStage.self)
        let reason = context.form["reason_id"].flatMap { Int64($0) }
        let comment = reader.personalText("comment", "Commentaire", max: 2000)
        if let ending, ending != .rejected && ending != .withdrawn { reader.errors.add("ending", "Choisissez «\u{00A0}Non retenu\u{00A0}» ou «\u{00A0}Désisté\u{00A0}».") }
        if ending == .rejected && reason == nil { reader.errors.add("reason_id", "Choisissez le motif.") }
        // The refusal message offered with « Non retenu ».
        let refusal = PipelineMessages.refusal(context.form, &reader)
        if refusal != nil && ending == .withdrawn { reader.errors.add("message", "Le message de refus accompagne «\u{00A0}Non retenu\u{00A0}».") }
        guard let ending, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        if refusal != nil, let problem = try await PipelineMessages.unreachable(applicationID: applicationID, in: context, database: services.database) {
            return try await invalid(context, field: "message", problem)
        }
        let now = self.now
        let sender = CandidateMessages.Sender(context)
        let outcome = try await services.database.transaction(in: context) { connection -> ApplicationRepository.MoveOutcome? in
            if ending == .rejected {
                let reasons = try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
                guard reasons.contains(where: { $0.id == reason }) else { return nil }
            }
            let outcome = try await ApplicationRepository.move(
                id: applicationID, to: ending, comment: comment, reasonID: ending == .rejected ? reason : nil, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
            if let refusal, outcome == .moved {
                try await PipelineMessages.refuse(applicationID: applicationID, kind: refusal, sender: sender, now: now, on: connection, logger: context.logger)
            }
            return outcome
        }
        guard let outcome else { return try await invalid(context, field: "reason_id", "Choisissez un motif de la liste.") }
        return try await answer(
            outcome, context: context, field: "ending", what: "clore la candidature",
            done: "Candidature close : «\u{00A0}\(ending.label)\u{00A0}»." + (refusal != nil ? " Le message de refus est envoyé au candidat." : ""))
    }

    /// The employer answers on a presented candidate: an interview, or not retained with a reason.
    @Sendable func employerAnswer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.employer)
        let businessScope = try context.businessScope()
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let answer = reader.choice("answer", "Votre réponse", as: EmployerAnswer.self, required: false)
        if answer == nil && reader.errors["answer"] == nil { reader.errors.add("answer", "Indiquez si vous souhaitez rencontrer cette personne.") }
        let note = reader.personalText("note", "Précision", required: answer == .declined, max: 1000)
        guard let answer, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let done = try await services.database.transaction(in: context) { connection -> Bool? in
            guard let application = try await ApplicationRepository.find(
                id: applicationID, businessID: businessScope, forUpdate: true, on: connection, logger: context.logger)
            else { return nil }
            guard ApplicationPage.employerMayAnswer(application) else { return false }
            try await ApplicationRepository.recordEmployerAnswer(
                answer, note: note, applicationID: applicationID, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
            try await Notifications.employerAnswered(applicationID: applicationID, centre: services.notified(context), now: now, on: connection, logger: context.logger)
            return true
        }
        guard let done else { throw AppError.notFound }
        guard done else { return try await invalid(context, field: "answer", "Vous avez déjà répondu pour cette personne.") }
        return .seeOther("\(context.base)/candidatures/\(applicationID)", saying: "Votre réponse est transmise au centre.")
    }

    // MARK: Interviews

    @Sendable func scheduleInterview(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let day = reader.day("date", "Date de l'entretien", required: true, range: Day(now).within(yearsBack: 1, yearsAhead: 2))
        let time = reader.formatted("time", "Heure", pattern: "([01][0-9]|2[0-3]):[0-5][0-9]", example: "14:30", required: true)
        let duration = reader.integer("duration", "Durée (minutes)", range: 5...480, required: true)
        let mode = reader.choice("mode", "Modalité", as: Interview.Mode.self)
        let place = reader.text("place", "Lieu, numéro ou lien", max: 300)
        let attendees = reader.text("attendees", "Participants", max: 500)
        guard let day, let time, let duration, let mode, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let parts = time.split(separator: ":").compactMap { Int($0) }
        guard let startsAt = Day.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: parts[0], minute: parts[1])) else {
            return try await invalid(context, field: "date", "Date ou heure invalide.")
        }
        // The candidate's invitation (box ticked): refused before anything is written when it cannot go.
        let invite = context.form["invite"] == "1"
        if invite, let problem = try await PipelineMessages.unreachable(applicationID: applicationID, in: context, database: services.database) {
            return try await invalid(context, field: "invite", problem)
        }
        let now = self.now
        let sender = CandidateMessages.Sender(context), host = URL(string: services.configuration.baseURL)?.host ?? "renfort"
        let outcome = try await services.database.transaction(in: context) { connection in
            let outcome = try await PipelineSteps.scheduleInterview(
                applicationID: applicationID, startsAt: startsAt, duration: duration, mode: mode, place: place, attendees: attendees,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            if outcome == .moved { try await Notifications.interviewScheduled(applicationID: applicationID, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            if invite, outcome == .moved {
                try await PipelineMessages.invite(applicationID: applicationID, sender: sender, host: host, now: now, on: connection, logger: context.logger)
            }
            return outcome
        }
        return try await answer(
            outcome, context: context, field: "date", what: "prévoir un entretien",
            done: "Entretien prévu le \(Formats.dateTime(startsAt))." + (invite ? " L'invitation est envoyée au candidat." : ""))
    }

    @Sendable func interviewOutcome(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        let interviewID = try context.id("interview")
        var reader = FormReader(context.form)
        let outcome = reader.choice("outcome", "Bilan de l'entretien", as: Interview.Outcome.self)
        let note = reader.personalText("note", "Précision", max: 1000)
        guard let outcome, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let found = try await services.database.transaction(in: context) { connection in
            try await PipelineSteps.recordInterviewOutcome(
                interviewID: interviewID, applicationID: applicationID, outcome: outcome, note: note, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(context.base)/candidatures/\(applicationID)", saying: "Bilan de l'entretien enregistré.")
    }

    /// The interview as an iCalendar invitation (RFC 5545), in Paris time.
    @Sendable func calendar(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let applicationID = try context.id()
        let interviewID = try context.id("interview")
        guard let found = try await services.database.transaction(in: context, {
                try await PipelineSteps.interviewForCalendar(id: interviewID, businessID: businessScope, on: $0, logger: context.logger)
            }),
            found.interview.applicationID == applicationID
        else { throw AppError.notFound }
        let ics = InterviewCalendar.invitation(
            interview: found.interview, candidate: found.candidate, need: found.need, business: found.business,
            host: URL(string: services.configuration.baseURL)?.host ?? "renfort", now: now)
        return Response(
            status: .ok,
            headers: [.contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"entretien-\(interviewID).ics\""],
            body: .init(byteBuffer: ByteBuffer(string: ics)))
    }

    /// A presented candidate's document, for the employer of that need (or an adviser).
    @Sendable func document(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try context.businessScope()
        let applicationID = try context.id()
        let documentID = try context.id("document")
        let now = self.now
        let file = try await services.database.transaction(in: context) { connection -> (filename: String, content: ByteBuffer)? in
            guard let application = try await ApplicationRepository.find(id: applicationID, businessID: businessScope, on: connection, logger: context.logger),
                let file = try await CandidateRepository.documentContent(id: documentID, candidateID: application.candidateID, on: connection, logger: context.logger)
            else { return nil }
            // Who looked: the download is recorded with the document's number.
            try await AccessLog.record(
                .document, candidateID: application.candidateID, by: .user(context.user.id), place: .application, applicationID: applicationID,
                documentID: documentID, tenantID: context.tenantID, now: now, on: connection, logger: context.logger)
            return file
        }
        guard let file else { throw AppError.notFound }
        return .attachment(filename: file.filename, contentType: "application/pdf", content: file.content)
    }
}
