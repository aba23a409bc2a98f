import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// A month before a record's purge date, asks the person (by e-mail, when the record has an
/// address) whether the centre may keep it: once per record and date (`candidate_questions`'
/// key), so a second run or a second server asks nothing twice. Their "yes" renews the consent
/// and moves the date; their "no", or no answer, leaves it (the purge then removes the record).
/// It runs every hour, beside the follow-up reminders and the digests.
struct RetentionQuestions: Service {
    let database: Database
    let clock: any AppClock
    let baseURL: String
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await queue() } catch {
                logger.error("retention questions failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// Asks every centre's people whose date comes within a month; returns how many were asked.
    @discardableResult
    func queue() async throws -> Int {
        let now = clock.now()
        let today = Day(now)
        let centres = try await database.withTransaction(logger: logger) { connection in
            try await connection.all("SELECT id, slug FROM centres ORDER BY id", as: (Int64.self, String.self), logger: logger)
        }
        var asked = 0
        for (id, slug) in centres where !Task.isShuttingDownGracefully {
            let centre = NotifiedCentre(id: id, slug: slug, baseURL: baseURL)
            asked += try await database.withTransaction(tenant: id, logger: logger) { connection -> Int in
                guard let controller = try await PrivacyRepository.controller(centreID: id, on: connection, logger: logger) else { return 0 }
                var count = 0
                for person in try await PrivacyRepository.dueForStayQuestion(today: today, on: connection, logger: logger) {
                    let sent = try await CandidateQuestions.ask(
                        .stay, candidateID: person.id, firstName: person.firstName, email: person.email, purgeOn: person.purgeAfter, centre: centre,
                        centreName: controller.name, replyTo: controller.contactEmail.isEmpty ? nil : controller.contactEmail, now: now,
                        on: connection, logger: logger)
                    if sent { count += 1 }
                }
                return count
            }
        }
        return asked
    }
}
