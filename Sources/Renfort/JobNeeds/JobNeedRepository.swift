import Foundation
import Logging
import PostgresNIO

/// A job need as the pages show it.
struct JobNeedRecord: Sendable {
    let id: Int64
    let businessID: Int64
    let businessName: String
    let title: String
    let romeCode: String?
    let description: String
    let contractKind: ContractKind
    let fullTime: Bool
    let hoursPerWeek: Double
    let positions: Int
    let positionsFilled: Int
    let wishedStart: Day
    let endDate: Day?
    let seasonStart: Day?
    let seasonEnd: Day?
    let seasonRecurring: Bool
    let placeInsee: String?
    let placeName: String
    let payMin: Int?
    let payMax: Int?
    let skills: String
    let drivingLicence: Bool
    let otherLicences: String
    let certificates: String
    let experience: String
    let newlyCreated: Bool
    let hardToFill: Bool
    let hardToFillReasons: [HardToFillReason]
    let hardToFillOther: String
    let housingOffered: Bool
    let notes: String
    let status: NeedStatus
    let cancelReason: String?
    let adviserID: Int64?
    let adviserName: String?
    let submittedAt: Date
}

/// One line of the needs list.
struct JobNeedSummary: Sendable {
    let id: Int64
    let businessName: String
    let title: String
    let contractKind: ContractKind
    let positions: Int
    let positionsFilled: Int
    let wishedStart: Day
    let hardToFill: Bool
    let seasonal: Bool
    let status: NeedStatus
    let adviserName: String?
    let submittedAt: Date
}

/// One line of a need's history.
struct JobNeedEvent: Sendable {
    let at: Date
    let actorName: String
    let kind: String
    let fromStatus: NeedStatus?
    let toStatus: NeedStatus?
    let comment: String
}

/// What the needs list can be narrowed to.
struct JobNeedFilter: Sendable {
    var status: NeedStatus?
    var businessID: Int64?
    var contractKind: ContractKind?
    var hardToFill: Bool?
    var seasonal: Bool?
    var adviserID: Int64?
    var text: String?
    var page = 1
    /// Oldest first (the intake queue) instead of newest first.
    var oldestFirst = false
    static let pageSize = 25
}

/// All the SQL of job needs. Each function runs on a connection whose transaction already
/// has the centre set; `businessID` limits it further to one business (for employers).
enum JobNeedRepository {
    static let columns = """
        n.id, n.business_id, b.name, n.title, n.rome_code, n.description, n.contract_kind, n.full_time,
        n.hours_per_week::float8, n.positions, n.positions_filled, n.wished_start::text, n.end_date::text,
        n.season_start::text, n.season_end::text, n.season_recurring, n.place_insee, n.place_name, n.pay_min, n.pay_max,
        n.skills, n.driving_licence, n.other_licences, n.certificates, n.experience, n.newly_created, n.hard_to_fill,
        n.hard_to_fill_reasons, n.hard_to_fill_other, n.housing_offered, n.notes, n.status, n.cancel_reason,
        n.adviser_id, a.display_name, n.submitted_at
        FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
        LEFT JOIN users a ON a.id = n.adviser_id
        """

    static func find(id: Int64, businessID: Int64?, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger)
        async throws -> JobNeedRecord?
    {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(businessID)
        let rows = forUpdate
            ? try await connection.rows(Prepared<FindForUpdate>(binds), logger: logger)
            : try await connection.rows(Prepared<Find>(binds), logger: logger)
        return try rows.first.map(record)
    }

    /// A need by id (and, for an employer, of their business): read on most pages of a need.
    enum Find: StatementText {
        static let sql = "SELECT \(columns) WHERE n.id = $1 AND ($2::bigint IS NULL OR n.business_id = $2)"
    }

    enum FindForUpdate: StatementText {
        static let sql = Find.sql + " FOR UPDATE OF n"
    }

    private static func record(_ row: PostgresRow) throws -> JobNeedRecord {
        let c = row.makeRandomAccess()
        func day(_ index: Int) throws -> Day? { try c[index].decode(String?.self).flatMap(Day.init(iso:)) }
        return JobNeedRecord(
            id: try c[0].decode(Int64.self), businessID: try c[1].decode(Int64.self), businessName: try c[2].decode(String.self),
            title: try c[3].decode(String.self), romeCode: try c[4].decode(String?.self), description: try c[5].decode(String.self),
            contractKind: ContractKind(rawValue: try c[6].decode(String.self)) ?? .cdi, fullTime: try c[7].decode(Bool.self),
            hoursPerWeek: try c[8].decode(Double.self), positions: try c[9].decode(Int.self), positionsFilled: try c[10].decode(Int.self),
            wishedStart: try day(11) ?? Day(Date()), endDate: try day(12), seasonStart: try day(13), seasonEnd: try day(14),
            seasonRecurring: try c[15].decode(Bool.self), placeInsee: try c[16].decode(String?.self), placeName: try c[17].decode(String.self),
            payMin: try c[18].decode(Int?.self), payMax: try c[19].decode(Int?.self), skills: try c[20].decode(String.self),
            drivingLicence: try c[21].decode(Bool.self), otherLicences: try c[22].decode(String.self),
            certificates: try c[23].decode(String.self), experience: try c[24].decode(String.self),
            newlyCreated: try c[25].decode(Bool.self), hardToFill: try c[26].decode(Bool.self),
            hardToFillReasons: try c[27].decode([String].self).compactMap(HardToFillReason.init(rawValue:)),
            hardToFillOther: try c[28].decode(String.self), housingOffered: try c[29].decode(Bool.self),
            notes: try c[30].decode(String.self), status: NeedStatus(rawValue: try c[31].decode(String.self)) ?? .submitted,
            cancelReason: try c[32].decode(String?.self), adviserID: try c[33].decode(Int64?.self),
            adviserName: try c[34].decode(String?.self), submittedAt: try c[35].decode(Date.self))
    }

    static func insert(
        _ draft: JobNeedDraft, businessID: Int64, tenantID: Int64, actorID: Int64?, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO job_needs (tenant_id, business_id, title, rome_code, description, contract_kind, full_time,
                hours_per_week, positions, wished_start, end_date, season_start, season_end, season_recurring,
                place_insee, place_name, pay_min, pay_max, skills, driving_licence, other_licences, certificates,
                experience, newly_created, hard_to_fill, hard_to_fill_reasons, hard_to_fill_other, housing_offered,
                notes, created_by, submitted_at, updated_at)
            VALUES (\(tenantID), \(businessID), \(draft.title), \(draft.romeCode), \(draft.description),
                \(draft.contractKind.rawValue), \(draft.fullTime), \(draft.hoursPerWeek)::numeric, \(draft.positions),
                \(draft.wishedStart.iso)::date, \(draft.endDate?.iso)::date, \(draft.seasonStart?.iso)::date,
                \(draft.seasonEnd?.iso)::date, \(draft.seasonRecurring), \(draft.placeInsee), \(draft.placeName),
                \(draft.payMin), \(draft.payMax), \(draft.skills), \(draft.drivingLicence), \(draft.otherLicences),
                \(draft.certificates), \(draft.experience), \(draft.newlyCreated), \(draft.hardToFill),
                \(draft.hardToFillReasons.map(\.rawValue)), \(draft.hardToFillOther), \(draft.housingOffered),
                \(draft.notes), \(actorID), \(now), \(now))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw AccountRepository.AccountError.notCreated }
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: "submitted", from: nil, to: .submitted, comment: "", now: now, on: connection, logger: logger)
        return id
    }

    static func update(
        id: Int64, _ draft: JobNeedDraft, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE job_needs SET title = \(draft.title), rome_code = \(draft.romeCode), description = \(draft.description),
                contract_kind = \(draft.contractKind.rawValue), full_time = \(draft.fullTime),
                hours_per_week = \(draft.hoursPerWeek)::numeric, positions = \(draft.positions),
                wished_start = \(draft.wishedStart.iso)::date, end_date = \(draft.endDate?.iso)::date,
                season_start = \(draft.seasonStart?.iso)::date, season_end = \(draft.seasonEnd?.iso)::date,
                season_recurring = \(draft.seasonRecurring), place_insee = \(draft.placeInsee), place_name = \(draft.placeName),
                pay_min = \(draft.payMin), pay_max = \(draft.payMax), skills = \(draft.skills),
                driving_licence = \(draft.drivingLicence), other_licences = \(draft.otherLicences),
                certificates = \(draft.certificates), experience = \(draft.experience), newly_created = \(draft.newlyCreated),
                hard_to_fill = \(draft.hardToFill), hard_to_fill_reasons = \(draft.hardToFillReasons.map(\.rawValue)),
                hard_to_fill_other = \(draft.hardToFillOther), housing_offered = \(draft.housingOffered),
                notes = \(draft.notes), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: "edited", from: nil, to: nil, comment: "", now: now, on: connection, logger: logger)
    }

    static func addEvent(
        needID: Int64, tenantID: Int64, actorID: Int64?, kind: String, from: NeedStatus?, to: NeedStatus?, comment: String, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO job_need_events (tenant_id, need_id, at, actor_id, kind, from_status, to_status, comment)
            VALUES (\(tenantID), \(needID), \(now), \(actorID), \(kind), \(from?.rawValue), \(to?.rawValue), \(comment))
            """, logger: logger)
    }

    /// Moves a need to `to` if the table allows it from where it stands now (read under a lock).
    static func move(
        id: Int64, to: NeedStatus, comment: String, cancelReason: String?, businessID: Int64?, tenantID: Int64, actorID: Int64,
        now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> MoveOutcome {
        guard let need = try await find(id: id, businessID: businessID, forUpdate: true, on: connection, logger: logger) else {
            return .notFound
        }
        guard NeedStatus.canMove(from: need.status, to: to) else { return .refused(from: need.status) }
        try await connection.execute(
            "UPDATE job_needs SET status = \(to.rawValue), cancel_reason = \(to == .cancelled ? cancelReason : nil), updated_at = \(now) WHERE id = \(id)",
            logger: logger)
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: "status", from: need.status, to: to, comment: comment, now: now, on: connection, logger: logger)
        return .moved
    }

    enum MoveOutcome: Equatable {
        case moved
        case notFound
        case refused(from: NeedStatus)
    }

    /// The adviser's qualification: the need becomes qualified with its adjusted classification.
    static func qualify(
        id: Int64, romeCode: String?, hardToFill: Bool, reasons: [HardToFillReason], reasonOther: String, adviserID: Int64?,
        comment: String, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> MoveOutcome {
        guard let need = try await find(id: id, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard NeedStatus.canMove(from: need.status, to: .qualified) else { return .refused(from: need.status) }
        try await connection.execute(
            """
            UPDATE job_needs SET status = 'qualified', rome_code = \(romeCode), hard_to_fill = \(hardToFill),
                hard_to_fill_reasons = \(reasons.map(\.rawValue)), hard_to_fill_other = \(reasonOther),
                adviser_id = \(adviserID), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: "qualified", from: need.status, to: .qualified, comment: comment, now: now, on: connection, logger: logger)
        return .moved
    }

    static func events(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [JobNeedEvent] {
        try await connection.all(
            """
            SELECT e.at, coalesce(u.display_name, 'Renfort'), e.kind, e.from_status, e.to_status, e.comment
            FROM job_need_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.need_id = \(needID) ORDER BY e.at, e.id
            """, as: (Date.self, String.self, String.self, String?.self, String?.self, String.self), logger: logger
        ).map {
            JobNeedEvent(
                at: $0.0, actorName: $0.1, kind: $0.2, fromStatus: $0.3.flatMap(NeedStatus.init(rawValue:)),
                toStatus: $0.4.flatMap(NeedStatus.init(rawValue:)), comment: $0.5)
        }
    }

    /// A page of needs matching `filter`, and how many match in all.
    static func list(_ filter: JobNeedFilter, businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws
        -> (needs: [JobNeedSummary], total: Int)
    {
        let scopeBusiness = businessID ?? filter.businessID
        let pattern = filter.text.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
        let offset = (max(filter.page, 1) - 1) * JobNeedFilter.pageSize
        let query: PostgresQuery = """
            SELECT n.id, b.name, n.title, n.contract_kind, n.positions, n.positions_filled, n.wished_start::text, n.hard_to_fill,
                   (n.contract_kind = 'seasonal_cdd' OR n.season_start IS NOT NULL), n.status, a.display_name, n.submitted_at,
                   count(*) OVER ()
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            LEFT JOIN users a ON a.id = n.adviser_id
            WHERE (\(scopeBusiness)::bigint IS NULL OR n.business_id = \(scopeBusiness))
              AND (\(scopeBusiness)::bigint IS NOT NULL OR b.status = 'member')
              AND (\(filter.status?.rawValue)::text IS NULL OR n.status = \(filter.status?.rawValue))
              AND (\(filter.contractKind?.rawValue)::text IS NULL OR n.contract_kind = \(filter.contractKind?.rawValue))
              AND (\(filter.hardToFill)::boolean IS NULL OR n.hard_to_fill = \(filter.hardToFill))
              AND (\(filter.seasonal)::boolean IS NULL OR (n.contract_kind = 'seasonal_cdd' OR n.season_start IS NOT NULL) = \(filter.seasonal))
              AND (\(filter.adviserID)::bigint IS NULL OR n.adviser_id = \(filter.adviserID))
              AND (\(pattern)::text IS NULL OR n.title ILIKE \(pattern) OR n.description ILIKE \(pattern) OR b.name ILIKE \(pattern))
            ORDER BY (n.status = 'submitted') DESC,
                     CASE WHEN \(filter.oldestFirst) THEN n.submitted_at END ASC,
                     n.submitted_at DESC, n.id DESC
            LIMIT \(JobNeedFilter.pageSize) OFFSET \(offset)
            """
        let rows = try await connection.all(
            query, as: (Int64.self, String.self, String.self, String.self, Int.self, Int.self, String.self, Bool.self, Bool.self, String.self, String?.self, Date.self, Int.self),
            logger: logger)
        let needs = rows.map {
            JobNeedSummary(
                id: $0.0, businessName: $0.1, title: $0.2, contractKind: ContractKind(rawValue: $0.3) ?? .cdi, positions: $0.4,
                positionsFilled: $0.5, wishedStart: Day(iso: $0.6) ?? Day(Date()), hardToFill: $0.7, seasonal: $0.8,
                status: NeedStatus(rawValue: $0.9) ?? .submitted, adviserName: $0.10, submittedAt: $0.11)
        }
        return (needs, rows.first?.12 ?? 0)
    }

    /// How many needs stand in each status (for the same scope).
    static func countsByStatus(businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [NeedStatus: Int] {
        let rows = try await connection.all(
            """
            SELECT n.status, count(*) FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE b.status = 'member' AND (\(businessID)::bigint IS NULL OR n.business_id = \(businessID)) GROUP BY n.status
            """,
            as: (String.self, Int.self), logger: logger)
        var counts: [NeedStatus: Int] = [:]
        for (status, count) in rows { if let status = NeedStatus(rawValue: status) { counts[status] = count } }
        return counts
    }

    /// The advisers' intake queue: submitted needs, oldest first.
    static func intakeQueue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [JobNeedSummary] {
        var filter = JobNeedFilter()
        filter.status = .submitted
        filter.oldestFirst = true
        let (needs, _) = try await list(filter, businessID: nil, on: connection, logger: logger)
        return Array(needs.prefix(limit))
    }
}
