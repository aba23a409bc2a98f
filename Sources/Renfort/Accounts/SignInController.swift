import Foundation
import Hummingbird
import Logging

/// Sign-in, sign-out, session extension, and the forgotten-password links.
struct SignInController: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/login", use: loginPage)
        router.post("/login", use: login)
        router.post("/logout", use: logout)
        router.post("/session/prolonger", use: extend)
        router.get("/mot-de-passe-oublie", use: forgotPage)
        router.post("/mot-de-passe-oublie", use: forgot)
        router.get("/mot-de-passe/{token}", use: choosePasswordPage)
        router.post("/mot-de-passe/{token}", use: choosePassword)
    }

    struct LoginPage: Sendable {
        let layout: Layout
        let email: String
        let next: String
        let notice: String?
        let formError: String?
        let form: FormState<TypedFields>
    }

    @Sendable func loginPage(request: Request, context: AppRequestContext) async throws -> Response {
        if let user = context.session?.user { return .seeOther(user.homePath) }
        let query = request.uri.queryParameters
        var notice: String? = nil
        if query["expiree"] == "1" || context.sessionExpired { notice = "Votre session a expiré. Reconnectez-vous pour continuer." }
        if query["formulaire"] == "1" { notice = "Votre session a expiré avant l'envoi du formulaire. Ce que vous avez saisi est conservé : reconnectez-vous pour le retrouver." }
        if query["deconnecte"] == "1" { notice = "Vous êtes déconnecté." }
        if query["motdepasse"] == "1" { notice = "Votre mot de passe est enregistré. Vous pouvez vous connecter." }
        return try await withAnonymousSession(context) { session in
            LoginPage(
                layout: Layout(title: "Connexion", session: session, currentPath: "/login"),
                email: "", next: safeLocalPath(query["next"].map(String.init)) ?? "", notice: notice,
                formError: nil, form: .blank)
        } render: { try services.renderer.render("accounts/login", $0) }
    }

    @Sendable func login(request: Request, context: AppRequestContext) async throws -> Response {
        let form = context.form
        let email = form["email"] ?? ""
        let password = form.raw("password") ?? ""
        let next = safeLocalPath(form["next"])
        let address = ClientAddress.of(request, peer: context.peerAddress, trustForwardedFor: services.configuration.trustForwardedFor)
        var errors = FormErrors()
        if email.isEmpty { errors.add("email", "Saisissez votre adresse e-mail.") }
        // No account has a longer address (users_email_format): such a one never reaches the database.
        if email.storedLength > 254 { errors.add("email", "Une adresse e-mail ne dépasse pas 254 caractères.") }
        if password.isEmpty { errors.add("password", "Saisissez votre mot de passe.") }
        if password.utf8.count > PasswordPolicy.maximumBytes {
            errors.add("password", "Un mot de passe Renfort ne dépasse pas \(PasswordPolicy.maximumBytes) octets (environ 70 caractères).")
        }
        if errors.isEmpty {
            switch try await services.throttle.check(email: email, address: address, logger: context.logger) {
            case .refuse(let retryAfter):
                let minutes = max(1, (retryAfter + 59) / 60)
                throw AppError.tooManyRequests(
                    retryAfter: retryAfter,
                    message: "Trop de tentatives de connexion échouées. Réessayez dans \(minutes) minute\(minutes > 1 ? "s" : ""), ou choisissez un nouveau mot de passe avec «\u{00A0}Mot de passe oublié\u{00A0}».")
            case .allow(let delay):
                if delay > .zero { try await Task.sleep(for: delay) }
            }
            let user = try await AccountRepository(database: services.database).user(email: email, logger: context.logger)
            let matches = try await services.hasher.verify(password, hash: user?.passwordHash)
            if let user, matches, !user.disabled {
                try await services.throttle.reset(email: email, logger: context.logger)
                if let old = context.session { try await services.sessions.delete(id: old.id, logger: context.logger) }
                let (token, _) = try await services.sessions.create(userID: user.id, logger: context.logger)
                let memberships = try await AccountRepository(database: services.database).memberships(of: user.id, logger: context.logger)
                let current = CurrentUser(id: user.id, email: user.email, displayName: user.displayName, isAdmin: user.isAdmin, memberships: memberships)
                context.logger.info("signed in", metadata: ["user": "\(user.id)"])
                var response = Response.seeOther(next ?? current.homePath)
                response.setCookie(services.cookie.make(token))
                return response
            }
            try await services.throttle.recordFailure(email: email, address: address, logger: context.logger)
            context.logger.info("sign-in failed")
            errors.add("form", "Adresse e-mail ou mot de passe incorrect.")
        }
        // "Incorrect" is said apart from the fields' messages; the password is never shown again.
        var fieldErrors = FormErrors()
        for error in errors.all where error.field != "form" { fieldErrors.add(error.field, error.message) }
        let page = LoginPage(
            layout: Layout(title: "Connexion", session: context.session, currentPath: "/login"),
            email: email, next: next ?? "", notice: nil, formError: errors["form"],
            form: FormState(TypedFields(text: ["email": email]), errors: fieldErrors))
        return try services.renderer.render("accounts/login", page, status: .unprocessableContent)
    }

    @Sendable func logout(request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            try await services.sessions.delete(id: session.id, logger: context.logger)
        }
        var response = Response.seeOther("/login?deconnecte=1")
        response.setCookie(services.cookie.cleared())
        return response
    }

    /// The "Prolonger" button: any request refreshes the idle timeout; this one always does.
    @Sendable func extend(request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session, let user = session.user else { throw AppError.signInRequired(expired: true) }
        try await services.sessions.touch(id: session.id, logger: context.logger)
        return .seeOther(safeLocalPath(context.form["return_to"]) ?? user.homePath, saying: "Session prolongée.")
    }

    // MARK: Forgotten password

    struct ForgotPage: Sendable {
        let layout: Layout
        let email: String
        let sent: Bool
        let form: FormState<TypedFields>
    }

    @Sendable func forgotPage(request: Request, context: AppRequestContext) async throws -> Response {
        let sent = request.uri.queryParameters["envoye"] == "1"
        return try await withAnonymousSession(context) { session in
            ForgotPage(
                layout: Layout(title: "Mot de passe oublié", session: session, currentPath: "/mot-de-passe-oublie"),
                email: "", sent: sent, form: .blank)
        } render: { try services.renderer.render("accounts/forgot", $0) }
    }

    @Sendable func forgot(request: Request, context: AppRequestContext) async throws -> Response {
        let email = context.form["email"] ?? ""
        var errors = FormErrors()
        if email.isEmpty || !email.contains("@") || email.storedLength > 254 {
            errors.add("email", "Saisissez l'adresse e-mail de votre compte, par exemple nom@entreprise.fr.")
        }
        guard errors.isEmpty else {
            let page = ForgotPage(
                layout: Layout(title: "Mot de passe oublié", session: context.session, currentPath: "/mot-de-passe-oublie"),
                email: email, sent: false, form: FormState(TypedFields(text: ["email": email]), errors: errors))
            return try services.renderer.render("accounts/forgot", page, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        try await services.database.withTransaction(logger: context.logger) { connection in
            guard let user = try await AccountRepository.user(email: email, on: connection, logger: context.logger),
                !user.disabled
            else { return }
            // At most three links an hour per account, so the form cannot be used to flood a mailbox.
            let recent = try await PasswordLinks.recentCount(
                userID: user.id, since: now.addingTimeInterval(-3600), on: connection, logger: context.logger)
            guard recent < 3 else { return }
            try await PasswordLinks.send(
                purpose: .reset, userID: user.id, email: user.email, displayName: user.displayName, baseURL: baseURL,
                now: now, on: connection, logger: context.logger)
        }
        // The same answer whether the account exists or not.
        return .seeOther("/mot-de-passe-oublie?envoye=1")
    }

    struct ChoosePasswordPage: Sendable {
        let layout: Layout
        let action: String
        let welcome: Bool
        let form: FormState<TypedFields>
    }

    @Sendable func choosePasswordPage(request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let now = services.clock.now()
        guard let link = try await services.database.withTransaction(logger: context.logger, { connection in
            try await PasswordLinks.valid(token: token, now: now, on: connection, logger: context.logger)
        }) else { return try expiredLink(context) }
        return try await withAnonymousSession(context) { session in
            ChoosePasswordPage(
                layout: Layout(title: "Choisir un mot de passe", session: session, currentPath: ""),
                action: "/mot-de-passe/\(token)", welcome: link.purpose == .welcome,
                form: .blank)
        } render: { try services.renderer.render("accounts/choose-password", $0) }
    }

    @Sendable func choosePassword(request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let password = context.form.raw("password") ?? ""
        let confirmation = context.form.raw("confirmation") ?? ""
        let now = services.clock.now()
        guard let link = try await services.database.withTransaction(logger: context.logger, { connection in
            try await PasswordLinks.valid(token: token, now: now, on: connection, logger: context.logger)
        }) else { return try expiredLink(context) }
        var errors = FormErrors()
        if let problem = PasswordPolicy.problem(with: password, email: link.email) { errors.add("password", problem) }
        if password != confirmation { errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.") }
        guard errors.isEmpty else {
            let page = ChoosePasswordPage(
                layout: Layout(title: "Choisir un mot de passe", session: context.session, currentPath: ""),
                action: "/mot-de-passe/\(token)", welcome: link.purpose == .welcome,
                form: FormState(TypedFields(), errors: errors))
            return try services.renderer.render("accounts/choose-password", page, status: .unprocessableContent)
        }
        let hash = try await services.hasher.hash(password)
        let used = try await services.database.withTransaction(logger: context.logger) { connection in
            // Checked again inside the transaction: two submits of one link change the password once.
            guard try await PasswordLinks.valid(token: token, now: now, on: connection, logger: context.logger) != nil
            else { return false }
            try await AccountRepository.setPassword(userID: link.userID, hash: hash, on: connection, logger: context.logger)
            try await PasswordLinks.consume(userID: link.userID, now: now, on: connection, logger: context.logger)
            try await SessionStore.deleteAll(of: link.userID, on: connection, logger: context.logger)
            return true
        }
        guard used else { return try expiredLink(context) }
        try await services.throttle.reset(email: link.email, logger: context.logger)
        var response = Response.seeOther("/login?motdepasse=1")
        response.setCookie(services.cookie.cleared())
        return response
    }

    private func expiredLink(_ context: AppRequestContext) throws -> Response {
        let model = ErrorPage(
            layout: Layout(title: "Lien expiré", session: nil, currentPath: ""), code: 404, title: "Lien expiré ou déjà utilisé",
            message: "Ce lien n'est plus valable. Demandez-en un nouveau depuis «\u{00A0}Mot de passe oublié\u{00A0}».", requestID: context.id)
        return try services.renderer.render("errors/error", model, status: .notFound)
    }

    // MARK: Helpers

    /// Renders a page that holds a form for someone not yet signed in: it needs a session
    /// for its CSRF token, so one is started (and its cookie set) if there is none.
    private func withAnonymousSession<Page>(
        _ context: AppRequestContext, _ makePage: (SessionInfo) -> Page, render: (Page) throws -> Response
    ) async throws -> Response {
        if let session = context.session { return try render(makePage(session)) }
        let (token, session) = try await services.sessions.startAnonymous(logger: context.logger)
        var response = try render(makePage(session))
        response.setCookie(services.cookie.make(token))
        return response
    }

    /// Where the request comes from, for throttling: the socket's peer, or the first
    /// `X-Forwarded-For` address when Renfort runs behind its own reverse proxy.
}
