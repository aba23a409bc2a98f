import Foundation
import Hummingbird
import Logging

/// The centre's templates of messages to candidates: the list, and a form per template with
/// its preview. Advisers only.
struct MessageTemplatesController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("parametres/messages", use: list)
        centre.get("parametres/messages/{kind}", use: edit)
        centre.post("parametres/messages/{kind}", use: save)
    }

    /// The template of the route; an unknown kind is a 404.
    private func kind(_ context: CentreContext) throws -> MessageKind {
        try context.require(.adviser)
        guard let kind = context.parameters.get("kind").flatMap(MessageKind.init(rawValue:)) else { throw AppError.notFound }
        return kind
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await MessageTemplatesPage.load(in: context, database: services.database))
    }

    @Sendable func edit(request: Request, context: CentreContext) async throws -> Response {
        let kind = try kind(context)
        let template = try await services.database.transaction(in: context) { connection in
            try await MessageRepository.template(kind, on: connection, logger: context.logger)
        }
        return try services.renderer.render(MessageTemplatePage(template: template, typed: template.text, form: nil, context: context))
    }

    /// The text as typed, checked: each field's length and the fields between braces.
    static func read(_ form: FormData, kind: MessageKind) -> (MessageText, FormErrors) {
        var reader = FormReader(form)
        let subject = reader.text("subject", "Objet de l'e-mail", required: true, max: 200)
        let body = reader.text("body", "Texte de l'e-mail", required: true, max: 5000)
        let sms = reader.text("sms", "Texte du SMS", required: true, max: MessageText.smsLimit)
        for (field, text) in [("subject", subject), ("body", body), ("sms", sms)] where reader.errors[field] == nil {
            if let problem = MessageText.problem(in: text, kind: kind) { reader.errors.add(field, problem) }
        }
        return (MessageText(subject: subject, body: body, sms: sms), reader.errors)
    }

    @Sendable func save(request: Request, context: CentreContext) async throws -> Response {
        let kind = try kind(context)
        let (text, errors) = Self.read(context.form, kind: kind)
        let previewOnly = context.form["apercu"] != nil
        if previewOnly || !errors.isEmpty {
            let template = try await services.database.transaction(in: context) { connection in
                try await MessageRepository.template(kind, on: connection, logger: context.logger)
            }
            let page = MessageTemplatePage(template: template, typed: text, form: FormState(sent: context.form, errors: errors), context: context)
            return try services.renderer.render(page, status: errors.isEmpty ? .ok : .unprocessableContent)
        }
        let token = context.form["_form"]
        let done = "\(context.base)/parametres/messages"
        let now = services.clock.now()
        let (path, said) = try await services.database.transaction(in: context) { connection -> (String, String) in
            if case .alreadyDone(let path) = try await FormSubmissions.claim(token, on: connection, logger: context.logger) {
                return (path, FormSubmissions.alreadyDoneMessage)
            }
            try await MessageRepository.saveTemplate(kind, text, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            try await FormSubmissions.complete(token ?? "", resultPath: done, on: connection, logger: context.logger)
            return (done, "Modèle «\u{00A0}\(kind.label)\u{00A0}» enregistré.")
        }
        return .seeOther(path, saying: said)
    }
}

/// The list of the centre's templates.
struct MessageTemplatesPage: PageModel {
    static let template = "messages/templates"

    struct Row: Sendable {
        let label: String
        let subject: String
        let state: String
        let href: String
    }

    let layout: Layout
    let templates: [Row]
    let form: FormState<TypedFields>

    static func load(in context: CentreContext, database: Database) async throws -> MessageTemplatesPage {
        try context.require(.adviser)
        let base = "\(context.base)/parametres/messages"
        let templates = try await database.transaction(in: context) { connection in
            try await MessageRepository.templates(on: connection, logger: context.logger)
        }
        return MessageTemplatesPage(
            layout: Layout(title: "Modèles de messages aux candidats", session: context.session, membership: context.membership, currentPath: base),
            templates: templates.map {
                Row(
                    label: $0.kind.label, subject: $0.text.subject,
                    state: $0.updatedAt.map { "modifié le \(Formats.dateTime($0))" } ?? "texte par défaut", href: "\(base)/\($0.kind.rawValue)")
            }, form: .blank)
    }
}

/// One template's form, with its fields and a preview filled with example values.
struct MessageTemplatePage: PageModel {
    static let template = "messages/template"

    struct FieldRow: Sendable {
        let written: String
        let label: String
    }

    let layout: Layout
    let label: String
    let action: String
    let listHref: String
    let token: String
    let placeholders: [FieldRow]
    let previewSubject: String
    let previewBody: String
    let previewSMS: String
    let smsLimit: Int
    let form: FormState<TypedFields>

    /// `typed` is what the form holds (the stored text on a first view); `form` the state sent, if any.
    init(template: MessageTemplate, typed: MessageText, form: FormState<TypedFields>?, context: CentreContext) {
        let base = "\(context.base)/parametres/messages"
        self.layout = Layout(title: template.kind.label, session: context.session, membership: context.membership, currentPath: base)
        self.label = template.kind.label
        self.action = "\(base)/\(template.kind.rawValue)"
        self.listHref = base
        let sentToken = form?.values.text["_form"] ?? ""
        self.token = sentToken.isEmpty ? FormSubmissions.newToken() : sentToken
        self.placeholders = template.kind.placeholders.map { FieldRow(written: $0.written, label: $0.label) }
        var values = Placeholder.examples
        values[.adviser] = context.user.displayName
        values[.centre] = context.membership.centreName
        self.previewSubject = MessageText.render(typed.subject, values)
        self.previewBody = MessageText.render(typed.body, values)
        self.previewSMS = MessageText.fittingSMS(MessageText.render(typed.sms, values))
        self.smsLimit = MessageText.smsLimit
        self.form = form ?? FormState(TypedFields(text: ["subject": typed.subject, "body": typed.body, "sms": typed.sms]))
    }
}
