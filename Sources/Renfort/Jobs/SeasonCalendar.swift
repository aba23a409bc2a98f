import Foundation
import Logging
import PostgresNIO

/// A need on the territory's calendar: its window, as dated or moved from a recurring season
/// of an earlier year to the coming one.
struct CalendarNeed: Sendable, Equatable {
    let needID: Int64
    let title: String
    let businessID: Int64
    let businessName: String
    /// The business's department (the first two characters of its commune's INSEE code).
    let department: String?
    let romeCode: String?
    let contract: ContractKind
    let status: NeedStatus
    let positions: Int
    let hoursPerWeek: Double
    let start: Day
    /// Nil: no end (a permanent post).
    let end: Day?
    /// A recurring season of an earlier year, moved by whole years to the coming one.
    let projected: Bool
    /// Asks neither a rare skill, nor a certificate, another licence or experience: work
    /// anyone of the pool can learn on the spot.
    let entryLevel: Bool

    var seasonal: Bool { contract == .seasonalCDD }
    var family: String? { romeCode.map { String($0.prefix(3)) } }
    var days: Int { end.map { start.distance(to: $0) + 1 } ?? 0 }

    func moved(years: Int) -> CalendarNeed {
        CalendarNeed(
            needID: needID, title: title, businessID: businessID, businessName: businessName, department: department, romeCode: romeCode,
            contract: contract, status: status, positions: positions, hoursPerWeek: hoursPerWeek, start: start.adding(months: 12 * years),
            end: end?.adding(months: 12 * years), projected: true, entryLevel: entryLevel)
    }

    func overlaps(_ from: Day, _ to: Day?) -> Bool {
        start <= (to ?? Day(year: 9999, month: 12, day: 31)) && from <= (end ?? Day(year: 9999, month: 12, day: 31))
    }
}

/// Every need of the coming twelve months, by business: those dated in them, and the
/// recurring seasons of earlier years moved to them when the business has not yet asked again.
enum SeasonCalendar {
    /// The first day of this month to the last day of the eleventh month after it.
    static func horizon(today: Day) -> (start: Day, end: Day) {
        let start = Day(year: today.year, month: today.month, day: 1)
        return (start, start.adding(months: 12).adding(days: -1))
    }

    /// The needs as stored (a cancelled one aside), those that may matter for the horizon:
    /// dated in it, or a recurring season of the last three years.
    static func load(today: Day, on connection: PostgresConnection, logger: Logger) async throws -> [CalendarNeed] {
        let (from, to) = horizon(today: today)
        let rare = HardToFillReason.rareSkill.rawValue
        let stored = try await connection.rows(
            """
            SELECT n.id, n.title, n.business_id, b.name, left(b.commune_insee, 2) AS department, n.rome_code, n.contract_kind, n.status,
                   n.positions, n.hours_per_week::float8 AS hours, coalesce(n.season_start, n.wished_start) AS start_day,
                   coalesce(n.season_end, n.end_date) AS end_day, n.season_recurring,
                   NOT (\(rare) = ANY (n.hard_to_fill_reasons)) AND n.certificates = '' AND n.other_licences = '' AND n.experience = '' AS entry_level
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE n.status <> \(NeedStatus.cancelled.rawValue)
              AND coalesce(n.season_start, n.wished_start) <= \(to)::date
              AND coalesce(n.season_end, n.end_date, 'infinity') >= (\(from)::date - interval '3 years')
            ORDER BY b.name, start_day, n.id
            """, logger: logger
        ) { row -> (CalendarNeed, Bool) in
            (
                CalendarNeed(
                    needID: try row.get("id"), title: try row.get("title"), businessID: try row.get("business_id"), businessName: try row.get("name"),
                    department: try row.get("department"), romeCode: try row.get("rome_code"), contract: try row.get("contract_kind"),
                    status: try row.get("status"), positions: try row.get("positions"), hoursPerWeek: try row.get("hours"),
                    start: try row.get("start_day"), end: try row.get("end_day"), projected: false, entryLevel: try row.get("entry_level")),
                try row.get("season_recurring")
            )
        }
        return place(stored, from: from, to: to)
    }

    /// The calendar of `from`…`to`: the needs dated in it (one without an end while it is
    /// still open), and each recurring season moved by
    /// whole years to its first occurrence ending in it, unless the business asked again for
    /// that job (the same ROME code, else the same title) over those days. By business, then day.
    static func place(_ stored: [(need: CalendarNeed, recurring: Bool)], from: Day, to: Day) -> [CalendarNeed] {
        // A post with no end is a need while it is open; a dated one, over its days, filled or not.
        let dated = stored.map(\.need).filter { $0.overlaps(from, to) && ($0.end != nil || $0.status.isOpen) }
        var placed = dated
        for (need, recurring) in stored where recurring {
            guard let end = need.end, end < from else { continue }
            var years = 1
            while end.adding(months: 12 * years) < from { years += 1 }
            let next = need.moved(years: years)
            guard next.start <= to else { continue }
            let askedAgain = placed.contains { other in
                other.businessID == need.businessID && other.needID != need.needID && other.overlaps(next.start, next.end)
                    && (other.romeCode != nil && other.romeCode == need.romeCode || JobTitles.fold(other.title) == JobTitles.fold(need.title))
            }
            if !askedAgain { placed.append(next) }
        }
        return placed.sorted { ($0.businessName, $0.start, $0.needID) < ($1.businessName, $1.start, $1.needID) }
    }
}
