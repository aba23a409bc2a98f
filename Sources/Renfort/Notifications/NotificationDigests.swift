import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Sends each person's daily digest: one mail per person and centre, each morning from 7 o'clock
/// (Paris time), grouping by kind the lines kept since their last digest and before 7 o'clock
/// that day. It runs every hour, as the follow-up reminders do; the digest's key (centre, person,
/// day) makes a second run, or a second server, send nothing twice. Lines kept after 7 o'clock
/// wait for the next morning's digest.
struct NotificationDigests: Service {
    let database: Database
    let clock: any AppClock
    let baseURL: String
    let logger: Logger
    var interval: Duration = .seconds(3600)
    /// The hour (Paris time) from which the day's digest goes.
    static let hour = 7

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await queue() } catch {
                logger.error("notification digests failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// Queues today's digests for every centre (none before `hour`); returns how many were new.
    @discardableResult
    func queue() async throws -> Int {
        let now = clock.now()
        let today = Day(now)
        var morning = DateComponents(year: today.year, month: today.month, day: today.day)
        morning.hour = Self.hour
        guard let cutoff = Day.calendar.date(from: morning), now >= cutoff else { return 0 }
        let centres = try await database.withTransaction(logger: logger) { connection in
            try await connection.all("SELECT id, slug FROM centres ORDER BY id", as: (Int64.self, String.self), logger: logger)
        }
        var queued = 0
        for (id, slug) in centres where !Task.isShuttingDownGracefully {
            let centre = NotifiedCentre(id: id, slug: slug, baseURL: baseURL)
            queued += try await database.withTransaction(tenant: id, logger: logger) { connection -> Int in
                var count = 0
                for recipient in try await NotificationRepository.pendingRecipients(before: cutoff, on: connection, logger: logger) {
                    let key = "notification-digest:\(id):\(recipient.userID):\(today.iso)"
                    guard !(try await NotificationRepository.outboxHas(key: key, on: connection, logger: logger)) else { continue }
                    let items = try await NotificationRepository.pendingItems(userID: recipient.userID, before: cutoff, on: connection, logger: logger)
                    guard !items.isEmpty else { continue }
                    try await Outbox.enqueue(
                        dedupeKey: key, kind: "notification-digest", recipient: recipient.email,
                        subject: "Renfort : votre récapitulatif du \(today.french) (\(items.count))",
                        body: Self.body(items, centre: centre), at: now, on: connection, logger: logger)
                    try await NotificationRepository.markDigested(items.map(\.id), digestKey: key, on: connection, logger: logger)
                    count += 1
                }
                return count
            }
        }
        return queued
    }

    /// The digest's text: its lines grouped by kind, each with its link.
    static func body(_ items: [DigestItem], centre: NotifiedCentre) -> String {
        var text = "Bonjour,\n\nVoici ce qui s'est passé depuis votre dernier récapitulatif.\n"
        for kind in NotificationKind.allCases {
            let mine = items.filter { $0.kind == kind }
            guard !mine.isEmpty else { continue }
            text += "\n\(kind.digestHeading) (\(mine.count))\n"
            for item in mine { text += "- \(item.subject.prefix(1).uppercased() + item.subject.dropFirst())\n  \(item.link)\n" }
        }
        return text + "\n—\nPour choisir comment Renfort vous prévient : \(centre.settingsURL)"
    }
}
