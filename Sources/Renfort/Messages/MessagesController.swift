import Foundation
import Hummingbird
import Logging

/// Messages written to candidates: from a candidate's page to them, from a need's board to the
/// candidates ticked. The text starts from a template, stays editable, is previewed with each
/// candidate's values, and is sent once (a double submit sends nothing more). Advisers only.
struct MessagesController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("candidats/{id}/messages", use: composeToCandidate)
        centre.post("candidats/{id}/messages", use: sendToCandidate)
        centre.post("besoins/{id}/candidatures/ecrire", use: writeToSelection)
        centre.get("besoins/{id}/messages", use: composeToSelection)
        centre.post("besoins/{id}/messages", use: sendToSelection)
    }

    // MARK: To one candidate

    private func candidateComposition(_ context: CentreContext, kind: String?, application: String?) async throws -> Composition {
        try context.require(.adviser)
        guard let composition = try await Composition.forCandidate(
            try context.id(), kind: MessageKind(asked: kind), applicationID: application.flatMap { Int64($0) }, in: context, database: services.database)
        else { throw AppError.notFound }
        return composition
    }

    @Sendable func composeToCandidate(request: Request, context: CentreContext) async throws -> Response {
        let query = request.uri.queryParameters
        let composition = try await candidateComposition(context, kind: query["modele"].map(String.init), application: query["candidature"].map(String.init))
        return try services.renderer.render(ComposePage(composition, form: nil, context: context))
    }

    @Sendable func sendToCandidate(request: Request, context: CentreContext) async throws -> Response {
        try await send(try await candidateComposition(context, kind: context.form["modele"], application: context.form["candidature"]), context: context)
    }

    // MARK: To the candidates ticked on a board

    private func selection(_ values: [String]) -> [Int64] {
        Array(values.compactMap { Int64($0) }.filter { $0 > 0 }.prefix(Composition.selectionLimit))
    }

    /// The board's selection, sent by its « Écrire » button: the message's page, or the board
    /// again when nothing is ticked.
    @Sendable func writeToSelection(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try context.id()
        guard try await services.database.transaction(in: context, {
            try await JobNeedRepository.find(id: needID, businessID: nil, on: $0, logger: context.logger)
        }) != nil else { throw AppError.notFound }
        let ids = selection(context.form.values("ids"))
        guard !ids.isEmpty else {
            var errors = FormErrors()
            errors.add("ids", "Cochez au moins une candidature à qui écrire.")
            guard let page = try await BoardPage.load(
                needID: needID, view: .init(request: request), in: context, database: services.database, form: FormState(sent: context.form, errors: errors))
            else { throw AppError.notFound }
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        let kind = MessageKind(asked: context.form["modele"])
        let query = (["modele=\(kind.rawValue)"] + ids.map { "ids=\($0)" }).joined(separator: "&")
        return .seeOther(
            "\(context.base)/besoins/\(needID)/messages?\(query)", saying: "\(ids.count) candidature(s) choisie(s) : relisez le message avant de l'envoyer.")
    }

    private func needComposition(_ context: CentreContext, kind: String?, ids: [String]) async throws -> Composition {
        try context.require(.adviser)
        guard let composition = try await Composition.forNeed(
            try context.id(), kind: MessageKind(asked: kind), applicationIDs: selection(ids), in: context, database: services.database)
        else { throw AppError.notFound }
        return composition
    }

    @Sendable func composeToSelection(request: Request, context: CentreContext) async throws -> Response {
        let query = request.uri.queryParameters
        let composition = try await needComposition(context, kind: query["modele"].map(String.init), ids: query.getAll("ids"))
        return try services.renderer.render(ComposePage(composition, form: nil, context: context))
    }

    @Sendable func sendToSelection(request: Request, context: CentreContext) async throws -> Response {
        try await send(try await needComposition(context, kind: context.form["modele"], ids: context.form.values("ids")), context: context)
    }

    // MARK: Sending

    /// The preview (button « Aperçu »), the form again with its errors (422), or the messages
    /// sent — one per candidate reached, each kept in their history — and the page they were
    /// written from.
    private func send(_ composition: Composition, context: CentreContext) async throws -> Response {
        let sender = CandidateMessages.Sender(context)
        let (text, errors) = composition.read(context.form, sender: sender)
        if context.form["apercu"] != nil || !errors.isEmpty {
            let page = ComposePage(composition, form: FormState(sent: context.form, errors: errors), context: context)
            return try services.renderer.render(page, status: errors.isEmpty ? .ok : .unprocessableContent)
        }
        let token = context.form["_form"]
        let now = services.clock.now()
        let (path, said) = try await services.database.transaction(in: context) { connection -> (String, String) in
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                return (path, FormSubmissions.alreadyDoneMessage)
            }
            for recipient in composition.reachable {
                try await CandidateMessages.send(
                    composition.kind, text, to: recipient, from: sender, dedupeKey: "message:\(token ?? ""):\(recipient.candidateID)", now: now,
                    on: connection, logger: context.logger)
            }
            try await FormSubmissions.complete(token ?? "", resultPath: composition.donePath, on: connection, logger: context.logger)
            return (composition.donePath, Self.sentSummary(composition))
        }
        return .seeOther(path, saying: said)
    }

    static func sentSummary(_ composition: Composition) -> String {
        let reached = composition.reachable
        if composition.recipients.count == 1, let only = reached.first { return "Message envoyé à \(only.name) \(only.reach.phrase)." }
        let left = composition.recipients.count - reached.count
        return "Message envoyé à \(reached.count) candidat(s)." + (left > 0 ? " \(left) candidat(s) sans e-mail ni mobile n'ont rien reçu." : "")
    }
}
