import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The platform admin's pages: centres and users, creating a centre with its first
/// adviser, disabling an account, and the outbox while mail is not configured.
struct AdminController: Sendable {
    let services: AppServices

    func addRoutes(to admin: RouterGroup<AdminContext>) {
        admin.get("", use: home)
        admin.post("centres", use: createCentre)
        admin.post("utilisateurs/{id}/desactiver", use: disable)
        admin.post("utilisateurs/{id}/reactiver", use: enable)
        admin.get("envois", use: outbox)
    }

    struct CentreRow: Sendable {
        let slug: String
        let name: String
        let territory: String
        let advisers: String
    }

    struct UserRow: Sendable {
        let id: Int64
        let email: String
        let displayName: String
        let isAdmin: Bool
        let disabled: Bool
        let isSelf: Bool
        /// Beside its "Désactiver" button, when it was pressed without ticking the confirmation.
        let confirmError: String?
    }

    struct CentreForm: Sendable {
        var slug = ""
        var name = ""
        var territory = ""
        var adviserName = ""
        var adviserEmail = ""
        var token = FormSubmissions.newToken()
    }

    struct HomePage: Sendable {
        let layout: Layout
        let centres: [CentreRow]
        let users: [UserRow]
        let form: FormState<CentreForm>
    }

    @Sendable func home(request: Request, context: AdminContext) async throws -> Response {
        try await homePage(context: context, form: CentreForm(), errors: FormErrors(), status: .ok)
    }

    private func homePage(
        context: AdminContext, form: CentreForm, errors: FormErrors, status: HTTPResponse.Status, disableError: (user: Int64, message: String)? = nil
    ) async throws -> Response {
        let logger = context.logger
        let centres = try await services.database.withConnection(logger: logger) { try await AdminRepository.centres(on: $0, logger: logger) }
        var rows: [CentreRow] = []
        for centre in centres {
            // Memberships are a tenant table: read them inside each centre.
            let advisers = try await services.database.withTransaction(tenant: centre.id, logger: logger) { connection in
                try await AdminRepository.adviserEmails(on: connection, logger: logger)
            }
            rows.append(CentreRow(slug: centre.slug, name: centre.name, territory: centre.territory, advisers: advisers.joined(separator: ", ")))
        }
        let users = try await services.database.withConnection(logger: logger) { try await AdminRepository.accounts(limit: 500, on: $0, logger: logger) }.map {
            UserRow(
                id: $0.id, email: $0.email, displayName: $0.displayName, isAdmin: $0.isAdmin, disabled: $0.disabled, isSelf: $0.id == context.user.id,
                confirmError: disableError?.user == $0.id ? disableError?.message : nil)
        }
        let page = HomePage(
            layout: Layout(title: "Administration", session: context.session, currentPath: "/admin"),
            centres: rows, users: users, form: FormState(form, errors: errors))
        return try services.renderer.render("admin/home", page, status: status)
    }

    @Sendable func createCentre(request: Request, context: AdminContext) async throws -> Response {
        let fields = context.form
        var form = CentreForm()
        form.slug = (fields["slug"] ?? "").lowercased()
        form.name = fields["name"] ?? ""
        form.territory = fields["territory"] ?? ""
        form.adviserName = fields["adviser_name"] ?? ""
        form.adviserEmail = fields["adviser_email"] ?? ""
        let submittedToken = fields["_form"]
        form.token = submittedToken ?? form.token
        var errors = FormErrors()
        if form.slug.range(of: "^[a-z0-9][a-z0-9-]{1,39}$", options: .regularExpression) == nil {
            errors.add("slug", "Le nom court doit faire de 2 à 40 caractères : lettres minuscules sans accent, chiffres et tirets (par exemple «\u{00A0}cahors\u{00A0}»).")
        }
        if form.name.isEmpty || form.name.storedLength > 200 { errors.add("name", "Saisissez le nom du centre (200 caractères au plus).") }
        if form.territory.isEmpty || form.territory.storedLength > 200 { errors.add("territory", "Saisissez le territoire couvert (200 caractères au plus).") }
        if form.adviserName.isEmpty || form.adviserName.storedLength > 200 { errors.add("adviserName", "Saisissez le nom du premier conseiller.") }
        if form.adviserEmail.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) == nil || form.adviserEmail.storedLength > 254 {
            errors.add("adviserEmail", "Saisissez une adresse e-mail valide, par exemple prenom.nom@centre.fr.")
        }
        guard errors.isEmpty else {
            return try await homePage(context: context, form: form, errors: errors, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        let logger = context.logger
        let outcome: Result<(path: String, said: String), FormErrors>
        do {
            outcome = try await services.database.withTransaction(logger: logger) { connection in
                switch try await FormSubmissions.claim(submittedToken, on: connection, logger: logger) {
                case .alreadyDone(let path): return .success((path, FormSubmissions.alreadyDoneMessage))
                case .claimed: break
                }
                if try await AdminRepository.slugTaken(form.slug, on: connection, logger: logger) {
                    var errors = FormErrors()
                    errors.add("slug", "Ce nom court est déjà celui d'un autre centre.")
                    throw CentreNotCreated(errors: errors)
                }
                let centreID = try await AdminRepository.createCentre(
                    slug: form.slug, name: form.name, territory: form.territory, on: connection, logger: logger)
                let (userID, created) = try await AccountRepository.findOrCreateUser(
                    email: form.adviserEmail, displayName: form.adviserName, passwordHash: nil, on: connection, logger: logger)
                try await AccountRepository.addMembership(userID: userID, tenantID: centreID, role: .adviser, on: connection, logger: logger)
                if created {
                    try await PasswordLinks.send(
                        purpose: .welcome, userID: userID, email: form.adviserEmail, displayName: form.adviserName,
                        baseURL: baseURL, now: now, on: connection, logger: logger)
                }
                let path = "/admin"
                try await FormSubmissions.complete(form.token, resultPath: path, on: connection, logger: logger)
                logger.info("centre created", metadata: ["centre": "\(centreID)"])
                return .success((path, "Le centre «\u{00A0}\(form.slug)\u{00A0}» est créé ; le lien pour choisir un mot de passe attend dans la boîte d'envoi."))
            }
        } catch let refused as CentreNotCreated {
            outcome = .failure(refused.errors)
        } catch where error.isUniqueViolation("centres_slug_key") {
            var errors = FormErrors()
            errors.add("slug", "Ce nom court est déjà celui d'un autre centre.")
            outcome = .failure(errors)
        }
        switch outcome {
        case .success(let done): return .seeOther(done.path, saying: done.said)
        case .failure(let errors):
            return try await homePage(context: context, form: form, errors: errors, status: .unprocessableContent)
        }
    }

    private struct CentreNotCreated: Error { let errors: FormErrors }

    /// Disabling an account ends its sessions at once, server-side.
    @Sendable func disable(request: Request, context: AdminContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self), id != context.user.id else { throw AppError.notFound }
        var reader = FormReader(context.form)
        guard reader.confirmed("Cochez la case pour confirmer : la personne ne pourra plus se connecter.") else {
            return try await homePage(
                context: context, form: CentreForm(), errors: FormErrors(), status: .unprocessableContent,
                disableError: (id, reader.errors[FormReader.confirmField] ?? ""))
        }
        let now = services.clock.now()
        let found = try await services.database.withTransaction(logger: context.logger) { connection in
            try await AdminRepository.disable(user: id, now: now, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        context.logger.info("user disabled", metadata: ["user": "\(id)"])
        return .seeOther("/admin", saying: "Compte désactivé : ses sessions sont fermées.")
    }

    @Sendable func enable(request: Request, context: AdminContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        let found = try await services.database.withTransaction(logger: context.logger) { connection in
            try await AdminRepository.enable(user: id, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("/admin", saying: "Compte réactivé.")
    }

    struct OutboxRow: Sendable {
        let kind: String
        let channel: String
        let recipient: String
        let subject: String
        let body: String
        let createdAt: String
        let status: String
    }

    struct OutboxPage: Sendable {
        let layout: Layout
        let messages: [OutboxRow]
        let isEmpty: Bool
    }

    @Sendable func outbox(request: Request, context: AdminContext) async throws -> Response {
        let messages = try await Outbox.recent(limit: 200, database: services.database, logger: context.logger).map {
            OutboxRow(
                kind: $0.kind, channel: $0.channel.label, recipient: $0.recipient,
                // A text message has no subject: its heading says what it is.
                subject: $0.subject.isEmpty ? "\($0.channel.label) sans objet (\($0.kind))" : $0.subject, body: $0.body,
                createdAt: Formats.dateTime($0.createdAt),
                status: $0.sentAt.map { "envoyé le \(Formats.dateTime($0))" }
                    ?? ($0.attempts == 0 ? "en attente" : "en attente, \($0.attempts) essai(s), dernier échec : \($0.lastError ?? "?")"))
        }
        let page = OutboxPage(
            layout: Layout(title: "Boîte d'envoi", session: context.session, currentPath: "/admin/envois"),
            messages: messages, isEmpty: messages.isEmpty)
        return try services.renderer.render("admin/outbox", page)
    }
}
