import Foundation
import Logging
import PostgresNIO

/// What waits for the advisers of a centre: five lists, read in one statement.
struct Worklist: Sendable {
    struct Item: Sendable {
        let href: String
        let who: String
        let what: String
        let when: String
    }

    let awaitingEmployer: [Item]
    let employerAnswers: [Item]
    let interviewsThisWeek: [Item]
    let stale: [Item]
    let pendingOffers: [Item]

    static let limit = 20

    /// The five lists in one statement (a round trip each was half of PostgreSQL's time for the
    /// home page: ten statements where their work summed to 2 ms). Each list's twenty
    /// applications are chosen first, on the applications alone, then joined once to their
    /// candidate, need and business; the statement is prepared once per connection (planning
    /// these joins cost more than running them). $1 and $2: the week's start and end; $3:
    /// applications without a move since then are stale.
    enum Lists: StatementText {
        static let sql = """
            SELECT a.list, a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name, a.employer_answer, a.at
            FROM (
                (SELECT 1 AS list, tenant_id, id, candidate_id, need_id, coalesce(presented_at, last_move_at) AS at, NULL::text AS employer_answer
                 FROM applications WHERE stage = \(quoted(.presented)) AND employer_answer IS NULL ORDER BY at LIMIT \(limit))
                UNION ALL
                (SELECT 2, tenant_id, id, candidate_id, need_id, coalesce(employer_answered_at, last_move_at) AS at, employer_answer
                 FROM applications WHERE stage = \(quoted(.presented)) AND employer_answer IS NOT NULL ORDER BY at LIMIT \(limit))
                UNION ALL
                (SELECT 3, a.tenant_id, a.id, a.candidate_id, a.need_id, i.starts_at, NULL FROM interviews i
                 JOIN applications a ON a.tenant_id = i.tenant_id AND a.id = i.application_id
                 WHERE i.starts_at BETWEEN $1 AND $2 ORDER BY i.starts_at LIMIT \(limit))
                UNION ALL
                (SELECT 4, tenant_id, id, candidate_id, need_id, last_move_at, NULL FROM applications
                 WHERE stage IN (\(ApplicationStage.open.map(quoted).joined(separator: ", "))) AND last_move_at < $3 ORDER BY last_move_at LIMIT \(limit))
                UNION ALL
                (SELECT 5, a.tenant_id, a.id, a.candidate_id, a.need_id, o.created_at, NULL FROM offers o
                 JOIN applications a ON a.tenant_id = o.tenant_id AND a.id = o.application_id
                 WHERE o.status = '\(Offer.Status.pending.rawValue)' AND a.stage = \(quoted(.offer)) ORDER BY o.created_at LIMIT \(limit))
            ) a
            JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            ORDER BY a.list, a.at
            """

        private static func quoted(_ stage: ApplicationStage) -> String { "'\(stage.rawValue)'" }
    }

    static func load(now: Date, base: String, on connection: PostgresConnection, logger: Logger) async throws -> Worklist {
        var bindings = PostgresBindings()
        bindings.append(now)
        bindings.append(now.addingTimeInterval(7 * 86400))
        bindings.append(now.addingTimeInterval(-15 * 86400))
        var lists = [[Item]](repeating: [], count: 5)
        let rows = try await connection.all(
            Prepared<Lists>(bindings), as: (Int32.self, Int64.self, String.self, String.self, EmployerAnswer?.self, Date.self), logger: logger)
        for (list, id, who, what, answer, at) in rows {
            let what = answer.map { "\(what) : \($0.presentedLabel)" } ?? what
            lists[Int(list) - 1].append(Item(href: "\(base)/candidatures/\(id)", who: who, what: what, when: Formats.dateTime(at)))
        }
        return Worklist(awaitingEmployer: lists[0], employerAnswers: lists[1], interviewsThisWeek: lists[2], stale: lists[3], pendingOffers: lists[4])
    }
}
