import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Where read-only traffic goes: the observers' dashboards, the CSV exports and the API read
/// from a streaming replica (`DATABASE_REPLICA_URL`) while it answers and is no further behind
/// the primary than `maxLag`; otherwise from the primary, which the log and the metrics say.
/// Everything that writes, and everything an adviser or employer reads after writing, uses
/// the primary (`AppServices.database`) and never comes here.
final class ReadReplicas: Sendable {
    /// Where one read goes, and how current it is: `asOf` is nil on the primary (current by
    /// definition), else the time up to which the replica has replayed the primary's changes.
    struct Reading: Sendable {
        let database: Database
        let asOf: Date?
        let replica: String?
    }

    struct Replica: Sendable {
        let name: String
        let database: Database
    }

    /// What a probe of a replica found.
    struct Probe: Sendable, Equatable {
        let checkedAt: Date
        /// nil: the replica did not answer in time.
        let asOf: Date?
        let lag: TimeInterval?
    }

    let primary: Database
    let replicas: [Replica]
    let maxLag: TimeInterval
    /// How long a probe's result is used before the replica is asked again.
    let probeInterval: TimeInterval
    /// How long a probe may take (a frozen replica must not hold the page).
    let probeTimeout: Duration
    let clock: any AppClock
    private let probes: NIOLockedValueBox<[String: Probe]>
    private let lastSource = NIOLockedValueBox<String?>(nil)

    init(
        primary: Database, replicas: [Replica], maxLag: TimeInterval, clock: any AppClock, probeInterval: TimeInterval = 1,
        probeTimeout: Duration = .milliseconds(500)
    ) {
        self.primary = primary
        self.replicas = replicas
        self.maxLag = maxLag
        self.clock = clock
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
        self.probes = NIOLockedValueBox([:])
    }

    /// The replica's state in one statement: whether it is a standby, whether it has replayed
    /// all it received, the last replayed commit's time, and its clock.
    enum ReplicaState: StatementText {
        static let sql = """
            SELECT pg_is_in_recovery(), coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
                pg_last_xact_replay_timestamp(), now()
            """
    }

    /// How current a replica is, from its state. A standby that has replayed everything it
    /// received is current as of now (an idle primary sends no new commit to date it by);
    /// one still replaying is as current as its last replayed commit. A server that is not a
    /// standby (a promoted replica) is current.
    static func currency(inRecovery: Bool, caughtUp: Bool, replayedAt: Date?, now: Date) -> (asOf: Date, lag: TimeInterval)? {
        if !inRecovery || caughtUp { return (now, 0) }
        guard let replayedAt else { return nil }
        return (replayedAt, max(0, now.timeIntervalSince(replayedAt)))
    }

    private func probe(_ replica: Replica, logger: Logger) async -> Probe {
        let now = clock.now()
        let found = await Deadline.value(within: probeTimeout) { [replica] () -> (asOf: Date, lag: TimeInterval)? in
            do {
                guard let (inRecovery, caughtUp, replayedAt, serverNow) = try await replica.database.withConnection(logger: logger, { connection in
                    try await connection.first(Prepared<ReplicaState>(), as: (Bool.self, Bool.self, Date?.self, Date.self), logger: logger)
                }) else { return nil }
                return Self.currency(inRecovery: inRecovery, caughtUp: caughtUp, replayedAt: replayedAt, now: serverNow)
            } catch {
                return nil
            }
        } ?? nil
        return Probe(checkedAt: now, asOf: found?.asOf, lag: found?.lag)
    }

    /// Where the next read-only request goes: the first replica that answers and is within
    /// `maxLag`, else the primary.
    func reading(logger: Logger) async -> Reading {
        var reasons: [String] = []
        for replica in replicas {
            let now = clock.now()
            var probe = probes.withLockedValue { $0[replica.name] }
            if probe == nil || now.timeIntervalSince(probe!.checkedAt) >= probeInterval {
                let fresh = await self.probe(replica, logger: logger)
                probes.withLockedValue { $0[replica.name] = fresh }
                probe = fresh
                if let lag = fresh.lag { AppMetrics.replicaLag.set(lag) }
            }
            if let probe, let asOf = probe.asOf, let lag = probe.lag, lag <= maxLag {
                switched(to: replica.name, logger: logger, reason: nil)
                AppMetrics.replicaReads.increment()
                return Reading(database: replica.database, asOf: asOf, replica: replica.name)
            }
            reasons.append(
                probe?.lag.map { "\(replica.name) is \(Int($0)) s behind (more than \(Int(maxLag)) s)" } ?? "\(replica.name) does not answer")
        }
        if !replicas.isEmpty {
            switched(to: "primary", logger: logger, reason: reasons.joined(separator: "; "))
            AppMetrics.replicaFallbacks.increment()
        }
        return Reading(database: primary, asOf: nil, replica: nil)
    }

    /// Runs `body` where read-only traffic goes; if the replica fails under it (gone or
    /// frozen since its probe, or a query cancelled by its replay), once more on the primary.
    /// With `replica` false, on the primary (a page of someone who may just have written).
    func read<Result: Sendable>(replica: Bool = true, logger: Logger, _ body: (Reading) async throws -> Result) async throws -> Result {
        let reading = replica ? await reading(logger: logger) : Reading(database: primary, asOf: nil, replica: nil)
        guard let name = reading.replica else { return try await body(reading) }
        do {
            return try await body(reading)
        } catch let error where error is DatabaseUnavailable || error is PSQLError {
            probes.withLockedValue { $0[name] = Probe(checkedAt: clock.now(), asOf: nil, lag: nil) }
            switched(to: "primary", logger: logger, reason: "\(name) failed: \(String(reflecting: error))")
            AppMetrics.replicaFallbacks.increment()
            return try await body(Reading(database: primary, asOf: nil, replica: nil))
        }
    }

    /// Logs when reads move from a replica to the primary or back, once per move.
    private func switched(to source: String, logger: Logger, reason: String?) {
        let previous = lastSource.withLockedValue { last -> String? in
            defer { last = source }
            return last
        }
        guard previous != source else { return }
        if let reason {
            logger.warning("read-only requests go to the primary", metadata: ["reason": "\(reason)"])
        } else if previous != nil {
            logger.notice("read-only requests go to the replica again", metadata: ["replica": "\(source)"])
        }
    }
}

extension ReadReplicas.Reading {
    /// "Données à jour au 1er décembre à 08:02" for a page served from a replica; nil on the primary.
    var freshness: String? {
        asOf.map { "Données à jour au \(Formats.day($0)) à \(Formats.time($0))" }
    }
}
