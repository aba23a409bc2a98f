import Logging
import PostgresNIO

/// The pool's searches, each page kept beside its centre's version (`CentreVersionStore`): an
/// adviser going from a search's page to a record and back, or from page to page, is answered
/// without counting the search's matches again (the count of a common word walks its first
/// 1 001 matches: most of PostgreSQL's 4.5 ms for « vigne » among 100 000 candidates). Any
/// change of the centre's candidates, placements or businesses searches again.
final class CandidateSearchStore: Sendable {
    private let kept: CentreVersionStore<CandidateFilter, CandidateResults>

    init(capacity: Int = 512) {
        kept = CentreVersionStore(capacity: capacity, servedKept: AppMetrics.searchesKept, computed: AppMetrics.searchesRun)
    }

    /// How many searches were run (not served kept), for tests.
    var searches: Int { kept.computations }

    /// The page of the pool `filter` asks for in centre `tenant`, in the caller's transaction.
    func results(_ filter: CandidateFilter, tenant: Int64, on connection: PostgresConnection, logger: Logger) async throws -> CandidateResults {
        try await kept.value(for: filter, tenant: tenant, on: connection, logger: logger) {
            try await CandidateRepository.search(filter, on: connection, logger: logger)
        }
    }
}
