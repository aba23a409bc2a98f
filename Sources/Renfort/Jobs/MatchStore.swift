import Logging
import PostgresNIO

/// The pool's ranking for each need, kept beside the centre's version (`CentreVersionStore`;
/// schema 0251 adds the candidates' jobs and windows and the check-ins to what raises it): a
/// ranking shown is never older than the data. Ranking a family of 14 000 candidates among
/// 100 000 costs about 80 ms of the database; a kept one, the version's read. The first view
/// after any change of the centre ranks again.
final class MatchStore: Sendable {
    private let kept: CentreVersionStore<Int64, [PoolMatch]>

    /// How many needs' rankings are kept; the least recently used go first.
    init(capacity: Int = 256) {
        kept = CentreVersionStore(capacity: capacity, servedKept: AppMetrics.matchesKept, computed: AppMetrics.matchesRanked)
    }

    /// How many rankings were computed (not served kept), for tests.
    var rankings: Int { kept.computations }

    /// The matches of need `needID` of centre `tenant` (ROME `code`), in the caller's
    /// transaction: kept, or ranked and kept.
    func matches(needID: Int64, code: String, tenant: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [PoolMatch] {
        try await kept.value(for: needID, tenant: tenant, on: connection, logger: logger) {
            try await Matching.matches(needID: needID, code: code, on: connection, logger: logger)
        }
    }
}
