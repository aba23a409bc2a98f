import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// Serialized: the registry is the process's, and two scrapes at once would set the same gauges.
@Suite(.serialized) struct MetricsTests {
    static let token = "jeton-de-supervision-0123456789abcdef"

    static func scrape(_ browser: Browser, token: String? = MetricsTests.token) async throws -> TestResponse {
        try await browser.get("/metrics", headers: token.map { [.authorization: "Bearer \($0)"] } ?? [:])
    }

    /// The value of the sample whose name and labels are exactly `series`.
    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func aScrapeCountsRequestsByRoutePatternAndStatusWithTheirDurations() async throws {
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, _ in
            for id in [12345, 67890] {
                #expect(try await browser.get("/c/cahors/candidats/\(id)").status == .seeOther)
            }
            #expect(try await browser.get("/login").status == .ok)
            let scrape = try await Self.scrape(browser)
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.text
            // Other tests of this process count too: at least these requests.
            let labels = #"http_route="/c/{centre}/candidats/{id}",http_request_method="GET",http_response_status_code="303""#
            #expect((Self.value("hb_requests{\(labels)}", in: text) ?? 0) >= 2)
            #expect(text.contains("# TYPE http_server_request_duration histogram"))
            #expect((Self.value("http_server_request_duration_count{\(labels)}", in: text) ?? 0) >= 2)
            #expect(text.contains("http_server_request_duration_bucket{\(labels),le=\"0.005\"}"))
            #expect((Self.value(#"hb_requests{http_route="/login",http_request_method="GET",http_response_status_code="200"}"#, in: text) ?? 0) >= 1)
            // The route pattern, never the address asked for.
            #expect(!text.contains("12345"))
            // The database pool as our code uses it.
            #expect((Self.value("renfort_db_connection_wait_seconds_count", in: text) ?? 0) >= 1)
            #expect(Self.value("renfort_db_connections_in_use", in: text) != nil)
            #expect(Self.value("renfort_db_connections_waiting", in: text) != nil)
        }
    }

    @Test func theOutboxIsReadFromTheDatabaseAtEachScrape() async throws {
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, database in
            // The first scrape of a new server may miss its second while the pool connects (under load).
            var first = try await Self.scrape(browser).text
            for _ in 0..<10 where Self.value("renfort_database_up", in: first) != 1 { first = try await Self.scrape(browser).text }
            #expect(Self.value("renfort_outbox_pending", in: first) == 0)
            try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.query(
                        """
                        INSERT INTO outbox_messages (dedupe_key, kind, recipient, subject, body, created_at, next_attempt_at, attempts, sent_at, last_error)
                        VALUES ('sent', 'test', 'a@exemple.test', 's', 'b', now(), now(), 1, now(), NULL),
                               ('waiting', 'test', 'b@exemple.test', 's', 'b', now(), now(), 0, NULL, NULL),
                               ('failing', 'test', 'c@exemple.test', 's', 'b', now() - interval '1 hour', now(), 3, NULL, 'exit 75')
                        """, logger: TestEnvironment.logger)
                }
            }
            let text = try await Self.scrape(browser).text
            #expect(Self.value("renfort_database_up", in: text) == 1)
            #expect(Self.value("renfort_outbox_pending", in: text) == 2)
            #expect(Self.value("renfort_outbox_failing", in: text) == 1)
            #expect((Self.value("renfort_outbox_oldest_pending_seconds", in: text) ?? 0) > 0)
        }
    }

    @Test func figureCacheHitsAndComputationsAreCounted() async throws {
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.signIn("conseil@cahors.test")
            #expect(try await browser.get("/c/cahors/tableau-de-bord").status == .ok)
            #expect(try await browser.get("/c/cahors/tableau-de-bord").status == .ok)
            let text = try await Self.scrape(browser).text
            #expect((Self.value("renfort_figure_computations_total", in: text) ?? 0) >= 1)
            #expect((Self.value("renfort_figure_cache_hits_total", in: text) ?? 0) >= 1)
        }
    }

    @Test func matchesKeptAndRankedAreCounted() async throws {
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, database in
            let w = try await MatchingTests.world(database)
            try await browser.signIn("conseil@essai.test")
            #expect(try await browser.get("/c/essai/besoins/\(w.need)/vivier").status == .ok)
            #expect(try await browser.get("/c/essai/besoins/\(w.need)/vivier").status == .ok)
            let text = try await Self.scrape(browser).text
            #expect((Self.value("renfort_matches_ranked_total", in: text) ?? 0) >= 1)
            #expect((Self.value("renfort_matches_kept_total", in: text) ?? 0) >= 1)
        }
    }

    @Test func searchesKeptAndRunAreCounted() async throws {
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await make.poolCandidate(centre: centre, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test", skills: "Cuisine")
            try await browser.signIn("conseil@essai.test")
            let before = try await Self.scrape(browser).text
            for _ in 0..<2 { #expect(try await browser.get("/c/essai/candidats?q=cuisine").text.contains("Léa Bories")) }
            let after = try await Self.scrape(browser).text
            // Other tests of this process count in the same registry: at least ours.
            for name in ["renfort_searches_run_total", "renfort_searches_kept_total"] {
                #expect((Self.value(name, in: after) ?? 0) >= (Self.value(name, in: before) ?? 0) + 1, "\(name)")
            }
        }
    }

    @Test func onlyTheTokenOrTheMachineItselfMayRead() async throws {
        // Tests through the router have no peer address: only the token lets them in.
        try await TestApp.run(configure: { $0.metricsToken = Self.token }) { browser, _ in
            let withToken = try await Self.scrape(browser)
            let without = try await Self.scrape(browser, token: nil)
            let wrong = try await Self.scrape(browser, token: "jeton-de-supervision-faux-0123456789")
            #expect(withToken.status == .ok)
            #expect(without.status == .notFound)
            #expect(wrong.status == .notFound)
        }
        try await TestApp.run { browser, _ in
            let without = try await Self.scrape(browser, token: nil)
            let empty = try await Self.scrape(browser, token: "")
            #expect(without.status == .notFound)
            #expect(empty.status == .notFound)
        }
        // A live server: a request from loopback is let in, unless the reverse proxy passed it on.
        try await TestDatabase.withFresh { database in
            let app = try await buildApplication(configuration: TestApp.configuration(for: database), logger: TestEnvironment.logger)
            try await app.test(.live) { client in
                let direct = try await client.execute(uri: "/metrics", method: .get)
                #expect(direct.status == .ok)
                #expect(String(buffer: direct.body).contains("renfort_database_up 1"))
                let proxied = try await client.execute(uri: "/metrics", method: .get, headers: [.xForwardedFor: "203.0.113.7"])
                #expect(proxied.status == .notFound)
            }
        }
        #expect(MetricsAccess.allows(peer: "127.0.0.1", headers: [:], token: nil))
        #expect(MetricsAccess.allows(peer: "::1", headers: [:], token: nil))
        #expect(MetricsAccess.allows(peer: "::ffff:127.0.0.1", headers: [:], token: nil))
        #expect(!MetricsAccess.allows(peer: "192.0.2.10", headers: [:], token: nil))
        #expect(!MetricsAccess.allows(peer: nil, headers: [:], token: nil))
        #expect(!MetricsAccess.allows(peer: "127.0.0.1", headers: [.forwarded: "for=203.0.113.7"], token: nil))
        #expect(MetricsAccess.allows(peer: "192.0.2.10", headers: [.authorization: "Bearer \(Self.token)"], token: Self.token))
    }

    @Test func aScrapeDoesNotWaitForADatabaseThatDoesNotAnswer() async {
        let start = ContinuousClock.now
        let answer = await MetricsController.within(.milliseconds(50)) { () async -> Int in
            try? await Task.sleep(for: .seconds(5))
            return 1
        }
        #expect(answer == nil)
        #expect(ContinuousClock.now - start < .seconds(4))
        #expect(await MetricsController.within(.seconds(5)) { 2 } == 2)
    }

    @Test func theTokenIsLongEnough() throws {
        let url = "postgres://renfort_app:x@127.0.0.1:5432/renfort"
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url]).metricsToken == nil)
        #expect(try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_METRICS_TOKEN": Self.token]).metricsToken == Self.token)
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["DATABASE_URL": url, "RENFORT_METRICS_TOKEN": "court"]) }
    }
}
