import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The purge: every candidate record whose date has passed loses its identity
/// (`ErasureRepository.erase`), in every centre — except people employed through a placement
/// that has not ended, who are kept for the length of the employment.
///
/// It runs when the server starts, then every hour, like the other background services. Each
/// batch of records is one transaction, locked with SKIP LOCKED: two servers share the work,
/// a stop loses nothing done, and no lock is held for long. `renfort purge` runs the same.
public struct PersonalDataPurge: Service {
    let database: Database
    let clock: any AppClock
    let logger: Logger
    var interval: Duration = .seconds(3600)
    /// Records per transaction.
    var batch = 500

    public init(database: Database, clock: any AppClock = SystemClock(), logger: Logger, batch: Int = 500) {
        self.database = database
        self.clock = clock
        self.logger = logger
        self.batch = batch
    }

    /// A centre's purge, or what it would be.
    public struct CentreCount: Sendable {
        public let slug: String
        /// Records erased (or, in a dry run, due).
        public let erased: Int
        /// Records past their date kept because the person is employed.
        public let kept: Int
        /// Records whose date comes within 30 days.
        public let upcoming: Int
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let counts = try await purge()
                let erased = counts.map(\.erased).reduce(0, +)
                if erased > 0 { logger.notice("purge: \(erased) candidate record(s) past their date erased") }
            } catch {
                logger.error("purge failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    private func centres() async throws -> [(Int64, String)] {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.all("SELECT id, slug FROM centres ORDER BY id", as: (Int64.self, String.self), logger: logger)
        }
    }

    /// Erases every record due today, centre by centre; `progress` hears after each batch the
    /// centre, the records erased in it so far, and how many were due when it began.
    @discardableResult
    public func purge(progress: (@Sendable (_ slug: String, _ done: Int, _ due: Int) -> Void)? = nil) async throws -> [CentreCount] {
        let today = Day(clock.now())
        var result: [CentreCount] = []
        for (id, slug) in try await centres() where !Task.isShuttingDownGracefully {
            let (due, kept) = try await database.withTransaction(tenant: id, logger: logger) { connection in
                try await ErasureRepository.dueCounts(on: today, on: connection, logger: logger)
            }
            var done = 0
            while !Task.isShuttingDownGracefully {
                let erased = try await database.withTransaction(tenant: id, logger: logger) { connection -> Int in
                    let ids = try await ErasureRepository.due(on: today, limit: batch, on: connection, logger: logger)
                    guard !ids.isEmpty else { return 0 }
                    return try await ErasureRepository.erase(
                        ids, kind: .purge, tenantID: id, now: clock.now(), on: connection, logger: logger
                    ).count
                }
                if erased == 0 { break }
                done += erased
                progress?(slug, done, due)
            }
            result.append(CentreCount(slug: slug, erased: done, kept: kept, upcoming: 0))
        }
        return result
    }

    /// What `purge()` would erase today, and what comes within 30 days; changes nothing.
    public func dryRun() async throws -> [CentreCount] {
        let today = Day(clock.now())
        var result: [CentreCount] = []
        for (id, slug) in try await centres() {
            result.append(try await database.withTransaction(tenant: id, logger: logger) { connection in
                let (due, kept) = try await ErasureRepository.dueCounts(on: today, on: connection, logger: logger)
                let upcoming = try await ErasureRepository.upcomingCount(from: today, days: 30, on: connection, logger: logger)
                return CentreCount(slug: slug, erased: due, kept: kept, upcoming: upcoming)
            })
        }
        return result
    }
}
