import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Renfort

/// Read-only traffic on a replica, and back on the primary when the replica is away or too
/// far behind. A real streaming replica is exercised by `make cluster-test`; here the
/// "replica" is the test database itself (a server that is not a standby is current), a port
/// where nothing listens, or a proxy that freezes.
@Suite struct ReadReplicasTests {
    let logger = TestEnvironment.logger

    @Test func aReplicaIsAsCurrentAsWhatItHasReplayed() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let replayed = now.addingTimeInterval(-42)
        // A promoted replica, or a primary given as a replica: current.
        #expect(ReadReplicas.currency(inRecovery: false, caughtUp: false, replayedAt: nil, now: now)! == (now, 0))
        // A standby that has replayed all it received: current now, even if the last commit is old.
        #expect(ReadReplicas.currency(inRecovery: true, caughtUp: true, replayedAt: replayed, now: now)! == (now, 0))
        // Still replaying: as of its last replayed commit.
        #expect(ReadReplicas.currency(inRecovery: true, caughtUp: false, replayedAt: replayed, now: now)! == (replayed, 42))
        // Nothing replayed yet and behind: unknown, not used.
        #expect(ReadReplicas.currency(inRecovery: true, caughtUp: false, replayedAt: nil, now: now) == nil)
    }

    /// A centre with one placement, its adviser and an observer; the browser signed in as the observer.
    private func observedCentre(_ browser: Browser, _ database: TestDatabase) async throws -> Int64 {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("cahors")
        let business = try await make.business(centre: centre)
        let need = try await make.need(centre: centre, business: business)
        let candidate = try await make.candidate(centre: centre)
        _ = try await make.placement(centre: centre, need: need, candidate: candidate, actor: adviser)
        try await make.observer(centres: [centre])
        #expect(try await browser.signIn("observatrice@dreets.test").status == .seeOther)
        return centre
    }

    @Test func observersDashboardsExportsAndTheAPIReadTheReplicaAndSaySo() async throws {
        try await TestApp.run(configure: {
            $0.replicaURLs = [$0.databaseURL]
            // A loaded machine may take more than half a second for the replica's first connection.
            $0.replicaProbeTimeout = .seconds(20)
        }) { browser, database in
            _ = try await observedCentre(browser, database)
            let home = try await browser.get("/observateur")
            #expect(home.status == .ok)
            #expect(home.text.contains("<p class=\"freshness\">Données à jour au "))
            let centre = try await browser.get("/c/cahors/tableau-de-bord")
            #expect(centre.text.contains("Données à jour au "))
            let csv = try await browser.get("/observateur/export/centres")
            #expect(csv.text.contains("Données;Données à jour au "))
            let contracts = try await browser.get("/c/cahors/tableau-de-bord/contrats")
            #expect(contracts.text.contains("Données;Données à jour au "))
            let api = try await browser.get("/api/v1/metrics")
            #expect(api.status == .ok)
            #expect(api.headers[.renfortDataAsOf].map { (try? Date($0, strategy: .iso8601)) != nil } == true)
        }
    }

    @Test func anAdvisersPagesReadThePrimary() async throws {
        try await TestApp.run(configure: {
            $0.replicaURLs = [$0.databaseURL]
            // A loaded machine may take more than half a second for the replica's first connection.
            $0.replicaProbeTimeout = .seconds(20)
        }) { browser, database in
            let make = Factory(database: database)
            _ = try await make.centre("cahors")
            #expect(try await browser.signIn("conseil@cahors.test").status == .seeOther)
            let page = try await browser.get("/c/cahors/tableau-de-bord")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Données à jour au"))
            // An export may come from the replica, and then says so.
            let csv = try await browser.get("/c/cahors/tableau-de-bord/export/indicateurs")
            #expect(csv.status == .ok)
            #expect(csv.text.contains("Données;Données à jour au "))
        }
    }

    @Test func aReplicaThatDoesNotAnswerLeavesTheReadsToThePrimary() async throws {
        try await TestApp.run(configure: {
            var away = $0.databaseURL
            away.port = try! Loopback.freePort()
            $0.replicaURLs = [away]
        }) { browser, database in
            _ = try await observedCentre(browser, database)
            let home = try await browser.get("/observateur")
            #expect(home.status == .ok)
            #expect(!home.text.contains("Données à jour au"))
            #expect(home.text.contains("Vos centres côte à côte"))
            let api = try await browser.get("/api/v1/metrics")
            #expect(api.status == .ok)
            #expect(api.headers[.renfortDataAsOf] == nil)
        }
    }

    @Test func aFrozenOrLaggingReplicaIsLeftForThePrimaryWithinItsProbeTime() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let proxy = try DatabaseProxy(to: database.appURL)
                defer { proxy.close() }
                let frozenClient = PostgresClient(configuration: proxy.proxied(database.appURL).clientConfiguration(maximumConnections: 2))
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await frozenClient.run() }
                    defer { group.cancelAll() }
                    let primary = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                    let replica = ReadReplicas.Replica(name: "replica", database: Database(client: frozenClient, connectionWait: .seconds(20)))
                    let clock = ManualClock()
                    // Half a second for a probe, once the replica has answered a first, patient one.
                    let warm = ReadReplicas(primary: primary, replicas: [replica], maxLag: 30, clock: clock, probeTimeout: .seconds(20))
                    #expect(await warm.reading(logger: logger).replica == "replica")
                    let reads = ReadReplicas(primary: primary, replicas: [replica], maxLag: 30, clock: clock)
                    proxy.freeze()
                    clock.advance(by: 2)
                    let started = ContinuousClock.now
                    let reading = await reads.reading(logger: logger)
                    #expect(reading.replica == nil)
                    #expect(reading.asOf == nil)
                    #expect(ContinuousClock.now - started < .seconds(2))
                    proxy.thaw()
                    // Too far behind: a replica current to the second is refused by a negative bound.
                    let strict = ReadReplicas(primary: primary, replicas: [replica], maxLag: -1, clock: clock)
                    #expect(await strict.reading(logger: logger).replica == nil)
                }
            }
        }
    }

    @Test func aReplicaFailingUnderAReadIsReadAgainOnThePrimary() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let primary = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let replica = ReadReplicas.Replica(name: "replica", database: primary)
                let reads = ReadReplicas(primary: primary, replicas: [replica], maxLag: 30, clock: ManualClock(), probeTimeout: .seconds(20))
                let sources = Mutex<[String?]>([])
                let answer = try await reads.read(logger: logger) { reading in
                    sources.withLock { $0.append(reading.replica) }
                    if reading.replica != nil { throw DatabaseUnavailable(reason: "replica gone") }
                    return 7
                }
                #expect(answer == 7)
                #expect(sources.withLock { $0 } == ["replica", nil])
            }
        }
    }
}
