import Foundation

/// Seasonal needs of several businesses that one person could hold in turn: windows that do
/// not overlap, jobs one can pass between, places within reach, together most of a year.
struct Combination: Sendable, Equatable {
    let needs: [CalendarNeed]
    /// The days worked, all seasons together.
    let days: Int
    /// The days between one season's end and the next one's start.
    let gaps: [Int]
}

/// Proposes the combinations of the calendar's seasonal needs that make a year-round post,
/// the longest first.
enum Combinations {
    /// Eight months of work out of twelve: what an employers' group can make into a CDI
    /// (paid leave and training fill the rest).
    static let minimumDays = 240
    /// At most four seasons in one post; at most ten proposals on the page.
    static let maximumNeeds = 4, limit = 10

    /// Two needs one person can pass between: the same ROME family, or two jobs learnt on the spot.
    static func compatible(_ a: CalendarNeed, _ b: CalendarNeed) -> Bool {
        if let x = a.family, let y = b.family, x == y { return true }
        return a.entryLevel && b.entryLevel
    }

    /// Places within reach of one another: businesses of the same department.
    static func withinReach(_ a: CalendarNeed, _ b: CalendarNeed) -> Bool {
        guard let x = a.department, let y = b.department else { return false }
        return x == y
    }

    /// The seasons a combination may use: dated seasonal needs still to fill, or seasons
    /// expected again, each within a year.
    static func usable(_ need: CalendarNeed) -> Bool {
        guard need.seasonal, let end = need.end, need.start <= end, need.start.distance(to: end) < 366 else { return false }
        return need.projected || ![NeedStatus.filled, .closed, .cancelled].contains(need.status)
    }

    static func propose(_ calendar: [CalendarNeed]) -> [Combination] {
        let seasons = calendar.filter(usable).sorted { ($0.start, $0.needID) < ($1.start, $1.needID) }
        var found: [Combination] = []
        func extend(_ chosen: [CalendarNeed], from index: Int) {
            if chosen.count >= 2, Set(chosen.map(\.businessID)).count >= 2, let combination = combination(chosen), combination.days >= minimumDays {
                found.append(combination)
            }
            guard chosen.count < maximumNeeds, let last = chosen.last?.end else { return }
            for next in index..<seasons.count {
                let need = seasons[next]
                guard last < need.start, let end = need.end, chosen[0].start.distance(to: end) < 366,
                    chosen.allSatisfy({ compatible($0, need) && withinReach($0, need) })
                else { continue }
                extend(chosen + [need], from: next + 1)
            }
        }
        for (index, first) in seasons.enumerated() { extend([first], from: index + 1) }
        // Only the combinations no longer one holds whole, the most days first.
        let maximal = found.filter { small in
            !found.contains { large in large.needs.count > small.needs.count && Set(small.needs.map(\.needID)).isSubset(of: Set(large.needs.map(\.needID))) }
        }
        return Array(maximal.sorted { ($1.days, $0.needs.count, $0.needs[0].start) < ($0.days, $1.needs.count, $1.needs[0].start) }.prefix(limit))
    }

    /// The combination of needs in order of their days (nil when one has no end).
    static func combination(_ needs: [CalendarNeed]) -> Combination? {
        var days = 0, gaps: [Int] = []
        for (index, need) in needs.enumerated() {
            guard need.end != nil else { return nil }
            days += need.days
            if index > 0, let previous = needs[index - 1].end { gaps.append(previous.distance(to: need.start) - 1) }
        }
        return Combination(needs: needs, days: days, gaps: gaps)
    }
}
