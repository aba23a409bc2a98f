import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

@Suite struct CSRFTests {
    /// Every table's row count, to show that a refused POST changed nothing.
    func snapshot(_ database: TestDatabase) async throws -> [String: Int] {
        try await database.asOwner { client in
            let centres = try await client.withConnection { connection in
                try await connection.values("SELECT id FROM centres", as: Int64.self, logger: TestEnvironment.logger)
            }
            var counts: [String: Int] = [:]
            for table in ["centres", "users", "sessions", "outbox_messages", "form_submissions", "password_reset_tokens", "sign_in_failures"] {
                counts[table] = try await client.withConnection { connection in
                    try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self, logger: TestEnvironment.logger)
                }
            }
            counts["disabled users"] = try await client.withConnection { connection in
                try await connection.value("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL", as: Int.self, logger: TestEnvironment.logger)
            }
            for centre in centres {
                for table in ["businesses", "memberships"] {
                    counts["\(table)@\(centre)"] = try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self, logger: TestEnvironment.logger)
                    }
                }
            }
            return counts
        }
    }

    /// A concrete path for a route pattern: parameters get a real id, slug or token.
    func concrete(_ pattern: String, userID: Int64) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            switch part {
            case "{centre}", ":centre": return "cahors"
            case "{id}", ":id": return String(userID)
            case "{token}", ":token": return "jeton-quelconque-de-test-0123456789"
            default: return String(part)
            }
        }.joined(separator: "/")
    }

    @Test func everyPostRouteRefusesAFormWithoutAValidTokenAndChangesNothing() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let victimID = try await make.employer("patron@auberge.test", centre: cahors, business: try await make.business(centre: cahors))
            try await make.admin()
            let configuration = TestApp.configuration(for: database)
            // The route list comes from the router itself, so a new POST route cannot escape this test.
            let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
            let routes = try await buildRouter(configuration: configuration, client: client, clock: SystemClock()).routes
            let posts = routes.filter { $0.method == .post }.map { "\($0.path)" }
            #expect(posts.count >= 7)
            let app = try await buildApplication(configuration: configuration, clock: SystemClock(), logger: TestEnvironment.logger)
            try await app.test(.router) { testClient in
                let admin = Browser(client: testClient)
                try await admin.signIn("admin@plateforme.test")
                try await admin.get("/admin")
                let before = try await snapshot(database)
                for pattern in posts {
                    let path = concrete(pattern, userID: victimID)
                    let fields = [("email", "admin@plateforme.test"), ("password", Factory.password), ("slug", "pirate"), ("name", "Pirate"),
                                  ("territory", "Ailleurs"), ("adviser_name", "X"), ("adviser_email", "x@pirate.fr"), ("_form", "jeton-de-formulaire-pirate-000000"),
                                  ("confirmation", Factory.password)]
                    // Sent by another site's page (the browser says so), or by a client that says nothing of where it comes from.
                    for site in ["cross-site", "same-site", nil] {
                        let missing = try await admin.post(path, fields, csrf: false, site: site)
                        #expect(missing.status == .forbidden, "POST \(path) from \(site ?? "nowhere") without a token answered \(missing.status)")
                        #expect(missing.text.contains("Ce formulaire a expiré"))
                        let wrong = try await admin.post(path, fields + [("_csrf", "faux-jeton")], csrf: false, site: site)
                        #expect(wrong.status == .forbidden, "POST \(path) from \(site ?? "nowhere") with a wrong token answered \(wrong.status)")
                    }
                    // Another person's valid token is no better.
                    let anonymous = admin.fresh()
                    try await anonymous.get("/login")
                    let foreign = try await admin.post(path, fields + [("_csrf", anonymous.csrf ?? "")], csrf: false, site: "cross-site")
                    #expect(foreign.status == .forbidden, "POST \(path) with another session's token answered \(foreign.status)")
                }
                let after = try await snapshot(database)
                // Only the anonymous sessions opened by this test were added.
                var expected = before
                expected["sessions"] = (before["sessions"] ?? 0) + posts.count
                #expect(after == expected)
                // And the admin is still signed in: nothing was done on their behalf.
                #expect(try await admin.get("/admin").status == .ok)
            }
        }
    }

    @Test func aTokenFromBeforeSignInIsStaleAfterIt() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let inn = try await make.business(centre: cahors)
            let need = try await make.need(centre: cahors, business: inn)
            try await make.employer("patron@auberge.test", centre: cahors, business: inn)
            try await browser.get("/login")
            let anonymousToken = try #require(browser.csrf)
            try await browser.post("/login", [("email", "patron@auberge.test"), ("password", Factory.password)])
            let before = try await database.count("job_need_events")
            let stale = try await browser.post("/c/cahors/besoins/\(need)/commentaires", [("comment", "x"), ("_csrf", anonymousToken)], csrf: false, site: "cross-site")
            #expect(stale.status == .forbidden)
            let page = try await browser.get("/c/cahors")
            #expect(browser.csrf != anonymousToken)
            _ = page
            #expect(try await database.count("job_need_events") == before)
        }
    }
}
