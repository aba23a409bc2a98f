import Logging
import PostgresNIO

/// Makes a double submit create one record: each form carries a one-time token (`_form`);
/// the transaction that writes the record claims it, and a second submit of the same
/// form — after the first or at the same time — is sent to the first one's result.
enum FormSubmissions {
    static func newToken() -> String { Tokens.random() }

    enum Claim {
        /// First use: go on, then `complete` with the page that shows the result.
        case claimed
        /// Already used: the path of the first submit's result.
        case alreadyDone(String)
    }

    static func claim(_ token: String?, on connection: PostgresConnection, logger: Logger) async throws -> Claim {
        // Our tokens are 20 to 100 ASCII characters: anything else never reaches the database.
        guard let token, (20...100).contains(token.unicodeScalars.count), token.unicodeScalars.allSatisfy(\.isASCII) else {
            throw AppError.badRequest("Ce formulaire est incomplet. Rechargez la page et envoyez-le de nouveau.")
        }
        // A concurrent claim of the same token waits here until the first transaction ends.
        let inserted = try await connection.value(
            "INSERT INTO form_submissions (token, result_path) VALUES (\(token), '') ON CONFLICT DO NOTHING RETURNING 1",
            as: Int32.self, logger: logger)
        if inserted != nil { return .claimed }
        let path = try await connection.value(
            "SELECT result_path FROM form_submissions WHERE token = \(token)", as: String.self, logger: logger)
        return .alreadyDone(path.flatMap { $0.isEmpty ? nil : $0 } ?? "/")
    }

    static func complete(_ token: String, resultPath: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "UPDATE form_submissions SET result_path = \(resultPath) WHERE token = \(token)", logger: logger)
    }
}

extension Error {
    /// A unique constraint refused the row (SQLSTATE 23505); `constraint` narrows it.
    func isUniqueViolation(_ constraint: String? = nil) -> Bool {
        guard let error = self as? PSQLError, error.serverInfo?[.sqlState] == "23505" else { return false }
        guard let constraint else { return true }
        return error.serverInfo?[.constraintName] == constraint
    }
}
