import Foundation
import Logging

/// Slows down, then refuses, repeated failed sign-ins for one account or one address.
/// Failures older than the window are forgotten, so nobody is locked out for good.
struct SignInThrottle: Sendable {
    static let window: TimeInterval = 15 * 60
    /// Failures for one account before its sign-ins are slowed down, then refused.
    static let slowAfter = 3
    static let accountLimit = 5
    /// Failures from one address (many accounts tried from one place).
    static let addressLimit = 20

    let database: Database
    let clock: any AppClock
    let slowdown: Duration

    enum Decision: Equatable {
        case allow(delay: Duration)
        case refuse(retryAfter: Int)
    }

    func check(email: String, address: String, logger: Logger) async throws -> Decision {
        let now = clock.now()
        let since = now.addingTimeInterval(-Self.window)
        let key = email.lowercased()
        let counts = try await database.withTransaction(logger: logger) { connection in
            try await connection.first(
                """
                SELECT count(*) FILTER (WHERE email_lower = \(key)),
                       min(failed_at) FILTER (WHERE email_lower = \(key)),
                       count(*) FILTER (WHERE client_address = \(address)),
                       min(failed_at) FILTER (WHERE client_address = \(address))
                FROM sign_in_failures
                WHERE failed_at > \(since) AND (email_lower = \(key) OR client_address = \(address))
                """, as: (Int.self, Date?.self, Int.self, Date?.self), logger: logger)
        }
        guard let (accountFailures, accountOldest, addressFailures, addressOldest) = counts else { return .allow(delay: .zero) }
        if accountFailures >= Self.accountLimit, let oldest = accountOldest {
            return .refuse(retryAfter: max(1, Int(oldest.addingTimeInterval(Self.window).timeIntervalSince(now).rounded(.up))))
        }
        if addressFailures >= Self.addressLimit, let oldest = addressOldest {
            return .refuse(retryAfter: max(1, Int(oldest.addingTimeInterval(Self.window).timeIntervalSince(now).rounded(.up))))
        }
        if accountFailures >= Self.slowAfter {
            return .allow(delay: slowdown * (1 << (accountFailures - Self.slowAfter)))
        }
        return .allow(delay: .zero)
    }

    func recordFailure(email: String, address: String, logger: Logger) async throws {
        let now = clock.now()
        let forgetBefore = now.addingTimeInterval(-24 * 3600)
        try await database.withTransaction(logger: logger) { connection in
            try await connection.execute(
                "INSERT INTO sign_in_failures (email_lower, client_address, failed_at) VALUES (\(email.lowercased()), \(address), \(now))",
                logger: logger)
            try await connection.execute("DELETE FROM sign_in_failures WHERE failed_at < \(forgetBefore)", logger: logger)
        }
    }

    /// A successful sign-in forgets the account's failures.
    func reset(email: String, logger: Logger) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.execute("DELETE FROM sign_in_failures WHERE email_lower = \(email.lowercased())", logger: logger)
        }
    }
}
