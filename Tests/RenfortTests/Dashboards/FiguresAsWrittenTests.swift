import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// The four figures computed as `/indicateurs` writes them (issue 16), at their edges, on data
/// built by hand with the factories.
@Suite struct FiguresAsWrittenTests {
    func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// A CDI started on 2 October has 60 days of trial (the default setting): 2 October to
    /// 30 November. On 30 November its outcome is not known; on 1 December it passed, and the
    /// "end of the trial period" check-in falls that day.
    @Test func aTrialIsPassedTheDayAfterItsLastDay() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let placement = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: day("2026-10-02"))

            #expect(try await make.value(centre: centre, "SELECT trial_days FROM placements WHERE id = \(placement)", as: Int.self) == 60)
            let trialCheckIn = try await make.value(
                centre: centre, "SELECT due_on::text FROM check_ins WHERE placement_id = \(placement) AND label LIKE '%essai%'", as: String.self)
            #expect(trialCheckIn == "2026-12-01")

            let onTheLastDay = try await make.metrics(centre: centre, from: "2026-10-01", to: "2026-10-31", asOf: "2026-11-30")
            #expect(onTheLastDay.trial_passed_base == 0)
            #expect(onTheLastDay.trial_passed_rate == nil)
            let theDayAfter = try await make.metrics(centre: centre, from: "2026-10-01", to: "2026-10-31", asOf: "2026-12-01")
            #expect(theDayAfter.trial_passed_base == 1)
            #expect(theDayAfter.trial_passed_rate == 1)
        }
    }

    /// An employment that ended inside its trial has not passed it, whatever the reason: a
    /// resignation on day 40, an end on the trial's last day; an end the day after has passed it.
    @Test func anEmploymentEndedInsideItsTrialHasNotPassedIt() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, positions: 4)
            var placements: [Int64] = []
            for n in 0..<4 {
                placements.append(try await make.placement(
                    centre: centre, need: need, candidate: try await make.candidate(centre: centre, lastName: "P\(n)", email: "p\(n)@example.org"),
                    actor: adviser, start: day("2026-10-02")))
            }
            // Day 40 (10 November), a resignation; the last day of the trial (30 November); the day after (1 December).
            try await make.endEmployment(centre: centre, placement: placements[0], on: day("2026-11-10"), reason: .resignation)
            try await make.endEmployment(centre: centre, placement: placements[1], on: day("2026-11-30"), reason: .dismissal)
            try await make.endEmployment(centre: centre, placement: placements[2], on: day("2026-12-01"), reason: .resignation)

            // On 20 November: the outcomes of the two ends recorded inside the trial are known, the others are not.
            let early = try await make.metrics(centre: centre, from: "2026-10-01", to: "2026-10-31", asOf: "2026-11-20")
            #expect(early.trial_passed_base == 2)
            #expect(early.trial_passed_rate == 0)
            let metrics = try await make.metrics(centre: centre, from: "2026-10-01", to: "2026-10-31", asOf: "2027-01-15")
            #expect(metrics.trial_passed_base == 4)
            #expect(metrics.trial_passed_rate == 0.5)
            #expect(metrics.employments_ended_in_trial == 2)
            #expect(metrics.employments_ended_in_trial_rate == 0.5)
            #expect(metrics.employments_ended_after_trial == 1)
            #expect(metrics.employments_ended_after_trial_rate == 0.25)
        }
    }

    /// A fixed-term contract's trial follows the centre's rule: one day per week, at most 14 days
    /// up to six months, 30 days beyond; the database and the schedule agree on every length and
    /// on the centre's own settings.
    @Test func theScheduleAndTheFiguresUseOneTrialRule() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre()
            let start = day("2026-01-05")
            func check(_ periods: TrialPeriods) async throws {
                for contract in ContractKind.allCases {
                    for length in [nil, 1, 6, 7, 13, 14, 60, 98, 99, 183, 184, 400] as [Int?] {
                        let end = length.map { start.adding(days: $0 - 1) }
                        let swift = FollowUpSchedule.trialDays(contract: contract, start: start, end: end, periods: periods)
                        let sql = try await make.value(
                            centre: centre,
                            "SELECT trial_period_days(\(centre), '\(contract.rawValue)', '\(start.iso)', \(end.map { "'\($0.iso)'" } ?? "NULL"))", as: Int.self)
                        #expect(sql == swift, "\(contract) over \(length.map(String.init) ?? "no end") days")
                    }
                }
            }
            try await check(TrialPeriods())
            try await make.execute(centre: centre, "INSERT INTO followup_settings (tenant_id, cdi_trial_days, long_fixed_trial_days, short_fixed_max_days) VALUES (\(centre), 120, 25, 10)")
            try await check(TrialPeriods(cdiDays: 120, longFixedDays: 25, shortFixedMaxDays: 10))
        }
    }

    /// A placement's trial is fixed when it is recorded: the centre's settings changed later do
    /// not change it (nor its check-ins).
    @Test func aHiresTrialStaysWhenTheSettingsChange() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let placement = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: day("2026-10-02"))
            try await make.execute(centre: centre, "INSERT INTO followup_settings (tenant_id, cdi_trial_days) VALUES (\(centre), 120)")
            try await make.execute(centre: centre, "UPDATE placements SET hours_per_week = 30, trial_days = 5 WHERE id = \(placement)")
            #expect(try await make.value(centre: centre, "SELECT trial_days FROM placements WHERE id = \(placement)", as: Int.self) == 60)
        }
    }

    /// Newly created posts: what the need said when it was submitted. An edit after the hire does
    /// not change the figure, and the placement's copy cannot be written otherwise.
    @Test func aNeedEditedAfterItsHireKeepsWhatItSaidAtSubmission() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let placement = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: day("2026-10-02"))
            try await make.editNeed(centre: centre, need: need, newlyCreated: false, actor: adviser)
            try await make.execute(centre: centre, "UPDATE placements SET newly_created = false WHERE id = \(placement)")
            try await make.execute(centre: centre, "UPDATE job_needs SET submitted_newly_created = false WHERE id = \(need)")

            #expect(try await make.value(centre: centre, "SELECT newly_created FROM job_needs WHERE id = \(need)", as: Bool.self) == false)
            #expect(try await make.value(centre: centre, "SELECT submitted_newly_created FROM job_needs WHERE id = \(need)", as: Bool.self) == true)
            #expect(try await make.value(centre: centre, "SELECT newly_created FROM placements WHERE id = \(placement)", as: Bool.self) == true)
            let metrics = try await make.metrics(centre: centre, from: "2026-10-01", to: "2026-10-31", asOf: "2026-12-01")
            #expect(metrics.permanent_posts_created == 1)
            #expect(metrics.newly_created_permanent_posts == 1)
            #expect(metrics.businesses.first?.newly_created == 1)
        }
    }

    /// Positions filled are the need's placements: a placement removed is a position no longer
    /// filled, and a statement writing the count directly does not change it.
    @Test func aPlacementRemovedIsAPositionNoLongerFilled() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre), positions: 2)
            let first = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser)
            _ = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre, lastName: "Durand", email: "d@example.org"), actor: adviser)
            let today = Day(Date())
            func filled() async throws -> Int? {
                try await make.value(centre: centre, "SELECT positions_filled FROM job_needs WHERE id = \(need)", as: Int.self)
            }
            #expect(try await filled() == 2)
            // The need was filled today: the fill rate of the period counts it.
            let before = try await make.metrics(centre: centre, from: today.adding(days: -1).iso, to: today.iso, asOf: today.iso)
            #expect(before.positions_filled == 2)
            #expect(before.fill_rate == 1)

            try await make.removePlacement(centre: centre, placement: first)
            #expect(try await filled() == 1)
            try await make.execute(centre: centre, "UPDATE job_needs SET positions_filled = 2 WHERE id = \(need)")
            #expect(try await filled() == 1)
            let after = try await make.metrics(centre: centre, from: today.adding(days: -1).iso, to: today.iso, asOf: today.iso)
            #expect(after.positions_requested == 2)
            #expect(after.positions_filled == 1)
            #expect(after.fill_rate == 0.5)
        }
    }

    /// A fixed-term contract is followed by a durable job when the same person's next placement
    /// is one (CDI, or six months or more) and starts within 90 days of its end: day 90 counts,
    /// day 91 does not, nor a CDI that comes after another short contract.
    @Test func aFixedTermContractFollowedByACDIOnDay90AndOnDay91() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let business = try await make.business(centre: centre)
            let short = try await make.need(centre: centre, business: business, contract: .cdd, positions: 4, start: day("2026-01-05"), end: day("2026-03-31"))
            let again = try await make.need(centre: centre, business: business, title: "Renfort", contract: .cdd, positions: 1, start: day("2026-04-15"), end: day("2026-05-15"))
            let permanent = try await make.need(centre: centre, business: business, title: "Poste fixe", positions: 4)
            var people: [Int64] = []
            for n in 0..<4 {
                let person = try await make.candidate(centre: centre, lastName: "C\(n)", email: "c\(n)@example.org")
                people.append(person)
                try await make.placement(centre: centre, need: short, candidate: person, actor: adviser, contract: .cdd, start: day("2026-01-05"), end: day("2026-03-31"))
            }
            // 31 March + 90 days = 29 June; + 91 = 30 June.
            try await make.placement(centre: centre, need: permanent, candidate: people[0], actor: adviser, start: day("2026-06-29"))
            try await make.placement(centre: centre, need: permanent, candidate: people[1], actor: adviser, start: day("2026-06-30"))
            // Another short contract first, then a CDI: the next placement is not durable.
            try await make.placement(centre: centre, need: again, candidate: people[2], actor: adviser, contract: .cdd, start: day("2026-04-15"), end: day("2026-05-15"))
            try await make.placement(centre: centre, need: permanent, candidate: people[2], actor: adviser, start: day("2026-05-20"))

            let metrics = try await make.metrics(centre: centre, from: "2026-01-01", to: "2026-03-31", asOf: "2026-07-20")
            #expect(metrics.fixed_term_contracts_over == 4)
            #expect(metrics.fixed_term_followed_by_durable_job == 1)
            #expect(metrics.fixed_term_followed_by_durable_job_rate == 0.25)
            // Before its end, a contract is not counted yet.
            let during = try await make.metrics(centre: centre, from: "2026-01-01", to: "2026-03-31", asOf: "2026-03-30")
            #expect(during.fixed_term_contracts_over == 0)
            #expect(during.fixed_term_followed_by_durable_job_rate == nil)
        }
    }

    /// Every figure of the API has its definition on `/indicateurs`, named there by its key.
    @Test func everyFigureOfTheAPIIsDefinedOnTheDefinitionsPage() async throws {
        try await TestApp.run { browser, _ in
            let page = try await browser.get("/indicateurs")
            #expect(page.status == .ok)
            let metrics = CentreMetrics(Figures(), filter: MetricsFilter(from: day("2026-01-01"), to: day("2026-12-31")))
            // The period and the filters say what was asked, not a figure.
            let structural: Set<String> = ["from", "to", "filters"]
            let keys = Mirror(reflecting: metrics).children.compactMap(\.label).filter { !structural.contains($0) }
            #expect(keys.count > 30)
            for key in keys {
                #expect(page.text.contains("<code>\(key)</code>"), "the API's figure \(key) has no definition on /indicateurs")
            }
            let line = CentreMetrics.BusinessLine(
                centre: "c", siret: "s", name: "n", sector: nil, naf_code: nil, commune: nil, permanent_posts_created: 0, newly_created: 0, durable_jobs: 0,
                placements: 0, median_days_to_fill: nil, retention_6_months: nil, retention_6_months_base: 0)
            // A business's identity is not a figure.
            let identity: Set<String> = ["centre", "siret", "name", "sector", "naf_code", "commune"]
            for key in Mirror(reflecting: line).children.compactMap(\.label) where !identity.contains(key) {
                #expect(page.text.contains("<code>\(key)</code>"), "the businesses' figure \(key) has no definition on /indicateurs")
            }
        }
    }
}
