import Foundation
import Logging
import PostgresNIO

/// A business of a centre: a member, or a join request (pending or declined).
struct Business: Sendable {
    let id: Int64
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
    let status: String
    let declineReason: String?
    let createdAt: Date
}

/// A validated business form.
struct BusinessDraft: Sendable {
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
    let at: Date
    let actorName: String
    let kind: String
    let detail: String
}

/// All the SQL of businesses. Functions taking a connection run in the caller's transaction,
/// which has the centre set: row-level security limits them to that centre.
struct BusinessRepository: Sendable {
    let database: Database

    private static let select = """
        SELECT id, siret, name, naf_code, headcount_band, commune_insee, commune_name, address, contact_name, phone,
               email, member_since::text, notes, status, decline_reason, created_at FROM businesses
        """

    private static func business(_ row: PostgresRow) throws -> Business {
        let c = row.makeRandomAccess()
        return Business(
            id: try c[0].decode(Int64.self), siret: try c[1].decode(String.self), name: try c[2].decode(String.self),
            nafCode: try c[3].decode(String?.self), headcountBand: try c[4].decode(String?.self),
            communeInsee: try c[5].decode(String?.self), communeName: try c[6].decode(String?.self),
            address: try c[7].decode(String?.self), contactName: try c[8].decode(String?.self), phone: try c[9].decode(String?.self),
            email: try c[10].decode(String?.self), memberSince: try c[11].decode(String?.self).flatMap(Day.init(iso:)),
            notes: try c[12].decode(String?.self), status: try c[13].decode(String.self),
            declineReason: try c[14].decode(String?.self), createdAt: try c[15].decode(Date.self))
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
        try await businesses("\(unescaped: select) WHERE status = 'member' ORDER BY name", on: connection, logger: logger)
    }

    /// Join requests waiting for an answer, oldest first.
    static func pending(on connection: PostgresConnection, logger: Logger) async throws -> [Business] {
        try await businesses("\(unescaped: select) WHERE status = 'pending' ORDER BY created_at", on: connection, logger: logger)
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
        try await connection.all(
            """
            SELECT e.at, coalesce(u.display_name, 'Demande publique'), e.kind, e.detail
            FROM business_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.business_id = \(businessID) ORDER BY e.at DESC, e.id DESC LIMIT 100
            """, as: (Date.self, String.self, String.self, String.self), logger: logger
        ).map { BusinessEvent(at: $0.0, actorName: $0.1, kind: $0.2, detail: $0.3) }
    }

    static func addEvent(
        businessID: Int64, tenantID: Int64, actorID: Int64?, kind: String, detail: String, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO business_events (tenant_id, business_id, at, actor_id, kind, detail)
            VALUES (\(tenantID), \(businessID), \(now), \(actorID), \(kind), \(detail))
            """, logger: logger)
    }

    /// The id of the business with this SIRET in the centre, whatever its status.
    static func id(siret: String, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value("SELECT id FROM businesses WHERE siret = \(siret)", as: Int64.self, logger: logger)
    }

    static func insert(
        _ draft: BusinessDraft, status: String, tenantID: Int64, actorID: Int64?, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO businesses (tenant_id, siret, name, naf_code, headcount_band, commune_insee, commune_name, address,
                contact_name, phone, email, member_since, notes, status, created_at, updated_at)
            VALUES (\(tenantID), \(draft.siret), \(draft.name), \(draft.nafCode), \(draft.headcountBand), \(draft.communeInsee),
                \(draft.communeName), \(draft.address), \(draft.contactName), \(draft.phone), \(draft.email),
                \(draft.memberSince?.iso)::date, \(draft.notes), \(status), \(now), \(now))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw AccountRepository.AccountError.notCreated }
        try await addEvent(
            businessID: id, tenantID: tenantID, actorID: actorID, kind: status == "pending" ? "requested" : "created",
            detail: "", now: now, on: connection, logger: logger)
        return id
    }

    static func update(
        id: Int64, _ draft: BusinessDraft, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            UPDATE businesses SET siret = \(draft.siret), name = \(draft.name), naf_code = \(draft.nafCode),
                headcount_band = \(draft.headcountBand), commune_insee = \(draft.communeInsee), commune_name = \(draft.communeName),
                address = \(draft.address), contact_name = \(draft.contactName), phone = \(draft.phone), email = \(draft.email),
                member_since = \(draft.memberSince?.iso)::date, notes = \(draft.notes), updated_at = \(now)
            WHERE id = \(id)
            """, logger: logger)
        try await addEvent(businessID: id, tenantID: tenantID, actorID: actorID, kind: "edited", detail: "", now: now, on: connection, logger: logger)
    }

    // MARK: Convenience, each in its own transaction

    func all(tenant: Int64, logger: Logger) async throws -> [Business] {
        try await database.withTransaction(tenant: tenant, logger: logger) { try await Self.members(on: $0, logger: logger) }
    }

    func find(id: Int64, tenant: Int64, logger: Logger) async throws -> Business? {
        try await database.withTransaction(tenant: tenant, logger: logger) { try await Self.find(id: id, on: $0, logger: logger) }
    }
}
