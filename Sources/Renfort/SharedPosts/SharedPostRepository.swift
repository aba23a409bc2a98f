import Foundation
import Logging
import PostgresNIO

/// A shared post as the form gives it, checked.
struct SharedPostDraft: Sendable {
    let title: String
    let employerID: Int64
    var romeCode: String?
    let notes: String
    /// (business, first month, last month, hours per week), in the order of the year's turn.
    let members: [(businessID: Int64, firstMonth: Int, lastMonth: Int, hours: Double)]
}

/// A hire on a shared post, as the dashboards show it: one permanent post, and each member's part.
struct SharedPostShare: Sendable, Equatable {
    let postID: Int64
    let title: String
    let employerName: String
    let businessName: String
    let businessSiret: String
    let months: String
    let hoursPerWeek: Double
    let share: Double
}

/// The SQL of shared posts: the post, its members, its need, and its hire's follow-ups.
enum SharedPostRepository {
    /// Creates the post and its own need (the employer of record's, a `shared_time` CDI with
    /// no end, qualified), in the caller's transaction; returns the post's id.
    static func create(
        _ draft: SharedPostDraft, start: Day, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let names = try await connection.all(
            "SELECT id, name FROM businesses WHERE id = ANY (\(draft.members.map(\.businessID)))", as: (Int64.self, String.self), logger: logger)
        let named = Dictionary(names, uniquingKeysWith: { first, _ in first })
        let hours = draft.members.map(\.hours).max() ?? 35
        let description = "Poste partagé entre " + draft.members.map { named[$0.businessID] ?? "" }.joined(separator: ", ")
            + " par un groupement d'employeurs : un CDI à temps partagé, chaque entreprise à son tour."
        let details = JobNeedDetails(
            title: draft.title, romeCode: draft.romeCode, description: description, contractKind: .sharedTime, fullTime: hours >= 35,
            hoursPerWeek: hours, positions: 1, wishedStart: start, endDate: nil, seasonStart: nil, seasonEnd: nil, seasonRecurring: false,
            placeInsee: nil, placeName: "", payMin: nil, payMax: nil, skills: "", drivingLicence: false, otherLicences: "", certificates: "",
            experience: "", newlyCreated: true, hardToFill: false, hardToFillReasons: [], hardToFillOther: "", housingOffered: false,
            notes: draft.notes)
        let needID = try await JobNeedRepository.insert(details, businessID: draft.employerID, tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
        _ = try await JobNeedRepository.qualify(
            id: needID, romeCode: draft.romeCode, hardToFill: false, reasons: [], reasonOther: "", adviserID: actorID,
            comment: "Poste partagé créé", tenantID: tenantID, actorID: actorID, now: now, on: connection, logger: logger)
        guard let id = try await connection.value(
            """
            INSERT INTO shared_posts (tenant_id, title, employer_id, need_id, notes, created_at, created_by)
            VALUES (\(tenantID), \(draft.title), \(draft.employerID), \(needID), \(draft.notes), \(now), \(actorID)) RETURNING id
            """, as: Int64.self, logger: logger)
        else { throw SharedPostError.notCreated }
        for (index, member) in draft.members.enumerated() {
            try await connection.execute(
                """
                INSERT INTO shared_post_members (tenant_id, post_id, position, business_id, first_month, last_month, hours_per_week)
                VALUES (\(tenantID), \(id), \(index + 1), \(member.businessID), \(member.firstMonth), \(member.lastMonth), \(member.hours)::numeric)
                """, logger: logger)
        }
        return id
    }

    private static let select = """
        SELECT s.id, s.title, s.employer_id, e.name AS employer_name, s.need_id, s.notes,
               array_agg(m.business_id ORDER BY m.position) AS member_ids, array_agg(b.name ORDER BY m.position) AS member_names,
               array_agg(m.first_month::int8 ORDER BY m.position) AS firsts, array_agg(m.last_month::int8 ORDER BY m.position) AS lasts,
               array_agg(m.hours_per_week::float8 ORDER BY m.position) AS hours
        FROM shared_posts s JOIN businesses e ON e.tenant_id = s.tenant_id AND e.id = s.employer_id
        JOIN shared_post_members m ON m.tenant_id = s.tenant_id AND m.post_id = s.id
        JOIN businesses b ON b.tenant_id = m.tenant_id AND b.id = m.business_id
        """

    private static func post(_ row: PostgresRandomAccessRow) throws -> SharedPost {
        let ids: [Int64] = try row.get("member_ids"), names: [String] = try row.get("member_names")
        let firsts: [Int] = try row.get("firsts"), lasts: [Int] = try row.get("lasts"), hours: [Double] = try row.get("hours")
        return SharedPost(
            id: try row.get("id"), title: try row.get("title"), employerID: try row.get("employer_id"), employerName: try row.get("employer_name"),
            needID: try row.get("need_id"), notes: try row.get("notes"),
            members: ids.indices.map {
                SharedPostMember(businessID: ids[$0], businessName: names[$0], firstMonth: firsts[$0], lastMonth: lasts[$0], hoursPerWeek: hours[$0])
            })
    }

    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> SharedPost? {
        try await connection.rows("\(unescaped: select) WHERE s.id = \(id) GROUP BY s.tenant_id, s.id, e.name", logger: logger, post).first
    }

    /// The post a need is the need of, if any.
    static func find(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> SharedPost? {
        try await connection.rows("\(unescaped: select) WHERE s.need_id = \(needID) GROUP BY s.tenant_id, s.id, e.name", logger: logger, post).first
    }

    static func list(on connection: PostgresConnection, logger: Logger) async throws -> [SharedPost] {
        try await connection.rows("\(unescaped: select) GROUP BY s.tenant_id, s.id, e.name ORDER BY s.created_at DESC, s.id DESC", logger: logger, post)
    }

    /// For a hire on a shared post's need: each follow-up is held with the member that has the
    /// person in the month it is due (else the next one in turn), and each member the person
    /// moves to in the first year has a check-in two weeks after the arrival. Nothing for any
    /// other need.
    static func holdFollowUps(
        placementID: Int64, needID: Int64, start: Day, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let post = try await find(needID: needID, on: connection, logger: logger) else { return }
        let due = try await connection.all(
            "SELECT id, due_on FROM check_ins WHERE placement_id = \(placementID)", as: (Int64.self, Day.self), logger: logger)
        for (id, day) in due {
            guard let member = post.member(in: day.month) else { continue }
            try await connection.execute("UPDATE check_ins SET business_id = \(member.businessID) WHERE id = \(id)", logger: logger)
        }
        let first = post.member(in: start.month)
        for member in post.members where member != first {
            var arrival = Day(year: start.year, month: member.firstMonth, day: 1)
            if arrival <= start { arrival = arrival.adding(months: 12) }
            try await connection.execute(
                """
                INSERT INTO check_ins (tenant_id, placement_id, due_on, label, business_id, created_at)
                VALUES (\(tenantID), \(placementID), \(arrival.adding(days: 14))::date, \("Arrivée chez \(member.businessName) : point à deux semaines"),
                        \(member.businessID), \(now))
                """, logger: logger)
        }
    }

    /// The follow-ups of the hires on need `needID`, in date order, each with the business it
    /// is held with (the hire's own when none is named).
    static func followUps(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(due: Day, label: String, business: String, done: Day?)] {
        try await connection.all(
            """
            SELECT k.due_on, k.label, coalesce(b.name, h.name), k.done_on
            FROM placements p JOIN check_ins k ON k.tenant_id = p.tenant_id AND k.placement_id = p.id
            JOIN businesses h ON h.tenant_id = p.tenant_id AND h.id = p.business_id
            LEFT JOIN businesses b ON b.tenant_id = k.tenant_id AND b.id = k.business_id
            WHERE p.need_id = \(needID) AND NOT k.closed ORDER BY k.due_on, k.id
            """, as: (Day.self, String.self, String.self, Day?.self), logger: logger
        ).map { (due: $0.0, label: $0.1, business: $0.2, done: $0.3) }
    }

    /// The hires on shared posts started from `from` to `to` (those of posts `business` is a
    /// member of, when given): each member's part.
    /// Prepared: planned at each call, it cost 1.7 ms of PostgreSQL's 2.2 on bench-01 (each
    /// dashboard computed afresh, each report, each table's CSV not kept).
    enum Shares: StatementText {
        static let sql = SharedPostRepository.select + """

            WHERE EXISTS (SELECT 1 FROM placements p WHERE p.tenant_id = s.tenant_id AND p.need_id = s.need_id
                          AND p.start_date BETWEEN $1::date AND $2::date)
              AND ($3::text IS NULL OR EXISTS (
                  SELECT 1 FROM shared_post_members x JOIN businesses y ON y.tenant_id = x.tenant_id AND y.id = x.business_id
                  WHERE x.tenant_id = s.tenant_id AND x.post_id = s.id AND y.siret = $3::text))
            GROUP BY s.tenant_id, s.id, e.name ORDER BY s.title, s.id
            """
    }

    static func shares(from: Day, to: Day, businessSiret: String?, on connection: PostgresConnection, logger: Logger) async throws -> [SharedPostShare] {
        var bindings = PostgresBindings()
        bindings.append(from)
        bindings.append(to)
        if let businessSiret { bindings.append(businessSiret) } else { bindings.appendNull() }
        let rows = try await connection.rows(Prepared<Shares>(bindings), logger: logger).map { try post($0.makeRandomAccess()) }
        let sirets = Dictionary(
            try await connection.all("SELECT id, siret FROM businesses WHERE id = ANY (\(rows.flatMap { $0.members.map(\.businessID) }))", as: (Int64.self, String.self), logger: logger),
            uniquingKeysWith: { first, _ in first })
        return rows.flatMap { post in
            post.members.map { member in
                SharedPostShare(
                    postID: post.id, title: post.title, employerName: post.employerName, businessName: member.businessName,
                    businessSiret: sirets[member.businessID] ?? "", months: member.monthsLabel, hoursPerWeek: member.hoursPerWeek,
                    share: post.share(of: member))
            }
        }
    }
}

enum SharedPostError: Error {
    /// An insert returned no row.
    case notCreated
}
