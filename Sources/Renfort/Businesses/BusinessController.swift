import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The centre's businesses: advisers list, create, edit them and manage employers' access;
/// an employer sees their own business page only.
struct BusinessController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("entreprises", use: list)
        centre.get("entreprises/nouvelle", use: newForm)
        centre.post("entreprises", use: create)
        centre.get("entreprises/{id}", use: show)
        centre.get("entreprises/{id}/modifier", use: editForm)
        centre.post("entreprises/{id}/modifier", use: update)
        centre.post("entreprises/{id}/invitations", use: invite)
        centre.post("entreprises/{id}/acces/{membership}/retirer", use: revoke)
    }

    // MARK: List

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await BusinessListPage.load(in: context, database: services.database))
    }

    // MARK: Create and edit

    private func formPage(context: CentreContext, input: BusinessInput, errors: FormErrors = FormErrors(), editing: Int64?) throws -> Response {
        let page = BusinessFormPage(editing: editing, form: FormState(input, errors: errors), context: context)
        return try services.renderer.render(page, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func newForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var input = BusinessInput()
        input.memberSince = Day(services.clock.now()).iso
        return try formPage(context: context, input: input, editing: nil)
    }

    private struct Refused: Error { let errors: FormErrors }

    private static func siretTaken() -> FormErrors {
        var errors = FormErrors()
        errors.add("siret", "Une entreprise de ce centre a déjà ce numéro SIRET.")
        return errors
    }

    @Sendable func create(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let (input, draft, errors) = BusinessForm.read(context.form, full: true)
        guard let draft else { return try formPage(context: context, input: input, errors: errors, editing: nil) }
        let now = services.clock.now()
        let base = context.base
        let token = context.form["_form"]
        do {
            let (path, said) = try await services.database.transaction(in: context) { connection -> (String, String) in
                if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                    return (path, FormSubmissions.alreadyDoneMessage)
                }
                if try await BusinessRepository.id(siret: draft.siret, on: connection, logger: context.logger) != nil {
                    throw Refused(errors: Self.siretTaken())
                }
                let id = try await BusinessRepository.insert(
                    draft, status: .member, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
                let path = "\(base)/entreprises/\(id)"
                try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
                return (path, "Entreprise enregistrée.")
            }
            return .seeOther(path, saying: said)
        } catch let refused as Refused {
            return try formPage(context: context, input: input, errors: refused.errors, editing: nil)
        } catch where error.isUniqueViolation("businesses_siret_per_centre") {
            return try formPage(context: context, input: input, errors: Self.siretTaken(), editing: nil)
        }
    }

    @Sendable func editForm(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        guard let business = try await services.database.transaction(in: context, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) }),
            business.status == .member
        else { throw AppError.notFound }
        return try formPage(context: context, input: BusinessInput(business), editing: id)
    }

    @Sendable func update(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let (input, draft, errors) = BusinessForm.read(context.form, full: true)
        guard let draft else {
            guard try await services.database.transaction(in: context, { try await BusinessRepository.find(id: id, on: $0, logger: context.logger) }) != nil else { throw AppError.notFound }
            return try formPage(context: context, input: input, errors: errors, editing: id)
        }
        let now = services.clock.now()
        do {
            let found = try await services.database.transaction(in: context) { connection -> Bool in
                guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == .member else { return false }
                if let other = try await BusinessRepository.id(siret: draft.siret, on: connection, logger: context.logger), other != id {
                    throw Refused(errors: Self.siretTaken())
                }
                try await BusinessRepository.update(id: id, draft, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
                return true
            }
            guard found else { throw AppError.notFound }
            return .seeOther("\(context.base)/entreprises/\(id)", saying: "Fiche de l'entreprise enregistrée.")
        } catch let refused as Refused {
            return try formPage(context: context, input: input, errors: refused.errors, editing: id)
        }
    }

    // MARK: The business page

    /// An adviser sees any member business of their centre; an employer only their own;
    /// anyone else, or another centre's business, gets a 404.
    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        guard let page = try await BusinessPage.load(id: try context.id(), in: context, database: services.database)
        else { throw AppError.notFound }
        return try services.renderer.render(page)
    }

    /// The business's page again, with the invitation as it was sent and its errors (422).
    private func invalid(_ id: Int64, _ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        guard let page = try await BusinessPage.load(id: id, in: context, database: services.database, form: FormState(sent: context.form, errors: errors))
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    // MARK: Employers' access

    @Sendable func invite(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let name = reader.text("invite_name", "Nom de la personne", required: true, max: 150)
        let email = reader.email("invite_email", "Adresse e-mail", required: true)
        guard let email, reader.errors.isEmpty else {
            return try await invalid(id, reader.errors, context)
        }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        let token = context.form["_form"]
        let base = context.base
        let outcome: (path: String, said: String)?
        do {
            outcome = try await services.database.transaction(in: context) { connection -> (path: String, said: String) in
            guard let business = try await BusinessRepository.find(id: id, on: connection, logger: context.logger), business.status == .member else {
                throw AppError.notFound
            }
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                return (path, FormSubmissions.alreadyDoneMessage)
            }
            let result = try await EmployerInvitations.invite(
                email: email, name: name, businessID: id, businessName: business.name, tenantID: context.tenantID,
                actorID: context.user.id, baseURL: baseURL, now: now, on: connection, logger: context.logger)
            let path = "\(base)/entreprises/\(id)"
            let said: String
            switch result {
            case .alreadyInCentre: throw InviteRefused()  // rolls back the claim of the form token too
            case .invited: said = "Invitation envoyée : la personne choisira son mot de passe avec le lien reçu (valable 7 jours)."
            case .granted: said = "Cette personne avait déjà un compte Renfort : elle a maintenant accès à l'entreprise."
            }
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return (path, said)
            }
        } catch is InviteRefused {
            outcome = nil
        }
        guard let outcome else {
            var errors = FormErrors()
            errors.add("invite_email", "Cette personne a déjà un rôle dans ce centre (un seul rôle par centre).")
            return try await invalid(id, errors, context)
        }
        return .seeOther(outcome.path, saying: outcome.said)
    }

    private struct InviteRefused: Error {}

    @Sendable func revoke(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        guard let membership = context.parameters.get("membership", as: Int64.self) else { throw AppError.notFound }
        let now = services.clock.now()
        let done = try await services.database.transaction(in: context) { connection in
            try await EmployerInvitations.revoke(
                membershipID: membership, businessID: id, tenantID: context.tenantID, actorID: context.user.id, now: now,
                on: connection, logger: context.logger)
        }
        guard done else { throw AppError.notFound }
        return .seeOther("\(context.base)/entreprises/\(id)", saying: "L'accès a été retiré.")
    }
}
