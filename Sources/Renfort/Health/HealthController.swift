import Hummingbird
import Logging
import PostgresNIO

/// `/health/live`: the process answers. `/health/ready`: the database answers within a second.
struct HealthController: Sendable {
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in Self.text("ok", status: .ok) }
        router.get("/health/ready") { _, context in
            let ready = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        return try await database.withTransaction(logger: context.logger) { connection in
                            try await connection.value("SELECT 1", as: Int32.self, logger: context.logger) == 1
                        }
                    } catch { return false }
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(1))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            return ready ? Self.text("ready", status: .ok) : Self.text("database unavailable", status: .serviceUnavailable)
        }
    }

    static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
