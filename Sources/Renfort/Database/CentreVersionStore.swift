import Logging
import Metrics
import NIOConcurrencyHelpers
import PostgresNIO

/// What a page computes from a centre's data, kept beside the centre's version
/// (`centre_versions`, schema 0013: raised by the commit of any change of the centre's
/// candidates, businesses, needs, applications, placements and what 0251 and 0261 add) read
/// *before* computing, and served again only while that version has not moved: a value shown is
/// never older than the data. The first request after any change of the centre computes again;
/// requests arriving while one computes wait for it (one computation, not sixteen). The least
/// recently used go first once more than `capacity` are kept.
final class CentreVersionStore<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Hashable {
        let tenant: Int64
        let key: Key
    }

    private struct Entry {
        let version: Int64
        let value: Value
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Slot: Entry] = [:]
        var uses: UInt64 = 0
        var computations = 0
        var running: [Slot: [CheckedContinuation<Void, Never>]] = [:]
    }

    let capacity: Int
    private let servedKept: Counter
    private let computed: Counter
    private let state = NIOLockedValueBox(State())

    /// `servedKept` and `computed` count the two ways a value is given (`/metrics`).
    init(capacity: Int, servedKept: Counter, computed: Counter) {
        self.capacity = capacity
        self.servedKept = servedKept
        self.computed = computed
    }

    /// How many values were computed (not served kept), for tests.
    var computations: Int { state.withLockedValue { $0.computations } }

    /// `key`'s value in centre `tenant`, in the caller's transaction: kept, or `compute`d (on the
    /// same connection) and kept.
    func value(
        for key: Key, tenant: Int64, on connection: PostgresConnection, logger: Logger, compute: () async throws -> Value
    ) async throws -> Value {
        let slot = Slot(tenant: tenant, key: key)
        var binds = PostgresBindings()
        binds.append([tenant])
        let versions = try await connection.all(Prepared<CentreVersions>(binds), as: (Int64.self, Int64.self), logger: logger)
        let version = versions.first?.1
        func kept() -> Value? {
            guard let version else { return nil }
            return state.withLockedValue { state -> Value? in
                guard let entry = state.entries[slot], entry.version == version else { return nil }
                state.uses += 1
                state.entries[slot]?.lastUse = state.uses
                return entry.value
            }
        }
        if let found = kept() {
            servedKept.increment()
            return found
        }
        // Another request computing this value: wait for it, then take what it kept.
        let waits = state.withLockedValue { state -> Bool in
            if state.running[slot] != nil { return true }
            state.running[slot] = []
            return false
        }
        if waits {
            await withCheckedContinuation { waiter in
                let resumeNow = state.withLockedValue { state -> Bool in
                    guard state.running[slot] != nil else { return true }
                    state.running[slot]?.append(waiter)
                    return false
                }
                if resumeNow { waiter.resume() }
            }
            if let found = kept() {
                servedKept.increment()
                return found
            }
        }
        defer {
            if !waits {
                let waiting = state.withLockedValue { $0.running.removeValue(forKey: slot) ?? [] }
                for waiter in waiting { waiter.resume() }
            }
        }
        let value = try await compute()
        computed.increment()
        let dropped = state.withLockedValue { state -> [Entry] in
            state.computations += 1
            guard let version else { return [] }
            state.uses += 1
            state.entries[slot] = Entry(version: version, value: value, lastUse: state.uses)
            return state.entries.trimLeastRecentlyUsed(capacity: capacity) { $0.lastUse }
        }
        _ = dropped
        return value
    }
}

/// The versions of some centres (none for a centre that never changed).
enum CentreVersions: StatementText {
    static let sql = "SELECT centre_id, version FROM centre_versions WHERE centre_id = ANY($1)"
}

extension Dictionary {
    /// Once it holds more than `capacity`, drops its least recently used quarter at once (so
    /// eviction stays rare; one at least) and returns it, to be freed after the lock is released.
    mutating func trimLeastRecentlyUsed(capacity: Int, lastUse: (Value) -> UInt64) -> [Value] {
        guard count > capacity else { return [] }
        let keys = sorted { lastUse($0.value) < lastUse($1.value) }.prefix(Swift.max(1, capacity / 4)).map(\.key)
        return keys.compactMap { removeValue(forKey: $0) }
    }
}
