import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Last season's people for a need, those who worked in its business first, to invite back
/// and put on the board in one step.
struct RehirePage: PageModel {
    static let template = "jobs/rehire"

    struct Row: Sendable {
        let id: Int64
        let href: String
        let name: String
        let commune: String
        /// "Cueilleurs de noix (saison 2018) · Noix du Quercy, du 8 octobre au 9 novembre 2018"
        let season: String
        let sameJob: Bool
        let employedBy: String?
        let unreachable: Bool
        let onBoard: Bool
        let checked: Bool
    }

    let layout: Layout
    let needTitle: String
    let businessName: String
    let needHref: String
    let boardHref: String
    let matchesHref: String
    let templateHref: String
    let messageSubject: String
    let here: [Row]
    let hasHere: Bool
    let elsewhere: [Row]
    let hasElsewhere: Bool
    let hasRows: Bool
    let action: String
    let form: FormState<TypedFields>

    static func load(needID: Int64, in context: CentreContext, database: Database, today: Day, form: FormState<TypedFields> = .blank) async throws -> RehirePage? {
        try context.require(.adviser)
        let loaded = try await database.transaction(in: context) { connection -> (JobNeedRecord, [PastSeasonWorker], MessageTemplate)? in
            guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) else { return nil }
            return (
                need, try await Rehiring.workers(needID: needID, today: today, on: connection, logger: context.logger),
                try await MessageRepository.template(.rehire, on: connection, logger: context.logger)
            )
        }
        guard let (need, workers, template) = loaded else { return nil }
        let base = context.base, needHref = "\(base)/besoins/\(needID)"
        let ticked = form.values.ticked["ids"] ?? [:]
        let rows = workers.map { worker in
            Row(
                id: worker.candidateID, href: "\(base)/candidats/\(worker.candidateID)", name: worker.name, commune: worker.commune,
                season: "\(worker.needTitle) · \(worker.businessName), \(Self.period(worker.start, worker.end))", sameJob: worker.sameJob,
                employedBy: worker.employedBy, unreachable: !worker.reachable, onBoard: worker.onBoard,
                checked: ticked[String(worker.candidateID)] == true)
        }
        let here = zip(workers, rows).filter { $0.0.workedHere }.map(\.1), elsewhere = zip(workers, rows).filter { !$0.0.workedHere }.map(\.1)
        return RehirePage(
            layout: Layout(title: "Les saisonniers des saisons passées · \(need.title)", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            needTitle: need.title, businessName: need.businessName, needHref: needHref, boardHref: "\(needHref)/candidatures",
            matchesHref: "\(needHref)/vivier", templateHref: "\(base)/parametres/messages/\(MessageKind.rehire.rawValue)",
            messageSubject: MessageText.render(template.text.subject, [.business: need.businessName, .job: need.title]), here: here, hasHere: !here.isEmpty, elsewhere: elsewhere, hasElsewhere: !elsewhere.isEmpty,
            hasRows: !rows.isEmpty, action: "\(needHref)/saisonniers", form: form)
    }

    /// "du 8 octobre au 9 novembre 2018", "du 15 décembre 2025 au 10 janvier 2026".
    static func period(_ start: Day, _ end: Day) -> String {
        start.year == end.year ? "du \(start.dayAndMonth) au \(end.long)" : "du \(start.long) au \(end.long)"
    }
}

/// Last season's people for a need: the page, and the invitation (a message, and the board).
struct RehireController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("besoins/{id}/saisonniers", use: show)
        centre.post("besoins/{id}/saisonniers", use: invite)
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try await page(context: context)
    }

    private func page(context: CentreContext, errors: FormErrors? = nil) async throws -> Response {
        let form = errors.map { FormState(sent: context.form, errors: $0) } ?? .blank
        guard let page = try await RehirePage.load(
            needID: try context.id(), in: context, database: services.database, today: Day(services.clock.now()), form: form)
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: errors == nil ? .ok : .unprocessableContent)
    }

    /// Each person ticked goes on the board at « Repéré » and receives the rehire message; sent
    /// twice, nobody is added nor told again.
    @Sendable func invite(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try context.id()
        var reader = FormReader(context.form)
        let ids = reader.ticked(
            "ids", limit: Rehiring.limit, none: "Cochez au moins une personne à inviter.",
            stale: "La sélection ne correspond à aucune personne : rechargez la page.", tooMany: "Au plus \(Rehiring.limit) personnes à la fois.")
        var errors = reader.errors
        guard errors.isEmpty else { return try await page(context: context, errors: errors) }
        let now = services.clock.now()
        let outcome = try await services.database.transaction(in: context) { connection in
            try await Rehiring.invite(
                needID: needID, candidates: ids, today: Day(now), sender: CandidateMessages.Sender(context), now: now, on: connection, logger: context.logger)
        }
        switch outcome {
        case nil: throw AppError.notFound
        case .failure(.closed(let status)):
            errors.add("ids", "Ce besoin est «\u{00A0}\(status)\u{00A0}» : on n'y invite plus personne.")
            return try await page(context: context, errors: errors)
        case .failure(.unknownCandidate):
            errors.add("ids", "Une des personnes cochées n'est plus proposée pour ce besoin : rechargez la page.")
            return try await page(context: context, errors: errors)
        case .success(let invited):
            return .seeOther("\(context.base)/besoins/\(needID)/candidatures", saying: Self.summary(invited))
        }
    }

    /// "2 personne(s) ajoutée(s) au tableau ; 2 invitation(s) envoyée(s)." and who was not told.
    static func summary(_ invited: Rehiring.Invited) -> String {
        var parts = [
            invited.added == 0 ? "Ces personnes étaient déjà sur le tableau" : "\(invited.added) ancien(s) saisonnier(s) ajouté(s) au tableau, à l'étape «\u{00A0}\(ApplicationStage.sourced.label)\u{00A0}»",
            "\(invited.told) invitation(s) envoyée(s)",
        ]
        let left = invited.count - invited.told
        if left > 0 { parts.append("\(left) personne(s) sans e-mail ni mobile, ou déjà invitée(s), n'ont rien reçu : appelez-les") }
        return parts.joined(separator: " ; ") + "."
    }
}
