import Hummingbird

/// After signing in again: the form that was sent when the session had expired, to send
/// again as it was (the handler it goes to checks again what the person may do).
struct KeptFormController: Sendable {
    let services: AppServices

    func addRoutes(to signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("reprise/{token}", use: page)
    }

    struct Field: Sendable {
        let name: String
        let value: String
    }

    struct KeptFormPage: PageModel {
        static let template = "accounts/kept-form"
        let layout: Layout
        let action: String
        /// Every field as it was sent, to send again.
        let fields: [Field]
        /// What was typed, as a reminder (the fields a person fills, not the page's own).
        let typed: [String]
        let hasTyped: Bool
        let homeHref: String
    }

    @Sendable func page(request: Request, context: SignedInContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let now = services.clock.now()
        guard token.count <= 100, let kept = try await services.database.withTransaction(logger: context.logger, { connection in
            try await KeptForms.find(token: token, userID: context.user.id, now: now, on: connection, logger: context.logger)
        }) else { throw AppError.notFound }
        let typed = kept.fields.filter { !$0.name.hasPrefix("_") && !$0.name.contains("return_to") && !$0.value.isEmpty }.map(\.value)
        let page = KeptFormPage(
            layout: Layout(title: "Reprendre votre saisie", session: context.session, currentPath: request.uri.path),
            action: kept.action, fields: kept.fields.map { Field(name: $0.name, value: $0.value) }, typed: typed, hasTyped: !typed.isEmpty,
            homeHref: context.user.homePath)
        return try services.renderer.render(page)
    }
}
