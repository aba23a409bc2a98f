import Logging
import PostgresNIO

/// A controller of the pages inside a centre: its queries run in the centre's transaction.
protocol CentreController {
    var services: AppServices { get }
}

extension CentreController {
    /// One transaction with the request's centre (and user) set for row-level security.
    func transaction<Result: Sendable>(_ context: CentreContext, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await services.database.withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger, body)
    }
}
