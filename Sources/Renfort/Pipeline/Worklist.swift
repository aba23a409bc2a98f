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

    static func load(now: Date, base: String, on connection: PostgresConnection, logger: Logger) async throws -> Worklist {
        let since = now.addingTimeInterval(-15 * 86400)
        let weekEnd = now.addingTimeInterval(7 * 86400)
        func items(_ query: PostgresQuery) async throws -> [Item] {
            try await connection.all(query, as: (Int64.self, String.self, String.self, Date.self), logger: logger).map {
                Item(href: "\(base)/candidatures/\($0.0)", who: $0.1, what: $0.2, when: Formats.dateTime($0.3))
            }
        }
        let joins = """
            FROM applications a JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            """
        return Worklist(
            awaitingEmployer: try await items(
                "SELECT a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name, coalesce(a.presented_at, a.last_move_at) \(unescaped: joins) WHERE a.stage = 'presented' AND a.employer_answer IS NULL ORDER BY 4 LIMIT \(limit)"),
            employerAnswers: try await items(
                "SELECT a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name || ' : ' || CASE a.employer_answer WHEN 'interview' THEN 'entretien souhaité' ELSE 'non retenu' END, coalesce(a.employer_answered_at, a.last_move_at) \(unescaped: joins) WHERE a.stage = 'presented' AND a.employer_answer IS NOT NULL ORDER BY 4 LIMIT \(limit)"),
            interviewsThisWeek: try await items(
                "SELECT a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name, i.starts_at FROM interviews i JOIN applications a ON a.tenant_id = i.tenant_id AND a.id = i.application_id JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id WHERE i.starts_at BETWEEN \(now) AND \(weekEnd) ORDER BY i.starts_at LIMIT \(limit)"),
            stale: try await items(
                "SELECT a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name, a.last_move_at \(unescaped: joins) WHERE a.stage IN ('sourced','screening','presented','interview','offer') AND a.last_move_at < \(since) ORDER BY a.last_move_at LIMIT \(limit)"),
            pendingOffers: try await items(
                "SELECT a.id, c.first_name || ' ' || c.last_name, n.title || ' — ' || b.name, o.created_at FROM offers o JOIN applications a ON a.tenant_id = o.tenant_id AND a.id = o.application_id JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id WHERE o.status = 'pending' AND a.stage = 'offer' ORDER BY o.created_at LIMIT \(limit)"))
    }
}
