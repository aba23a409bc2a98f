import Foundation

/// A calendar day (no time, no zone), as forms send it (`YYYY-MM-DD`) and PostgreSQL stores it.
struct Day: Comparable, Hashable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    /// The zone every day and time of the pages is in: the centres are in metropolitan France.
    static let parisTime: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .current

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = parisTime
        return calendar
    }()

    /// A real day written `YYYY-MM-DD` (30 February is not one).
    init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2200).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = Self.calendar.date(from: components),
            Self.calendar.component(.day, from: date) == day, Self.calendar.component(.month, from: date) == month
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day known to exist (from the calendar's own arithmetic).
    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day it is in Paris at `date`.
    init(_ date: Date) {
        let components = Self.calendar.dateComponents([.year, .month, .day], from: date)
        self.year = components.year ?? 1970
        self.month = components.month ?? 1
        self.day = components.day ?? 1
    }

    /// `2026-07-14` (written by hand: `String(format:)` is slow on Linux, and pages write many days).
    var iso: String { "\(year)-\(Formats.twoDigits(month))-\(Formats.twoDigits(day))" }
    var description: String { iso }

    /// `14/07/2026`, as French pages write it.
    var french: String { "\(Formats.twoDigits(day))/\(Formats.twoDigits(month))/\(year)" }

    static let monthNames = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]
    /// "1er juillet".
    var dayAndMonth: String { "\(day == 1 ? "1er" : String(day)) \(Self.monthNames[month - 1])" }
    /// "1er juillet 2027".
    var long: String { "\(dayAndMonth) \(year)" }

    static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Noon of this day in Paris.
    var date: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The day `days` later (earlier when negative).
    func adding(days: Int) -> Day { Day(date.addingTimeInterval(Double(days) * 86400)) }

    /// The day `months` later, clamped to the month's last day (31 January + 1 month = 28 February).
    func adding(months: Int) -> Day { Day(Self.calendar.date(byAdding: .month, value: months, to: date) ?? date) }

    /// The days from `yearsBack` years before this one to `yearsAhead` years after: what a date
    /// field may hold when only a typing slip would put it further.
    func within(yearsBack: Int, yearsAhead: Int) -> ClosedRange<Day> {
        adding(months: -12 * yearsBack)...adding(months: 12 * yearsAhead)
    }

    /// Days from this day to `other`.
    func distance(to other: Day) -> Int {
        Int((other.date.timeIntervalSince(date) / 86400).rounded())
    }
}
