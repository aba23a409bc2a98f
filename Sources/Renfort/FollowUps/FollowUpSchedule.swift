import Foundation
import Logging
import PostgresNIO

/// One step of a centre's follow-up schedule.
struct FollowUpStep: Sendable, Equatable {
    enum Kind: String, Sendable, PostgresDecodable { case offset, trialEnd = "trial_end" }
    let kind: Kind
    let offsetDays: Int?
    let label: String
}

/// A centre's trial periods, in days.
struct TrialPeriods: Sendable, Equatable {
    var cdiDays = 60
    var longFixedDays = 30
    var shortFixedMaxDays = 14
}

/// When the check-ins of a placement fall, from its start, its contract and the schedule.
enum FollowUpSchedule {
    /// One week, one month, the end of the trial period, 3, 6 and 12 months.
    static let defaults: [FollowUpStep] = [
        .init(kind: .offset, offsetDays: 7, label: "Une semaine"),
        .init(kind: .offset, offsetDays: 30, label: "Un mois"),
        .init(kind: .trialEnd, offsetDays: nil, label: "Fin de la période d'essai"),
        .init(kind: .offset, offsetDays: 91, label: "Trois mois"),
        .init(kind: .offset, offsetDays: 182, label: "Six mois"),
        .init(kind: .offset, offsetDays: 365, label: "Douze mois"),
    ]

    /// The trial period in days, with the centre's settings (by default: CDI 60 days;
    /// fixed-term contracts one day per week of contract, at most 14 days, for contracts up to
    /// six months, 30 days beyond), counted from the start day included: the "end of the trial
    /// period" check-in falls on the first day after it. The database fixes the same rule on
    /// each placement when it is recorded, for the figures (`placements.trial_days`, by
    /// `trial_period_days`: schema 0080); `FiguresAsWrittenTests` checks that both agree.
    static func trialDays(contract: ContractKind, start: Day, end: Day?, periods: TrialPeriods = TrialPeriods()) -> Int {
        guard let end, contract.endDate != .none else { return periods.cdiDays }
        let length = days(from: start, to: end) + 1
        if length <= 183 { return min(max(length / 7, 1), periods.shortFixedMaxDays) }
        return periods.longFixedDays
    }

    static func days(from a: Day, to b: Day) -> Int {
        let calendar = Day.calendar
        let x = calendar.date(from: DateComponents(year: a.year, month: a.month, day: a.day, hour: 12))!
        let y = calendar.date(from: DateComponents(year: b.year, month: b.month, day: b.day, hour: 12))!
        return Int((y.timeIntervalSince(x) / 86400).rounded())
    }

    /// Two check-ins closer than this many days become one (a short seasonal contract's "one
    /// week" and "end of the trial period"): one call, on the earlier day, named for both.
    static let mergeWithinDays = 4

    /// The check-ins of a placement: each step after the start; for a fixed-term contract,
    /// none after its end, and one on the end day; those that fall within `mergeWithinDays`
    /// of the previous one are merged into it.
    static func checkIns(start: Day, end: Day?, contract: ContractKind, steps: [FollowUpStep], periods: TrialPeriods = TrialPeriods()) -> [(due: Day, label: String)] {
        var planned: [(Day, String)] = []
        for step in steps {
            let offset = step.kind == .trialEnd ? trialDays(contract: contract, start: start, end: end, periods: periods) : (step.offsetDays ?? 0)
            let due = start.adding(days: offset)
            if let end, due > end { continue }
            planned.append((due, step.label))
        }
        if let end { planned.append((end, "Fin du contrat")) }
        var result: [(due: Day, label: String)] = []
        for (due, label) in planned.sorted(by: { $0.0 < $1.0 }) {
            if let last = result.last, days(from: last.due, to: due) <= mergeWithinDays {
                if last.due != due || !last.label.contains(label) { result[result.count - 1].label = last.label + " · " + label }
                continue
            }
            result.append((due, label))
        }
        return result
    }

    /// The centre's schedule, seeded with the defaults the first time.
    static func steps(tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [FollowUpStep] {
        var rows = try await connection.all(
            "SELECT kind, offset_days, label FROM followup_steps WHERE active ORDER BY position, id", as: (String.self, Int?.self, String.self), logger: logger)
        if rows.isEmpty {
            let existing = try await connection.value("SELECT count(*) FROM followup_steps", as: Int.self, logger: logger) ?? 0
            if existing == 0 {
                for (index, step) in defaults.enumerated() {
                    try await connection.execute(
                        "INSERT INTO followup_steps (tenant_id, kind, offset_days, label, position) VALUES (\(tenantID), \(step.kind.rawValue), \(step.offsetDays), \(step.label), \(index))",
                        logger: logger)
                }
                rows = defaults.map { ($0.kind.rawValue, $0.offsetDays, $0.label) }
            }
        }
        return rows.compactMap { row in FollowUpStep.Kind(rawValue: row.0).map { FollowUpStep(kind: $0, offsetDays: row.1, label: row.2) } }
    }

    /// Creates a placement's check-ins from the centre's schedule of the moment.
    static func create(placementID: Int64, start: Day, end: Day?, contract: ContractKind, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let steps = try await steps(tenantID: tenantID, on: connection, logger: logger)
        let periods = try await trialPeriods(on: connection, logger: logger)
        for (due, label) in checkIns(start: start, end: end, contract: contract, steps: steps, periods: periods) {
            try await connection.execute(
                "INSERT INTO check_ins (tenant_id, placement_id, due_on, label, created_at) VALUES (\(tenantID), \(placementID), \(due.iso)::date, \(label), \(now))",
                logger: logger)
        }
    }

    static func trialPeriods(on connection: PostgresConnection, logger: Logger) async throws -> TrialPeriods {
        guard let row = try await connection.first(
            "SELECT cdi_trial_days, long_fixed_trial_days, short_fixed_max_days FROM followup_settings", as: (Int.self, Int.self, Int.self), logger: logger)
        else { return TrialPeriods() }
        return TrialPeriods(cdiDays: row.0, longFixedDays: row.1, shortFixedMaxDays: row.2)
    }

    // MARK: The centre's settings

    /// A step of the centre's schedule as its settings page lists it.
    struct ActiveStep: Sendable {
        let id: Int64
        let kind: FollowUpStep.Kind
        let offsetDays: Int?
        let label: String
    }

    /// The centre's active steps (the defaults written on first use), by when they fall.
    static func activeSteps(tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [ActiveStep] {
        _ = try await steps(tenantID: tenantID, on: connection, logger: logger)
        return try await connection.rows(
            "SELECT id, kind, offset_days, label FROM followup_steps WHERE active ORDER BY coalesce(offset_days, 0), position, id", logger: logger
        ) { row in
            ActiveStep(id: try row.get("id"), kind: try row.get("kind"), offsetDays: try row.get("offset_days"), label: try row.get("label"))
        }
    }

    static func addStep(label: String, offsetDays: Int, tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await steps(tenantID: tenantID, on: connection, logger: logger)
        try await connection.execute(
            """
            INSERT INTO followup_steps (tenant_id, kind, offset_days, label, position)
            VALUES (\(tenantID), \(FollowUpStep.Kind.offset.rawValue), \(offsetDays), \(label), \(offsetDays))
            """, logger: logger)
    }

    /// False when there is no such step.
    static func retireStep(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value("UPDATE followup_steps SET active = false WHERE id = \(id) RETURNING id", as: Int64.self, logger: logger) != nil
    }

    static func save(_ periods: TrialPeriods, tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            INSERT INTO followup_settings (tenant_id, cdi_trial_days, long_fixed_trial_days, short_fixed_max_days)
            VALUES (\(tenantID), \(periods.cdiDays), \(periods.longFixedDays), \(periods.shortFixedMaxDays))
            ON CONFLICT (tenant_id) DO UPDATE SET cdi_trial_days = EXCLUDED.cdi_trial_days,
                long_fixed_trial_days = EXCLUDED.long_fixed_trial_days, short_fixed_max_days = EXCLUDED.short_fixed_max_days
            """, logger: logger)
    }
}
