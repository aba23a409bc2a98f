import Foundation
import Logging
import PostgresNIO

/// What waits for the advisers of a centre, each list in one query.
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

    /// Each list's twenty applications are chosen first, on the applications alone, then
    /// joined to their candidate, need and business; each statement is prepared once per
    /// connection (planning these joins cost more than running them: 10 of the 18 ms of
    /// PostgreSQL's time per home page in the bench's Cahors centre).
    enum AwaitingEmployer: StatementText {
        static let sql = named(
            """
            SELECT tenant_id, id, candidate_id, need_id, coalesce(presented_at, last_move_at) AS at FROM applications
            WHERE stage = 'presented' AND employer_answer IS NULL ORDER BY at LIMIT \(limit)
            """, what: "n.title || ' — ' || b.name")
    }

    enum EmployerAnswers: StatementText {
        static let sql = named(
            """
            SELECT tenant_id, id, candidate_id, need_id, coalesce(employer_answered_at, last_move_at) AS at, employer_answer FROM applications
            WHERE stage = 'presented' AND employer_answer IS NOT NULL ORDER BY at LIMIT \(limit)
            """,
            what: "n.title || ' — ' || b.name || ' : ' || CASE a.employer_answer WHEN 'interview' THEN 'entretien souhaité' ELSE 'non retenu' END")
    }

    /// $1 and $2: the week's start and end.
    enum InterviewsThisWeek: StatementText {
        static let sql = named(
            """
            SELECT a.tenant_id, a.id, a.candidate_id, a.need_id, i.starts_at AS at FROM interviews i
            JOIN applications a ON a.tenant_id = i.tenant_id AND a.id = i.application_id
            WHERE i.starts_at BETWEEN $1 AND $2 ORDER BY i.starts_at LIMIT \(limit)
            """, what: "n.title || ' — ' || b.name")
    }

    /// $1: applications without a move since then.
    enum Stale: StatementText {
        static let sql = named(
            """
            SELECT tenant_id, id, candidate_id, need_id, last_move_at AS at FROM applications
            WHERE stage IN ('sourced','screening','presented','interview','offer') AND last_move_at < $1 ORDER BY last_move_at LIMIT \(limit)
            """, what: "n.title || ' — ' || b.name")
    }

    enum PendingOffers: StatementText {
        static let sql = named(
            """
            SELECT a.tenant_id, a.id, a.candidate_id, a.need_id, o.created_at AS at FROM offers o
            JOIN applications a ON a.tenant_id = o.tenant_id AND a.id = o.application_id
            WHERE o.status = 'pending' AND a.stage = 'offer' ORDER BY o.created_at LIMIT \(limit)
            """, what: "n.title || ' — ' || b.name")
    }

    /// The applications `chosen` (with `tenant_id`, `id`, `candidate_id`, `need_id`, `at`) with
    /// who and what, in the order of `at`.
    private static func named(_ chosen: String, what: String) -> String {
        """
        SELECT a.id, c.first_name || ' ' || c.last_name, \(what), a.at
        FROM (\(chosen)) a
        JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
        JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
        JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
        ORDER BY a.at
        """
    }

    static func load(now: Date, base: String, on connection: PostgresConnection, logger: Logger) async throws -> Worklist {
        func items<Text>(_ statement: Prepared<Text>) async throws -> [Item] {
            try await connection.all(statement, as: (Int64.self, String.self, String.self, Date.self), logger: logger).map {
                Item(href: "\(base)/candidatures/\($0.0)", who: $0.1, what: $0.2, when: Formats.dateTime($0.3))
            }
        }
        var week = PostgresBindings()
        week.append(now)
        week.append(now.addingTimeInterval(7 * 86400))
        var since = PostgresBindings()
        since.append(now.addingTimeInterval(-15 * 86400))
        return Worklist(
            awaitingEmployer: try await items(Prepared<AwaitingEmployer>()),
            employerAnswers: try await items(Prepared<EmployerAnswers>()),
            interviewsThisWeek: try await items(Prepared<InterviewsThisWeek>(week)),
            stale: try await items(Prepared<Stale>(since)),
            pendingOffers: try await items(Prepared<PendingOffers>()))
    }
}
