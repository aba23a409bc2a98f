import Metrics
import Prometheus

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry, which
/// `/metrics` reads. swift-metrics can be bootstrapped only once per process, and the tests
/// build many applications in one process: they share this registry.
///
/// A metric made before the bootstrap would count nowhere for good, so every metric of ours
/// is made here, after it, and `buildRouter` bootstraps before any request is served.
enum AppMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Waiting for a connection is usually well under a millisecond; the default buckets start at 5 ms.
        factory.durationHistogramBuckets["renfort_db_connection_wait_seconds"] = [
            .microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
            .milliseconds(500), .seconds(1), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static func bootstrap() { _ = registry }

    private static func made<Metric>(_ make: () -> Metric) -> Metric {
        bootstrap()
        return make()
    }

    // The database pool, as our code uses it (`PostgresClient.withCountedConnection`).
    static let connectionsInUse = made { Metrics.Meter(label: "renfort_db_connections_in_use") }
    static let connectionsWaiting = made { Metrics.Meter(label: "renfort_db_connections_waiting") }
    static let connectionsMaximum = made { Metrics.Meter(label: "renfort_db_connections_max") }
    static let connectionWait = made { Metrics.Timer(label: "renfort_db_connection_wait_seconds") }

    // The dashboards' figures (`FigureStore`).
    static let figureCacheHits = made { Metrics.Counter(label: "renfort_figure_cache_hits_total") }
    static let figureCacheMisses = made { Metrics.Counter(label: "renfort_figure_cache_misses_total") }
    static let figureComputations = made { Metrics.Counter(label: "renfort_figure_computations_total") }
    // The pool's rankings of the needs (`MatchStore`): served kept, or ranked.
    static let matchesKept = made { Metrics.Counter(label: "renfort_matches_kept_total") }
    static let matchesRanked = made { Metrics.Counter(label: "renfort_matches_ranked_total") }
    // The pool's searches (`CandidateSearchStore`): served kept, or run.
    static let searchesKept = made { Metrics.Counter(label: "renfort_searches_kept_total") }
    static let searchesRun = made { Metrics.Counter(label: "renfort_searches_run_total") }

    // Read replicas (`ReadReplicas`): reads served by a replica, reads that fell back to the
    // primary (replica away or too far behind), and the last lag measured, in seconds.
    static let replicaReads = made { Metrics.Counter(label: "renfort_replica_reads_total") }
    static let replicaFallbacks = made { Metrics.Counter(label: "renfort_replica_fallbacks_total") }
    static let replicaLag = made { Metrics.Meter(label: "renfort_replica_lag_seconds") }
}
