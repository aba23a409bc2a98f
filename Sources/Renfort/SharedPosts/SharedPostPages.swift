import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The form of a new shared post: its title and job, the employer of record, and up to four
/// member businesses with their months and hours.
struct SharedPostFormPage: PageModel {
    static let template = "sharedposts/form"

    struct MemberRow: Sendable {
        let number: Int
        let businesses: [Option]
        let firstMonths: [Option]
        let lastMonths: [Option]
        let hours: String
        let businessField: String
        let fromField: String
        let toField: String
        let hoursField: String
        let businessError: String?
        let monthsError: String?
        let hoursError: String?
    }

    let layout: Layout
    let action: String
    let token: String
    let title: String
    let job: String
    let notes: String
    let employers: [Option]
    let members: [MemberRow]
    let form: FormState<TypedFields>

    init(input: SharedPostInput, businesses: [Business], context: CentreContext, form: FormState<TypedFields>) {
        let base = context.base
        layout = Layout(title: "Nouveau poste partagé", session: context.session, membership: context.membership, currentPath: "\(base)/besoins")
        action = "\(base)/postes-partages"
        token = input.token
        title = input.title
        job = input.job
        notes = input.notes
        employers = businesses.map { Option(value: String($0.id), label: $0.name, selected: String($0.id) == input.employer) }
        func months(_ chosen: String) -> [Option] {
            Day.monthNames.enumerated().map { Option(value: String($0.offset + 1), label: $0.element, selected: String($0.offset + 1) == chosen) }
        }
        members = input.members.enumerated().map { index, member in
            let n = index + 1
            return MemberRow(
                number: n, businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: String($0.id) == member.business) },
                firstMonths: months(member.firstMonth), lastMonths: months(member.lastMonth), hours: member.hours,
                businessField: "member_\(n)_business", fromField: "member_\(n)_from", toField: "member_\(n)_to", hoursField: "member_\(n)_hours",
                businessError: form.fieldErrors["member_\(n)_business"], monthsError: form.fieldErrors["member_\(n)_from"],
                hoursError: form.fieldErrors["member_\(n)_hours"])
        }
        self.form = form
    }
}

/// A shared post: its members, each one's months, hours and share, its need and its hire.
struct SharedPostPage: PageModel {
    static let template = "sharedposts/show"

    struct MemberRow: Sendable {
        let business: String
        let href: String
        let months: String
        let hours: String
        let share: String
    }

    struct HireRow: Sendable {
        let href: String
        let person: String
        let start: String
    }

    struct FollowUpRow: Sendable {
        let due: String
        let label: String
        let business: String
        let state: String
    }

    let layout: Layout
    let title: String
    let employer: String
    let employerHref: String
    let needHref: String
    let boardHref: String
    let members: [MemberRow]
    let freeMonths: String?
    let notes: String
    let hires: [HireRow]
    let hasHires: Bool
    let followUps: [FollowUpRow]
    let hasFollowUps: Bool
    let placementsHref: String

    static func load(id: Int64, in context: CentreContext, database: Database) async throws -> SharedPostPage? {
        try context.require(.adviser)
        let found = try await database.transaction(in: context) { connection -> (SharedPost, [BusinessHire], [(due: Day, label: String, business: String, done: Day?)])? in
            guard let post = try await SharedPostRepository.find(id: id, on: connection, logger: context.logger) else { return nil }
            return (
                post, try await PlacementRepository.hires(needID: post.needID, limit: 20, on: connection, logger: context.logger),
                try await SharedPostRepository.followUps(needID: post.needID, on: connection, logger: context.logger)
            )
        }
        guard let (post, hires, followUps) = found else { return nil }
        let base = context.base
        return SharedPostPage(
            layout: Layout(title: post.title, session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            title: post.title, employer: post.employerName, employerHref: "\(base)/entreprises/\(post.employerID)",
            needHref: "\(base)/besoins/\(post.needID)", boardHref: "\(base)/besoins/\(post.needID)/candidatures",
            members: post.members.map { member in
                MemberRow(
                    business: member.businessName, href: "\(base)/entreprises/\(member.businessID)", months: member.monthsLabel,
                    hours: "\(Formats.hours(member.hoursPerWeek)) h", share: DashboardFormat.percent(post.share(of: member)))
            },
            freeMonths: post.freeMonths.isEmpty ? nil : post.freeMonths.map { Day.monthNames[$0 - 1] }.joined(separator: ", "),
            notes: post.notes,
            hires: hires.map { HireRow(href: "\(base)/embauches/\($0.placementID)", person: $0.person, start: $0.start.french) }, hasHires: !hires.isEmpty,
            followUps: followUps.map { FollowUpRow(due: $0.due.french, label: $0.label, business: $0.business, state: $0.done.map { "fait le \($0.french)" } ?? "à faire") },
            hasFollowUps: !followUps.isEmpty, placementsHref: "\(base)/embauches")
    }
}

/// The centre's shared posts.
struct SharedPostListPage: PageModel {
    static let template = "sharedposts/list"

    struct Row: Sendable {
        let href: String
        let title: String
        let employer: String
        let members: String
    }

    let layout: Layout
    let rows: [Row]
    let hasRows: Bool
    let newHref: String
    let seasonsHref: String

    static func load(in context: CentreContext, database: Database) async throws -> SharedPostListPage {
        try context.require(.adviser)
        let posts = try await database.transaction(in: context) { connection in
            try await SharedPostRepository.list(on: connection, logger: context.logger)
        }
        let base = context.base
        return SharedPostListPage(
            layout: Layout(title: "Postes partagés", session: context.session, membership: context.membership, currentPath: "\(base)/besoins"),
            rows: posts.map { post in
                Row(
                    href: "\(base)/postes-partages/\(post.id)", title: post.title, employer: post.employerName,
                    members: post.members.map { "\($0.businessName) (\($0.monthsLabel))" }.joined(separator: ", "))
            },
            hasRows: !posts.isEmpty, newHref: "\(base)/postes-partages/nouveau", seasonsHref: "\(base)/saisons")
    }
}
