import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` with a client whose connection pool is running, then shuts it down:
    /// for the command line's one-off work (migrate, demo, checks).
    @discardableResult
    public static func withRunning<Result: Sendable>(
        _ url: DatabaseURL, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        // Its background logger stays quiet about the instant before `run()` starts.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 4), backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
