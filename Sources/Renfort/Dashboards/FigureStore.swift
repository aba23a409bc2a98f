import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The choices of a dashboard's filters: the centre's member businesses (SIRET, name), its
/// sectors (NAF sections) and communes (INSEE code, name).
struct FigureChoices: Sendable {
    var businesses: [(String, String)] = []
    var sectors: [String] = []
    var communes: [(String, String)] = []
}

/// Where every page, export and API answer gets a centre's figures. Computing them costs a
/// few milliseconds of the database per centre; an observer's home asks for all their
/// centres at once. The store keeps what it computed beside the centre's version
/// (`centre_versions`, schema 0013: raised by the commit of any change the figures read)
/// that it read *before* computing, and serves it again only while the version is still
/// that one. A figure shown is therefore never older than the data, as if computed afresh;
/// the first request after a change computes again.
final class FigureStore: Sendable {
    struct Key: Hashable {
        let tenant: Int64
        let filter: MetricsFilter
        let asOf: Day
    }

    struct Entry {
        let version: Int64
        let figures: Figures
        let choices: FigureChoices?
        var lastUse: UInt64
    }

    /// A computation under way: requests that miss the same key meanwhile wait for it
    /// rather than compute the same figures again (a burst of identical requests, or the
    /// first minutes after a change, computes once).
    typealias Computation = Task<(version: Int64?, figures: Figures, choices: FigureChoices?), any Error>

    struct State {
        var entries: [Key: Entry] = [:]
        var running: [Key: Computation] = [:]
        var uses: UInt64 = 0
        var hits = 0
        var misses = 0
        var computations = 0
        var joins = 0
        /// The filters' choices of each centre at a version: they depend on the centre's
        /// businesses only, not on the period or the filter (another period would read them
        /// again: a tenth of a dashboard's computation).
        var choices: [Int64: (version: Int64, choices: FigureChoices)] = [:]
        var choicesRead = 0
        var answers: [AnswerKey: Answer] = [:]
        var answersEncoded = 0
        var markups: [AnswerKey: Markup] = [:]
        var markupsWritten = 0
    }

    /// A part of a page written from one centre's figures (a dashboard's tables) and the
    /// version they were read at.
    struct Markup {
        let version: Int64
        let text: String
        var lastUse: UInt64
    }

    /// An answer made of the figures of some centres (the API's JSON): its kind and whatever
    /// else it shows (the caller's role in each centre), the centres, the filter and the day.
    struct AnswerKey: Hashable {
        let kind: String
        let tenants: [Int64]
        let filter: MetricsFilter
        let asOf: Day
    }

    /// An answer's encoded bytes and the versions of its centres they were encoded at.
    struct Answer {
        let versions: [Int64]
        let bytes: ByteBuffer
        var lastUse: UInt64
    }

    let database: Database
    /// How many (centre, filter, day) figures are kept; the least recently used go first.
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    /// How many centres are computed at once, whatever the number of requests (`FairLimiter`).
    let computing: FairLimiter

    init(database: Database, capacity: Int = 512, concurrentComputations: Int = 2) {
        self.database = database
        self.capacity = capacity
        self.computing = FairLimiter(limit: concurrentComputations)
    }

    /// Centres served from memory and not, for tests.
    var counts: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }
    /// Centres computed, and misses that waited for a computation under way, for tests.
    var work: (computations: Int, joins: Int) { state.withLockedValue { ($0.computations, $0.joins) } }
    /// How many times the filters' choices were read from the database, for tests.
    var choicesRead: Int { state.withLockedValue { $0.choicesRead } }
    /// How many answers were encoded (not served from memory), for tests.
    var answersEncoded: Int { state.withLockedValue { $0.answersEncoded } }
    /// How many page parts were kept (written, not served from memory), for tests.
    var markupsWritten: Int { state.withLockedValue { $0.markupsWritten } }

    /// One centre's figures and choices, with the centre's version read before them (nil
    /// when the centre never changed): what its dashboard's kept markup is keyed by.
    func figures(
        centre: Membership, filter: MetricsFilter, asOf: Day, withChoices: Bool, on source: Database? = nil, logger: Logger
    ) async throws -> (figures: Figures, choices: FigureChoices, version: Int64?) {
        let database = source ?? self.database
        let versions = try await versions(of: [centre], on: database, logger: logger)
        let (figures, choices) = try await figures(
            centres: [centre], versions: versions, filter: filter, asOf: asOf, withChoices: withChoices, on: database, logger: logger)[0]
        return (figures, choices, versions[centre.centreID])
    }

    /// A part of a page written from a centre's figures and what else raises its centre's
    /// version (`kind` says which part, with all else it shows: the role, the sort, the page's
    /// address), kept from a request that read the same `version`. A dashboard's ten tables
    /// were most of the server's time for a page whose figures were kept, and the shared
    /// posts they show a statement planned at each request.
    func keptMarkup(_ kind: String, centre: Int64, filter: MetricsFilter, asOf: Day, version: Int64?) -> String? {
        guard let version else { return nil }
        let key = AnswerKey(kind: kind, tenants: [centre], filter: filter, asOf: asOf)
        return state.withLockedValue { state -> String? in
            guard var markup = state.markups[key], markup.version == version else { return nil }
            state.uses += 1
            markup.lastUse = state.uses
            state.markups[key] = markup
            return markup.text
        }
    }

    /// Keeps `text` written at `version` (none: a centre that never changed keeps nothing).
    func keep(markup text: String, _ kind: String, centre: Int64, filter: MetricsFilter, asOf: Day, version: Int64?) {
        guard let version else { return }
        let key = AnswerKey(kind: kind, tenants: [centre], filter: filter, asOf: asOf)
        let dropped = state.withLockedValue { state -> [Markup] in
            state.markupsWritten += 1
            // Never replace the text of a later version by that of an earlier one.
            if let current = state.markups[key], current.version > version { return [] }
            state.uses += 1
            state.markups[key] = Markup(version: version, text: text, lastUse: state.uses)
            return state.markups.trimLeastRecentlyUsed(capacity: capacity) { $0.lastUse }
        }
        _ = dropped
    }

    /// The versions of `centres` (none for a centre that never changed), in one statement.
    private func versions(of centres: [Membership], on database: Database, logger: Logger) async throws -> [Int64: Int64] {
        var binds = PostgresBindings()
        binds.append(centres.map(\.centreID))
        return try await database.withConnection(logger: logger) { [binds] connection in
            Dictionary(
                try await connection.all(Prepared<CentreVersions>(binds), as: (Int64.self, Int64.self), logger: logger),
                uniquingKeysWith: { a, _ in a })
        }
    }

    /// The figures of `centres` for `filter` on `asOf`, in the order given, with the filters'
    /// choices when `withChoices`. Centres whose version changed are computed, side by side,
    /// each in its own transaction (row-level security scopes every statement to it).
    func figures(
        centres: [Membership], filter: MetricsFilter, asOf: Day, withChoices: Bool = false, on source: Database? = nil, logger: Logger
    ) async throws -> [(figures: Figures, choices: FigureChoices)] {
        let database = source ?? self.database
        return try await figures(
            centres: centres, versions: try await versions(of: centres, on: database, logger: logger), filter: filter, asOf: asOf,
            withChoices: withChoices, on: database, logger: logger)
    }

    private func figures(
        centres: [Membership], versions: [Int64: Int64], filter: MetricsFilter, asOf: Day, withChoices: Bool, on database: Database,
        logger: Logger
    ) async throws -> [(figures: Figures, choices: FigureChoices)] {
        var results = [(figures: Figures, choices: FigureChoices)?](repeating: nil, count: centres.count)
        var missing: [Int] = []
        state.withLockedValue { state in
            for (index, centre) in centres.enumerated() {
                let key = Key(tenant: centre.centreID, filter: filter, asOf: asOf)
                if let version = versions[centre.centreID], var entry = state.entries[key], entry.version == version,
                    !withChoices || entry.choices != nil
                {
                    state.uses += 1
                    entry.lastUse = state.uses
                    state.entries[key] = entry
                    state.hits += 1
                    AppMetrics.figureCacheHits.increment()
                    results[index] = (entry.figures, entry.choices ?? FigureChoices())
                } else {
                    state.misses += 1
                    AppMetrics.figureCacheMisses.increment()
                    missing.append(index)
                }
            }
        }
        if missing.count == 1, let index = missing.first {
            results[index] = try await obtain(
                centre: centres[index], version: versions[centres[index].centreID], filter: filter, asOf: asOf, withChoices: withChoices,
                on: database, logger: logger)
        } else if !missing.isEmpty {
            try await withThrowingTaskGroup(of: (Int, (Figures, FigureChoices)).self) { group in
                for index in missing {
                    group.addTask {
                        let centre = centres[index]
                        return (index, try await self.obtain(
                            centre: centre, version: versions[centre.centreID], filter: filter, asOf: asOf, withChoices: withChoices, on: database,
                            logger: logger))
                    }
                }
                for try await (index, result) in group { results[index] = result }
            }
        }
        return results.compactMap { $0 }
    }

    /// The figures of `centres` for `filter` on `asOf`, in the order given: what the
    /// observer's home, its exports and the API's answers show.
    func figures(of centres: [Membership], filter: MetricsFilter, asOf: Day, on source: Database? = nil, logger: Logger) async throws -> [Figures] {
        try await figures(centres: centres, filter: filter, asOf: asOf, on: source, logger: logger).map(\.figures)
    }

    /// An answer of the figures of `centres` (`kind` says which, with anything else it
    /// shows), encoded by `encode` from their figures, or its bytes kept from a previous
    /// request while none of the centres' versions has moved since (read before the figures:
    /// the bytes are never older than the data). Encoding the API's answer for five centres
    /// (600 KB) took longer than serving their kept figures.
    func answer(
        _ kind: String, centres: [Membership], filter: MetricsFilter, asOf: Day, on source: Database? = nil, logger: Logger,
        encode: ([Figures]) throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        let database = source ?? self.database
        let versions = try await versions(of: centres, on: database, logger: logger)
        let key = AnswerKey(kind: kind, tenants: centres.map(\.centreID), filter: filter, asOf: asOf)
        let read = centres.compactMap { versions[$0.centreID] }
        let complete = read.count == centres.count
        let kept = state.withLockedValue { state -> ByteBuffer? in
            guard complete, var answer = state.answers[key], answer.versions == read else { return nil }
            state.uses += 1
            answer.lastUse = state.uses
            state.answers[key] = answer
            return answer.bytes
        }
        if let kept { return kept }
        let figures = try await figures(
            centres: centres, versions: versions, filter: filter, asOf: asOf, withChoices: false, on: database, logger: logger)
        let bytes = try encode(figures.map(\.figures))
        let dropped = state.withLockedValue { state -> [Answer] in
            state.answersEncoded += 1
            guard complete else { return [] }
            // Never replace the bytes of later versions by those of earlier ones.
            if let current = state.answers[key], current.versions != read, zip(current.versions, read).allSatisfy({ $0 >= $1 }) { return [] }
            state.uses += 1
            state.answers[key] = Answer(versions: read, bytes: bytes, lastUse: state.uses)
            return state.answers.trimLeastRecentlyUsed(capacity: capacity) { $0.lastUse }
        }
        _ = dropped
        return bytes
    }

    /// One centre's figures: those of a computation already under way for the same key if it
    /// read a version at least as recent as `version` (the one this request read), else
    /// computed here.
    private func obtain(
        centre: Membership, version: Int64?, filter: MetricsFilter, asOf: Day, withChoices: Bool, on database: Database, logger: Logger
    ) async throws -> (Figures, FigureChoices) {
        let key = Key(tenant: centre.centreID, filter: filter, asOf: asOf)
        let (computation, joined) = state.withLockedValue { state -> (Computation, Bool) in
            if let running = state.running[key] {
                state.joins += 1
                return (running, true)
            }
            let computation = Computation {
                defer { _ = self.state.withLockedValue { $0.running.removeValue(forKey: key) } }
                return try await self.compute(centre: centre, filter: filter, asOf: asOf, withChoices: withChoices, on: database, logger: logger)
            }
            state.running[key] = computation
            return (computation, false)
        }
        if joined {
            if let result = try? await computation.value, let theirs = result.version, let version, theirs >= version,
                !withChoices || result.choices != nil
            {
                return (result.figures, result.choices ?? FigureChoices())
            }
            let result = try await compute(centre: centre, filter: filter, asOf: asOf, withChoices: withChoices, on: database, logger: logger)
            return (result.figures, result.choices ?? FigureChoices())
        }
        let result = try await computation.value
        return (result.figures, result.choices ?? FigureChoices())
    }

    /// One centre's figures computed in its transaction, with the version read in the same
    /// statement, hence the same snapshot: the figures kept include every change up to it
    /// and none after (a change committed meanwhile raised the version beyond it, and the
    /// next request computes again).
    private func compute(
        centre: Membership, filter: MetricsFilter, asOf: Day, withChoices: Bool, on database: Database, logger: Logger
    ) async throws -> (version: Int64?, figures: Figures, choices: FigureChoices?) {
        let (version, figures, choices) = try await computing.run {
            try await computeNow(centre: centre, filter: filter, asOf: asOf, withChoices: withChoices, on: database, logger: logger)
        }
        if let version { keep(Key(tenant: centre.centreID, filter: filter, asOf: asOf), version: version, figures: figures, choices: choices) }
        return (version, figures, choices)
    }

    private func computeNow(
        centre: Membership, filter: MetricsFilter, asOf: Day, withChoices: Bool, on database: Database, logger: Logger
    ) async throws -> (version: Int64?, figures: Figures, choices: FigureChoices?) {
        state.withLockedValue { $0.computations += 1 }
        AppMetrics.figureComputations.increment()
        let tenant = centre.centreID
        func keptChoices(_ version: Int64?) -> FigureChoices? {
            guard let version, let kept = state.withLockedValue({ $0.choices[tenant] }), kept.version == version else { return nil }
            return kept.choices
        }
        func readChoices(_ version: Int64?, on connection: PostgresConnection) async throws -> FigureChoices {
            let choices = try await CentreFigures.choices(on: connection, logger: logger)
            state.withLockedValue { state in
                state.choicesRead += 1
                if let version, (state.choices[tenant]?.version ?? .min) <= version { state.choices[tenant] = (version, choices) }
            }
            return choices
        }
        return try await database.withTransaction(tenant: tenant, logger: logger) { connection -> (Int64?, Figures, FigureChoices?) in
            let (version, figures) = try await CentreFigures.compute(centre: centre.centreSlug, filter: filter, asOf: asOf, on: connection, logger: logger)
            guard withChoices else { return (version, figures, nil) }
            if let kept = keptChoices(version) { return (version, figures, kept) }
            return (version, figures, try await readChoices(version, on: connection))
        }
    }

    private func keep(_ key: Key, version: Int64, figures: Figures, choices: FigureChoices?) {
        // The figures dropped are freed after the lock is released, not under it: a quarter
        // of the store is thousands of business lines, and every request waits for the lock.
        let dropped = state.withLockedValue { state -> [Entry] in
            // Never replace figures of a later version by those of an earlier one.
            if let current = state.entries[key], current.version > version { return [] }
            state.uses += 1
            let replaced = state.entries.updateValue(Entry(version: version, figures: figures, choices: choices, lastUse: state.uses), forKey: key)
            return state.entries.trimLeastRecentlyUsed(capacity: capacity) { $0.lastUse } + (replaced.map { [$0] } ?? [])
        }
        _ = dropped
    }
}
