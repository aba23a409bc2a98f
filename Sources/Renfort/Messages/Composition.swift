import Foundation
import Hummingbird
import Logging

/// What a message being written is about: its template, the candidates it goes to (one from a
/// candidate's page, several from a need's board), and where the forms go.
struct Composition: Sendable {
    struct Hidden: Sendable {
        let name: String
        let value: String
    }

    let kind: MessageKind
    let template: MessageTemplate
    let recipients: [MessageRecipient]
    let title: String
    let backHref: String
    let backLabel: String
    /// The candidate's applications, to fill {poste} and {entreprise} (a candidate's page only).
    let applications: [Option]
    /// What the forms carry besides the text: the template, the application or the selection.
    let hidden: [Hidden]
    let chooseAction: String
    let sendAction: String
    /// Where the person goes once the message is sent.
    let donePath: String

    var reachable: [MessageRecipient] { recipients.filter { $0.reach != .none } }

    /// A message to candidate `id`, about one of their applications or none; nil when the
    /// candidate is not the centre's.
    static func forCandidate(
        _ id: Int64, kind: MessageKind, applicationID: Int64?, in context: CentreContext, database: Database
    ) async throws -> Composition? {
        let base = context.base
        let loaded = try await database.transaction(in: context) { connection -> (MessageTemplate, MessageRecipient, [Option])? in
            let applications = try await CandidateRepository.applications(candidateID: id, on: connection, logger: context.logger)
                .filter { $0.fromCandidateID == nil }
            let chosen = applications.contains { $0.id == applicationID } ? applicationID : nil
            guard let recipient = try await MessageRepository.recipient(candidateID: id, applicationID: chosen, on: connection, logger: context.logger)
            else { return nil }
            let options = applications.map {
                Option(value: String($0.id), label: "\($0.need) · \($0.business) (\($0.stage.label))", selected: $0.id == chosen)
            }
            return (try await MessageRepository.template(kind, on: connection, logger: context.logger), recipient, options)
        }
        guard let (template, recipient, options) = loaded else { return nil }
        let here = "\(base)/candidats/\(id)"
        return Composition(
            kind: kind, template: template, recipients: [recipient], title: "Message à \(recipient.name)", backHref: here,
            backLabel: recipient.name, applications: options,
            hidden: [Hidden(name: "modele", value: kind.rawValue)] + (recipient.applicationID.map { [Hidden(name: "candidature", value: String($0))] } ?? []),
            chooseAction: "\(here)/messages", sendAction: "\(here)/messages", donePath: here)
    }

    /// The most applications one message from a board goes to.
    static let selectionLimit = 200

    /// A message to the candidates of these applications of need `needID`; nil when the need is
    /// not the centre's.
    static func forNeed(
        _ needID: Int64, kind: MessageKind, applicationIDs: [Int64], in context: CentreContext, database: Database
    ) async throws -> Composition? {
        let ids = Array(applicationIDs.prefix(selectionLimit))
        let loaded = try await database.transaction(in: context) { connection -> (JobNeedRecord, MessageTemplate, [MessageRecipient])? in
            guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: context.logger) else { return nil }
            let recipients = ids.isEmpty ? [] : try await MessageRepository.recipients(applicationIDs: ids, needID: needID, on: connection, logger: context.logger)
            return (need, try await MessageRepository.template(kind, on: connection, logger: context.logger), recipients)
        }
        guard let (need, template, recipients) = loaded else { return nil }
        let board = "\(context.base)/besoins/\(needID)/candidatures"
        let here = "\(context.base)/besoins/\(needID)/messages"
        return Composition(
            kind: kind, template: template, recipients: recipients,
            title: "Message à \(recipients.count) candidat\(recipients.count > 1 ? "s" : "") — \(need.title)", backHref: board,
            backLabel: "Candidatures : \(need.title)", applications: [],
            hidden: [Hidden(name: "modele", value: kind.rawValue)] + recipients.compactMap { $0.applicationID.map { Hidden(name: "ids", value: String($0)) } },
            chooseAction: here, sendAction: here, donePath: board)
    }

    /// The text as typed, checked against every recipient: the fields their channels need, the
    /// names between braces (an unknown one, or one a recipient has no value for), an SMS's length.
    func read(_ form: FormData, sender: CandidateMessages.Sender) -> (MessageText, FormErrors) {
        var reader = FormReader(form)
        let byMail = reachable.contains { $0.reach.channel == .email }, bySMS = reachable.contains { $0.reach.channel == .sms }
        let subject = reader.personalText("subject", "Objet de l'e-mail", required: byMail, max: 200)
        let body = reader.personalText("body", "Texte de l'e-mail", required: byMail, max: 5000)
        let sms = reader.personalText("sms", "Texte du SMS", required: bySMS, max: 1000)
        if reachable.isEmpty {
            reader.errors.add(
                "body", recipients.count == 1 ? PipelineMessages.noReach(recipients[0].name) : "Aucun de ces candidats n'a d'e-mail ni de téléphone mobile : rien ne peut être envoyé.")
        }
        let fields = [("subject", subject, OutboxChannel.email), ("body", body, .email), ("sms", sms, .sms)]
        for (field, text, channel) in fields where reader.errors[field] == nil {
            let (_, unknown) = MessageText.placeholders(in: text)
            if let name = unknown.first {
                reader.errors.add(
                    field, "{\(name)} n'est pas un champ connu. Les champs possibles sont : " + Placeholder.allCases.map(\.written).joined(separator: ", ") + ".")
                continue
            }
            for recipient in reachable where recipient.reach.channel == channel {
                if let missing = CandidateMessages.missing(in: text, for: recipient, from: sender) {
                    reader.errors.add(field, "\(missing.written) n'a pas de valeur pour \(recipient.name)\(Self.why(missing)) : retirez-le du texte.")
                    break
                }
                if channel == .sms {
                    let length = MessageText.render(text, CandidateMessages.values(for: recipient, from: sender)).count
                    if length > MessageText.smsLimit {
                        reader.errors.add(field, "Le SMS à \(recipient.name) ferait \(length) caractères : \(MessageText.smsLimit) au plus.")
                        break
                    }
                }
            }
        }
        return (MessageText(subject: subject, body: body, sms: sms), reader.errors)
    }

    /// Why a field has no value, said after the recipient's name.
    private static func why(_ placeholder: Placeholder) -> String {
        switch placeholder {
        case .job, .business: " (choisissez la candidature dont parle le message)"
        case .interviewDate, .place: " (aucun entretien prévu sur cette candidature)"
        case .reason: " (sa candidature n'a pas de motif de fin)"
        case .commune: " (sa commune n'est pas renseignée)"
        case .firstName, .lastName, .adviser, .centre: ""
        }
    }
}

extension MessageKind {
    /// The template a request asks for (`modele`), the free message when none or an unknown one.
    init(asked value: String?) {
        self = value.flatMap(MessageKind.init(rawValue:)) ?? .free
    }
}
