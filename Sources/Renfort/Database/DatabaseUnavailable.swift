import PostgresNIO

/// PostgreSQL could not be reached: no connection within the wait allowed (the database is
/// down, frozen or every connection is busy), or the connection was lost under the request.
/// Pages answer 503 with `Retry-After`, the API the same in JSON.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    /// What the client is told to wait before trying again, in seconds (`Retry-After`).
    static let retryAfter = 5

    /// What happened, for the log only: never shown in a page.
    public let reason: String

    public var description: String { "database unavailable: \(reason)" }

    /// The error to throw for `error`, if it says the database is out of reach; nil for the
    /// errors that concern the statement itself (a constraint, a syntax error…).
    static func from(_ error: any Error) -> DatabaseUnavailable? {
        if let error = error as? DatabaseUnavailable { return error }
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return DatabaseUnavailable(reason: String(reflecting: error))
        case .server:
            // Class 08: connection exceptions; 57P01–57P03: the server is shutting down or
            // starting (`terminating connection due to administrator command`).
            let state = error.serverInfo?[.sqlState] ?? ""
            guard state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) else { return nil }
            return DatabaseUnavailable(reason: String(reflecting: error))
        default:
            return nil
        }
    }
}
