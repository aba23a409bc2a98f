import Foundation
import Logging
import PostgresNIO

/// The centre a notification comes from: its tenant, its pages' address.
struct NotifiedCentre: Sendable {
    let id: Int64
    let slug: String
    let baseURL: String

    /// The full address of a page of the centre (`path` starts with `/`).
    func url(_ path: String) -> String { "\(baseURL)/c/\(slug)\(path)" }
    var settingsURL: String { url(NotificationSettingsPage.path) }
}

extension NotifiedCentre {
    init(_ context: CentreContext, baseURL: String) {
        self.init(id: context.tenantID, slug: context.membership.centreSlug, baseURL: baseURL)
    }
}

/// Tells people of what concerns them, inside the transaction of its cause: each recipient at
/// once (through the outbox), in their next daily digest, or not at all, as they chose.
enum Notifications {
    /// The outbox's key of the message for one recipient; a cause notified twice sends once.
    static func dedupeKey(_ kind: NotificationKind, cause: String, centre: Int64, userID: Int64) -> String {
        "notification:\(centre):\(kind.rawValue):\(cause):\(userID)"
    }

    /// `cause` names what happened (an application, an interview…) so that a double submit
    /// notifies once; `path` is the page it is about, inside the centre.
    static func notify(
        _ kind: NotificationKind, cause: String, recipients: [NotificationRecipient], subject: String, body: String, path: String,
        attachment: MailAttachment? = nil, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !recipients.isEmpty else { return }
        let chosen = kind.mayBeMuted
            ? try await NotificationRepository.deliveries(kind: kind, users: recipients.map(\.userID), on: connection, logger: logger) : [:]
        let link = centre.url(path)
        for recipient in recipients {
            let key = dedupeKey(kind, cause: cause, centre: centre.id, userID: recipient.userID)
            switch chosen[recipient.userID] ?? kind.defaultDelivery {
            case .never:
                continue
            case .digest:
                try await NotificationRepository.keepForDigest(
                    key: key, kind: kind, userID: recipient.userID, subject: subject, link: link, tenantID: centre.id, now: now,
                    on: connection, logger: logger)
            case .immediate:
                let footer = kind.mayBeMuted ? "\n\n—\nPour choisir comment Renfort vous prévient : \(centre.settingsURL)" : ""
                try await Outbox.enqueue(
                    dedupeKey: key, kind: kind.outboxKind, recipient: recipient.email, subject: "Renfort : \(subject)",
                    body: "Bonjour,\n\n\(body)\n\n\(link)\(footer)", attachment: attachment, at: now, on: connection, logger: logger)
            }
        }
    }
}

extension AppServices {
    /// The request's centre, as its notifications name it.
    func notified(_ context: CentreContext) -> NotifiedCentre { NotifiedCentre(context, baseURL: configuration.baseURL) }
}
