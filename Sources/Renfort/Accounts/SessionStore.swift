import Foundation
import Logging
import PostgresNIO

/// A session as loaded for one request.
public struct SessionInfo: Sendable {
    public let id: Int64
    public let csrfToken: String
    public let user: CurrentUser?
    public let createdAt: Date
    public let lastSeenAt: Date
    /// What the last action said, shown once on the next page (`FlashMiddleware`).
    public var flash: String? = nil

    /// When the session ends if nothing happens: idle timeout or absolute lifetime, whichever comes first.
    public var expiresAt: Date {
        min(lastSeenAt.addingTimeInterval(SessionStore.idleTimeout), createdAt.addingTimeInterval(SessionStore.absoluteLifetime))
    }
}

/// Sessions kept in PostgreSQL. The cookie holds a random 256-bit token; the table keeps
/// only its SHA-256, so a copy of the database opens no session.
struct SessionStore: Sendable {
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteLifetime: TimeInterval = 12 * 3600
    /// A request refreshes `last_seen_at` only when it is older than this, to spare writes.
    static let touchInterval: TimeInterval = 30

    let database: Database
    let clock: any AppClock

    enum Lookup {
        case none
        /// `userID`: whose session it was, if someone had signed in (their form can be kept).
        case expired(userID: Int64?)
        case active(SessionInfo)
    }

    /// The live session of a cookie's token, after checking both timeouts and the user.
    /// The session, its person, and that person's roles (one row per membership; schema
    /// 0010's function sets the person for its own statement), in one round trip: every
    /// signed-in request starts with it.
    enum SessionRow: StatementText {
        static let sql = """
            SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, s.user_id,
                   u.email, u.display_name, u.is_admin, u.disabled_at IS NOT NULL,
                   m.centre_id, m.centre_slug, m.centre_name, m.role, m.business_id
            FROM sessions s
            LEFT JOIN users u ON u.id = s.user_id
            LEFT JOIN LATERAL (SELECT * FROM own_memberships(s.user_id) WHERE s.user_id IS NOT NULL) m ON true
            WHERE s.token_hash = $1
            ORDER BY m.centre_name, m.centre_id
            """
    }

    func load(token: String, logger: Logger) async throws -> Lookup {
        let now = clock.now()
        let hash = Tokens.hash(token)
        var binds = PostgresBindings()
        binds.append(hash)
        let rows = try await database.withConnection(logger: logger) { [binds] connection in
            try await connection.rows(Prepared<SessionRow>(binds), logger: logger)
        }
        let decoded = try rows.map {
            try $0.decode((Int64, String, Date, Date, Int64?, String?, String?, Bool?, Bool?, Int64?, String?, String?, String?, Int64?).self)
        }
        guard let first = decoded.first else { return .none }
        let (id, csrf, createdAt, lastSeenAt, userID, email, name, isAdmin, disabled) = (first.0, first.1, first.2, first.3, first.4, first.5, first.6, first.7, first.8)
        let idleExpired = now.timeIntervalSince(lastSeenAt) > Self.idleTimeout
        let tooOld = now.timeIntervalSince(createdAt) > Self.absoluteLifetime
        if idleExpired || tooOld || disabled == true {
            try await delete(id: id, logger: logger)
            return .expired(userID: userID)
        }
        var user: CurrentUser? = nil
        if let userID, let email, let name {
            var memberships: [Membership] = []
            for row in decoded {
                let (centre, slug, centreName, role, business) = (row.9, row.10, row.11, row.12, row.13)
                if let centre, let slug, let centreName, let role = role.flatMap(Role.init(rawValue:)) {
                    memberships.append(Membership(centreID: centre, centreSlug: slug, centreName: centreName, role: role, businessID: business))
                }
            }
            user = CurrentUser(id: userID, email: email, displayName: name, isAdmin: isAdmin ?? false, memberships: memberships)
        }
        var seen = lastSeenAt
        if now.timeIntervalSince(lastSeenAt) > Self.touchInterval {
            try await touch(id: id, logger: logger)
            seen = now
        }
        return .active(SessionInfo(id: id, csrfToken: csrf, user: user, createdAt: createdAt, lastSeenAt: seen))
    }

    /// A new session (anonymous when `userID` is nil), and the token for its cookie.
    func create(userID: Int64?, logger: Logger) async throws -> (token: String, id: Int64) {
        let token = Tokens.random()
        let csrf = Tokens.random()
        let now = clock.now()
        let id = try await database.withTransaction(logger: logger) { connection in
            try await connection.value(
                """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
                VALUES (\(Tokens.hash(token)), \(userID), \(csrf), \(now), \(now)) RETURNING id
                """, as: Int64.self, logger: logger)
        }
        guard let id else { throw SessionError.notCreated }
        // Now and then, forget the sessions that can no longer be used (mostly anonymous
        // ones opened by a visit to the sign-in page).
        if Int.random(in: 0..<100) == 0 { try await deleteExpired(logger: logger) }
        return (token, id)
    }

    /// Deletes every session past its idle timeout or its absolute lifetime.
    func deleteExpired(logger: Logger) async throws {
        let now = clock.now()
        let idleSince = now.addingTimeInterval(-Self.idleTimeout)
        let createdSince = now.addingTimeInterval(-Self.absoluteLifetime)
        try await database.withTransaction(logger: logger) { connection in
            try await connection.execute(
                "DELETE FROM sessions WHERE last_seen_at < \(idleSince) OR created_at < \(createdSince)", logger: logger)
        }
    }

    /// A session for someone not signed in (a form's CSRF token needs one), loaded.
    func startAnonymous(logger: Logger) async throws -> (token: String, session: SessionInfo) {
        let (token, _) = try await create(userID: nil, logger: logger)
        guard case .active(let session) = try await load(token: token, logger: logger) else { throw SessionError.notCreated }
        return (token, session)
    }

    /// Refreshes the idle timeout.
    func touch(id: Int64, logger: Logger) async throws {
        let now = clock.now()
        try await database.withTransaction(logger: logger) { connection in
            try await connection.execute("UPDATE sessions SET last_seen_at = \(now) WHERE id = \(id)", logger: logger)
        }
    }

    func delete(id: Int64, logger: Logger) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.execute("DELETE FROM sessions WHERE id = \(id)", logger: logger)
        }
    }

    /// Ends every session of a person (password changed, account disabled).
    static func deleteAll(of userID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("DELETE FROM sessions WHERE user_id = \(userID)", logger: logger)
    }

    enum SessionError: Error { case notCreated }
}
