import Hummingbird
import Logging
import PostgresNIO

/// What every handler inside a centre reads from its request, in one place.
extension CentreContext {
    /// Where the centre's pages start: `/c/{slug}`.
    var base: String { "/c/\(membership.centreSlug)" }

    /// A numeric route parameter (`{id}`, `{interview}`…); a missing or malformed one is a 404.
    func id(_ name: String = "id") throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self) else { throw AppError.notFound }
        return id
    }

    /// The business an employer is limited to, nil for an adviser; to anyone else the page
    /// does not exist.
    func businessScope() throws -> Int64? {
        try require(.adviser, .employer)
        guard role == .employer else { return nil }
        guard let business = membership.businessID else { throw AppError.notFound }
        return business
    }
}

extension Database {
    /// The one way to work inside a centre: one transaction with the request's centre and
    /// signed-in person set for row-level security.
    func transaction<Result: Sendable>(
        in context: CentreContext, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger, body)
    }
}
