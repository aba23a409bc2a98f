import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Shared posts: the list, the form (blank, or started from a combination of the calendar),
/// the creation with the post's own need, and the post's page.
struct SharedPostController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("postes-partages", use: list)
        centre.get("postes-partages/nouveau", use: newForm)
        centre.post("postes-partages", use: create)
        centre.get("postes-partages/{id}", use: show)
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await SharedPostListPage.load(in: context, database: services.database))
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        guard let page = try await SharedPostPage.load(id: try context.id(), in: context, database: services.database) else { throw AppError.notFound }
        return try services.renderer.render(page)
    }

    private func businesses(_ context: CentreContext) async throws -> [Business] {
        try await services.database.transaction(in: context) { connection in
            try await BusinessRepository.members(on: connection, logger: context.logger)
        }
    }

    private func formPage(context: CentreContext, input: SharedPostInput, businesses: [Business], errors: FormErrors = FormErrors()) throws -> Response {
        let form = errors.isEmpty ? FormState.blank : FormState(sent: context.form, errors: errors)
        let page = SharedPostFormPage(input: input, businesses: businesses, context: context, form: form)
        return try services.renderer.render(page, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The blank form, or the one a combination of the calendar starts (`?besoins=1,2,3`: the
    /// needs of the calendar, dated or expected).
    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let wanted = (request.uri.queryParameters["besoins"].map(String.init) ?? "").split(separator: ",").compactMap { Int64($0) }
        var input = SharedPostInput()
        if !wanted.isEmpty {
            let today = Day(services.clock.now())
            let calendar = try await services.database.transaction(in: context) { connection in
                try await SeasonCalendar.load(today: today, on: connection, logger: context.logger)
            }
            let seasons = wanted.compactMap { id in calendar.first { $0.needID == id } }
            if !seasons.isEmpty { input = SharedPostInput(seasons: seasons) }
        }
        return try formPage(context: context, input: input, businesses: try await businesses(context))
    }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let businesses = try await businesses(context)
        var (input, draft, errors) = SharedPostForm.read(context.form, businesses: Set(businesses.map(\.id)))
        let job = try await services.database.withConnection(logger: context.logger) { connection in
            try await JobTitles.read("job", label: "Métier", from: context.form, errors: &errors, on: connection, logger: context.logger)
        }
        guard errors.isEmpty, var draft else { return try formPage(context: context, input: input, businesses: businesses, errors: errors) }
        draft.romeCode = job?.code
        input.job = context.form["job"] ?? ""
        let now = services.clock.now(), today = Day(now)
        let token = context.form["_form"], base = context.base
        let (path, said) = try await services.database.transaction(in: context) { connection -> (String, String) in
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                return (path, FormSubmissions.alreadyDoneMessage)
            }
            // The post's need starts on the first day of the first member's next month.
            var start = Day(year: today.year, month: draft.members[0].firstMonth, day: 1)
            if start <= today { start = start.adding(months: 12) }
            let id = try await SharedPostRepository.create(
                draft, start: start, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            let path = "\(base)/postes-partages/\(id)"
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return (path, "Poste partagé créé, avec son besoin en CDI à temps partagé : recrutez sur son tableau.")
        }
        return .seeOther(path, saying: said)
    }
}
