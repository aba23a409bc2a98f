import Logging
import PostgresNIO

/// What waits for an employer's answer, as their home page says it: presented candidates they
/// have not answered on ("2 candidats attendent votre réponse"), and needs where the centre's
/// last word to them is a question (a shared comment of an adviser, no answer since).
struct WaitingItem: Sendable {
    let text: String
    let href: String
}

enum EmployerWaiting {
    static func items(businessID: Int64, base: String, on connection: PostgresConnection, logger: Logger) async throws -> [WaitingItem] {
        let candidates = try await NotificationRepository.unansweredCandidates(businessID: businessID, on: connection, logger: logger)
        let questions = try await NotificationRepository.unansweredQuestions(businessID: businessID, on: connection, logger: logger)
        return candidates.map { need in
            WaitingItem(
                text: (need.count == 1 ? "1 candidat attend votre réponse" : "\(need.count) candidats attendent votre réponse")
                    + " pour " + French.quoted(need.title),
                href: "\(base)/besoins/\(need.id)#presentes")
        } + questions.map { need in
            WaitingItem(text: "Le centre attend votre réponse au sujet du besoin " + French.quoted(need.title), href: "\(base)/besoins/\(need.id)#historique")
        }
    }
}

extension NotificationRepository {
    /// Per need of the business, the presented candidates it has not answered on yet.
    static func unansweredCandidates(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, title: String, count: Int)] {
        try await connection.all(
            """
            SELECT n.id, n.title, count(*)::int FROM applications a JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            WHERE n.business_id = \(businessID) AND a.stage = 'presented' AND a.employer_answer IS NULL
            GROUP BY n.id, n.title ORDER BY min(a.presented_at), n.id
            """, as: (Int64.self, String.self, Int.self), logger: logger
        ).map { (id: $0.0, title: $0.1, count: $0.2) }
    }

    /// The business's open needs whose last shared comment is an adviser's.
    static func unansweredQuestions(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, title: String)] {
        try await connection.all(
            """
            SELECT n.id, n.title FROM job_needs n
            JOIN LATERAL (
                SELECT e.actor_id FROM job_need_events e
                WHERE e.tenant_id = n.tenant_id AND e.need_id = n.id AND e.kind = 'comment' AND e.shared
                ORDER BY e.at DESC, e.id DESC LIMIT 1) last ON true
            WHERE n.business_id = \(businessID) AND n.status IN ('submitted', 'qualified', 'sourcing', 'partly_filled')
              AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = last.actor_id AND m.role = 'adviser')
            ORDER BY n.id
            """, as: (Int64.self, String.self), logger: logger
        ).map { (id: $0.0, title: $0.1) }
    }
}
