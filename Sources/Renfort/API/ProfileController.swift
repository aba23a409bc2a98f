import Foundation
import Hummingbird

/// The signed-in person's profile: who they are, their roles, and — for observers and
/// advisers — their personal API tokens (create with a name, shown once; revoke).
struct ProfileController: Sendable {
    let services: AppServices

    func addRoutes(to signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("profil", use: page)
        signedIn.post("profil/jetons", use: create)
        signedIn.post("profil/jetons/{id}/revoquer", use: revoke)
    }

    struct TokenRow: Sendable {
        let name: String
        let created: String
        let lastUsed: String
        let revokeAction: String
    }

    struct Page: Sendable {
        let layout: Layout
        let name: String
        let email: String
        let roles: [Fact]
        /// Where the person chooses their notifications, in each centre where they receive some.
        let notificationLinks: [NavItem]
        let hasNotificationLinks: Bool
        let mayUseAPI: Bool
        let tokens: [TokenRow]
        let hasTokens: Bool
        let newToken: String?
        let newTokenName: String?
        let tokenName: String
        let formToken: String
        let form: FormState<TypedFields>
        let exampleURL: String
        let maximum: Int
    }

    static func mayUseAPI(_ user: CurrentUser) -> Bool {
        user.memberships.contains { $0.role == .observer || $0.role == .adviser }
    }

    func render(context: SignedInContext, newToken: (String, String)? = nil, name: String = "", errors: FormErrors = FormErrors(), status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = context.user
        let tokens = try await services.database.withTransaction(logger: context.logger) { connection in
            try await APITokens.list(userID: user.id, on: connection, logger: context.logger)
        }
        let slug = user.memberships.first { $0.role == .observer || $0.role == .adviser }?.centreSlug ?? "centre"
        let model = Page(
            layout: Layout(title: "Mon profil", session: context.session, currentPath: "/profil"),
            name: user.displayName, email: user.email,
            roles: user.memberships.map { Fact(label: $0.centreName, value: $0.role.label) },
            notificationLinks: user.memberships.filter { $0.role != .observer }.map {
                NavItem(label: $0.centreName, href: "/c/\($0.centreSlug)\(NotificationSettingsPage.path)", current: false)
            },
            hasNotificationLinks: user.memberships.contains { $0.role != .observer },
            mayUseAPI: Self.mayUseAPI(user),
            tokens: tokens.map {
                TokenRow(name: $0.name, created: Formats.dateTime($0.createdAt), lastUsed: $0.lastUsedAt.map(Formats.dateTime) ?? "jamais",
                         revokeAction: "/profil/jetons/\($0.id)/revoquer")
            },
            hasTokens: !tokens.isEmpty, newToken: newToken?.1, newTokenName: newToken?.0, tokenName: name, formToken: FormSubmissions.newToken(),
            form: FormState(TypedFields(text: ["name": name]), errors: errors),
            exampleURL: "\(services.configuration.baseURL)/api/v1/centres/\(slug)/metrics", maximum: APITokens.maximumLive)
        var response = try services.renderer.render("profile/show", model, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func page(request: Request, context: SignedInContext) async throws -> Response {
        try await render(context: context)
    }

    @Sendable func create(request: Request, context: SignedInContext) async throws -> Response {
        guard Self.mayUseAPI(context.user) else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let name = reader.text("name", "Nom du jeton", required: true, max: 80)
        guard reader.errors.isEmpty else { return try await render(context: context, name: name, errors: reader.errors, status: .unprocessableContent) }
        let now = services.clock.now()
        enum Outcome { case created(String), already(String), refused(String) }
        let outcome: Outcome
        do {
            outcome = try await services.database.withTransaction(logger: context.logger) { connection in
                let formToken = context.form.raw("_form")
                switch try await FormSubmissions.claim(formToken, on: connection, logger: context.logger) {
                case .alreadyDone(let path): return .already(path)
                case .claimed: break
                }
                let token = try await APITokens.create(userID: context.user.id, name: name, now: now, on: connection, logger: context.logger)
                try await FormSubmissions.complete(formToken ?? "", resultPath: "/profil", on: connection, logger: context.logger)
                return .created(token)
            }
        } catch APITokens.CreateError.duplicateName {
            outcome = .refused("Vous avez déjà un jeton de ce nom : choisissez-en un autre.")
        } catch APITokens.CreateError.tooMany {
            outcome = .refused("Vous avez déjà \(APITokens.maximumLive) jetons : révoquez-en un avant d'en créer un autre.")
        }
        switch outcome {
        case .created(let token):
            context.logger.notice("api token created", metadata: ["user_id": "\(context.user.id)", "api_token": "\(name)"])
            return try await render(context: context, newToken: (name, token))
        case .already(let path): return .seeOther(path, saying: FormSubmissions.alreadyDoneMessage)
        case .refused(let message):
            var errors = FormErrors()
            errors.add("name", message)
            return try await render(context: context, name: name, errors: errors, status: .unprocessableContent)
        }
    }

    @Sendable func revoke(request: Request, context: SignedInContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        let now = services.clock.now()
        let done = try await services.database.withTransaction(logger: context.logger) { connection in
            try await APITokens.revoke(id: id, userID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard done else { throw AppError.notFound }
        context.logger.notice("api token revoked", metadata: ["user_id": "\(context.user.id)", "token_id": "\(id)"])
        return .seeOther("/profil", saying: "Jeton révoqué : il n'ouvre plus l'API.")
    }
}
