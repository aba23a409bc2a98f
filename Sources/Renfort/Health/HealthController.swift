import Hummingbird
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// `/health/live`: the process answers. `/health/ready`: the database answers within a second.
struct HealthController: Sendable {
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in Self.text("ok", status: .ok) }
        router.get("/health/ready") { _, context in
            let logger = context.logger
            let ready = await Self.firstAnswer(within: .seconds(1)) {
                do {
                    return try await database.withConnection(logger: logger) { connection in
                        try await connection.value("SELECT 1", as: Int32.self, logger: logger) == 1
                    }
                } catch { return false }
            }
            return ready ? Self.text("ready", status: .ok) : Self.text("database unavailable", status: .serviceUnavailable)
        }
    }

    /// The answer of `check`, or false if it has none within `limit`. A check stuck on a
    /// frozen database ends in its own time, unawaited: a query does not return when its
    /// task is cancelled, so waiting for it (as a task group does) would hold the answer.
    static func firstAnswer(within limit: Duration, _ check: @escaping @Sendable () async -> Bool) async -> Bool {
        let answer = NIOLockedValueBox<CheckedContinuation<Bool, Never>?>(nil)
        let give = { @Sendable (ready: Bool) in
            answer.withLockedValue { continuation in
                defer { continuation = nil }
                return continuation
            }?.resume(returning: ready)
        }
        return await withCheckedContinuation { continuation in
            answer.withLockedValue { $0 = continuation }
            let timer = Task {
                try await Task.sleep(for: limit)
                give(false)
            }
            Task {
                give(await check())
                timer.cancel()
            }
        }
    }

    static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
