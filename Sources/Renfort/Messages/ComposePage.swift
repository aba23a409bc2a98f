import Foundation

/// A message being written: the candidates it goes to and how, the template chosen, the text
/// (from the template, as typed) and its preview for the first candidate.
struct ComposePage: PageModel {
    static let template = "messages/compose"

    struct RecipientRow: Sendable {
        let name: String
        let reach: String
        let reachable: Bool
    }

    let layout: Layout
    let title: String
    let backHref: String
    let backLabel: String
    let recipients: [RecipientRow]
    let unreachableCount: Int
    let canSend: Bool
    let byMail: Bool
    let bySMS: Bool
    let chooseAction: String
    let kinds: [Option]
    let applications: [Option]
    let hasApplications: Bool
    let hidden: [Composition.Hidden]
    /// The board's selection, carried by the form that changes the template.
    let selection: [Composition.Hidden]
    let sendAction: String
    let token: String
    let placeholders: [MessageTemplatePage.FieldRow]
    let previewFor: String?
    let previewSubject: String
    let previewBody: String
    let previewSMS: String
    let smsLimit: Int
    let form: FormState<TypedFields>

    /// `form` is the state sent (nil on a first view: the template's text).
    init(_ composition: Composition, form: FormState<TypedFields>?, context: CentreContext) {
        let sender = CandidateMessages.Sender(context)
        self.layout = Layout(title: composition.title, session: context.session, membership: context.membership, currentPath: composition.backHref)
        self.title = composition.title
        self.backHref = composition.backHref
        self.backLabel = composition.backLabel
        self.recipients = composition.recipients.map { RecipientRow(name: $0.name, reach: $0.reach.phrase, reachable: $0.reach != .none) }
        let reachable = composition.reachable
        self.unreachableCount = composition.recipients.count - reachable.count
        self.canSend = !reachable.isEmpty
        self.byMail = reachable.contains { $0.reach.channel == .email }
        self.bySMS = reachable.contains { $0.reach.channel == .sms }
        self.chooseAction = composition.chooseAction
        self.kinds = MessageKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == composition.kind) }
        self.applications = composition.applications
        self.hasApplications = !composition.applications.isEmpty
        self.hidden = composition.hidden
        self.selection = composition.hidden.filter { $0.name == "ids" }
        self.sendAction = composition.sendAction
        let sentToken = form?.values.text["_form"] ?? ""
        self.token = sentToken.isEmpty ? FormSubmissions.newToken() : sentToken
        self.placeholders = Placeholder.allCases.map { MessageTemplatePage.FieldRow(written: $0.written, label: $0.label) }
        let text = form.map {
            MessageText(subject: $0.values.text["subject"] ?? "", body: $0.values.text["body"] ?? "", sms: $0.values.text["sms"] ?? "")
        } ?? composition.template.text
        // The preview: the first candidate reached, with their own values.
        if let first = reachable.first {
            let values = CandidateMessages.values(for: first, from: sender)
            self.previewFor = first.name + (reachable.count > 1 ? " (et de même pour les \(reachable.count - 1) autres)" : "")
            self.previewSubject = MessageText.render(text.subject, values)
            self.previewBody = MessageText.render(text.body, values)
            self.previewSMS = MessageText.render(text.sms, values)
        } else {
            (previewFor, previewSubject, previewBody, previewSMS) = (nil, "", "", "")
        }
        self.smsLimit = MessageText.smsLimit
        self.form = form ?? FormState(TypedFields(text: ["subject": text.subject, "body": text.body, "sms": text.sms]))
    }
}
