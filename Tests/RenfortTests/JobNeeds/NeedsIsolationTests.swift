import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// Every route of a centre that takes an id, walked from the router itself: another
/// business's employer and another centre's adviser get a 404, and nothing changes.
@Suite struct NeedsIsolationTests {
    struct Targets {
        let business: Int64
        let need: Int64
        let membership: Int64
        let pending: Int64
    }

    /// Row counts of everything these routes can write, in both centres.
    func snapshot(_ lookup: DemoLookup) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for slug in ["cahors", "figeac"] {
            for sql in [
                "SELECT 1 FROM job_needs", "SELECT 1 FROM job_need_events", "SELECT 1 FROM businesses", "SELECT 1 FROM business_events",
                "SELECT 1 FROM memberships", "SELECT 1 FROM businesses WHERE status = 'member'", "SELECT 1 FROM job_needs WHERE status = 'cancelled'",
                "SELECT 1 FROM job_needs WHERE status = 'submitted'",
            ] {
                counts["\(slug): \(sql)"] = try await lookup.count(slug, sql)
            }
        }
        counts["outbox"] = try await lookup.database.count("outbox_messages")
        return counts
    }

    func concrete(_ pattern: String, centre: String, targets: Targets) -> String? {
        var parts: [String] = []
        for part in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            switch part {
            case "{centre}": parts.append(centre)
            case "{membership}": parts.append(String(targets.membership))
            case "{id}":
                if pattern.contains("/besoins/") { parts.append(String(targets.need)) }
                else if pattern.contains("/entreprises/") { parts.append(String(targets.business)) }
                else if pattern.contains("/adhesions/") { parts.append(String(targets.pending)) }
                else { return nil }
            default:
                if part.hasPrefix("{") { return nil }
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    func fields(adviserID: Int64) -> [(String, String)] {
        JobNeedWorkflowTests.needFields(title: "Pirate") + BusinessTests.businessFields(siret: "73282932000074", name: "Pirate")
            + [("comment", "Pirate"), ("reason", "Pirate"), ("to", "sourcing"), ("adviser_id", String(adviserID)),
               ("invite_name", "Pirate"), ("invite_email", "pirate@pirate.test"), ("_form", Tokens.random())]
    }

    @Test func everyRouteWithAnIdAnswers404ToOtherBusinessesAndCentres() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asOwner { client in try await DemoData.load(client: client, bcryptCost: 4, logger: TestEnvironment.logger) }
            let lookup = DemoLookup(database: database)
            let transports = try await lookup.business("Transports Cadurciens")
            let targets = Targets(
                business: transports, need: try await lookup.need("Conducteur ou conductrice poids lourd"),
                membership: try await lookup.ids("cahors", "SELECT id FROM memberships WHERE business_id = \(transports)").first!,
                pending: try await lookup.business("Boulangerie du Pont Valentré"))
            let configuration = TestApp.configuration(for: database)
            let routes = try await buildRouter(
                configuration: configuration, client: PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1)),
                clock: SystemClock()
            ).routes.filter { "\($0.path)".hasPrefix("/c/{centre}/") && "\($0.path)".contains("{id}") }
                .map { (method: $0.method, path: "\($0.path)") }
            #expect(routes.count >= 14)
            let app = try await buildApplication(configuration: configuration, logger: TestEnvironment.logger)
            try await app.test(.router) { client in
                let employer = Browser(client: client)
                try await employer.signIn("employeur1@cahors.renfort.test")
                try await employer.get("/c/cahors")
                let figeac = Browser(client: client)
                try await figeac.signIn("conseiller1@figeac.renfort.test")
                try await figeac.get("/c/figeac")
                let figeacID = try await lookup.user("conseiller1@figeac.renfort.test")
                let before = try await snapshot(lookup)
                for route in routes {
                    let pattern = route.path
                    for (who, browser, centre) in [("employer of another business", employer, "cahors"), ("Figeac adviser", figeac, "cahors"), ("Figeac adviser through Figeac", figeac, "figeac")] {
                        guard let path = concrete(pattern, centre: centre, targets: targets) else {
                            Issue.record("no target for the route \(pattern): add it to this test")
                            continue
                        }
                        let response = route.method == .get
                            ? try await browser.get(path)
                            : try await browser.post(path, fields(adviserID: figeacID))
                        #expect(response.status == .notFound, "\(route.method) \(path) as \(who): \(response.status)")
                        #expect(!response.text.contains("Transports Cadurciens"), "\(route.method) \(path) as \(who) shows the business")
                    }
                }
                #expect(try await snapshot(lookup) == before)
            }
        }
    }
}
