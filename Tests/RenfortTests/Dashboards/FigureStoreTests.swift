import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// Figures kept between requests are served only while the centre's data is unchanged:
/// every change the figures read raises the centre's version when it commits (schema 0013).
@Suite struct FigureStoreTests {
    let logger = TestEnvironment.logger
    static let season = MetricsFilter(from: Day(iso: "2018-10-01")!, to: Day(iso: "2019-01-31")!)
    static let asOf = Day(iso: "2026-11-26")!
    /// A CDI of Cahors's season becomes a fixed-term contract of three months.
    static let oneCDILess: PostgresQuery = """
        UPDATE placements SET contract_kind = 'cdd', end_date = start_date + 90
        WHERE id = (SELECT id FROM placements WHERE contract_kind = 'cdi' AND start_date BETWEEN '2018-10-01' AND '2019-01-31' ORDER BY id LIMIT 1)
        """

    /// The figures' small world: Cahors with three CDIs of the 2018–2019 season in two
    /// businesses (and one hire of this year), Figeac with one; an observer of both
    /// (`observatrice@dreets.test`). Returns the two centres' memberships for the store.
    @discardableResult
    static func twoCentres(_ database: TestDatabase) async throws -> [Membership] {
        let make = Factory(database: database)
        let (cahors, adviser) = try await make.centre("cahors")
        let (figeac, figeacAdviser) = try await make.centre("figeac")
        let inn = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
        let garage = try await make.business(centre: cahors, name: "Garage du Lot", siret: "55210055400013")
        let cooks = try await make.need(centre: cahors, business: inn, positions: 2, start: Day(iso: "2018-10-15")!)
        let mechanics = try await make.need(centre: cahors, business: garage, title: "Mécanicien", positions: 2, start: Day(iso: "2019-01-07")!)
        for (number, (need, start)) in [(cooks, "2018-10-15"), (cooks, "2018-11-05"), (mechanics, "2019-01-07"), (mechanics, Day(Date()).adding(days: -30).iso)].enumerated() {
            let person = try await make.candidate(centre: cahors, firstName: "Personne\(number)", email: "personne\(number)@example.org")
            try await make.placement(centre: cahors, need: need, candidate: person, actor: adviser, start: Day(iso: start)!)
        }
        let sawmill = try await make.business(centre: figeac, name: "Scierie du Ségala")
        let sawyers = try await make.need(centre: figeac, business: sawmill, title: "Scieur", start: Day(iso: "2018-12-03")!)
        try await make.placement(centre: figeac, need: sawyers, candidate: try await make.candidate(centre: figeac), actor: figeacAdviser, start: Day(iso: "2018-12-03")!)
        try await make.observer("observatrice@dreets.test", centres: [cahors, figeac])
        return [
            Membership(centreID: cahors, centreSlug: "cahors", centreName: "Cahors", role: .observer, businessID: nil),
            Membership(centreID: figeac, centreSlug: "figeac", centreName: "Figeac", role: .observer, businessID: nil),
        ]
    }

    func versions(_ database: TestDatabase) async throws -> [String: Int64] {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                Dictionary(uniqueKeysWithValues: try await connection.all(
                    "SELECT c.slug, v.version FROM centre_versions v JOIN centres c ON c.id = v.centre_id", as: (String.self, Int64.self), logger: logger))
            }
        }
    }

    @Test func everyChangeTheFiguresReadRaisesTheCentresVersionOnceWhenItCommits() async throws {
        try await TestApp.run { _, database in
            let cahors = try await Self.twoCentres(database)[0].centreID
            // Each table the figures read has the deferred trigger, for inserts, updates and deletes;
            // and the tables the pool's ranking reads beside them (0251, `MatchStoreTests`).
            let triggers = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.all(
                        """
                        SELECT c.relname::text, t.tgdeferrable AND t.tginitdeferred, (t.tgtype & 28) = 28
                        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                        WHERE t.tgfoid = 'raise_centre_version'::regproc ORDER BY 1
                        """, as: (String.self, Bool.self, Bool.self), logger: logger)
                }
            }
            #expect(
                triggers.map(\.0) == [
                    "applications", "businesses", "candidate_availability", "candidate_jobs", "candidates", "check_ins", "job_needs", "placements",
                    "shared_post_members", "shared_posts",
                ])
            #expect(triggers.allSatisfy { $0.1 && $0.2 })

            let before = try await versions(database)
            #expect(before.keys.sorted() == ["cahors", "figeac"])
            for table in ["businesses", "candidates", "job_needs", "applications", "placements"] {
                let start = try await versions(database)
                try await database.asApp { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: logger) { connection in
                        // Two rows changed by two statements: still one raise, and not before the commit.
                        for _ in 0..<2 {
                            try await connection.execute(
                                PostgresQuery(unsafeSQL: "UPDATE \(table) SET tenant_id = tenant_id WHERE id IN (SELECT id FROM \(table) ORDER BY id LIMIT 2)"),
                                logger: logger)
                        }
                        #expect(try await versions(database) == start, "\(table): raised before the commit")
                    }
                }
                let after = try await versions(database)
                #expect(after["cahors"] == start["cahors"]! + 1, "\(table)")
                #expect(after["figeac"] == start["figeac"], "\(table): another centre raised")
            }
            // A transaction rolled back raises nothing.
            let start = try await versions(database)
            await #expect(throws: PSQLError.self) {
                try await database.asApp { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: logger) { connection in
                        try await connection.execute(Self.oneCDILess, logger: logger)
                        try await connection.execute("SELECT 1 / 0", logger: logger)
                    }
                }
            }
            #expect(try await versions(database) == start)
            // A new centre has its version from the start.
            _ = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.execute("INSERT INTO centres (slug, name, territory) VALUES ('gourdon', 'Gourdon', 'Bouriane')", logger: logger)
                }
            }
            #expect(try await versions(database)["gourdon"] == 0)
        }
    }

    @Test func keptFiguresAreServedOnlyWhileTheCentreIsUnchanged() async throws {
        try await TestApp.run { _, database in
            let centres = try await Self.twoCentres(database)
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let store = FigureStore(database: db)
                func metrics(_ filter: MetricsFilter = Self.season) async throws -> [CentreMetrics] {
                    try await store.figures(centres: centres, filter: filter, asOf: Self.asOf, logger: logger).map { CentreMetrics($0.figures, filter: filter) }
                }
                func fresh(_ filter: MetricsFilter = Self.season) async throws -> [CentreMetrics] {
                    var result: [CentreMetrics] = []
                    for centre in centres {
                        result.append(try await db.withTransaction(tenant: centre.centreID, logger: logger) { connection in
                            CentreMetrics(try await CentreFigures.compute(centre: centre.centreSlug, filter: filter, asOf: Self.asOf, on: connection, logger: logger).figures, filter: filter)
                        })
                    }
                    return result
                }

                let first = try await metrics()
                #expect(first.map(\.permanent_posts_created) == [3, 1])
                #expect(first == (try await fresh()))
                #expect(store.counts == (hits: 0, misses: 2))
                #expect(try await metrics() == first)
                #expect(store.counts == (hits: 2, misses: 2))

                // A change in Cahors: Cahors is computed again, Figeac is not.
                _ = try await db.withTransaction(tenant: centres[0].centreID, logger: logger) { connection in
                    try await connection.execute(Self.oneCDILess, logger: logger)
                }
                let second = try await metrics()
                #expect(store.counts == (hits: 3, misses: 3))
                #expect(second.map(\.permanent_posts_created) == [2, 1])
                #expect(second == (try await fresh()))

                // Another period, or another day of the figures, is another entry.
                let present = MetricsFilter(from: Day(iso: "2025-11-27")!, to: Self.asOf)
                #expect(try await metrics(present) == (try await fresh(present)))
                #expect(store.counts == (hits: 3, misses: 5))
                let later = try await store.figures(centres: centres, filter: Self.season, asOf: Self.asOf.adding(days: 1), logger: logger)
                #expect(later.count == 2)
                #expect(store.counts == (hits: 3, misses: 7))
            }
        }
    }

    @Test func theFiltersChoicesAreReadOncePerVersionWhateverThePeriod() async throws {
        try await TestApp.run { _, database in
            let cahors = try await Self.twoCentres(database)[0]
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let store = FigureStore(database: db)
                func businesses(_ filter: MetricsFilter) async throws -> [String] {
                    try await store.figures(centres: [cahors], filter: filter, asOf: Self.asOf, withChoices: true, logger: logger)[0].choices.businesses.map(\.1)
                }
                let present = MetricsFilter(from: Day(iso: "2025-11-27")!, to: Self.asOf)
                let first = try await businesses(Self.season)
                #expect(first.count == 2)
                // Another period: its figures are computed, the choices are those already read.
                #expect(try await businesses(present) == first)
                #expect(store.work.computations == 2)
                #expect(store.choicesRead == 1)
                // A business renamed: read again, and shown.
                _ = try await db.withTransaction(tenant: cahors.centreID, logger: logger) { connection in
                    try await connection.execute(
                        "UPDATE businesses SET name = 'AAA Renommée' WHERE id = (SELECT id FROM businesses WHERE status = 'member' ORDER BY id LIMIT 1)",
                        logger: logger)
                }
                let renamed = try await businesses(MetricsFilter(from: Day(iso: "2024-01-01")!, to: Self.asOf))
                #expect(store.choicesRead == 2)
                #expect(renamed.first == "AAA Renommée")
                #expect(renamed.count == 2)
            }
        }
    }

    @Test func theDashboardAndTheAPIShowAChangeAtTheNextRequest() async throws {
        try await TestApp.run { browser, database in
            let cahors = try await Self.twoCentres(database)[0].centreID
            try await browser.signIn("observatrice@dreets.test")
            func permanent() async throws -> Int? {
                let answer = try await browser.get("/api/v1/centres/cahors/metrics?from=2018-10-01&to=2019-01-31")
                let body = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any]
                return body?["permanent_posts_created"] as? Int
            }
            #expect(try await permanent() == 3)
            #expect(try await permanent() == 3)
            let page = try await browser.get("/c/cahors/tableau-de-bord?du=2018-10-01&au=2019-01-31")
            #expect(page.text.contains("<span class=\"tile__value\">3</span>"))
            _ = try await database.asApp { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: logger) { connection in
                    try await connection.execute(Self.oneCDILess, logger: logger)
                }
            }
            #expect(try await permanent() == 2)
            let again = try await browser.get("/c/cahors/tableau-de-bord?du=2018-10-01&au=2019-01-31")
            #expect(again.text.contains("<span class=\"tile__value\">2</span>"))
        }
    }
}

extension FigureStoreTests {
    @Test func requestsThatMissTogetherWaitForOneComputation() async throws {
        try await TestApp.run { _, database in
            let cahors = try await Self.twoCentres(database)[0]
            try await database.asApp { client in
                let store = FigureStore(database: Database(client: client, connectionWait: TestEnvironment.connectionWait))
                try await database.asOwner { owner in
                    try await owner.withConnection { blocker in
                        // The placements locked: the first computation waits, and the other requests arrive meanwhile.
                        try await blocker.execute("BEGIN", logger: logger)
                        try await blocker.execute("LOCK TABLE placements IN ACCESS EXCLUSIVE MODE", logger: logger)
                        try await withThrowingTaskGroup(of: Int.self) { group in
                            for _ in 0..<8 {
                                group.addTask {
                                    try await store.figures(centres: [cahors], filter: Self.season, asOf: Self.asOf, logger: logger)[0].figures.permanent
                                }
                            }
                            for _ in 0..<500 where store.work.joins < 7 { try await Task.sleep(for: .milliseconds(10)) }
                            #expect(store.work == (computations: 1, joins: 7))
                            try await blocker.execute("COMMIT", logger: logger)
                            for try await permanent in group { #expect(permanent == 3) }
                        }
                    }
                }
                #expect(store.work == (computations: 1, joins: 7))
                #expect(store.counts == (hits: 0, misses: 8))
            }
        }
    }
}

extension FigureStoreTests {
    /// The store's figures, computed in the centre's transaction on any connection of the
    /// pool, are those of the statement run by hand in that centre's transaction, for each
    /// centre and period, filtered or not; and nothing stays set on a connection afterwards.
    @Test func theStoresFiguresEqualTheReferenceAndLeaveNoScope() async throws {
        try await TestApp.run { _, database in
            let centres = try await Self.twoCentres(database)
            let periods = [
                Self.season, MetricsFilter(from: Day(iso: "2025-11-27")!, to: Self.asOf),
                MetricsFilter(from: Day(iso: "2016-11-27")!, to: Self.asOf), MetricsFilter(from: Day(iso: "2030-01-01")!, to: Day(iso: "2030-12-31")!),
                MetricsFilter(from: Day(iso: "2016-11-27")!, to: Self.asOf, contract: .cdi),
            ]
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let store = FigureStore(database: db)
                for centre in centres {
                    for period in periods {
                        let stored = try await store.figures(centres: [centre], filter: period, asOf: Self.asOf, logger: logger)[0].figures
                        let reference = try await db.withTransaction(tenant: centre.centreID, logger: logger) { connection in
                            try await CentreFigures.compute(centre: centre.centreSlug, filter: period, asOf: Self.asOf, on: connection, logger: logger).figures
                        }
                        #expect(CentreMetrics(stored, filter: period) == CentreMetrics(reference, filter: period), "\(centre.centreSlug) \(period)")
                        #expect(stored.residences == reference.residences)
                        #expect(stored.businesses.map(\.fillDays) == reference.businesses.map(\.fillDays))
                    }
                    // No centre stays set: every tenant table shows nothing to the next statement.
                    let (scope, rows) = try await client.withConnection { connection in
                        let scope = try await connection.value("SELECT current_setting('renfort.tenant_id', true)", as: String.self, logger: logger)
                        var rows: [Int] = []
                        for table in ["placements", "businesses", "job_needs", "applications", "candidates"] {
                            rows.append(try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self, logger: logger) ?? -1)
                        }
                        return (scope, rows)
                    }
                    #expect(scope ?? "" == "")
                    #expect(rows == [0, 0, 0, 0, 0])
                }
                #expect(try await store.figures(centres: [centres[0]], filter: Self.season, asOf: Self.asOf, logger: logger)[0].figures.permanent == 3)
            }
        }
    }
}

extension FigureStoreTests {
    /// An answer's bytes are kept while its centres' versions stay, encoded again after a
    /// change in any of them, and kept apart for another kind of answer.
    @Test func answersAreEncodedOncePerVersionOfTheirCentres() async throws {
        try await TestApp.run { _, database in
            let centres = try await Self.twoCentres(database)
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let store = FigureStore(database: db)
                func permanent(_ kind: String = "total") async throws -> String {
                    String(buffer: try await store.answer(kind, centres: centres, filter: Self.season, asOf: Self.asOf, logger: logger) {
                        ByteBuffer(string: String(Figures.sum($0).permanent))
                    })
                }
                #expect(try await permanent() == "4")
                #expect(try await permanent() == "4")
                #expect(store.answersEncoded == 1)
                #expect(try await permanent("another") == "4")
                #expect(store.answersEncoded == 2)
                _ = try await db.withTransaction(tenant: centres[0].centreID, logger: logger) { connection in
                    try await connection.execute(Self.oneCDILess, logger: logger)
                }
                #expect(try await permanent() == "3")
                #expect(store.answersEncoded == 3)
                #expect(try await permanent() == "3")
                #expect(store.answersEncoded == 3)
            }
        }
    }

    /// A page part is written once per version of its centre and kind, again after a change.
    @Test func pagePartsAreWrittenOncePerVersionOfTheirCentre() async throws {
        try await TestApp.run { _, database in
            let centres = try await Self.twoCentres(database)
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let store = FigureStore(database: db)
                func part(_ kind: String = "tables") async throws -> String {
                    let (figures, _, version) = try await store.figures(centre: centres[0], filter: Self.season, asOf: Self.asOf, withChoices: false, logger: logger)
                    if let kept = store.keptMarkup(kind, centre: centres[0].centreID, filter: Self.season, asOf: Self.asOf, version: version) { return kept }
                    let text = "<td>\(figures.permanent)</td>"
                    store.keep(markup: text, kind, centre: centres[0].centreID, filter: Self.season, asOf: Self.asOf, version: version)
                    return text
                }
                let first = try await part()
                #expect(try await part() == first)
                #expect(store.markupsWritten == 1)
                #expect(try await part("tables for an adviser") == first)
                #expect(store.markupsWritten == 2)
                _ = try await db.withTransaction(tenant: centres[0].centreID, logger: logger) { connection in
                    try await connection.execute(Self.oneCDILess, logger: logger)
                }
                let after = try await part()
                #expect(after != first)
                #expect(store.markupsWritten == 3)
                #expect(try await part() == after)
                #expect(store.markupsWritten == 3)
            }
        }
    }
}
