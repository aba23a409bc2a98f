import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A month before the purge date, the person is asked by e-mail whether to stay: once per date,
/// by the background service; "yes" renews the consent and moves the date, "no" leaves it.
@Suite struct RetentionQuestionsTests {
    /// The service as the server runs it, on the server's own role.
    struct Runner {
        let database: TestDatabase
        let clock: ManualClock

        func queue() async throws -> Int {
            try await database.asApp { client in
                try await RetentionQuestions(
                    database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, baseURL: "http://127.0.0.1:8080",
                    logger: TestEnvironment.logger
                ).queue()
            }
        }
    }

    /// Cahors with Anaïs, whose record is purged in `days` days.
    static func anais(_ database: TestDatabase, purgeIn days: Int, clock: ManualClock) async throws -> (centre: Int64, anais: Int64) {
        let make = Factory(database: database)
        let (centre, _) = try await make.centre("cahors")
        let anais = try await make.candidate(centre: centre, firstName: "Anaïs", email: "anais@example.org")
        try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(Day(clock.now()).adding(days: days).iso)' WHERE id = \(anais)")
        return (centre, anais)
    }

    @Test func thePersonIsAskedAMonthBeforeTheDateOnceForThatDate() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { _, database in
            let (centre, _) = try await Self.anais(database, purgeIn: 40, clock: clock)
            let make = Factory(database: database)
            let far = try await make.candidate(centre: centre, firstName: "Paul", email: "paul@example.org")
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(Day(clock.now()).adding(days: 60).iso)' WHERE id = \(far)")
            let runner = Runner(database: database, clock: clock)
            #expect(try await runner.queue() == 0)
            clock.advance(by: 10 * 86400)
            let purgeDay = Day(clock.now()).adding(days: 30).french
            #expect(try await runner.queue() == 1)
            #expect(try await runner.queue() == 0)
            clock.advance(by: 3600)
            #expect(try await runner.queue() == 0)
            let bodies = try await PrivacyOutbox.bodies("retention-question", to: "anais@example.org", database)
            #expect(bodies.count == 1)
            #expect(bodies.first?.contains("sera supprimé le \(purgeDay)") == true)
            #expect(try await PrivacyOutbox.bodies("retention-question", to: "paul@example.org", database).isEmpty)
        }
    }

    @Test func aYesRenewsTheConsentAndMovesTheDate() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let (centre, anais) = try await Self.anais(database, purgeIn: 20, clock: clock)
            #expect(try await Runner(database: database, clock: clock).queue() == 1)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            clock.advance(by: 2 * 86400)
            let page = try await browser.get(link)
            #expect(page.status == .ok && page.text.contains("sera supprimé le"))
            #expect(try await browser.post(link, [("answer", "oui")]).status == .ok)
            let kept = try await Factory(database: database).retention(centre: centre, candidate: anais)
            #expect(kept.consentAt == Day(clock.now()))
            #expect(kept.purgeAfter == Day(clock.now()).adding(days: 730))
        }
    }

    @Test func aNoLeavesTheDateAndIsNotAskedAgain() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let (centre, anais) = try await Self.anais(database, purgeIn: 20, clock: clock)
            let runner = Runner(database: database, clock: clock)
            #expect(try await runner.queue() == 1)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            _ = try await browser.get(link)
            #expect(try await browser.post(link, [("answer", "non")]).status == .ok)
            let kept = try await Factory(database: database).retention(centre: centre, candidate: anais)
            #expect(kept.purgeAfter == Day(clock.now()).adding(days: 20))
            #expect(kept.consentAt == nil && kept.lastContactAt != nil)
            clock.advance(by: 86400)
            #expect(try await runner.queue() == 0)
        }
    }

    @Test func aRecordWithoutAnAddressMergedOrErasedIsNotAsked() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { _, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            let soon = Day(clock.now()).adding(days: 10).iso
            let none = try await make.candidate(centre: centre, firstName: "Paul", email: nil)
            let erased = try await make.candidate(centre: centre, firstName: "Zoé", email: "zoe@example.org")
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(soon)' WHERE id IN (\(none), \(erased))")
            try await make.execute(centre: centre, "UPDATE candidates SET erased_at = now() WHERE id = \(erased)")
            #expect(try await Runner(database: database, clock: clock).queue() == 0)
        }
    }
}
