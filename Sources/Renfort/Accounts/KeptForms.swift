import Foundation
import Logging
import PostgresNIO

/// Forms sent after their session had expired, kept for the person whose session it was
/// (schema 0031): the sign-in page leads them back to it, filled as they sent it.
enum KeptForms {
    /// How long a kept form waits for its person to sign in again.
    static let lifetime: TimeInterval = 24 * 3600
    /// What is never kept: the tokens belong to the page that was sent, a password is retyped.
    static let neverKept: Set<String> = ["_csrf", "password", "confirmation"]

    /// A form as it will be sent again.
    struct Kept: Sendable {
        let action: String
        let fields: [(name: String, value: String)]
    }

    /// Keeps `form`, sent to `action`, for `userID`; returns the token of the link that finds it.
    static func keep(_ form: FormData, action: String, userID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let fields = form.fields.filter { !neverKept.contains($0.name) }.map { [$0.name, $0.value] }
        let json = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        // Letters, digits, - and _: the token goes in a path.
        let token = Tokens.random().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await connection.execute("DELETE FROM kept_forms WHERE created_at < \(now.addingTimeInterval(-lifetime))", logger: logger)
        try await connection.execute(
            """
            INSERT INTO kept_forms (token_hash, user_id, action, fields, created_at)
            VALUES (\(Tokens.hash(token)), \(userID), \(action), \(json)::jsonb, \(now))
            """, logger: logger)
        return token
    }

    /// The form kept under `token` for `userID`, if it is still kept (nobody else's is ever found).
    static func find(token: String, userID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Kept? {
        let rows = try await connection.query(
            """
            SELECT action, fields::text FROM kept_forms
            WHERE token_hash = \(Tokens.hash(token)) AND user_id = \(userID) AND created_at >= \(now.addingTimeInterval(-lifetime))
            """, logger: logger)
        for try await (action, json) in rows.decode((String, String).self) {
            let pairs = try JSONDecoder().decode([[String]].self, from: Data(json.utf8))
            return Kept(action: action, fields: pairs.compactMap { $0.count == 2 ? (name: $0[0], value: $0[1]) : nil })
        }
        return nil
    }
}
