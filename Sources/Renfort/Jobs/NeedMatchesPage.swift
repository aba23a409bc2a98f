import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The pool's candidates for a need, ranked, each with its reasons and flags, to put on the
/// board one by one or many at once.
struct NeedMatchesPage: PageModel {
    static let template = "jobs/matches"

    let layout: Layout
    let needTitle: String
    let businessName: String
    let needHref: String
    let boardHref: String
    let editHref: String
    let rehireHref: String
    /// The need's job, or nil: then the page says to give it one first.
    let job: String?
    /// The table's rows, as markup (`rowsMarkup`).
    let rows: String
    let hasRows: Bool
    let count: Int
    let limit: Int
    let action: String
    let form: FormState<TypedFields>

    /// The matches of need `needID`; nil when it is not the centre's.
    static func load(
        needID: Int64, in context: CentreContext, database: Database, matches store: MatchStore, form: FormState<TypedFields> = .blank
    ) async throws -> NeedMatchesPage? {
        try context.require(.adviser)
        let loaded = try await database.transaction(in: context) { connection -> (JobNeedRecord, [PoolMatch])? in
            guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) else { return nil }
            guard let code = need.romeCode else { return (need, []) }
            return (need, try await store.matches(needID: needID, code: code, tenant: context.tenantID, on: connection, logger: context.logger))
        }
        guard let (need, matches) = loaded else { return nil }
        let base = context.base, needHref = "\(base)/besoins/\(needID)"
        let ticked = form.values.ticked["ids"] ?? [:]
        return NeedMatchesPage(
            layout: Layout(title: "Le vivier pour · \(need.title)", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            needTitle: need.title, businessName: need.businessName, needHref: needHref, boardHref: "\(needHref)/candidatures",
            editHref: "\(needHref)/modifier", rehireHref: "\(needHref)/saisonniers", job: need.job?.described ?? need.romeCode,
            rows: Self.rowsMarkup(matches, base: base, ticked: ticked),
            hasRows: !matches.isEmpty, count: matches.count, limit: Matching.limit, action: "\(needHref)/vivier", form: form)
    }

    /// The table's rows, written here (fifty people, the page's repeated part: through mustache,
    /// most of the server's time for the page): each value escaped as mustache would
    /// (`HTML.escape`); a box ticked in a sent form stays ticked.
    static func rowsMarkup(_ matches: [PoolMatch], base: String, ticked: [String: Bool]) -> String {
        let base = HTML.escape(base)
        var html = ""
        html.reserveCapacity(matches.count * 600)
        for match in matches {
            let name = HTML.escape(match.name), id = match.candidateID
            html += "<tr>\n  <td data-label=\"Sélection\">"
            html += match.onBoard
                ? "<span class=\"badge\">déjà sur le tableau</span>"
                : "<input type=\"checkbox\" name=\"ids\" value=\"\(id)\"\(ticked[String(id)] == true ? " checked" : "") aria-label=\"Sélectionner \(name)\">"
            html += "</td>\n  <th scope=\"row\"><a href=\"\(base)/candidats/\(id)\">\(name)</a></th>\n"
            html += "  <td data-label=\"Commune\">\(HTML.escape(match.commune))</td>\n"
            html += "  <td data-label=\"Pourquoi\">\(HTML.escape(match.reasons.joined(separator: " ; ")))</td>\n"
            html += "  <td data-label=\"À savoir\">"
            for flag in match.flags { html += "<span class=\"badge badge--warn\">\(HTML.escape(flag))</span> " }
            html += "</td>\n</tr>"
        }
        return html
    }
}

/// The need's matches: the page, and the candidates ticked put on the board.
struct MatchingController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("besoins/{id}/vivier", use: show)
        centre.post("besoins/{id}/vivier", use: add)
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        try await page(context: context)
    }

    private func page(context: CentreContext, errors: FormErrors? = nil) async throws -> Response {
        let form = errors.map { FormState(sent: context.form, errors: $0) } ?? .blank
        guard let page = try await NeedMatchesPage.load(needID: try context.id(), in: context, database: services.database, matches: services.matches, form: form)
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: errors == nil ? .ok : .unprocessableContent)
    }

    /// Each candidate ticked goes on the board at « Repéré »; one already there stays as they are
    /// (sent twice, nothing more is added).
    @Sendable func add(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let needID = try context.id()
        var reader = FormReader(context.form)
        let ids = reader.ticked(
            "ids", limit: Matching.limit, none: "Cochez au moins un candidat à mettre sur le tableau.",
            stale: "La sélection ne correspond à aucun candidat : rechargez la page.", tooMany: "Au plus \(Matching.limit) candidats à la fois.")
        var errors = reader.errors
        guard errors.isEmpty else { return try await page(context: context, errors: errors) }
        let now = services.clock.now()
        let outcome = try await services.database.transaction(in: context) { connection in
            try await Matching.addToBoard(
                needID: needID, candidates: ids, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        switch outcome {
        case nil: throw AppError.notFound
        case .failure(.closed(let status)):
            errors.add("ids", "Ce besoin est «\u{00A0}\(status)\u{00A0}» : on n'y ajoute plus de candidat.")
            return try await page(context: context, errors: errors)
        case .failure(.unknownCandidate):
            errors.add("ids", "Un des candidats cochés n'est plus dans le vivier du centre : rechargez la page.")
            return try await page(context: context, errors: errors)
        case .success(let added):
            return .seeOther(
                "\(context.base)/besoins/\(needID)/candidatures",
                saying: added == 0
                    ? "Ces candidats étaient déjà sur le tableau."
                    : "\(added) candidat(s) du vivier ajouté(s) au tableau, à l'étape «\u{00A0}\(ApplicationStage.sourced.label)\u{00A0}».")
        }
    }
}

/// A need's matches without a Mirror (50 rows a page); checked against the Mirror's by
/// `MustacheModelTests`.
extension NeedMatchesPage: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "layout": layout, "needTitle": needTitle, "businessName": businessName, "needHref": needHref, "boardHref": boardHref,
            "editHref": editHref, "rehireHref": rehireHref, "job": job as Any, "rows": rows, "hasRows": hasRows, "count": count,
            "limit": limit, "action": action, "form": form,
        ]
    }
}
