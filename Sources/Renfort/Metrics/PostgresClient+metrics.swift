import PostgresNIO

extension PostgresClient {
    /// `withConnection`, counted: requests waiting for a connection, connections in use, and
    /// how long each wait was (PostgresNIO does not publish its pool's state).
    func withCountedConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let asked = ContinuousClock.now
        AppMetrics.connectionsWaiting.increment()
        var waiting = true
        defer { if waiting { AppMetrics.connectionsWaiting.decrement() } }
        return try await withConnection { connection in
            waiting = false
            AppMetrics.connectionsWaiting.decrement()
            AppMetrics.connectionWait.record(duration: ContinuousClock.now - asked)
            AppMetrics.connectionsInUse.increment()
            defer { AppMetrics.connectionsInUse.decrement() }
            return try await body(connection)
        }
    }
}
