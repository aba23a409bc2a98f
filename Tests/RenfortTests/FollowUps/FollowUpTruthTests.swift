import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Follow-ups that tell the truth: one "à risque" everywhere, alerts handled, contacts outside
/// the schedule, close check-ins merged, a digest of what can still be done.
@Suite struct FollowUpTruthTests {
    /// The number beside `label` in a list of counts (`Label <span class="count">N</span>`).
    func count(_ label: String, in html: String) -> Int? {
        guard let range = html.range(of: "\(label) <span class=\"count\">") else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func theHomePageAndTheFollowUpsPageCountTheSamePlacementsAtRisk() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let lookup = DemoLookup(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, positions: 2)
            // Started today: its next check-ins fall within 30 days. Starting in 40 days: none does.
            let today = Day(Date())
            let soon = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: today)
            let later = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Noé", email: "noe@example.org"), actor: adviser,
                start: today.adding(days: 40))
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai")
            for placement in [soon, later] {
                let checkIn = try #require(try await lookup.ids("essai", "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on LIMIT 1").first)
                #expect(try await desk.post("/c/essai/suivis/\(checkIn)", [
                    ("done_on", today.iso), ("contacted", "both"), ("channel", "phone"), ("status", "at_risk"), ("risks", "transport"),
                ]).status == .seeOther)
            }
            let home = try await desk.get("/c/essai").text
            let followUps = try await desk.get("/c/essai/suivis").text
            #expect(count("À risque", in: home) == 2)
            #expect(count("À risque", in: followUps) == 2)
            #expect(followUps.contains("Noé Martin"))
        }
    }

    @Test func anAlertHandledSaysByWhomWhenAndWhatAndLeavesTheWorklist() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let employer = try await make.person("patron@essai.test", role: .employer, centre: centre, business: business)
            let need = try await make.need(centre: centre, business: business)
            let placement = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser)
            let alert = try await make.alert(centre: centre, placement: placement, by: employer, message: "Il ne vient plus le lundi")
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai")
            #expect(try await desk.get("/c/essai/suivis").text.contains("Il ne vient plus le lundi"))
            #expect(try await desk.get("/c/essai/embauches/\(placement)").text.contains("Marquer comme traitée"))
            let empty = try await desk.post("/c/essai/embauches/\(placement)/alertes/\(alert)/traitee", [("handled_note", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(try await desk.post("/c/essai/embauches/\(placement)/alertes/\(alert)/traitee", [("handled_note", "Rendez-vous avec le salarié")]).status == .seeOther)
            #expect(try await database.count("placement_alerts", tenant: centre, where: "handled_at IS NOT NULL AND handled_by = \(adviser) AND handled_note = 'Rendez-vous avec le salarié'") == 1)
            let worklist = try await desk.get("/c/essai/suivis").text
            #expect(!worklist.contains("Il ne vient plus le lundi"))
            #expect(count("Alertes", in: worklist) == 0)
            #expect(count("Alertes des employeurs", in: try await desk.get("/c/essai").text) == 0)
            let page = try await desk.get("/c/essai/embauches/\(placement)").text
            #expect(page.contains("Alerte prise en charge par Conseil essai : Rendez-vous avec le salarié"))
            // Handled once: a second time is not found.
            #expect(try await desk.post("/c/essai/embauches/\(placement)/alertes/\(alert)/traitee", [("handled_note", "Encore")]).status == .notFound)
        }
    }

    @Test func aContactOutsideTheScheduleLeavesTheNextCheckInToDo() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let placement = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: Day(Date()).adding(days: -3))
            let open = try await database.count("check_ins", tenant: centre, where: "placement_id = \(placement) AND done_on IS NULL")
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai")
            #expect(try await desk.post("/c/essai/embauches/\(placement)/contacts", [
                ("done_on", Day(Date()).iso), ("contacted", "employee"), ("channel", "phone"), ("status", "on_track"), ("actions", "Appel spontané"),
            ]).status == .seeOther)
            #expect(try await database.count("check_ins", tenant: centre, where: "placement_id = \(placement) AND done_on IS NULL") == open)
            #expect(try await database.count("check_ins", tenant: centre, where: "placement_id = \(placement) AND unscheduled AND done_on IS NOT NULL") == 1)
            let page = try await desk.get("/c/essai/embauches/\(placement)").text
            #expect(page.contains("Contact hors calendrier"))
            #expect(page.contains("Prochain point de suivi : <strong>Une semaine"))
        }
    }

    @Test func aShortSeasonalContractsFirstWeekAndEndOfTrialAreOneCheckIn() async throws {
        try await TestApp.run(demo: false) { _, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, contract: .cdd, end: Day(year: 2027, month: 2, day: 7))
            let placement = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, contract: .seasonalCDD,
                start: Day(year: 2026, month: 12, day: 1), end: Day(year: 2027, month: 2, day: 7))
            // A 10-week contract: trial of 9 days, two days after the first week's call.
            #expect(try await database.count("check_ins", tenant: centre, where: "placement_id = \(placement)") == 3)
            #expect(try await database.count("check_ins", tenant: centre, where: "placement_id = \(placement) AND label = 'Une semaine · Fin de la période d''essai' AND due_on = '2026-12-08'") == 1)
        }
    }

    @Test func theMorningDigestListsWhatCanStillBeDone() async throws {
        let clock = ManualClock()
        try await TestApp.run(demo: false, clock: clock) { _, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, positions: 2)
            let today = Day(clock.now())
            // Recorded today for a hire of 2018: its check-ins were due years before Renfort knew of it.
            _ = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Ancien", email: "ancien@example.org"), actor: adviser,
                start: Day(year: 2018, month: 10, day: 1))
            _ = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Récent", email: "recent@example.org"), actor: adviser,
                start: today.adding(days: -6))
            _ = try await database.asApp { client in
                try await FollowUpReminders(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, baseURL: "https://renfort.example", logger: TestEnvironment.logger).queue()
            }
            let digests = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.values("SELECT body FROM outbox_messages WHERE kind = 'followup-digest'", as: String.self, logger: TestEnvironment.logger)
                }
            }
            #expect(digests.count == 1)
            #expect(digests.first?.contains("Récent Martin") == true)
            #expect(digests.first?.contains("Ancien Martin") == false)
        }
    }
}
