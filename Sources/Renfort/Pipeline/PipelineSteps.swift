import Foundation
import Logging
import PostgresNIO

/// An interview of an application.
struct Interview: Sendable {
    enum Mode: String, CaseIterable, Sendable {
        case inPerson = "in_person", phone, video
        var label: String {
            switch self {
            case .inPerson: "Sur place"
            case .phone: "Téléphone"
            case .video: "Visioconférence"
            }
        }
    }

    enum Outcome: String, CaseIterable, Sendable {
        case positive, negative
        case noShow = "no_show"
        var label: String {
            switch self {
            case .positive: "Concluant"
            case .negative: "Non concluant"
            case .noShow: "Absent"
            }
        }
    }

    let id: Int64
    let applicationID: Int64
    let startsAt: Date
    let durationMinutes: Int
    let mode: Mode
    let place: String
    let attendees: String
    let outcome: Outcome?
    let outcomeNote: String
}

/// An offer made to a candidate.
struct Offer: Sendable {
    let id: Int64
    let contractKind: ContractKind
    let startDate: Day
    let endDate: Day?
    let hoursPerWeek: Double
    let grossPay: Int?
    let status: String
    let declineReason: String?
}

/// A placement, as its pages show it.
struct Placement: Sendable {
    let id: Int64
    let businessID: Int64
    let businessName: String
    let candidateID: Int64
    let candidateName: String
    let needID: Int64
    let needTitle: String
    let contractKind: ContractKind
    let startDate: Day
    let endDate: Day?
    let hoursPerWeek: Double
    let fullTime: Bool
    let newlyCreated: Bool
}

/// Interviews, offers and the hire, each in the caller's transaction (centre set).
enum PipelineSteps {
    // MARK: Interviews

    static func interviews(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Interview] {
        try await connection.all(
            """
            SELECT id, application_id, starts_at, duration_minutes, mode, place, attendees, outcome, outcome_note
            FROM interviews WHERE application_id = \(applicationID) ORDER BY starts_at
            """, as: (Int64.self, Int64.self, Date.self, Int.self, String.self, String.self, String.self, String?.self, String.self), logger: logger
        ).map {
            Interview(id: $0.0, applicationID: $0.1, startsAt: $0.2, durationMinutes: $0.3, mode: Interview.Mode(rawValue: $0.4) ?? .inPerson,
                      place: $0.5, attendees: $0.6, outcome: $0.7.flatMap(Interview.Outcome.init(rawValue:)), outcomeNote: $0.8)
        }
    }

    /// The interview with its need and candidate, for the calendar file.
    static func interviewForCalendar(id: Int64, businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws
        -> (interview: Interview, candidate: String, need: String, business: String)?
    {
        guard let row = try await connection.first(
            """
            SELECT i.id, i.application_id, i.starts_at, i.duration_minutes, i.mode, i.place, i.attendees, i.outcome, i.outcome_note,
                   c.first_name || ' ' || c.last_name, n.title, b.name
            FROM interviews i JOIN applications a ON a.tenant_id = i.tenant_id AND a.id = i.application_id
            JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE i.id = \(id) AND (\(businessID)::bigint IS NULL OR (n.business_id = \(businessID) AND a.presented_at IS NOT NULL))
            """, as: (Int64.self, Int64.self, Date.self, Int.self, String.self, String.self, String.self, String?.self, String.self, String.self, String.self, String.self),
            logger: logger)
        else { return nil }
        let interview = Interview(
            id: row.0, applicationID: row.1, startsAt: row.2, durationMinutes: row.3, mode: Interview.Mode(rawValue: row.4) ?? .inPerson,
            place: row.5, attendees: row.6, outcome: row.7.flatMap(Interview.Outcome.init(rawValue:)), outcomeNote: row.8)
        return (interview, row.9, row.10, row.11)
    }

    static func scheduleInterview(
        applicationID: Int64, startsAt: Date, duration: Int, mode: Interview.Mode, place: String, attendees: String,
        tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> ApplicationRepository.MoveOutcome {
        guard let application = try await ApplicationRepository.find(id: applicationID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard application.stage == .presented || application.stage == .interview else { return .refused(from: application.stage) }
        try await connection.execute(
            """
            INSERT INTO interviews (tenant_id, application_id, starts_at, duration_minutes, mode, place, attendees, created_at)
            VALUES (\(tenantID), \(applicationID), \(startsAt), \(duration), \(mode.rawValue), \(place), \(attendees), \(now))
            """, logger: logger)
        if application.stage == .presented {
            _ = try await ApplicationRepository.move(id: applicationID, to: .interview, comment: "Entretien prévu", tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
        } else {
            try await ApplicationRepository.addEvent(applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: nil, to: nil, comment: "Nouvel entretien prévu", now: now, on: connection, logger: logger)
        }
        return .moved
    }

    static func recordInterviewOutcome(
        interviewID: Int64, applicationID: Int64, outcome: Interview.Outcome, note: String, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let updated = try await connection.value(
            "UPDATE interviews SET outcome = \(outcome.rawValue), outcome_note = \(note) WHERE id = \(interviewID) AND application_id = \(applicationID) RETURNING id",
            as: Int64.self, logger: logger)
        guard updated != nil else { return false }
        try await ApplicationRepository.addEvent(
            applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: nil, to: nil,
            comment: "Entretien : \(outcome.label)" + (note.isEmpty ? "" : " — \(note)"), now: now, on: connection, logger: logger)
        return true
    }

    // MARK: Offers

    static func offers(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Offer] {
        try await connection.all(
            """
            SELECT id, contract_kind, start_date::text, end_date::text, hours_per_week::float8, gross_pay, status, decline_reason
            FROM offers WHERE application_id = \(applicationID) ORDER BY created_at
            """, as: (Int64.self, String.self, String.self, String?.self, Double.self, Int?.self, String.self, String?.self), logger: logger
        ).map {
            Offer(id: $0.0, contractKind: ContractKind(rawValue: $0.1) ?? .cdi, startDate: Day(iso: $0.2) ?? Day(Date()), endDate: $0.3.flatMap(Day.init(iso:)),
                  hoursPerWeek: $0.4, grossPay: $0.5, status: $0.6, declineReason: $0.7)
        }
    }

    static func makeOffer(
        applicationID: Int64, contract: ContractKind, start: Day, end: Day?, hours: Double, pay: Int?, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> ApplicationRepository.MoveOutcome {
        guard let application = try await ApplicationRepository.find(id: applicationID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard application.stage == .interview || application.stage == .offer else { return .refused(from: application.stage) }
        try await connection.execute(
            """
            INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, end_date, hours_per_week, gross_pay, created_at)
            VALUES (\(tenantID), \(applicationID), \(contract.rawValue), \(start.iso)::date, \(end?.iso)::date, \(hours)::numeric, \(pay), \(now))
            """, logger: logger)
        if application.stage == .interview {
            _ = try await ApplicationRepository.move(id: applicationID, to: .offer, comment: "Proposition faite", tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
        }
        return .moved
    }

    static func answerOffer(
        offerID: Int64, applicationID: Int64, accepted: Bool, reason: String, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let updated = try await connection.value(
            """
            UPDATE offers SET status = \(accepted ? "accepted" : "declined"), decline_reason = \(accepted ? nil : reason), answered_at = \(now)
            WHERE id = \(offerID) AND application_id = \(applicationID) AND status = 'pending' RETURNING id
            """, as: Int64.self, logger: logger)
        guard updated != nil else { return false }
        try await ApplicationRepository.addEvent(
            applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: nil, to: nil,
            comment: accepted ? "Proposition acceptée" : "Proposition refusée : \(reason)", now: now, on: connection, logger: logger)
        return true
    }

    // MARK: The hire

    enum HireOutcome: Equatable {
        case hired(placementID: Int64)
        case notFound
        case refused(String)
    }

    /// In the caller's transaction: the application becomes hired, a placement is created,
    /// the need's filled count moves (filled when all its positions are), and a full-time
    /// CDI hire withdraws the candidate's other open applications.
    static func hire(
        applicationID: Int64, contract: ContractKind, start: Day, end: Day?, hours: Double, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> HireOutcome {
        guard let application = try await ApplicationRepository.find(id: applicationID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard application.stage == .offer else {
            return .refused("Seule une candidature au stade « Proposition » peut devenir une embauche (celle-ci est au stade « \(application.stage.label) »).")
        }
        guard let need = try await JobNeedRepository.find(id: application.needID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard need.positionsFilled < need.positions else { return .refused("Tous les postes de ce besoin sont déjà pourvus.") }
        guard need.status.isOpen else { return .refused("Ce besoin est « \(need.status.label) » : il n'accepte plus d'embauche.") }
        let fullTime = hours >= 35
        guard let placementID = try await connection.value(
            """
            INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, application_id, contract_kind, start_date, end_date,
                hours_per_week, full_time, newly_created, created_at, created_by)
            VALUES (\(tenantID), \(need.businessID), \(application.candidateID), \(need.id), \(applicationID), \(contract.rawValue),
                \(start.iso)::date, \(end?.iso)::date, \(hours)::numeric, \(fullTime), \(need.newlyCreated), \(now), \(actorID))
            RETURNING id
            """, as: Int64.self, logger: logger)
        else { throw AccountRepository.AccountError.notCreated }
        try await FollowUpSchedule.create(placementID: placementID, start: start, end: end, contract: contract, tenantID: tenantID, now: now, on: connection, logger: logger)
        try await connection.execute(
            "UPDATE applications SET stage = 'hired', last_move_at = \(now) WHERE id = \(applicationID)", logger: logger)
        try await ApplicationRepository.addEvent(
            applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: application.stage, to: .hired,
            comment: "Embauche en \(contract.label) à partir du \(start.french)", now: now, on: connection, logger: logger)
        try await connection.execute(
            "UPDATE offers SET status = 'accepted', answered_at = \(now) WHERE application_id = \(applicationID) AND status = 'pending'", logger: logger)

        // The need: one more position filled; it moves along its own table.
        let filled = need.positionsFilled + 1
        try await connection.execute("UPDATE job_needs SET positions_filled = \(filled), updated_at = \(now) WHERE id = \(need.id)", logger: logger)
        var status = need.status
        let comment = "Embauche de \(application.candidateName)"
        for step: NeedStatus in [.qualified, .sourcing] where [.submitted, .qualified].contains(status) && NeedStatus.canMove(from: status, to: step) {
            _ = try await JobNeedRepository.move(id: need.id, to: step, comment: comment, cancelReason: nil, businessID: nil, tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
            status = step
        }
        let target: NeedStatus = filled >= need.positions ? .filled : .partlyFilled
        if status != target && NeedStatus.canMove(from: status, to: target) {
            _ = try await JobNeedRepository.move(id: need.id, to: target, comment: comment, cancelReason: nil, businessID: nil, tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
        }

        // Hired full time on a CDI: their other open applications end ("recruté ailleurs").
        if contract == .cdi && fullTime {
            let others = try await connection.values(
                """
                SELECT id FROM applications WHERE candidate_id = \(application.candidateID) AND id <> \(applicationID)
                  AND stage IN ('sourced', 'screening', 'presented', 'interview', 'offer')
                """, as: Int64.self, logger: logger)
            for other in others {
                _ = try await ApplicationRepository.move(
                    id: other, to: .withdrawn, comment: "recruté ailleurs", tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
            }
        }
        return .hired(placementID: placementID)
    }

    // MARK: Placements

    private static let placementSelect = """
        SELECT p.id, p.business_id, b.name, p.candidate_id, c.first_name || ' ' || c.last_name, p.need_id, n.title, p.contract_kind,
               p.start_date::text, p.end_date::text, p.hours_per_week::float8, p.full_time, p.newly_created
        FROM placements p
        JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
        JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
        JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
        """

    private static func placements(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [Placement] {
        try await connection.all(query, as: (Int64.self, Int64.self, String.self, Int64.self, String.self, Int64.self, String.self, String.self, String.self, String?.self, Double.self, Bool.self, Bool.self), logger: logger).map {
            Placement(id: $0.0, businessID: $0.1, businessName: $0.2, candidateID: $0.3, candidateName: $0.4, needID: $0.5, needTitle: $0.6,
                      contractKind: ContractKind(rawValue: $0.7) ?? .cdi, startDate: Day(iso: $0.8) ?? Day(Date()), endDate: $0.9.flatMap(Day.init(iso:)),
                      hoursPerWeek: $0.10, fullTime: $0.11, newlyCreated: $0.12)
        }
    }

    static func placement(id: Int64, businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> Placement? {
        try await placements("\(unescaped: placementSelect) WHERE p.id = \(id) AND (\(businessID)::bigint IS NULL OR p.business_id = \(businessID))", on: connection, logger: logger).first
    }

    static func placements(
        businessID: Int64?, contract: ContractKind?, from: Day?, to: Day?, limit: Int, offset: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Placement] {
        try await placements(
            """
            \(unescaped: placementSelect)
            WHERE (\(businessID)::bigint IS NULL OR p.business_id = \(businessID))
              AND (\(contract?.rawValue)::text IS NULL OR p.contract_kind = \(contract?.rawValue))
              AND (\(from?.iso)::date IS NULL OR p.start_date >= \(from?.iso)::date)
              AND (\(to?.iso)::date IS NULL OR p.start_date <= \(to?.iso)::date)
            ORDER BY p.start_date DESC, p.id DESC LIMIT \(limit) OFFSET \(offset)
            """, on: connection, logger: logger)
    }
}
