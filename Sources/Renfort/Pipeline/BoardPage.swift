import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// A need's board (one column per stage, a button per move) or its list view (20 a page,
/// optionally at one stage), with the search to add candidates and the bulk "non retenu".
struct BoardPage: PageModel {
    static let template = "pipeline/board"
    /// The cards of each of the board's columns; the list view shows the rest.
    static let columnSize = 25
    static let listPageSize = 20

    struct Column: Sendable {
        let stage: String
        let label: String
        let count: Int
        /// The column's cards, as markup (`cards(_:…)`).
        let cards: String
        /// When the column shows only its first cards: the list view at its stage.
        let allHref: String?
    }

    /// A candidate of the pool found by the search, to add to the need.
    struct FoundCandidate: Sendable {
        let id: Int64
        let name: String
        let commune: String
        /// "En CDI chez …" for someone already hired on a CDI.
        let cdi: String?
    }

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
    /// The pool's candidates ranked for this need (`NeedMatchesPage`).
    let matchesHref: String
    let rehireHref: String
    let bulkAction: String
    /// The rejection reasons and the stages as `<option>`s (`HTML.options`).
    let reasonOptions: String
    /// The messages to candidates the selection form offers: the refusal with « Rejeter », a
    /// template with « Écrire » (`BoardPage+messages.swift`).
    let refusalOptions: String
    let writeAction: String
    let templateOptions: String
    let search: String
    let found: [FoundCandidate]
    let searched: Bool
    let total: Int
    let more: Bool
    let stageOptions: String
    let page: Int
    let pages: Int
    let previousHref: String?
    let nextHref: String?
    let form: FormState<TypedFields>

    /// What the page's query string asks for.
    struct View: Sendable {
        let search: String
        let listView: Bool
        let stage: ApplicationStage?
        let page: Int

        init(request: Request) {
            let query = request.uri.queryParameters
            search = String(query["q"] ?? "").trimmingCharacters(in: .whitespaces)
            listView = query["vue"] == "liste"
            stage = listView ? query["etape"].flatMap { ApplicationStage(rawValue: String($0)) } : nil
            page = listView ? min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 100_000) : 1
        }

        var limit: Int { listView ? BoardPage.listPageSize : BoardPage.columnSize }
    }

    /// The board of need `needID`; nil when the need is not the centre's.
    static func load(
        needID: Int64, view: View, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> BoardPage? {
        try context.require(.adviser)
        let tenant = context.tenantID, user = context.user.id, logger = context.logger
        func read(_ connection: PostgresConnection) async throws -> ApplicationRepository.Board? {
            try await ApplicationRepository.board(
                needID: needID, stage: view.stage, limit: view.limit, offset: (view.page - 1) * view.limit, perStage: !view.listView,
                tenantID: tenant, userID: user,
                on: connection, logger: logger)
        }
        let loaded: (ApplicationRepository.Board, [CandidateSummary])?
        if view.search.isEmpty {
            // The list's pages and the board alone: one statement, no transaction (schema 0018).
            loaded = try await database.withConnection(logger: logger) { connection in
                try await read(connection).map { ($0, []) }
            }
        } else {
            loaded = try await database.transaction(in: context) { connection -> (ApplicationRepository.Board, [CandidateSummary])? in
                guard let board = try await read(connection) else { return nil }
                var filter = CandidateFilter()
                filter.text = String(view.search.prefix(100))
                return (board, try await CandidateRepository.search(filter, on: connection, logger: logger).candidates)
            }
        }
        guard let loaded else { return nil }
        var board = loaded.0
        let found = loaded.1
        // A centre's first board: its default rejection reasons are written then.
        if board.reasons.isEmpty {
            board.reasons = try await database.transaction(in: context) { connection in
                try await ApplicationRepository.rejectionReasons(tenantID: tenant, on: connection, logger: logger)
            }
        }
        return BoardPage(needID: needID, board: board, found: found, view: view, context: context, form: form)
    }

    /// The list view's rows, written here (the page's largest repeated part): each data value
    /// escaped as mustache would (`HTML.escape`); a box ticked in a sent form stays ticked.
    static func listRows(_ cards: [ApplicationCard], base: String, ticked: [String: Bool]) -> String {
        var html = ""
        html.reserveCapacity(cards.count * 400)
        for card in cards {
            let name = HTML.escape(card.candidateName)
            html += "<tr><td data-label=\"Sélection\">"
            if card.stage.isOpen {
                html += "<input type=\"checkbox\" name=\"ids\" value=\"\(card.id)\" form=\"bulk\"\(checked(card, ticked)) aria-label=\"Sélectionner \(name)\">"
            }
            html += "</td><th scope=\"row\"><a href=\"\(HTML.escape(base))/candidatures/\(card.id)\">\(name)</a></th><td data-label=\"Commune\">\(HTML.escape(card.communeName))</td>"
            html += "<td data-label=\"Étape\">\(HTML.escape(card.stage.label))</td><td data-label=\"Réponse de l'employeur\">\(HTML.escape(card.employerAnswer?.boardLabel ?? ""))</td></tr>"
        }
        return html
    }

    /// A board column's cards, written here too: up to a hundred cards, each with a button per
    /// move, were most of the server's time for the page (rendered by mustache, 6 to 7 ms of
    /// the 10 ms of a board of 5 000 applications). One form per card, a button per move.
    static func cards(_ cards: [ApplicationCard], base: String, csrf: String, boardHref: String, ticked: [String: Bool]) -> String {
        let base = HTML.escape(base), csrf = HTML.escape(csrf), back = HTML.escape(boardHref)
        var html = ""
        html.reserveCapacity(cards.count * 900)
        for card in cards {
            let name = HTML.escape(card.candidateName)
            html += "<li class=\"card\" draggable=\"true\" data-card>"
            html += "<label class=\"card__select\"><input type=\"checkbox\" name=\"ids\" value=\"\(card.id)\" form=\"bulk\"\(checked(card, ticked))>"
            html += " <span class=\"visually-hidden\">Sélectionner \(name)</span></label>\n"
            html += "<a href=\"\(base)/candidatures/\(card.id)\">\(name)</a> <span class=\"muted\">\(HTML.escape(card.communeName))</span>\n"
            if let answer = card.employerAnswer?.boardLabel { html += "<p class=\"muted\">\(HTML.escape(answer))</p>\n" }
            let moves = card.stage.moves
            if !moves.isEmpty {
                html += "<form method=\"post\" action=\"\(base)/candidatures/\(card.id)/etape\" class=\"inline-form\">"
                html += "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf)\"><input type=\"hidden\" name=\"return_to\" value=\"\(back)\">\n"
                for move in moves {
                    html += "<button type=\"submit\" name=\"to\" value=\"\(move.rawValue)\" data-move=\"\(move.rawValue)\" class=\"button button--small button--secondary\">→ \(HTML.escape(move.label))</button>\n"
                }
                html += "</form>"
            }
            html += "</li>\n"
        }
        return html
    }

    private static func checked(_ card: ApplicationCard, _ ticked: [String: Bool]) -> String {
        ticked[String(card.id)] == true ? " checked" : ""
    }
}

extension BoardPage {
    init(needID: Int64, board: ApplicationRepository.Board, found: [CandidateSummary], view: View, context: CentreContext, form: FormState<TypedFields>) {
        let base = context.base
        let counts = board.counts
        let total = view.stage.map { counts[$0] ?? 0 } ?? board.total
        let boardHref = "\(base)/besoins/\(needID)/candidatures"
        let bulk = form.scoped(to: "\(boardHref)/rejeter").form.values
        let ticked = bulk.ticked["ids"] ?? [:]
        let csrf = context.session.csrfToken
        func listPage(_ page: Int) -> String {
            "\(boardHref)?vue=liste" + (view.stage.map { "&etape=\($0.rawValue)" } ?? "") + "&page=\(page)"
        }
        self.layout = Layout(title: "Candidatures · \(board.title)", session: context.session, membership: context.membership, currentPath: "\(base)/besoins")
        self.needTitle = board.title
        self.businessName = board.businessName
        self.needHref = "\(base)/besoins/\(needID)"
        // Each view gets only what it shows: the list its rows, the board its columns.
        self.columns = view.listView ? [] : ApplicationStage.board.map { stage in
            let cards = board.cards.filter { $0.stage == stage }, count = counts[stage] ?? 0
            return Column(
                stage: stage.rawValue, label: stage.label, count: count,
                cards: Self.cards(cards, base: base, csrf: csrf, boardHref: boardHref, ticked: ticked),
                allHref: count > cards.count ? "\(boardHref)?vue=liste&etape=\(stage.rawValue)" : nil)
        }
        self.endedCount = (counts[.rejected] ?? 0) + (counts[.withdrawn] ?? 0)
        self.listView = view.listView
        self.rows = view.listView ? Self.listRows(board.cards, base: base, ticked: ticked) : ""
        self.boardHref = boardHref
        self.listHref = "\(boardHref)?vue=liste"
        self.addAction = boardHref
        self.matchesHref = "\(base)/besoins/\(needID)/vivier"
        self.rehireHref = "\(base)/besoins/\(needID)/saisonniers"
        self.bulkAction = "\(boardHref)/rejeter"
        self.reasonOptions = HTML.options(board.reasons.map { Option(value: String($0.id), label: $0.label, selected: bulk.has("reason_id", String($0.id))) })
        (refusalOptions, writeAction, templateOptions) = Self.messageOptions(boardHref: boardHref, form: form)
        self.search = view.search
        self.found = found.map { FoundCandidate(id: $0.id, name: $0.name, commune: $0.communeName, cdi: $0.cdiLabel) }
        self.searched = !view.search.isEmpty
        self.total = total
        self.more = !view.listView && total > board.cards.count
        self.stageOptions = view.listView
            ? HTML.options(ApplicationStage.allCases.map { Option(value: $0.rawValue, label: "\($0.label) (\(counts[$0] ?? 0))", selected: $0 == view.stage) }) : ""
        self.page = view.page
        self.pages = max(1, (total + Self.listPageSize - 1) / Self.listPageSize)
        self.previousHref = view.listView && view.page > 1 ? listPage(view.page - 1) : nil
        self.nextHref = view.listView && view.page * Self.listPageSize < total ? listPage(view.page + 1) : nil
        self.form = form
    }
}

/// The board's fields without a Mirror (the page behind the applications list, the busiest of
/// an adviser's pages); checked against the Mirror's by `MustacheModelTests`.
extension BoardPage: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "layout": layout, "needTitle": needTitle, "businessName": businessName, "needHref": needHref, "columns": columns,
            "endedCount": endedCount, "listView": listView, "rows": rows, "boardHref": boardHref, "listHref": listHref,
            "addAction": addAction, "matchesHref": matchesHref, "rehireHref": rehireHref, "bulkAction": bulkAction, "reasonOptions": reasonOptions, "search": search,
            "refusalOptions": refusalOptions, "writeAction": writeAction, "templateOptions": templateOptions, "found": found,
            "searched": searched, "total": total, "more": more, "stageOptions": stageOptions, "page": page, "pages": pages,
            "previousHref": previousHref as Any, "nextHref": nextHref as Any, "form": form,
        ]
    }
}
