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
            let ready = await Deadline.value(within: .seconds(1)) { await database.answers(logger: logger) } ?? false
            return ready ? Self.text("ready", status: .ok) : Self.text("database unavailable", status: .serviceUnavailable)
        }
    }

    static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
