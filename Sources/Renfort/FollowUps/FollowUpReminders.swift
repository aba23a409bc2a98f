import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Writes the advisers' reminders to the outbox: check-ins due tomorrow, and a morning
/// digest per adviser of what can still be done: open check-ins due since the placement was
/// recorded in Renfort and at most `digestWindowDays` ago (a hire entered years after its start
/// does not bring years of check-ins nobody could have recorded). Each message has a key of its own (the check-in, the adviser and
/// the day), so running it again, or on two servers, queues nothing twice.
struct FollowUpReminders: Service {
    let database: Database
    let clock: any AppClock
    let baseURL: String
    let logger: Logger
    var interval: Duration = .seconds(3600)
    /// How far back an overdue check-in is still in the digest (the worklist keeps them all).
    static let digestWindowDays = 30

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await queue() } catch {
                logger.error("follow-up reminders failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            // The hour's wait ends at once on SIGTERM: a stopping server does not wait for it.
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// Queues today's reminders for every centre; returns how many messages were new.
    @discardableResult
    func queue() async throws -> Int {
        let now = clock.now()
        let today = Day(now)
        let tomorrow = today.adding(days: 1)
        let centres = try await database.withTransaction(logger: logger) { connection in
            try await connection.all("SELECT id, slug FROM centres ORDER BY id", as: (Int64.self, String.self), logger: logger)
        }
        var queued = 0
        // A stopping server leaves the other centres to its next start (nothing is queued twice).
        for (centre, slug) in centres where !Task.isShuttingDownGracefully {
            queued += try await database.withTransaction(tenant: centre, logger: logger) { connection -> Int in
                var count = 0
                // Advisers in charge (the need's adviser), or every adviser of the centre.
                let advisers = try await BusinessRepository.advisers(on: connection, logger: logger)
                let emails = try await connection.all(
                    "SELECT id, email FROM users WHERE id = ANY(\(advisers.map(\.id)))", as: (Int64.self, String.self), logger: logger)
                let due = try await connection.all(
                    """
                    SELECT k.id, k.label, k.due_on::text, p.id, c.first_name || ' ' || c.last_name, b.name, n.adviser_id
                    FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
                    JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
                    JOIN businesses b ON b.tenant_id = k.tenant_id AND b.id = coalesce(k.business_id, p.business_id)
                    JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
                    WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL AND k.due_on <= \(tomorrow.iso)::date
                      AND k.due_on >= \(today.adding(days: -Self.digestWindowDays).iso)::date AND k.due_on >= p.created_at::date
                    ORDER BY k.due_on
                    """, as: (Int64.self, String.self, String.self, Int64.self, String.self, String.self, Int64?.self), logger: logger)
                for (adviserID, email) in emails {
                    let mine = due.filter { $0.6 == nil || $0.6 == adviserID }
                    for item in mine where item.2 == tomorrow.iso {
                        let inserted = try await Self.enqueue(
                            key: "due-tomorrow:\(centre):\(item.0):\(adviserID)", recipient: email,
                            subject: "Renfort : suivi à faire demain — \(item.4)",
                            body: "Le point «\u{00A0}\(item.1)\u{00A0}» " + French.of(item.4) + " (\(item.5)) est prévu demain.\n\n\(baseURL)/c/\(slug)/embauches/\(item.3)",
                            now: now, on: connection, logger: logger)
                        count += inserted ? 1 : 0
                    }
                    guard !mine.isEmpty else { continue }
                    let lines = mine.prefix(40).map { "- \(Day(iso: $0.2)?.french ?? $0.2) · \($0.4) (\($0.5)) : \($0.1)" }.joined(separator: "\n")
                    let inserted = try await Self.enqueue(
                        key: "digest:\(centre):\(adviserID):\(today.iso)", recipient: email,
                        subject: "Renfort : vos suivis du \(today.french) (\(mine.count))",
                        body: "Bonjour,\n\nLes suivis dans l'emploi à faire (en retard, aujourd'hui et demain) :\n\n\(lines)\n\n\(baseURL)/c/\(slug)/suivis",
                        now: now, on: connection, logger: logger)
                    count += inserted ? 1 : 0
                }
                return count
            }
        }
        return queued
    }

    static func enqueue(key: String, recipient: String, subject: String, body: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let before = try await connection.value("SELECT count(*) FROM outbox_messages WHERE dedupe_key = \(key)", as: Int.self, logger: logger) ?? 0
        guard before == 0 else { return false }
        try await Outbox.enqueue(dedupeKey: key, kind: key.hasPrefix("digest") ? "followup-digest" : "followup-due", recipient: recipient, subject: subject, body: body, at: now, on: connection, logger: logger)
        return true
    }
}
