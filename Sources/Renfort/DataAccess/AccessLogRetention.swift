import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The access log keeps its rows one year: once a day (by the server's clock) this service
/// asks the owner's function `purge_candidate_access_log` of each centre to delete the rows
/// older than that. The function decides what is a year old, by the database's clock: the
/// server's role cannot make it delete anything newer. It wakes every hour, as the other
/// services do; two servers purging the same day delete nothing twice.
struct AccessLogRetention: Service {
    let database: Database
    let clock: any AppClock
    let logger: Logger
    var interval: Duration = .seconds(3600)
    /// The day of this server's last purge.
    private let lastDay = NIOLockedValueBox<Day?>(nil)

    init(database: Database, clock: any AppClock, logger: Logger) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await purgeIfDue() } catch {
                logger.error("access log retention failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// Today's purge, unless this server made it already today: how many rows went, or nil.
    @discardableResult
    func purgeIfDue() async throws -> Int? {
        let today = Day(clock.now())
        guard lastDay.withLockedValue({ $0 != today }) else { return nil }
        let count = try await purge()
        lastDay.withLockedValue { $0 = today }
        return count
    }

    /// Deletes every centre's rows over a year old; returns how many went.
    func purge() async throws -> Int {
        let centres = try await database.withTransaction(logger: logger) { connection in
            try await connection.values("SELECT id FROM centres ORDER BY id", as: Int64.self, logger: logger)
        }
        var purged = 0
        for centre in centres where !Task.isShuttingDownGracefully {
            purged += try await database.withTransaction(tenant: centre, logger: logger) { try await AccessLog.purgeExpired(on: $0, logger: logger) }
        }
        if purged > 0 { logger.info("access log: rows over a year old deleted", metadata: ["rows": "\(purged)"]) }
        return purged
    }
}
