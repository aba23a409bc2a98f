import Foundation

/// A member business of a shared post: the months of the year it has the person (a range,
/// across the new year when the last month comes before the first) and the hours of its weeks.
struct SharedPostMember: Sendable, Equatable {
    let businessID: Int64
    let businessName: String
    let firstMonth: Int
    let lastMonth: Int
    let hoursPerWeek: Double

    var months: [Int] {
        firstMonth <= lastMonth ? Array(firstMonth...lastMonth) : Array(firstMonth...12) + Array(1...lastMonth)
    }

    func holds(month: Int) -> Bool { months.contains(month) }

    /// Its months times its hours: what its share is reckoned on.
    var weight: Double { Double(months.count) * hoursPerWeek }

    /// "d'avril à août", "en septembre", "de novembre à janvier".
    var monthsLabel: String {
        let first = Day.monthNames[firstMonth - 1], last = Day.monthNames[lastMonth - 1]
        if firstMonth == lastMonth { return "en \(first)" }
        return "\(French.of(first)) à \(last)"
    }
}

/// A permanent post shared by several businesses through an employers' group: one CDI
/// (`shared_time`) on the post's own need, held with each member in turn.
struct SharedPost: Sendable, Equatable {
    let id: Int64
    let title: String
    let employerID: Int64
    let employerName: String
    let needID: Int64
    let notes: String
    let members: [SharedPostMember]

    var totalWeight: Double { members.map(\.weight).reduce(0, +) }

    /// A member's part of the post, from 0 to 1: its months times its hours over everyone's.
    func share(of member: SharedPostMember) -> Double {
        totalWeight > 0 ? member.weight / totalWeight : 0
    }

    /// The member that has the person in `month`, else the next one in turn.
    func member(in month: Int) -> SharedPostMember? {
        members.first { $0.holds(month: month) }
            ?? members.min { ($0.firstMonth - month + 12) % 12 < ($1.firstMonth - month + 12) % 12 }
    }

    /// The months of the year no member has: "juillet, août" or nil.
    var freeMonths: [Int] {
        let held = Set(members.flatMap(\.months))
        return (1...12).filter { !held.contains($0) }
    }
}
