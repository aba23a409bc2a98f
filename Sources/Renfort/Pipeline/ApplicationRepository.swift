import Foundation
import Logging
import PostgresNIO

/// An application with what its pages show.
struct ApplicationRecord: Sendable {
    let id: Int64
    let needID: Int64
    let needTitle: String
    let businessID: Int64
    let businessName: String
    let candidateID: Int64
    let candidateName: String
    let stage: ApplicationStage
    let rejectionReason: String?
    let endingNote: String
    let employerAnswer: EmployerAnswer?
    let employerNote: String
    let presentedAt: Date?
    let lastMoveAt: Date
}

/// A card of the board.
struct ApplicationCard: Sendable {
    let id: Int64
    let candidateID: Int64
    let candidateName: String
    let communeName: String
    let stage: ApplicationStage
    let employerAnswer: EmployerAnswer?
    let lastMoveAt: Date
}

/// A candidate presented to a need's employer, as the need's page lists them.
struct PresentedCandidate: Sendable {
    let applicationID: Int64
    let name: String
    let commune: String
    let answer: EmployerAnswer?
    let stage: ApplicationStage
    /// The next interview not yet held, if one is planned.
    let interviewAt: Date?

    /// Where the application stands, as the employer is told: from its stage (and its planned
    /// interview), never from the employer's own last answer alone.
    var stateLabel: String {
        switch stage {
        case .sourced, .screening: "en cours d'examen par le centre"
        case .presented: answer == nil ? "présenté, votre réponse est attendue" : "présenté, votre réponse est transmise au centre"
        case .interview: interviewAt.map { "entretien prévu le \(Formats.dateTime($0))" } ?? "entretien à organiser"
        case .offer: "proposition d'embauche faite"
        case .hired: "embauché"
        case .rejected: "non retenu"
        case .withdrawn: "s'est désisté"
        }
    }
}

/// One line of an application's history.
struct ApplicationEvent: Sendable {
    let at: Date
    let who: String
    let from: ApplicationStage?
    let to: ApplicationStage?
    let comment: String
}

/// All the SQL of applications and their history, in the caller's transaction.
enum ApplicationRepository {
    private static let select = """
        SELECT a.id, a.need_id, n.title AS need_title, n.business_id, b.name AS business_name, a.candidate_id,
               c.first_name || ' ' || c.last_name AS candidate_name, a.stage, r.label AS rejection_reason, a.ending_note,
               a.employer_answer, a.employer_note, a.presented_at, a.last_move_at
        FROM applications a
        JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
        JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
        JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
        LEFT JOIN rejection_reasons r ON r.tenant_id = a.tenant_id AND r.id = a.rejection_reason_id
        """

    /// One application; for an employer (`businessID`), only one presented to their business.
    static func find(id: Int64, businessID: Int64?, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> ApplicationRecord? {
        let lock = forUpdate ? " FOR UPDATE OF a" : ""
        return try await connection.rows(
            """
            \(unescaped: select)
            WHERE a.id = \(id) AND (\(businessID)::bigint IS NULL OR (n.business_id = \(businessID) AND a.presented_at IS NOT NULL))\(unescaped: lock)
            """, logger: logger
        ) { row in
            ApplicationRecord(
                id: try row.get("id"), needID: try row.get("need_id"), needTitle: try row.get("need_title"), businessID: try row.get("business_id"),
                businessName: try row.get("business_name"), candidateID: try row.get("candidate_id"), candidateName: try row.get("candidate_name"),
                stage: try row.get("stage"), rejectionReason: try row.get("rejection_reason"), endingNote: try row.get("ending_note"),
                employerAnswer: try row.get("employer_answer"), employerNote: try row.get("employer_note"), presentedAt: try row.get("presented_at"),
                lastMoveAt: try row.get("last_move_at"))
        }.first
    }

    /// What the board and the list show of a need, in one round trip: its title and business,
    /// its stage counts (kept by triggers: schema 0014), the centre's active rejection reasons,
    /// and a page of its applications. Nil when the need is not the centre's.
    struct Board {
        let title: String
        let businessName: String
        let counts: [ApplicationStage: Int]
        var reasons: [(id: Int64, label: String)]
        let cards: [ApplicationCard]
        /// All the need's applications (the page is of those at `stage` when one is given:
        /// their number is in `counts`).
        let total: Int
    }

    /// The board or a page of the list (schema 0022's `need_board`): one statement that sets
    /// the centre and the person for itself, so it needs no transaction around it.
    enum BoardStatement: StatementText {
        static let sql = "SELECT * FROM need_board($1, $2, $3, $4, $5, $6, $7)"
    }

    /// A page of a need's applications, at one stage or all (then by stage, the most recently
    /// moved first); with `perStage`, the board's columns: each board stage's first `limit`.
    /// Runs on a connection with or without a transaction. The reasons are
    /// empty on a centre's very first board, before `rejectionReasons` writes the defaults.
    static func board(
        needID: Int64, stage: ApplicationStage?, limit: Int, offset: Int, perStage: Bool = false, tenantID: Int64, userID: Int64?,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Board? {
        var binds = PostgresBindings()
        binds.append(tenantID)
        binds.append(userID)
        binds.append(needID)
        binds.append(stage?.rawValue)
        binds.append(limit)
        binds.append(offset)
        binds.append(perStage)
        let rows = try await connection.rows(Prepared<BoardStatement>(binds), logger: logger)
        guard let row = rows.first else { return nil }
        let (title, business, stages, counts, reasonIDs, reasonLabels, ids, candidateIDs, names, communes, cardStages, answers, moves, total) =
            try row.decode(
                (String, String, [String], [Int], [Int64], [String], [Int64], [Int64], [String], [String], [String], [String], [Date], Int).self)
        var byStage: [ApplicationStage: Int] = [:]
        for (stage, count) in zip(stages, counts) {
            byStage[try Self.stage(stage)] = count
        }
        var cards: [ApplicationCard] = []
        cards.reserveCapacity(ids.count)
        for i in ids.indices {
            cards.append(
                ApplicationCard(
                    id: ids[i], candidateID: candidateIDs[i], candidateName: names[i], communeName: communes[i],
                    stage: try Self.stage(cardStages[i]), employerAnswer: answers[i].isEmpty ? nil : try Self.answer(answers[i]),
                    lastMoveAt: moves[i]))
        }
        let reasons = zip(reasonIDs, reasonLabels).map { (id: $0, label: $1) }
        return Board(title: title, businessName: business, counts: byStage, reasons: reasons, cards: cards, total: total)
    }

    /// A stage read from the board's arrays; one no case matches is an error.
    private static func stage(_ raw: String) throws -> ApplicationStage {
        guard let stage = ApplicationStage(rawValue: raw) else { throw PipelineError.unknownValue(raw) }
        return stage
    }

    private static func answer(_ raw: String) throws -> EmployerAnswer {
        guard let answer = EmployerAnswer(rawValue: raw) else { throw PipelineError.unknownValue(raw) }
        return answer
    }

    static func events(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [ApplicationEvent] {
        try await connection.rows(
            """
            SELECT e.at, coalesce(u.display_name, 'Renfort') AS who, e.from_stage, e.to_stage, e.comment
            FROM application_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.application_id = \(applicationID) ORDER BY e.at, e.id
            """, logger: logger
        ) { row in
            ApplicationEvent(
                at: try row.get("at"), who: try row.get("who"), from: try row.get("from_stage"), to: try row.get("to_stage"), comment: try row.get("comment"))
        }
    }

    static func addEvent(applicationID: Int64, tenantID: Int64, actorID: Int64?, from: ApplicationStage?, to: ApplicationStage?, comment: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            INSERT INTO application_events (tenant_id, application_id, at, actor_id, from_stage, to_stage, comment)
            VALUES (\(tenantID), \(applicationID), \(now), \(actorID), \(from?.rawValue), \(to?.rawValue), \(comment))
            """, logger: logger)
    }

    /// Puts a candidate on a need; nil when they already are.
    static func create(needID: Int64, candidateID: Int64, tenantID: Int64, actorID: Int64?, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let id = try await connection.value(
            """
            INSERT INTO applications (tenant_id, need_id, candidate_id, created_at, last_move_at, created_by)
            VALUES (\(tenantID), \(needID), \(candidateID), \(now), \(now), \(actorID))
            ON CONFLICT ON CONSTRAINT applications_once_per_need DO NOTHING RETURNING id
            """, as: Int64.self, logger: logger)
        if let id {
            try await addEvent(applicationID: id, tenantID: tenantID, actorID: actorID, from: nil, to: .sourced, comment: "", now: now, on: connection, logger: logger)
        }
        return id
    }

    /// The application of a candidate on a need, if they are on it.
    static func id(needID: Int64, candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value(
            "SELECT id FROM applications WHERE need_id = \(needID) AND candidate_id = \(candidateID)", as: Int64.self, logger: logger)
    }

    enum MoveOutcome: Equatable {
        case moved
        case notFound
        case refused(from: ApplicationStage)
    }

    /// Moves an application to `to` if a transition leads there from its current stage (read
    /// under a lock). The hire has its own step (`PipelineSteps.hire`), which creates the placement.
    static func move(
        id: Int64, to: ApplicationStage, comment: String, reasonID: Int64? = nil, tenantID: Int64, actorID: Int64?, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> MoveOutcome {
        guard let application = try await find(id: id, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard let transition = ApplicationTransition.leading(from: application.stage, to: to), transition != .hire else {
            return .refused(from: application.stage)
        }
        try await connection.execute(
            """
            UPDATE applications SET stage = \(to.rawValue), last_move_at = \(now),
                rejection_reason_id = CASE WHEN \(transition == .reject) THEN \(reasonID) ELSE rejection_reason_id END,
                ending_note = CASE WHEN \(transition == .reject || transition == .withdraw) THEN \(comment) ELSE ending_note END,
                presented_at = CASE WHEN \(transition == .present) THEN coalesce(presented_at, \(now)) ELSE presented_at END
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(applicationID: id, tenantID: tenantID, actorID: actorID, from: application.stage, to: to, comment: comment, now: now, on: connection, logger: logger)
        return .moved
    }

    /// The candidates presented to a need's employer, in the order they were: never the others.
    static func presented(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [PresentedCandidate] {
        try await connection.rows(
            """
            SELECT a.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, a.employer_answer, a.stage,
                   (SELECT min(i.starts_at) FROM interviews i
                    WHERE i.tenant_id = a.tenant_id AND i.application_id = a.id AND i.outcome IS NULL) AS interview_at
            FROM applications a
            JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            WHERE a.need_id = \(needID) AND a.presented_at IS NOT NULL ORDER BY a.presented_at
            """, logger: logger
        ) { row in
            PresentedCandidate(
                applicationID: try row.get("id"), name: try row.get("name"), commune: try row.get("commune_name"), answer: try row.get("employer_answer"),
                stage: try row.get("stage"), interviewAt: try row.get("interview_at"))
        }
    }

    /// How many applications a need has, at every stage.
    static func count(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value("SELECT count(*) FROM applications WHERE need_id = \(needID)", as: Int.self, logger: logger) ?? 0
    }

    /// The ids among `ids` of this need's applications that are still open.
    static func openOnes(of ids: [Int64], needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        try await connection.values(
            "SELECT id FROM applications WHERE need_id = \(needID) AND id = ANY(\(ids)) AND stage = ANY(\(ApplicationStage.open.map(\.rawValue)))",
            as: Int64.self, logger: logger)
    }

    /// Records the employer's answer on a presented candidate, with a line in the history.
    static func recordEmployerAnswer(
        _ answer: EmployerAnswer, note: String, applicationID: Int64, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE applications SET employer_answer = \(answer.rawValue), employer_note = \(note), employer_answered_at = \(now)
            WHERE id = \(applicationID)
            """, logger: logger)
        try await addEvent(
            applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: nil, to: nil,
            comment: (answer == .interview ? "L'employeur souhaite un entretien" : "L'employeur ne retient pas") + (note.isEmpty ? "" : " : \(note)"),
            now: now, on: connection, logger: logger)
    }

    /// Adds a reason at the end of the centre's list (a retired one of the same label comes back).
    static func addRejectionReason(_ label: String, tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await rejectionReasons(tenantID: tenantID, on: connection, logger: logger)
        try await connection.execute(
            """
            INSERT INTO rejection_reasons (tenant_id, label, position)
            VALUES (\(tenantID), \(label), (SELECT coalesce(max(position), 0) + 1 FROM rejection_reasons))
            ON CONFLICT ON CONSTRAINT rejection_reasons_label_key DO UPDATE SET active = true
            """, logger: logger)
    }

    /// Retires a reason: it stays on the applications that carry it. False when there is none.
    static func retireRejectionReason(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value("UPDATE rejection_reasons SET active = false WHERE id = \(id) RETURNING id", as: Int64.self, logger: logger) != nil
    }

    /// The centre's active reasons, seeding the default list the first time.
    enum ActiveReasons: StatementText {
        static let sql = "SELECT id, label FROM rejection_reasons WHERE active ORDER BY position, id"
    }

    static func rejectionReasons(tenantID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, label: String)] {
        var rows = try await connection.all(Prepared<ActiveReasons>(), as: (Int64.self, String.self), logger: logger)
        if rows.isEmpty {
            for (index, label) in DefaultRejectionReasons.labels.enumerated() {
                try await connection.execute(
                    "INSERT INTO rejection_reasons (tenant_id, label, position) VALUES (\(tenantID), \(label), \(index)) ON CONFLICT DO NOTHING", logger: logger)
            }
            rows = try await connection.all("SELECT id, label FROM rejection_reasons WHERE active ORDER BY position, id", as: (Int64.self, String.self), logger: logger)
        }
        return rows.map { (id: $0.0, label: $0.1) }
    }
}

/// What can go wrong with the pipeline's rows beyond a person's input.
enum PipelineError: Error {
    /// A stored value that no case of its closed list matches.
    case unknownValue(String)
}
