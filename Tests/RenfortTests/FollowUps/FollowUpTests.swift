import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct FollowUpTests {
    func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test func theScheduleFollowsTheContract() {
        let cdi = FollowUpSchedule.checkIns(start: day("2026-01-05"), end: nil, contract: .cdi, steps: FollowUpSchedule.defaults)
        #expect(cdi.map(\.due.iso) == ["2026-01-12", "2026-02-04", "2026-03-06", "2026-04-06", "2026-07-06", "2027-01-05"])
        #expect(cdi[2].label == "Fin de la période d'essai")
        // A 10-week seasonal contract: trial of 10 days (merged with the first week's call, 3 days
        // before it), nothing after its end, one on its last day.
        let seasonal = FollowUpSchedule.checkIns(start: day("2026-06-01"), end: day("2026-08-09"), contract: .seasonalCDD, steps: FollowUpSchedule.defaults)
        #expect(seasonal.map(\.due.iso) == ["2026-06-08", "2026-07-01", "2026-08-09"])
        #expect(seasonal.first?.label == "Une semaine · Fin de la période d'essai")
        #expect(seasonal.last?.label == "Fin du contrat")
        #expect(FollowUpSchedule.trialDays(contract: .cdd, start: day("2026-01-01"), end: day("2026-12-31")) == 30)
        #expect(FollowUpSchedule.trialDays(contract: .cdd, start: day("2026-01-01"), end: day("2026-01-03")) == 1)
        #expect(FollowUpSchedule.trialDays(contract: .cdd, start: day("2026-01-01"), end: day("2026-06-30")) == 14)
    }

    /// A hire of `days` ago at Cahors's inn, with its check-ins; returns the placement.
    @discardableResult
    static func hire(_ make: Factory, centre: Int64, adviser: Int64, business: Int64, daysAgo days: Int, firstName: String = "Camille") async throws -> Int64 {
        let need = try await make.need(centre: centre, business: business)
        let candidate = try await make.candidate(centre: centre, firstName: firstName, email: nil)
        return try await make.placement(centre: centre, need: need, candidate: candidate, actor: adviser, start: Day(Date()).adding(days: -days))
    }

    @Test func theWorklistTheCheckInFormAndTheEndOfAnEmployment() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            // Hired ten days ago: its first check-in is late.
            try await Self.hire(make, centre: cahors, adviser: adviser, business: try await make.business(centre: cahors), daysAgo: 10)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let worklist = try await browser.get("/c/cahors/suivis")
            #expect(worklist.status == .ok)
            #expect(worklist.text.contains("En retard"))
            #expect(!worklist.text.contains("Aucun suivi en retard."))
            // An open placement with a check-in to do.
            let checkIn = try #require(try await lookup.ids("cahors", "SELECT k.id FROM check_ins k JOIN placements p ON p.id = k.placement_id WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL AND NOT p.at_risk ORDER BY k.due_on LIMIT 1").first)
            let placement = try await lookup.ids("cahors", "SELECT placement_id FROM check_ins WHERE id = \(checkIn)").first!
            let page = "/c/cahors/embauches/\(placement)"
            #expect(try await browser.get(page).text.contains("Enregistrer ce point"))
            let today = Day(clock.now()).iso
            let incomplete = try await browser.post("/c/cahors/suivis/\(checkIn)", [("done_on", today), ("status", "at_risk")])
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.text.contains("Indiquez au moins un risque"))
            let future = try await browser.post("/c/cahors/suivis/\(checkIn)", [("done_on", "2099-01-01"), ("contacted", "both"), ("channel", "phone"), ("status", "on_track")])
            #expect(future.status == .unprocessableContent)
            let sooner = Day(clock.now().addingTimeInterval(5 * 86400)).iso
            let atRisk = try await browser.post("/c/cahors/suivis/\(checkIn)", [
                ("done_on", today), ("contacted", "employee"), ("channel", "phone"), ("status", "at_risk"), ("risks", "transport"),
                ("risks", "childcare"), ("action_kinds", "mobility_help"), ("actions", "Dossier d'aide au permis"), ("next_contact", sooner),
            ])
            #expect(atRisk.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE id = \(placement) AND at_risk") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM check_ins WHERE placement_id = \(placement) AND label = 'Contact rapproché' AND due_on = '\(sooner)'") == 1)
            #expect(try await browser.get("/c/cahors/suivis").text.contains("Embauches à risque"))
            // A later check-in says it is back on track.
            let nextCheckIn = try #require(try await lookup.ids("cahors", "SELECT id FROM check_ins WHERE placement_id = \(placement) AND done_on IS NULL AND NOT closed ORDER BY due_on LIMIT 1").first)
            #expect(try await browser.post("/c/cahors/suivis/\(nextCheckIn)", [("done_on", today), ("contacted", "both"), ("channel", "visit"), ("status", "on_track")]).status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements WHERE id = \(placement) AND at_risk") == 0)

            // The end of the employment closes what remains.
            let before = try await browser.post(page + "/fin", [("ended_on", "2000-01-01"), ("end_reason", "resignation"), ("confirm", "1")])
            #expect(before.status == .unprocessableContent)
            #expect(try await browser.post(page + "/fin", [("ended_on", today), ("end_reason", "resignation"), ("confirm", "1")]).status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM check_ins WHERE placement_id = \(placement) AND done_on IS NULL AND NOT closed") == 0)
            let ended = try await browser.get(page)
            #expect(ended.text.contains("Fin de l&#39;emploi : Démission"))
            #expect(!ended.text.contains("Enregistrer ce point"))
        }
    }

    @Test func aHireGetsItsCheckInsAndAnEmployerAlertReachesTheAdvisers() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let auberge = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
            let garage = try await make.business(centre: cahors, name: "Garage", siret: "55210055400013")
            let placement = try await Self.hire(make, centre: cahors, adviser: adviser, business: auberge, daysAgo: 3)
            let other = try await Self.hire(make, centre: cahors, adviser: adviser, business: garage, daysAgo: 3, firstName: "Noé")
            try await make.employer("patron@auberge.test", centre: cahors, business: auberge)
            try await make.adviser("conseil2@cahors.test", centre: cahors)
            let lookup = DemoLookup(database: database)
            // A hire has its schedule.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements p WHERE NOT EXISTS (SELECT 1 FROM check_ins k WHERE k.placement_id = p.id)") == 0)
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            let page = try await employer.get("/c/cahors/embauches/\(placement)")
            #expect(page.text.contains("Prochain point de suivi") || page.text.contains("Points de suivi"))
            #expect(page.text.contains("Prévenir le centre"))
            #expect(try await employer.post("/c/cahors/embauches/\(placement)/alerte", [("kind", "problem")]).status == .unprocessableContent)
            let sent = try await employer.post("/c/cahors/embauches/\(placement)/alerte", [("kind", "problem"), ("message", "Il n'a plus de voiture depuis lundi.")])
            #expect(sent.location == "/c/cahors/embauches/\(placement)")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placement_alerts WHERE placement_id = \(placement)") == 1)
            #expect(try await database.count("outbox_messages", where: "kind = 'employer-alert'") >= 1)
            #expect(try await employer.post("/c/cahors/embauches/\(other)/alerte", [("kind", "problem"), ("message", "x")]).status == .notFound)
            try await browser.signIn("conseil2@cahors.test")
            #expect(try await browser.get("/c/cahors/suivis").text.contains("Il n&#39;a plus de voiture depuis lundi."))
            // Advisers cannot send alerts; employers cannot record check-ins.
            #expect(try await browser.post("/c/cahors/embauches/\(placement)/alerte", [("kind", "problem"), ("message", "x")]).status == .notFound)
            let checkIn = try #require(try await lookup.ids("cahors", "SELECT id FROM check_ins WHERE placement_id = \(placement) AND done_on IS NULL ORDER BY due_on LIMIT 1").first)
            #expect(try await employer.post("/c/cahors/suivis/\(checkIn)", [("done_on", "2026-01-01"), ("contacted", "both"), ("channel", "phone"), ("status", "on_track")]).status == .notFound)
        }
    }

    @Test func remindersAreQueuedOncePerCheckInAndPerAdviserAndDay() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { _, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            try await Self.hire(make, centre: cahors, adviser: adviser, business: try await make.business(centre: cahors), daysAgo: 1)
            let lookup = DemoLookup(database: database)
            // A check-in due tomorrow.
            let tomorrow = Day(clock.now().addingTimeInterval(86400)).iso
            let checkIn = try #require(try await lookup.ids("cahors", "SELECT k.id FROM check_ins k JOIN placements p ON p.id = k.placement_id WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL ORDER BY k.id LIMIT 1").first)
            let centre = try await lookup.centre("cahors")
            try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    try await connection.execute("UPDATE check_ins SET due_on = \(tomorrow)::date WHERE id = \(checkIn)", logger: TestEnvironment.logger)
                }
            }
            let (first, second) = try await database.asApp { client in
                let reminders = FollowUpReminders(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, baseURL: "https://renfort.example", logger: TestEnvironment.logger)
                return (try await reminders.queue(), try await reminders.queue())
            }
            #expect(first > 0)
            #expect(second == 0)
            #expect(try await database.count("outbox_messages", where: "kind = 'followup-due' AND body LIKE '%est prévu demain%'") >= 1)
            #expect(try await database.count("outbox_messages", where: "kind = 'followup-digest' AND recipient = 'conseil@cahors.test'") == 1)
            // The next morning, a new digest.
            clock.advance(by: 86400)
            let third = try await database.asApp { client in
                try await FollowUpReminders(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, baseURL: "https://renfort.example", logger: TestEnvironment.logger).queue()
            }
            #expect(third > 0)
            #expect(try await database.count("outbox_messages", where: "kind = 'followup-digest' AND recipient = 'conseil@cahors.test'") == 2)
        }
    }

    @Test func aNewStartDateMovesTheOpenCheckInsAndEmployersSeeTheirNextOne() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let business = try await make.business(centre: cahors)
            try await make.employer("patron@auberge.test", centre: cahors, business: business)
            // Hired ten days ago, its first check-in done.
            let hire = try await Self.hire(make, centre: cahors, adviser: adviser, business: business, daysAgo: 10)
            let lookup = DemoLookup(database: database)
            let first = try #require(try await lookup.ids("cahors", "SELECT id FROM check_ins WHERE placement_id = \(hire) ORDER BY due_on LIMIT 1").first)
            try await browser.signIn("conseil@cahors.test")
            try await browser.get("/c/cahors/embauches/\(hire)")
            let recorded = try await browser.post("/c/cahors/suivis/\(first)", [("done_on", Day(Date()).iso), ("contacted", "both"), ("channel", "phone"), ("status", "on_track")])
            #expect(recorded.status == .seeOther)
            let placement = try #require(try await lookup.ids("cahors", "SELECT p.id FROM placements p WHERE p.ended_on IS NULL AND p.end_date IS NULL AND EXISTS (SELECT 1 FROM check_ins k WHERE k.placement_id = p.id AND k.done_on IS NOT NULL) AND EXISTS (SELECT 1 FROM check_ins k WHERE k.placement_id = p.id AND k.done_on IS NULL AND NOT k.closed) ORDER BY p.id LIMIT 1").first)
            #expect(placement == hire)
            let before = try await lookup.ids("cahors", "SELECT extract(epoch FROM due_on)::bigint FROM check_ins WHERE placement_id = \(placement) ORDER BY id")
            let start = try await lookup.ids("cahors", "SELECT extract(epoch FROM start_date)::bigint FROM placements WHERE id = \(placement)").first!
            let done = try await lookup.ids("cahors", "SELECT extract(epoch FROM due_on)::bigint FROM check_ins WHERE placement_id = \(placement) AND done_on IS NOT NULL ORDER BY id")
            try await browser.get("/c/cahors/embauches/\(placement)")
            let newStart = Day(Date(timeIntervalSince1970: TimeInterval(start) + 3 * 86400)).iso
            #expect(try await browser.post("/c/cahors/embauches/\(placement)/debut", [("start_date", "pas une date")]).status == .unprocessableContent)
            #expect(try await browser.post("/c/cahors/embauches/\(placement)/debut", [("start_date", newStart)]).status == .seeOther)
            let after = try await lookup.ids("cahors", "SELECT extract(epoch FROM due_on)::bigint FROM check_ins WHERE placement_id = \(placement) ORDER BY id")
            let doneAfter = try await lookup.ids("cahors", "SELECT extract(epoch FROM due_on)::bigint FROM check_ins WHERE placement_id = \(placement) AND done_on IS NOT NULL ORDER BY id")
            #expect(doneAfter == done)
            #expect(zip(before, after).contains { $1 - $0 == 3 * 86400 })
            // The employer sees their hires and the next check-in date on their business page.
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            let home = try await employer.get("/c/cahors")
            #expect(home.text.contains("Vos embauches"))
            #expect(home.text.contains("Prochain suivi"))
            #expect(home.text.contains("/c/cahors/embauches/\(placement)"))
        }
    }

    @Test func aCentreChangesItsScheduleForFutureHiresOnly() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            try await make.centre("figeac")
            try await Self.hire(make, centre: cahors, adviser: adviser, business: try await make.business(centre: cahors), daysAgo: 3)
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM check_ins")
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/parametres/suivis")
            #expect(page.text.contains("Fin de la période d&#39;essai"))
            #expect(try await browser.post("/c/cahors/parametres/suivis/etapes", [("label", "Deux semaines"), ("offset_days", "0")]).status == .unprocessableContent)
            #expect(try await browser.post("/c/cahors/parametres/suivis/etapes", [("label", "Deux semaines"), ("offset_days", "14")]).status == .seeOther)
            let bad = try await browser.post("/c/cahors/parametres/suivis/essai", [("cdi_days", "999"), ("long_fixed_days", "30"), ("short_fixed_max_days", "14")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("value=\"999\""))
            #expect(try await browser.post("/c/cahors/parametres/suivis/essai", [("cdi_days", "45"), ("long_fixed_days", "30"), ("short_fixed_max_days", "14")]).status == .seeOther)
            let twelve = try await lookup.ids("cahors", "SELECT id FROM followup_steps WHERE offset_days = 365").first!
            #expect(try await browser.post("/c/cahors/parametres/suivis/etapes/\(twelve)/retirer").status == .seeOther)
            // Existing check-ins are not rewritten.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM check_ins") == before)
            // The next placement follows the new schedule.
            let centre = try await lookup.centre("cahors")
            let (steps, periods) = try await database.asApp { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    (try await FollowUpSchedule.steps(tenantID: centre, on: connection, logger: TestEnvironment.logger),
                     try await FollowUpSchedule.trialPeriods(on: connection, logger: TestEnvironment.logger))
                }
            }
            let plan = FollowUpSchedule.checkIns(start: Day(iso: "2027-01-04")!, end: nil, contract: .cdi, steps: steps, periods: periods)
            #expect(plan.map(\.due.iso) == ["2027-01-11", "2027-01-18", "2027-02-03", "2027-02-18", "2027-04-05", "2027-07-05"])
            #expect(!plan.contains { $0.label == "Douze mois" })
            // Figeac's schedule is its own.
            let figeac = browser.fresh()
            try await figeac.signIn("conseil@figeac.test")
            #expect(!(try await figeac.get("/c/figeac/parametres/suivis").text.contains("Deux semaines")))
        }
    }
}
