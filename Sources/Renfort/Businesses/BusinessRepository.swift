import Foundation
import Logging
import PostgresNIO

/// Where a business stands with its centre.
enum BusinessStatus: String, CaseIterable, Sendable, PostgresDecodable {
    /// It asked to join (the public page) and waits for an answer.
    case pending
    case member
    case declined
}

/// A business of a centre: a member, or a join request (pending or declined). What its form
/// holds is `details`, read through as `business.name`….
@dynamicMemberLookup
struct Business: Sendable {
    let id: Int64
    let details: BusinessDetails
    let status: BusinessStatus
    let declineReason: String?
    let createdAt: Date

    subscript<Value>(dynamicMember field: KeyPath<BusinessDetails, Value>) -> Value { details[keyPath: field] }
}

/// What a business's form holds, checked.
struct BusinessDetails: Sendable {
    let siret: String
    let name: String
    let nafCode: String?
    let headcountBand: String?
    let communeInsee: String?
    let communeName: String?
    let address: String?
    let contactName: String?
    let phone: String?
    let email: String?
    let memberSince: Day?
    let notes: String?
}

/// An employer's access to a business.
struct EmployerAccess: Sendable {
    let membershipID: Int64
    let userID: Int64
    let name: String
    let email: String
    let active: Bool
}

/// One line of a business's history.
struct BusinessEvent: Sendable {
    enum Kind: String, CaseIterable, Sendable, PostgresDecodable {
        case requested, created, edited, accepted, declined, invited, revoked
    }

    let at: Date
    let actorName: String
    let kind: Kind
    let detail: String
}

/// All the SQL of businesses. Functions taking a connection run in the caller's transaction,
/// which has the centre set: row-level security limits them to that centre.
struct BusinessRepository: Sendable {
    let database: Database

    private static let select = """
        SELECT id, siret, name, naf_code, headcount_band, commune_insee, commune_name, address, contact_name, phone,
               email, member_since, notes, status, decline_reason, created_at FROM businesses
        """

    private static func business(_ plain: PostgresRow) throws -> Business {
        let row = plain.makeRandomAccess()
        return Business(
            id: try row.get("id"),
            details: BusinessDetails(
                siret: try row.get("siret"), name: try row.get("name"), nafCode: try row.get("naf_code"),
                headcountBand: try row.get("headcount_band"), communeInsee: try row.get("commune_insee"),
                communeName: try row.get("commune_name"), address: try row.get("address"), contactName: try row.get("contact_name"),
                phone: try row.get("phone"), email: try row.get("email"), memberSince: try row.get("member_since"), notes: try row.get("notes")),
            status: try row.get("status"), declineReason: try row.get("decline_reason"), createdAt: try row.get("created_at"))
    }

    private static func businesses(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [Business] {
        var result: [Business] = []
        for try await row in try await connection.query(query, logger: logger) { result.append(try business(row)) }
        return result
    }

    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Business? {
        try await businesses("\(unescaped: select) WHERE id = \(id)", on: connection, logger: logger).first
    }

    /// The member businesses, by name.
    static func members(on connection: PostgresConnection, logger: Logger) async throws -> [Business] {
        try await businesses("\(unescaped: select) WHERE status = \(BusinessStatus.member.rawValue) ORDER BY name", on: connection, logger: logger)
    }

    /// Join requests waiting for an answer, oldest first.
    static func pending(on connection: PostgresConnection, logger: Logger) async throws -> [Business] {
        try await businesses("\(unescaped: select) WHERE status = \(BusinessStatus.pending.rawValue) ORDER BY created_at", on: connection, logger: logger)
    }

    /// The centre's advisers (to assign a need).
    static func advisers(on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, name: String)] {
        try await connection.all(
            "SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.role = 'adviser' AND u.disabled_at IS NULL ORDER BY u.display_name",
            as: (Int64.self, String.self), logger: logger
        ).map { (id: $0.0, name: $0.1) }
    }

    /// The people who can act for a business.
    static func people(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [EmployerAccess] {
        try await connection.all(
            """
            SELECT m.id, u.id, u.display_name, u.email, u.password_hash IS NOT NULL AND u.disabled_at IS NULL
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.role = 'employer' AND m.business_id = \(businessID) ORDER BY u.display_name
            """, as: (Int64.self, Int64.self, String.self, String.self, Bool.self), logger: logger
        ).map { EmployerAccess(membershipID: $0.0, userID: $0.1, name: $0.2, email: $0.3, active: $0.4) }
    }

    static func events(businessID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [BusinessEvent] {
        try await connection.rows(
            """
            SELECT e.at, coalesce(u.display_name, 'Demande publique') AS who, e.kind, e.detail
            FROM business_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.business_id = \(businessID) ORDER BY e.at DESC, e.id DESC LIMIT 100
            """, logger: logger
        ) { row in BusinessEvent(at: try row.get("at"), actorName: try row.get("who"), kind: try row.get("kind"), detail: try row.get("detail")) }
    }

    static func addEvent(
        businessID: Int64, tenantID: Int64, actorID: Int64?, kind: BusinessEvent.Kind, detail: String, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO business_events (tenant_id, business_id, at, actor_id, kind, detail)
            VALUES (\(tenantID), \(businessID), \(now), \(actorID), \(kind.rawValue), \(detail))
            """, logger: logger)
    }

    /// The id of the business with this SIRET in the centre, whatever its status.
    static func id(siret: String, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("SELECT id FROM businesses WHERE siret = \(siret)", as: Int64.self, logger: logger)
    }

    /// The name of the business with this SIRET in the centre, whatever its status.
    static func name(siret: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.value("SELECT name FROM businesses WHERE siret = \(siret)", as: String.self, logger: logger)
    }

    static func insert(
        _ draft: BusinessDetails, status: BusinessStatus, tenantID: Int64, actorID: Int64?, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO businesses (tenant_id, siret, name, naf_code, headcount_band, commune_insee, commune_name, address,
                contact_name, phone, email, member_since, notes, status, created_at, updated_at)
            VALUES (\(tenantID), \(draft.siret), \(draft.name), \(draft.nafCode), \(draft.headcountBand), \(draft.communeInsee),
                \(draft.communeName), \(draft.address), \(draft.contactName), \(draft.phone), \(draft.email),
                \(draft.memberSince?.iso)::date, \(draft.notes), \(status.rawValue), \(now), \(now))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw BusinessError.notCreated }
        try await addEvent(
            businessID: id, tenantID: tenantID, actorID: actorID, kind: status == .pending ? .requested : .created,
            detail: "", now: now, on: connection, logger: logger)
        return id
    }

    static func update(
        id: Int64, _ draft: BusinessDetails, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE businesses SET siret = \(draft.siret), name = \(draft.name), naf_code = \(draft.nafCode),
                headcount_band = \(draft.headcountBand), commune_insee = \(draft.communeInsee), commune_name = \(draft.communeName),
                address = \(draft.address), contact_name = \(draft.contactName), phone = \(draft.phone), email = \(draft.email),
                member_since = \(draft.memberSince?.iso)::date, notes = \(draft.notes), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(businessID: id, tenantID: tenantID, actorID: actorID, kind: .edited, detail: "", now: now, on: connection, logger: logger)
    }

    // MARK: Join requests

    /// A pending request becomes a member from `day`.
    static func accept(id: Int64, on day: Day, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            UPDATE businesses SET status = \(BusinessStatus.member.rawValue), member_since = \(day)::date, updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
    }

    static func decline(id: Int64, reason: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            UPDATE businesses SET status = \(BusinessStatus.declined.rawValue), decline_reason = \(reason), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Join requests sent from `address` since `since` (no centre needed: the table is the platform's).
    static func joinRequests(from address: String, since: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await PublicForms.posts("join", from: address, since: since, on: connection, logger: logger)
    }

    static func recordJoinRequest(from address: String, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await PublicForms.record("join", from: address, at: now, on: connection, logger: logger)
    }

    // MARK: Convenience, each in its own transaction

    func all(tenant: Int64, logger: Logger) async throws -> [Business] {
        try await database.withTransaction(tenant: tenant, logger: logger) { try await Self.members(on: $0, logger: logger) }
    }

    func find(id: Int64, tenant: Int64, logger: Logger) async throws -> Business? {
        try await database.withTransaction(tenant: tenant, logger: logger) { try await Self.find(id: id, on: $0, logger: logger) }
    }
}

/// What can go wrong with the businesses' rows beyond a person's input.
enum BusinessError: Error {
    /// An insert returned no row.
    case notCreated
}
