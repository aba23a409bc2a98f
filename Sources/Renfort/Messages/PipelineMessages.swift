import Foundation
import Logging
import PostgresNIO

/// The messages the pipeline's steps offer: the interview's invitation (with its `.ics`), and
/// the refusal when an application ends as "non retenu". The steps call these in their own
/// transaction, so that the message is sent if and only if the step is recorded.
enum PipelineMessages {
    /// The refusal chosen on an ending form (field `message`): with the reason, without, or none.
    static func refusal(_ form: FormData, _ reader: inout FormReader) -> MessageKind? {
        guard let value = form["message"], !value.isEmpty else { return nil }
        guard let kind = MessageKind(rawValue: value), [.refusalWithReason, .refusal].contains(kind) else {
            reader.errors.add("message", "Choisissez un message de la liste.")
            return nil
        }
        return kind
    }

    /// The refusal messages an ending form offers.
    static let refusalKinds: [MessageKind] = [.refusalWithReason, .refusal]

    /// Why no message can go to the candidate of application `id` (nil when one can, or when the
    /// application is not the centre's: the step itself answers 404 then).
    static func unreachable(applicationID: Int64, in context: CentreContext, database: Database) async throws -> String? {
        let recipient = try await database.transaction(in: context) { connection in
            try await MessageRepository.recipient(applicationID: applicationID, on: connection, logger: context.logger)
        }
        guard let recipient, recipient.reach == .none else { return nil }
        return noReach(recipient.name)
    }

    static func noReach(_ name: String) -> String {
        "\(name) n'a ni e-mail ni téléphone mobile : aucun message ne peut lui être envoyé. Décochez l'envoi, ou ajoutez un contact sur sa fiche."
    }

    /// After an interview was scheduled: the invitation, with the interview's `.ics` attached to a mail.
    static func invite(
        applicationID: Int64, sender: CandidateMessages.Sender, host: String, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let recipient = try await MessageRepository.recipient(applicationID: applicationID, on: connection, logger: logger),
            let interviewID = try await MessageRepository.newestInterview(applicationID: applicationID, on: connection, logger: logger),
            let found = try await PipelineSteps.interviewForCalendar(id: interviewID, businessID: nil, on: connection, logger: logger)
        else { return }
        let ics = InterviewCalendar.invitation(
            interview: found.interview, candidate: found.candidate, need: found.need, business: found.business, host: host, now: now)
        let template = try await MessageRepository.template(.invitation, on: connection, logger: logger)
        try await CandidateMessages.send(
            .invitation, template.text, to: recipient, from: sender, dedupeKey: "entretien:\(interviewID)", attachment: .calendar(ics),
            now: now, on: connection, logger: logger)
    }

    /// After an application ended as "non retenu": the refusal chosen. False when the candidate
    /// cannot be reached (or was told already).
    @discardableResult
    static func refuse(
        applicationID: Int64, kind: MessageKind, sender: CandidateMessages.Sender, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        guard let recipient = try await MessageRepository.recipient(applicationID: applicationID, on: connection, logger: logger) else { return false }
        let template = try await MessageRepository.template(kind, on: connection, logger: logger)
        return try await CandidateMessages.send(
            kind, template.text, to: recipient, from: sender, dedupeKey: "refus:\(applicationID)", now: now, on: connection, logger: logger)
    }
}

extension PipelineMessages {
    /// "2 message(s) de refus envoyé(s) ; 1 candidat sans e-mail ni mobile n'a rien reçu."
    static func toldSummary(told: Int, of count: Int) -> String {
        let left = count - told
        return "\(told) message(s) de refus envoyé(s)" + (left > 0 ? " ; \(left) candidat(s) sans e-mail ni mobile (ou déjà prévenu) n'ont rien reçu." : ".")
    }
}
