import Foundation
import Logging
import PostgresNIO

/// Who calls the API: the person, and the token they used (nil: their signed-in session).
public struct APICaller: Sendable {
    public let user: CurrentUser
    let tokenID: Int64?
    let tokenName: String?
}

/// Personal API tokens: created and revoked by their owner on the profile page, shown once,
/// kept as a SHA-256 only. A token opens what its owner's roles open, no more.
struct APITokens: Sendable {
    let database: Database
    let clock: any AppClock
    static let prefix = "rnf_"
    static let maximumLive = 20
    /// `last_used_at` is written at most once a minute per token, to spare writes.
    static let touchInterval: TimeInterval = 60

    struct Listed: Sendable {
        let id: Int64
        let name: String
        let createdAt: Date
        let lastUsedAt: Date?
    }

    static func list(userID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [Listed] {
        try await connection.all(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = \(userID) AND revoked_at IS NULL ORDER BY created_at, id",
            as: (Int64.self, String.self, Date.self, Date?.self), logger: logger
        ).map { Listed(id: $0.0, name: $0.1, createdAt: $0.2, lastUsedAt: $0.3) }
    }

    enum CreateError: Error { case duplicateName, tooMany }

    /// A new token for `userID`: returns the token itself, which is never stored.
    static func create(userID: Int64, name: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let live = try await connection.value(
            "SELECT count(*) FROM api_tokens WHERE user_id = \(userID) AND revoked_at IS NULL", as: Int.self, logger: logger) ?? 0
        guard live < maximumLive else { throw CreateError.tooMany }
        let taken = try await connection.value(
            "SELECT 1 FROM api_tokens WHERE user_id = \(userID) AND revoked_at IS NULL AND lower(name) = lower(\(name))", as: Int32.self, logger: logger)
        guard taken == nil else { throw CreateError.duplicateName }
        let token = prefix + Tokens.random()
        try await connection.execute(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (\(userID), \(name), \(Tokens.hexHash(token)), \(now))", logger: logger)
        return token
    }

    /// Revokes one of `userID`'s tokens; false when there is no such live token of theirs.
    static func revoke(id: Int64, userID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.execute(
            "UPDATE api_tokens SET revoked_at = \(now) WHERE id = \(id) AND user_id = \(userID) AND revoked_at IS NULL RETURNING id", logger: logger) == 1
    }

    /// The caller behind a token, if it is live and its owner is not disabled.
    func authenticate(token: String, logger: Logger) async throws -> APICaller? {
        guard token.hasPrefix(Self.prefix), (20...200).contains(token.count) else { return nil }
        let now = clock.now()
        let hash = Tokens.hexHash(token)
        let found = try await database.withTransaction(logger: logger) { connection in
            try await connection.first(
                """
                SELECT t.id, t.name, t.last_used_at, u.id, u.email, u.display_name, u.is_admin
                FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND u.disabled_at IS NULL
                """, as: (Int64.self, String.self, Date?.self, Int64.self, String.self, String.self, Bool.self), logger: logger)
        }
        guard let (id, name, lastUsed, userID, email, displayName, isAdmin) = found else { return nil }
        if lastUsed.map({ now.timeIntervalSince($0) > Self.touchInterval }) ?? true {
            try await database.withTransaction(logger: logger) { connection in
                try await connection.execute("UPDATE api_tokens SET last_used_at = \(now) WHERE id = \(id)", logger: logger)
            }
        }
        let memberships = try await AccountRepository(database: database).memberships(of: userID, logger: logger)
        return APICaller(
            user: CurrentUser(id: userID, email: email, displayName: displayName, isAdmin: isAdmin, memberships: memberships),
            tokenID: id, tokenName: name)
    }
}

/// A token bucket per caller: `perMinute` requests a minute, in bursts of as many.
actor APIRateLimiter {
    let perMinute: Int
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Nil when the request may go on; otherwise the seconds to wait.
    func take(_ key: String) -> Int? {
        let now = ContinuousClock.now
        let rate = Double(perMinute) / 60
        var bucket = buckets[key] ?? (Double(perMinute), now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(Double(perMinute), bucket.tokens + seconds * rate)
        bucket.at = now
        defer {
            buckets[key] = bucket
            if buckets.count > 10_000 { buckets = buckets.filter { $0.value.tokens < Double(perMinute) } }
        }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }
}
