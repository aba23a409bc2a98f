import Foundation
import Logging
import PostgresNIO

/// Interviews, offers and the hire, each in the caller's transaction (centre set).
enum PipelineSteps {
    // MARK: Interviews

    private static func interview(_ row: PostgresRandomAccessRow) throws -> Interview {
        Interview(
            id: try row.get("id"), applicationID: try row.get("application_id"), startsAt: try row.get("starts_at"),
            durationMinutes: try row.get("duration_minutes"), mode: try row.get("mode"), place: try row.get("place"),
            attendees: try row.get("attendees"), outcome: try row.get("outcome"), outcomeNote: try row.get("outcome_note"))
    }

    static func interviews(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Interview] {
        try await connection.rows(
            """
            SELECT id, application_id, starts_at, duration_minutes, mode, place, attendees, outcome, outcome_note
            FROM interviews WHERE application_id = \(applicationID) ORDER BY starts_at
            """, logger: logger, interview)
    }

    /// The interview with its need and candidate, for the calendar file.
    static func interviewForCalendar(id: Int64, businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws
        -> (interview: Interview, candidate: String, need: String, business: String)?
    {
        try await connection.rows(
            """
            SELECT i.id, i.application_id, i.starts_at, i.duration_minutes, i.mode, i.place, i.attendees, i.outcome, i.outcome_note,
                   c.first_name || ' ' || c.last_name AS candidate, n.title AS need, b.name AS business
            FROM interviews i JOIN applications a ON a.tenant_id = i.tenant_id AND a.id = i.application_id
            JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE i.id = \(id) AND (\(businessID)::bigint IS NULL OR (n.business_id = \(businessID) AND a.presented_at IS NOT NULL))
            """, logger: logger
        ) { row in
            (interview: try interview(row), candidate: try row.get("candidate", as: String.self), need: try row.get("need", as: String.self),
             business: try row.get("business", as: String.self))
        }.first
    }

    static func scheduleInterview(
        applicationID: Int64, startsAt: Date, duration: Int, mode: Interview.Mode, place: String, attendees: String,
        tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> ApplicationRepository.MoveOutcome {
        guard let application = try await ApplicationRepository.find(id: applicationID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard ApplicationTransition.scheduleInterview.allows(from: application.stage) else { return .refused(from: application.stage) }
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
        try await connection.rows(
            """
            SELECT id, contract_kind, start_date, end_date, hours_per_week::float8 AS hours_per_week, (gross_pay * 100)::int8 AS gross_pay_cents, status, decline_reason
            FROM offers WHERE application_id = \(applicationID) ORDER BY created_at
            """, logger: logger
        ) { row in
            Offer(
                id: try row.get("id"), contractKind: try row.get("contract_kind"), startDate: try row.get("start_date"),
                endDate: try row.get("end_date"), hoursPerWeek: try row.get("hours_per_week"), grossPay: try row.get("gross_pay_cents", as: Int?.self).map(Amount.init(cents:)),
                status: try row.get("status"), declineReason: try row.get("decline_reason"))
        }
    }

    static func makeOffer(
        applicationID: Int64, contract: ContractKind, start: Day, end: Day?, hours: Double, pay: Amount?, tenantID: Int64, actorID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> ApplicationRepository.MoveOutcome {
        guard let application = try await ApplicationRepository.find(id: applicationID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard ApplicationTransition.makeOffer.allows(from: application.stage) else { return .refused(from: application.stage) }
        try await connection.execute(
            """
            INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, end_date, hours_per_week, gross_pay, created_at)
            VALUES (\(tenantID), \(applicationID), \(contract.rawValue), \(start)::date, \(end)::date, \(hours)::numeric, \(pay?.cents)::int8 / 100.0, \(now))
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
            UPDATE offers SET status = \((accepted ? Offer.Status.accepted : .declined).rawValue), decline_reason = \(accepted ? nil : reason), answered_at = \(now)
            WHERE id = \(offerID) AND application_id = \(applicationID) AND status = \(Offer.Status.pending.rawValue) RETURNING id
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
        guard ApplicationTransition.hire.allows(from: application.stage) else {
            return .refused("Seule une candidature au stade «\u{00A0}Proposition\u{00A0}» peut devenir une embauche (celle-ci est au stade «\u{00A0}\(application.stage.label)\u{00A0}»).")
        }
        guard let need = try await JobNeedRepository.find(id: application.needID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard need.positionsFilled < need.positions else { return .refused("Tous les postes de ce besoin sont déjà pourvus.") }
        guard need.status.isOpen else { return .refused("Ce besoin est «\u{00A0}\(need.status.label)\u{00A0}» : il n'accepte plus d'embauche.") }
        let fullTime = hours >= 35
        let placementID = try await PlacementRepository.create(
            businessID: need.businessID, candidateID: application.candidateID, needID: need.id, applicationID: applicationID, contract: contract,
            start: start, end: end, hours: hours, fullTime: fullTime, newlyCreated: need.newlyCreated, tenantID: tenantID, actorID: actorID,
            now: now, on: connection, logger: logger)
        try await FollowUpSchedule.create(placementID: placementID, start: start, end: end, contract: contract, tenantID: tenantID, now: now, on: connection, logger: logger)
        try await SharedPostRepository.holdFollowUps(placementID: placementID, needID: need.id, start: start, tenantID: tenantID, now: now, on: connection, logger: logger)
        try await connection.execute(
            "UPDATE applications SET stage = \(ApplicationTransition.hire.target.rawValue), last_move_at = \(now) WHERE id = \(applicationID)", logger: logger)
        try await ApplicationRepository.addEvent(
            applicationID: applicationID, tenantID: tenantID, actorID: actorID, from: application.stage, to: ApplicationTransition.hire.target,
            comment: "Embauche en \(contract.label) à partir du \(start.french)", now: now, on: connection, logger: logger)
        try await connection.execute(
            """
            UPDATE offers SET status = \(Offer.Status.accepted.rawValue), answered_at = \(now)
            WHERE application_id = \(applicationID) AND status = \(Offer.Status.pending.rawValue)
            """, logger: logger)

        // The need: one more position filled (its count of placements, kept by the database:
        // schema 0080); it moves along its own table.
        let filled = need.positionsFilled + 1
        try await connection.execute("UPDATE job_needs SET updated_at = \(now) WHERE id = \(need.id)", logger: logger)
        var status = need.status
        let comment = "Embauche " + French.of(application.candidateName)
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
                  AND stage = ANY(\(ApplicationStage.open.map(\.rawValue)))
                """, as: Int64.self, logger: logger)
            for other in others {
                _ = try await ApplicationRepository.move(
                    id: other, to: .withdrawn, comment: "recruté ailleurs", tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
            }
        }
        return .hired(placementID: placementID)
    }
}
