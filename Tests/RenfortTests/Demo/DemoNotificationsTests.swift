import Foundation
import Testing

@testable import Renfort

/// The demo's promise for notifications: its story left messages in the outbox (sent at once)
/// and lines waiting for the next morning's digest, to the right people of Cahors only.
@Suite struct DemoNotificationsTests {
    @Test func theDemosOutboxHoldsItsNotificationsAndAPendingDigest() async throws {
        try await TestApp.run(demo: true) { browser, database in  // the demo itself is what is checked
            let sent = try await database.outbox("notification-")
            // Employers: their presented candidates, their coming interviews with the invitation.
            let presented = sent.filter { $0.kind == "notification-candidates_presented" }
            #expect(!presented.isEmpty)
            #expect(presented.allSatisfy { $0.recipient.hasPrefix("employeur") && $0.body.contains("http://127.0.0.1:8080/c/cahors/candidatures/") })
            let interviews = sent.filter { $0.kind == "notification-interview_scheduled" }
            #expect(!interviews.isEmpty)
            #expect(interviews.allSatisfy { $0.attachment?.contains("BEGIN:VCALENDAR") == true })
            // Advisers: the needs submitted.
            #expect(sent.contains { $0.kind == "notification-new_need" && $0.recipient.hasPrefix("conseiller") })
            #expect(!sent.contains { $0.recipient.contains("figeac") || $0.recipient.contains("dreets") })

            // Waiting for the digest: the join request of the bakery, the qualified needs.
            let cahors = try await DemoLookup(database: database).centre("cahors")
            let lines = try await database.digestLines(centre: cahors)
            #expect(lines.contains { $0.kind == "join_request" && $0.email == "conseiller1@cahors.renfort.test" && $0.link.hasSuffix("/c/cahors/adhesions") })
            #expect(lines.contains { $0.kind == "need_qualified" && $0.email.hasPrefix("employeur") })
            // The next morning at 8, each of them gets one digest.
            var next = Day.calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(86400))
            next.hour = 8
            let clock = ManualClock(try #require(Day.calendar.date(from: next)))
            let people = Set(lines.map(\.email))
            #expect(try await NotificationDigestsRunner(database: database, clock: clock).queue() == people.count)
            #expect(Set(try await database.outbox("notification-digest").map(\.recipient)) == people)

            // An employer told of presented candidates reads on their home page that they wait.
            let employer = try #require(presented.first?.recipient)
            try await browser.enter(employer, password: DemoData.password)
            let home = try await browser.get("/c/cahors")
            #expect(home.text.contains("attendent votre réponse") || home.text.contains("attend votre réponse"))
        }
    }
}
