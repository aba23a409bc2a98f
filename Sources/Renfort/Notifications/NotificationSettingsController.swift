import Foundation
import Hummingbird

/// A person's own choices, in one centre: for each kind they receive, at once, in the daily
/// digest, or never (the employer's alert always goes at once).
struct NotificationSettingsController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("notifications", use: page)
        centre.post("notifications", use: save)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await NotificationSettingsPage.load(in: context, database: services.database))
    }

    @Sendable func save(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser, .employer)
        var reader = FormReader(context.form)
        var choices: [NotificationKind: NotificationDelivery] = [:]
        for kind in NotificationKind.kinds(for: context.role) where kind.mayBeMuted {
            choices[kind] = reader.choice(kind.rawValue, kind.label, as: NotificationDelivery.self, required: false)
            if choices[kind] == nil && reader.errors[kind.rawValue] == nil {
                reader.errors.add(kind.rawValue, "Choisissez comment être prévenu : «\u{00A0}\(kind.label)\u{00A0}».")
            }
        }
        guard reader.errors.isEmpty else {
            let page = try await NotificationSettingsPage.load(
                in: context, database: services.database, form: FormState(TypedFields(context.form), errors: reader.errors))
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let token = context.form["_form"]
        let path = "\(context.base)\(NotificationSettingsPage.path)"
        let again = try await services.database.transaction(in: context) { connection -> Bool in
            if case .alreadyDone = try await FormSubmissions.claim(token, on: connection, logger: context.logger) { return true }
            try await NotificationRepository.save(choices, userID: context.user.id, tenantID: context.tenantID, now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: path, on: connection, logger: context.logger)
            return false
        }
        return .seeOther(path, saying: again ? FormSubmissions.alreadyDoneMessage : "Vos choix de notifications sont enregistrés.")
    }
}

/// The person's choices per kind, as radio buttons; on error, what they sent.
struct NotificationSettingsPage: PageModel {
    static let template = "notifications/settings"
    /// Where the page is, inside the centre.
    static let path = "/notifications"

    struct KindRow: Sendable {
        let name: String
        let label: String
        let options: [Option]
        let error: String?
        let mayBeMuted: Bool
    }

    let layout: Layout
    let action: String
    let isEmployer: Bool
    let kinds: [KindRow]
    let digestHour: String
    let formToken: String
    let form: FormState<TypedFields>

    static func load(in context: CentreContext, database: Database, form: FormState<TypedFields>? = nil) async throws -> NotificationSettingsPage {
        try context.require(.adviser, .employer)
        let chosen = try await database.transaction(in: context) { connection in
            try await NotificationRepository.preferences(userID: context.user.id, on: connection, logger: context.logger)
        }
        let path = "\(context.base)\(path)"
        let kinds = NotificationKind.kinds(for: context.role).map { kind in
            let current = form.map { $0.values.text[kind.rawValue] ?? "" } ?? (chosen[kind] ?? kind.defaultDelivery).rawValue
            return KindRow(
                name: kind.rawValue, label: kind.label,
                options: Option.all(NotificationDelivery.self, chosen: current, label: \.label),
                error: form?.fieldErrors[kind.rawValue], mayBeMuted: kind.mayBeMuted)
        }
        return NotificationSettingsPage(
            layout: Layout(title: "Mes notifications", session: context.session, membership: context.membership, currentPath: path),
            action: path, isEmployer: context.role == .employer, kinds: kinds, digestHour: "\(NotificationDigests.hour)\u{00A0}h",
            formToken: FormSubmissions.newToken(), form: form ?? .blank)
    }
}
