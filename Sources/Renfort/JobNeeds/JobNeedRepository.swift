import Foundation
import Logging
import PostgresNIO

/// A job need: what its form holds (`details`, read through as `need.title`…), and what
/// the centre's work sets (positions filled, status, adviser).
@dynamicMemberLookup
struct JobNeedRecord: Sendable {
    let id: Int64
    let businessID: Int64
    let businessName: String
    let details: JobNeedDetails
    let positionsFilled: Int
    let status: NeedStatus
    let cancelReason: String?
    /// The reason may be read by the business's employers (they cancelled, or an adviser shared it).
    let cancelReasonShared: Bool
    let adviserID: Int64?
    let adviserName: String?
    let submittedAt: Date
    /// The job of the ROME referential, with its labels (nil without a code).
    let job: RomeJob?

    subscript<Value>(dynamicMember field: KeyPath<JobNeedDetails, Value>) -> Value { details[keyPath: field] }
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
    enum Kind: String, CaseIterable, Sendable, PostgresDecodable {
        case submitted, edited, qualified, comment, status
    }

    let at: Date
    let actorName: String
    let kind: Kind
    let fromStatus: NeedStatus?
    let toStatus: NeedStatus?
    let comment: String
    /// The comment may be read by the business's employers.
    let shared: Bool
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
        n.id, n.business_id, b.name AS business_name, n.title, n.rome_code, n.description, n.contract_kind, n.full_time,
        n.hours_per_week::float8 AS hours_per_week, n.positions, n.positions_filled, n.wished_start, n.end_date,
        n.season_start, n.season_end, n.season_recurring, n.place_insee, n.place_name, (n.pay_min * 100)::int8 AS pay_min_cents, (n.pay_max * 100)::int8 AS pay_max_cents,
        n.skills, n.driving_licence, n.other_licences, n.certificates, n.experience, n.newly_created, n.hard_to_fill,
        n.hard_to_fill_reasons, n.hard_to_fill_other, n.housing_offered, n.notes, n.status, n.cancel_reason, n.cancel_reason_shared,
        n.adviser_id, a.display_name AS adviser_name, n.submitted_at, n.appellation_id, ra.label AS appellation_label, rj.label AS rome_label
        FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
        LEFT JOIN users a ON a.id = n.adviser_id
        LEFT JOIN rome_appellations ra ON ra.id = n.appellation_id LEFT JOIN rome_jobs rj ON rj.code = n.rome_code
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

    private static func record(_ plain: PostgresRow) throws -> JobNeedRecord {
        let row = plain.makeRandomAccess()
        return JobNeedRecord(
            id: try row.get("id"), businessID: try row.get("business_id"), businessName: try row.get("business_name"),
            details: JobNeedDetails(
                title: try row.get("title"), romeCode: try row.get("rome_code"), description: try row.get("description"),
                contractKind: try row.get("contract_kind"), fullTime: try row.get("full_time"), hoursPerWeek: try row.get("hours_per_week"),
                positions: try row.get("positions"), wishedStart: try row.get("wished_start"), endDate: try row.get("end_date"),
                seasonStart: try row.get("season_start"), seasonEnd: try row.get("season_end"), seasonRecurring: try row.get("season_recurring"),
                placeInsee: try row.get("place_insee"), placeName: try row.get("place_name"), payMin: try row.get("pay_min_cents", as: Int?.self).map(Amount.init(cents:)),
                payMax: try row.get("pay_max_cents", as: Int?.self).map(Amount.init(cents:)), skills: try row.get("skills"), drivingLicence: try row.get("driving_licence"),
                otherLicences: try row.get("other_licences"), certificates: try row.get("certificates"), experience: try row.get("experience"),
                newlyCreated: try row.get("newly_created"), hardToFill: try row.get("hard_to_fill"),
                hardToFillReasons: try reasons(try row.get("hard_to_fill_reasons", as: [String].self)),
                hardToFillOther: try row.get("hard_to_fill_other"), housingOffered: try row.get("housing_offered"), notes: try row.get("notes"),
                appellationID: try row.get("appellation_id")),
            positionsFilled: try row.get("positions_filled"), status: try row.get("status"), cancelReason: try row.get("cancel_reason"),
            cancelReasonShared: try row.get("cancel_reason_shared"),
            adviserID: try row.get("adviser_id"), adviserName: try row.get("adviser_name"), submittedAt: try row.get("submitted_at"),
            job: try job(row))
    }

    /// The need's job as the referential names it; nil without a code, or for a code it does not hold.
    private static func job(_ row: PostgresRandomAccessRow) throws -> RomeJob? {
        guard let code = try row.get("rome_code", as: String?.self), let codeLabel = try row.get("rome_label", as: String?.self) else { return nil }
        let id = try row.get("appellation_id", as: Int32?.self), title = try row.get("appellation_label", as: String?.self)
        return RomeJob(appellationID: title == nil ? nil : id, title: title ?? codeLabel, code: code, codeLabel: codeLabel)
    }

    /// The hard-to-fill reasons, each of the closed list.
    private static func reasons(_ raw: [String]) throws -> [HardToFillReason] {
        try raw.map { value in
            guard let reason = HardToFillReason(rawValue: value) else { throw JobNeedError.unknownValue(value) }
            return reason
        }
    }

    static func insert(
        _ draft: JobNeedDetails, businessID: Int64, tenantID: Int64, actorID: Int64?, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO job_needs (tenant_id, business_id, title, rome_code, appellation_id, description, contract_kind, full_time,
                hours_per_week, positions, wished_start, end_date, season_start, season_end, season_recurring,
                place_insee, place_name, pay_min, pay_max, skills, driving_licence, other_licences, certificates,
                experience, newly_created, hard_to_fill, hard_to_fill_reasons, hard_to_fill_other, housing_offered,
                notes, created_by, submitted_at, updated_at)
            VALUES (\(tenantID), \(businessID), \(draft.title), \(draft.romeCode), \(draft.appellationID), \(draft.description),
                \(draft.contractKind.rawValue), \(draft.fullTime), \(draft.hoursPerWeek)::numeric, \(draft.positions),
                \(draft.wishedStart.iso)::date, \(draft.endDate?.iso)::date, \(draft.seasonStart?.iso)::date,
                \(draft.seasonEnd?.iso)::date, \(draft.seasonRecurring), \(draft.placeInsee), \(draft.placeName),
                \(draft.payMin?.cents)::int8 / 100.0, \(draft.payMax?.cents)::int8 / 100.0, \(draft.skills), \(draft.drivingLicence), \(draft.otherLicences),
                \(draft.certificates), \(draft.experience), \(draft.newlyCreated), \(draft.hardToFill),
                \(draft.hardToFillReasons.map(\.rawValue)), \(draft.hardToFillOther), \(draft.housingOffered),
                \(draft.notes), \(actorID), \(now), \(now))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw JobNeedError.notCreated }
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: .submitted, from: nil, to: .submitted, comment: "", now: now, on: connection, logger: logger)
        return id
    }

    static func update(
        id: Int64, _ draft: JobNeedDetails, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE job_needs SET title = \(draft.title), rome_code = \(draft.romeCode), appellation_id = \(draft.appellationID), description = \(draft.description),
                contract_kind = \(draft.contractKind.rawValue), full_time = \(draft.fullTime),
                hours_per_week = \(draft.hoursPerWeek)::numeric, positions = \(draft.positions),
                wished_start = \(draft.wishedStart.iso)::date, end_date = \(draft.endDate?.iso)::date,
                season_start = \(draft.seasonStart?.iso)::date, season_end = \(draft.seasonEnd?.iso)::date,
                season_recurring = \(draft.seasonRecurring), place_insee = \(draft.placeInsee), place_name = \(draft.placeName),
                pay_min = \(draft.payMin?.cents)::int8 / 100.0, pay_max = \(draft.payMax?.cents)::int8 / 100.0, skills = \(draft.skills),
                driving_licence = \(draft.drivingLicence), other_licences = \(draft.otherLicences),
                certificates = \(draft.certificates), experience = \(draft.experience), newly_created = \(draft.newlyCreated),
                hard_to_fill = \(draft.hardToFill), hard_to_fill_reasons = \(draft.hardToFillReasons.map(\.rawValue)),
                hard_to_fill_other = \(draft.hardToFillOther), housing_offered = \(draft.housingOffered),
                notes = \(draft.notes), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: .edited, from: nil, to: nil, comment: "", now: now, on: connection, logger: logger)
    }

    static func addEvent(
        needID: Int64, tenantID: Int64, actorID: Int64?, kind: JobNeedEvent.Kind, from: NeedStatus?, to: NeedStatus?, comment: String,
        shared: Bool = false, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO job_need_events (tenant_id, need_id, at, actor_id, kind, from_status, to_status, comment, shared)
            VALUES (\(tenantID), \(needID), \(now), \(actorID), \(kind.rawValue), \(from?.rawValue), \(to?.rawValue), \(comment), \(shared))
            """, logger: logger)
    }

    /// Moves a need to `to` if the table allows it from where it stands now (read under a lock).
    static func move(
        id: Int64, to: NeedStatus, comment: String, cancelReason: String?, shared: Bool = false, businessID: Int64?, tenantID: Int64, actorID: Int64,
        now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> MoveOutcome {
        guard let need = try await find(id: id, businessID: businessID, forUpdate: true, on: connection, logger: logger) else {
            return .notFound
        }
        guard NeedStatus.canMove(from: need.status, to: to) else { return .refused(from: need.status) }
        try await connection.execute(
            """
            UPDATE job_needs SET status = \(to.rawValue), cancel_reason = \(to == .cancelled ? cancelReason : nil),
                cancel_reason_shared = \(to == .cancelled && shared), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(
            needID: id, tenantID: tenantID, actorID: actorID, kind: .status, from: need.status, to: to, comment: comment, shared: shared, now: now,
            on: connection, logger: logger)
        return .moved
    }

    enum MoveOutcome: Equatable {
        case moved
        case notFound
        case refused(from: NeedStatus)
    }

    /// The adviser's qualification: the need becomes qualified with its adjusted classification.
    static func qualify(
        id: Int64, romeCode: String?, appellationID: Int32? = nil, hardToFill: Bool, reasons: [HardToFillReason], reasonOther: String, adviserID: Int64?,
        comment: String, shared: Bool = false, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> MoveOutcome {
        guard let need = try await find(id: id, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return .notFound }
        guard NeedStatus.canMove(from: need.status, to: .qualified) else { return .refused(from: need.status) }
        try await connection.execute(
            """
            UPDATE job_needs SET status = \(NeedStatus.qualified.rawValue), rome_code = \(romeCode), appellation_id = \(appellationID), hard_to_fill = \(hardToFill),
                hard_to_fill_reasons = \(reasons.map(\.rawValue)), hard_to_fill_other = \(reasonOther),
                adviser_id = \(adviserID), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(needID: id, tenantID: tenantID, actorID: actorID, kind: .qualified, from: need.status, to: .qualified, comment: comment, shared: shared, now: now, on: connection, logger: logger)
        return .moved
    }

    static func events(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [JobNeedEvent] {
        try await connection.rows(
            """
            SELECT e.at, coalesce(u.display_name, 'Renfort') AS who, e.kind, e.from_status, e.to_status, e.comment, e.shared
            FROM job_need_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.need_id = \(needID) ORDER BY e.at, e.id
            """, logger: logger
        ) { row in
            JobNeedEvent(
                at: try row.get("at"), actorName: try row.get("who"), kind: try row.get("kind"), fromStatus: try row.get("from_status"),
                toStatus: try row.get("to_status"), comment: try row.get("comment"), shared: try row.get("shared"))
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
            SELECT n.id, b.name AS business_name, n.title, n.contract_kind, n.positions, n.positions_filled, n.wished_start, n.hard_to_fill,
                   (n.contract_kind = \(ContractKind.seasonalCDD.rawValue) OR n.season_start IS NOT NULL) AS seasonal, n.status,
                   a.display_name AS adviser_name, n.submitted_at, count(*) OVER () AS total
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            LEFT JOIN users a ON a.id = n.adviser_id
            WHERE (\(scopeBusiness)::bigint IS NULL OR n.business_id = \(scopeBusiness))
              AND (\(scopeBusiness)::bigint IS NOT NULL OR b.status = \(BusinessStatus.member.rawValue))
              AND (\(filter.status?.rawValue)::text IS NULL OR n.status = \(filter.status?.rawValue))
              AND (\(filter.contractKind?.rawValue)::text IS NULL OR n.contract_kind = \(filter.contractKind?.rawValue))
              AND (\(filter.hardToFill)::boolean IS NULL OR n.hard_to_fill = \(filter.hardToFill))
              AND (\(filter.seasonal)::boolean IS NULL OR (n.contract_kind = \(ContractKind.seasonalCDD.rawValue) OR n.season_start IS NOT NULL) = \(filter.seasonal))
              AND (\(filter.adviserID)::bigint IS NULL OR n.adviser_id = \(filter.adviserID))
              AND (\(pattern)::text IS NULL OR n.title ILIKE \(pattern) OR n.description ILIKE \(pattern) OR b.name ILIKE \(pattern))
            ORDER BY (n.status = \(NeedStatus.submitted.rawValue)) DESC,
                     CASE WHEN \(filter.oldestFirst) THEN n.submitted_at END ASC,
                     n.submitted_at DESC, n.id DESC
            LIMIT \(JobNeedFilter.pageSize) OFFSET \(offset)
            """
        var total = 0
        let needs = try await connection.rows(query, logger: logger) { row in
            total = try row.get("total")
            return JobNeedSummary(
                id: try row.get("id"), businessName: try row.get("business_name"), title: try row.get("title"),
                contractKind: try row.get("contract_kind"), positions: try row.get("positions"), positionsFilled: try row.get("positions_filled"),
                wishedStart: try row.get("wished_start"), hardToFill: try row.get("hard_to_fill"), seasonal: try row.get("seasonal"),
                status: try row.get("status"), adviserName: try row.get("adviser_name"), submittedAt: try row.get("submitted_at"))
        }
        return (needs, total)
    }

    /// How many needs stand in each status (for the same scope).
    static func countsByStatus(businessID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> [NeedStatus: Int] {
        let rows = try await connection.rows(
            """
            SELECT n.status, count(*) AS count FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            WHERE b.status = \(BusinessStatus.member.rawValue) AND (\(businessID)::bigint IS NULL OR n.business_id = \(businessID)) GROUP BY n.status
            """, logger: logger
        ) { row in (try row.get("status", as: NeedStatus.self), try row.get("count", as: Int.self)) }
        return Dictionary(rows, uniquingKeysWith: +)
    }

    /// A business's needs still waiting to be qualified.
    static func submitted(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        try await connection.values(
            "SELECT id FROM job_needs WHERE business_id = \(businessID) AND status = \(NeedStatus.submitted.rawValue)", as: Int64.self, logger: logger)
    }

    /// The advisers' intake queue: the member businesses' submitted needs, oldest first, as
    /// the needs list with its status filter orders them. On every adviser's home page:
    /// prepared once per connection.
    enum IntakeQueue: StatementText {
        static let sql = """
            SELECT n.id, b.name AS business_name, n.title, n.contract_kind, n.positions, n.positions_filled, n.wished_start, n.hard_to_fill,
                   (n.contract_kind = '\(ContractKind.seasonalCDD.rawValue)' OR n.season_start IS NOT NULL) AS seasonal, n.status,
                   a.display_name AS adviser_name, n.submitted_at
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            LEFT JOIN users a ON a.id = n.adviser_id
            WHERE n.status = '\(NeedStatus.submitted.rawValue)' AND b.status = '\(BusinessStatus.member.rawValue)'
            ORDER BY n.submitted_at, n.id DESC LIMIT $1
            """
    }

    static func intakeQueue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [JobNeedSummary] {
        var bindings = PostgresBindings()
        bindings.append(limit)
        return try await connection.rows(Prepared<IntakeQueue>(bindings), logger: logger).map { row in
            let row = row.makeRandomAccess()
            return JobNeedSummary(
                id: try row.get("id"), businessName: try row.get("business_name"), title: try row.get("title"),
                contractKind: try row.get("contract_kind"), positions: try row.get("positions"), positionsFilled: try row.get("positions_filled"),
                wishedStart: try row.get("wished_start"), hardToFill: try row.get("hard_to_fill"), seasonal: try row.get("seasonal"),
                status: try row.get("status"), adviserName: try row.get("adviser_name"), submittedAt: try row.get("submitted_at"))
        }
    }
}

/// What can go wrong with the needs' rows beyond a person's input.
enum JobNeedError: Error {
    /// An insert returned no row.
    case notCreated
    /// A stored value that no case of its closed list matches.
    case unknownValue(String)
}
