import Foundation
import Logging
import PostgresNIO

/// Sends a message to a candidate, in the caller's transaction: one row in their history and
/// one message in the outbox, under the same dedupe key (the same cause twice sends once).
enum CandidateMessages {
    /// Who sends: the adviser, whose address is the Reply-To (so that answers reach them).
    struct Sender: Sendable {
        let userID: Int64
        let name: String
        let email: String
        let centreName: String
        let tenantID: Int64
    }

    /// Every value a recipient's message can use: theirs, the adviser's and the centre's.
    static func values(for recipient: MessageRecipient, from sender: Sender) -> [Placeholder: String] {
        recipient.values.merging([.adviser: sender.name, .centre: sender.centreName]) { own, _ in own }
    }

    /// The first field of `text` this recipient has no value for.
    static func missing(in text: String, for recipient: MessageRecipient, from sender: Sender) -> Placeholder? {
        let values = values(for: recipient, from: sender)
        return MessageText.placeholders(in: text).known.first { values[$0] == nil }
    }

    /// The words as this recipient receives them, on their channel.
    struct Rendered: Sendable {
        let subject: String
        let body: String
    }

    static func render(_ text: MessageText, for recipient: MessageRecipient, from sender: Sender) -> Rendered {
        let values = values(for: recipient, from: sender)
        if case .sms = recipient.reach {
            return Rendered(subject: "SMS à \(recipient.name)", body: MessageText.fittingSMS(MessageText.render(text.sms, values)))
        }
        return Rendered(subject: MessageText.render(text.subject, values), body: MessageText.render(text.body, values))
    }

    /// Sends `text` to `recipient` (nothing when they can be reached neither by mail nor by SMS:
    /// callers say so first). The attachment goes with a mail only. Returns whether it was sent
    /// now (false: the same key sent it before, or no channel).
    @discardableResult
    static func send(
        _ kind: MessageKind, _ text: MessageText, to recipient: MessageRecipient, from sender: Sender, dedupeKey: String,
        attachment: MailAttachment? = nil, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        guard let channel = recipient.reach.channel, let address = recipient.reach.address else { return false }
        let rendered = render(text, for: recipient, from: sender)
        let key = "candidat:\(sender.tenantID):\(dedupeKey)"
        let mailAttachment = channel == .email ? attachment : nil
        guard try await MessageRepository.record(
            candidateID: recipient.candidateID, applicationID: recipient.applicationID, kind: kind, channel: channel, recipient: address,
            subject: rendered.subject, body: rendered.body, hasAttachment: mailAttachment != nil, dedupeKey: key, tenantID: sender.tenantID,
            authorID: sender.userID, now: now, on: connection, logger: logger)
        else { return false }
        try await Outbox.enqueue(
            dedupeKey: key, kind: "candidate-\(kind.rawValue)", channel: channel, recipient: address, subject: rendered.subject, body: rendered.body,
            replyTo: channel == .email ? sender.email : nil, attachment: mailAttachment, at: now, on: connection, logger: logger)
        return true
    }
}

/// Dates and places as a message to a candidate writes them.
enum MessageDates {
    private static let weekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
    private static let months = Day.monthNames

    /// "mardi 8 décembre 2026 à 14 h 30", in Paris time.
    static func long(_ date: Date) -> String {
        let parts = Day.calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute], from: date)
        let day = parts.day == 1 ? "1er" : String(parts.day ?? 1)
        let minutes = (parts.minute ?? 0) == 0 ? "" : " \(Formats.twoDigits(parts.minute ?? 0))"
        return "\(weekdays[((parts.weekday ?? 1) - 1) % 7]) \(day) \(months[((parts.month ?? 1) - 1) % 12]) \(parts.year ?? 1970) à \(parts.hour ?? 0) h\(minutes)"
    }

    /// Where the interview is: the place typed, or how it is held.
    static func place(mode: Interview.Mode, place: String) -> String {
        let how: String
        switch mode {
        case .inPerson: return place.isEmpty ? "sur place" : place
        case .phone: how = "par téléphone"
        case .video: how = "en visioconférence"
        }
        return place.isEmpty ? how : "\(how) (\(place))"
    }
}

extension CandidateMessages.Sender {
    /// The signed-in adviser, in their centre.
    init(_ context: CentreContext) {
        self.init(
            userID: context.user.id, name: context.user.displayName, email: context.user.email, centreName: context.membership.centreName,
            tenantID: context.tenantID)
    }
}
