import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// The pool's ranking for each need, kept beside the centre's version (`centre_versions`,
/// schema 0013, raised by the commit of any change the ranking reads — 0251 adds the
/// candidates' jobs and windows and the check-ins) read *before* ranking, and served again only
/// while that version has not moved: a ranking shown is never older than the data. Ranking a
/// family of 14 000 candidates among 100 000 costs about 80 ms of the database; a kept one, the
/// version's read. The first view after any change of the centre ranks again.
final class MatchStore: Sendable {
    struct Key: Hashable {
        let tenant: Int64
        let need: Int64
    }

    private struct Entry {
        let version: Int64
        let matches: [PoolMatch]
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var uses: UInt64 = 0
        var rankings = 0
        /// Needs being ranked, and the requests waiting for that ranking rather than ranking
        /// the same need again (the first seconds after a change: one ranking, not sixteen).
        var running: [Key: [CheckedContinuation<Void, Never>]] = [:]
    }

    /// How many needs' rankings are kept; the least recently used go first.
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// How many rankings were computed (not served kept), for tests.
    var rankings: Int { state.withLockedValue { $0.rankings } }

    /// The matches of need `needID` of centre `tenant` (ROME `code`), in the caller's
    /// transaction: kept, or ranked and kept.
    func matches(needID: Int64, code: String, tenant: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [PoolMatch] {
        let key = Key(tenant: tenant, need: needID)
        let version = try await connection.values("SELECT version FROM centre_versions WHERE centre_id = \(tenant)", as: Int64.self, logger: logger).first
        func kept() -> [PoolMatch]? {
            guard let version else { return nil }
            return state.withLockedValue { state -> [PoolMatch]? in
                guard let entry = state.entries[key], entry.version == version else { return nil }
                state.uses += 1
                state.entries[key]?.lastUse = state.uses
                return entry.matches
            }
        }
        if let found = kept() {
            AppMetrics.matchesKept.increment()
            return found
        }
        // Another request ranking this need: wait for it, then take what it kept.
        let waits = state.withLockedValue { state -> Bool in
            if state.running[key] != nil { return true }
            state.running[key] = []
            return false
        }
        if waits {
            await withCheckedContinuation { waiter in
                let resumeNow = state.withLockedValue { state -> Bool in
                    guard state.running[key] != nil else { return true }
                    state.running[key]?.append(waiter)
                    return false
                }
                if resumeNow { waiter.resume() }
            }
            if let found = kept() {
                AppMetrics.matchesKept.increment()
                return found
            }
        }
        defer {
            if !waits {
                let waiting = state.withLockedValue { $0.running.removeValue(forKey: key) ?? [] }
                for waiter in waiting { waiter.resume() }
            }
        }
        let ranked = try await Matching.matches(needID: needID, code: code, on: connection, logger: logger)
        AppMetrics.matchesRanked.increment()
        state.withLockedValue { state in
            state.rankings += 1
            guard let version else { return }
            state.uses += 1
            state.entries[key] = Entry(version: version, matches: ranked, lastUse: state.uses)
            if state.entries.count > capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
        }
        return ranked
    }
}
