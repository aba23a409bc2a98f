import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Prometheus

/// `/metrics`: the process's metrics (`AppMetrics`) in the Prometheus text format, followed by
/// the outbox as the database holds it at the time of the scrape. To anyone `MetricsAccess`
/// does not let in, the address does not exist.
struct MetricsController: Sendable {
    let database: Database
    let token: String?
    let clock: any AppClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics") { request, context in
            guard MetricsAccess.allows(peer: context.peerAddress, headers: request.headers, token: token) else {
                throw AppError.notFound
            }
            var text = AppMetrics.registry.emitToBuffer()
            await scrapeTimeMetrics(logger: context.logger).emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    /// The outbox's backlog and failures, read now; a fresh registry each time, so that two
    /// applications in one process (the tests) never mix their databases' figures.
    func scrapeTimeMetrics(logger: Logger) async -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        // A scrape answers within its second even when the database does not.
        let outbox = await Self.within(.seconds(1)) { try? await readOutbox(logger: logger) } ?? nil
        func gauge(_ name: String, unit: String = "", _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "renfort", metricName: name, unitName: unit, helpText: help))
        }
        gauge("database_up", "1 if the outbox could be read from the database for this scrape").set(to: outbox == nil ? 0 : 1)
        if let outbox {
            gauge("outbox_pending", "Messages not sent yet").set(to: Double(outbox.pending))
            gauge("outbox_failing", "Messages not sent yet whose last attempt failed").set(to: Double(outbox.failing))
            gauge("outbox_oldest_pending", unit: "seconds", "Age of the oldest message not sent yet")
                .set(to: outbox.oldest.map { max(0, clock.now().timeIntervalSince($0)) } ?? 0)
        }
        return registry
    }

    func readOutbox(logger: Logger) async throws -> Outbox.Backlog? {
        try await database.withConnection(logger: logger) { try await Outbox.backlog(on: $0, logger: logger) }
    }

    /// The value of `work`, or nil once `limit` has passed (`Deadline`, shared with /health/ready).
    static func within<Value: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async -> Value) async -> Value? {
        await Deadline.value(within: limit, work)
    }
}

/// Who may read `/metrics`: anyone with the configured bearer token, or a process on the
/// same machine that did not come through the reverse proxy (which sets `X-Forwarded-For`
/// on every request it passes, from its own loopback address).
enum MetricsAccess {
    static func allows(peer: String?, headers: HTTPFields, token: String?) -> Bool {
        if let token, !token.isEmpty, let authorization = headers[.authorization], authorization.hasPrefix("Bearer ") {
            return Tokens.constantTimeEqual(token, String(authorization.dropFirst("Bearer ".count)))
        }
        guard let peer, isLoopback(peer) else { return false }
        return headers[.xForwardedFor] == nil && headers[.forwarded] == nil
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
