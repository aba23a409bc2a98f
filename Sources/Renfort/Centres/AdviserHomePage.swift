import Foundation

/// The adviser's home, their worklist: needs to qualify, join requests, the pipeline's
/// waiting work and the follow-ups due.
struct AdviserHomePage: PageModel {
    static let template = "home/adviser"

    let layout: Layout
    let centreName: String
    let businessCount: Int
    let businessesHref: String
    /// The queue's rows and each list's items, as markup (`queueMarkup`, `itemsMarkup`).
    let queue: String
    let queueCount: Int
    let hasQueue: Bool
    let needsHref: String
    let pendingJoins: Int
    let joinsHref: String
    let awaitingEmployer: String
    let employerAnswers: String
    let interviewsThisWeek: String
    let stale: String
    let pendingOffers: String
    let hasAwaitingEmployer: Bool
    let hasEmployerAnswers: Bool
    let hasInterviews: Bool
    let hasStale: Bool
    let hasPendingOffers: Bool
    let followUpsOverdue: Int
    let followUpsThisWeek: Int
    let followUpsAtRisk: Int
    let followUpsAlerts: Int
    let followUpsHref: String

    static func load(in context: CentreContext, database: Database, now: Date) async throws -> AdviserHomePage {
        try context.require(.adviser)
        let path = context.base
        let (counts, queue, worklist) = try await database.transaction(in: context) { connection in
            (
                try await CentreRepository.homeCounts(today: Day(now), on: connection, logger: context.logger),
                try await JobNeedRepository.intakeQueue(limit: 25, on: connection, logger: context.logger),
                try await Worklist.load(now: now, base: path, on: connection, logger: context.logger)
            )
        }
        let (count, pending, followUps) = counts
        return AdviserHomePage(
            layout: Layout(title: "Mes suivis", session: context.session, membership: context.membership, currentPath: path),
            centreName: context.membership.centreName, businessCount: count, businessesHref: "\(path)/entreprises",
            queue: Self.queueMarkup(queue, base: path),
            queueCount: queue.count, hasQueue: !queue.isEmpty, needsHref: "\(path)/besoins?statut=submitted",
            pendingJoins: pending, joinsHref: "\(path)/adhesions",
            awaitingEmployer: Self.itemsMarkup(worklist.awaitingEmployer, when: "présenté le "),
            employerAnswers: Self.itemsMarkup(worklist.employerAnswers), interviewsThisWeek: Self.itemsMarkup(worklist.interviewsThisWeek),
            stale: Self.itemsMarkup(worklist.stale, when: "dernier mouvement le "), pendingOffers: Self.itemsMarkup(worklist.pendingOffers, when: "faite le "),
            hasAwaitingEmployer: !worklist.awaitingEmployer.isEmpty, hasEmployerAnswers: !worklist.employerAnswers.isEmpty,
            hasInterviews: !worklist.interviewsThisWeek.isEmpty, hasStale: !worklist.stale.isEmpty, hasPendingOffers: !worklist.pendingOffers.isEmpty,
            followUpsOverdue: followUps.overdue, followUpsThisWeek: followUps.thisWeek, followUpsAtRisk: followUps.atRisk,
            followUpsAlerts: followUps.alerts, followUpsHref: "\(path)/suivis")
    }
}

extension AdviserHomePage {
    /// The queue's rows, written here like the lists below (through mustache, the page's
    /// repeated parts were most of the server's time for it): each value escaped as mustache
    /// would (`HTML.escape`).
    static func queueMarkup(_ needs: [JobNeedSummary], base: String) -> String {
        let base = HTML.escape(base)
        var html = ""
        html.reserveCapacity(needs.count * 300)
        for need in needs {
            html += "<tr><th scope=\"row\"><a href=\"\(base)/besoins/\(need.id)\">\(HTML.escape(need.title))</a>"
            if need.hardToFill { html += " <span class=\"badge badge--warn\">difficile</span>" }
            html += "</th><td data-label=\"Entreprise\">\(HTML.escape(need.businessName))</td><td data-label=\"Contrat\">\(HTML.escape(need.contractKind.label))</td>"
            html += "<td data-label=\"Postes\" class=\"num\">\(need.positions)</td><td data-label=\"Déposé le\">\(HTML.escape(Formats.day(need.submittedAt)))</td></tr>"
        }
        return html
    }

    /// A list's items: who (a link to the application), what, and when, after the words `before`.
    static func itemsMarkup(_ items: [Worklist.Item], when before: String = "") -> String {
        let before = HTML.escape(before)
        var html = ""
        html.reserveCapacity(items.count * 200)
        for item in items {
            html += "<li><a href=\"\(HTML.escape(item.href))\">\(HTML.escape(item.who))</a> — \(HTML.escape(item.what)) "
            html += "<span class=\"muted\">\(before)\(HTML.escape(item.when))</span></li>"
        }
        return html
    }
}

/// The home's fields without a Mirror; checked against the Mirror's by `MustacheModelTests`.
extension AdviserHomePage: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "layout": layout, "centreName": centreName, "businessCount": businessCount, "businessesHref": businessesHref, "queue": queue,
            "queueCount": queueCount, "hasQueue": hasQueue, "needsHref": needsHref, "pendingJoins": pendingJoins, "joinsHref": joinsHref,
            "awaitingEmployer": awaitingEmployer, "employerAnswers": employerAnswers, "interviewsThisWeek": interviewsThisWeek, "stale": stale,
            "pendingOffers": pendingOffers, "hasAwaitingEmployer": hasAwaitingEmployer, "hasEmployerAnswers": hasEmployerAnswers,
            "hasInterviews": hasInterviews, "hasStale": hasStale, "hasPendingOffers": hasPendingOffers, "followUpsOverdue": followUpsOverdue,
            "followUpsThisWeek": followUpsThisWeek, "followUpsAtRisk": followUpsAtRisk, "followUpsAlerts": followUpsAlerts,
            "followUpsHref": followUpsHref,
        ]
    }
}
