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
        let candidate: Int64
        let application: Int64
        let interview: Int64
        let offer: Int64
        let document: Int64
        let placement: Int64
        let reason: Int64
        let checkIn: Int64
        let step: Int64
        let alert: Int64
        /// The need's published offer (`/c/{centre}/offres/{id}`).
        var publishedOffer: Int64 = 0
        var sharedPost: Int64 = 0
    }

    /// Public routes of a centre (no sign-in): anyone reads them in their own centre; through
    /// another centre, they answer 404 like the others.
    static let publicRoutes: Set<String> = ["/c/{centre}/offres/{id}", "/c/{centre}/offres/{id}/candidater"]

    /// Row counts of everything these routes can write, in both centres.
    func snapshot(_ lookup: DemoLookup) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for slug in ["cahors", "figeac"] {
            for sql in [
                "SELECT 1 FROM job_needs", "SELECT 1 FROM job_need_events", "SELECT 1 FROM businesses", "SELECT 1 FROM business_events",
                "SELECT 1 FROM memberships", "SELECT 1 FROM businesses WHERE status = 'member'", "SELECT 1 FROM job_needs WHERE status = 'cancelled'",
                "SELECT 1 FROM job_needs WHERE status = 'submitted'", "SELECT 1 FROM candidates", "SELECT 1 FROM candidate_events",
                "SELECT 1 FROM candidate_documents", "SELECT 1 FROM applications", "SELECT 1 FROM application_events",
                "SELECT 1 FROM interviews", "SELECT 1 FROM offers", "SELECT 1 FROM placements", "SELECT 1 FROM rejection_reasons WHERE active", "SELECT 1 FROM check_ins WHERE done_on IS NOT NULL",
                "SELECT 1 FROM check_ins WHERE closed", "SELECT 1 FROM published_offers WHERE unpublished_at IS NULL", "SELECT 1 FROM offer_applications", "SELECT 1 FROM followup_steps WHERE active", "SELECT 1 FROM placement_alerts", "SELECT 1 FROM placement_alerts WHERE handled_at IS NOT NULL", "SELECT 1 FROM placements WHERE ended_on IS NOT NULL", "SELECT 1 FROM applications WHERE stage = 'hired'",
                "SELECT 1 FROM candidate_messages", "SELECT 1 FROM message_templates", "SELECT 1 FROM candidate_access_log",
                "SELECT 1 FROM candidate_questions", "SELECT 1 FROM candidates WHERE notice_handed_on IS NOT NULL",
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
            case "{interview}": parts.append(String(targets.interview))
            case "{offer}": parts.append(String(targets.offer))
            case "{document}": parts.append(String(targets.document))
            case "{alert}": parts.append(String(targets.alert))
            case "{id}":
                if pattern.contains("/besoins/") { parts.append(String(targets.need)) }
                else if pattern.contains("/entreprises/") { parts.append(String(targets.business)) }
                else if pattern.contains("/adhesions/") { parts.append(String(targets.pending)) }
                else if pattern.contains("/candidats/") { parts.append(String(targets.candidate)) }
                else if pattern.contains("/candidatures/") { parts.append(String(targets.application)) }
                else if pattern.contains("/embauches/") { parts.append(String(targets.placement)) }
                else if pattern.contains("/motifs/") { parts.append(String(targets.reason)) }
                else if pattern.contains("/etapes/") { parts.append(String(targets.step)) }
                else if pattern.contains("/suivis/") { parts.append(String(targets.checkIn)) }
                else if pattern.contains("/mon-espace/documents/") { parts.append(String(targets.document)) }
                else if pattern.contains("/offres/") { parts.append(String(targets.publishedOffer)) }
                else if pattern.contains("/postes-partages/") { parts.append(String(targets.sharedPost)) }
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
               ("invite_name", "Pirate"), ("invite_email", "pirate@pirate.test"), ("_form", Tokens.random()),
               ("candidate_id", "1"), ("target_id", "1"), ("answer", "interview"), ("note", "Pirate"), ("ending", "withdrawn"),
               ("date", "2030-01-01"), ("time", "10:00"), ("duration", "30"), ("mode", "phone"), ("outcome", "positive"),
               ("accepted", "oui"), ("start_date", "2030-01-01"), ("first_name", "Pi"), ("last_name", "Rate"), ("source", "other"),
               ("ids", "1"), ("reason_id", "1"), ("done_on", "2026-01-01"), ("contacted", "both"), ("channel", "phone"),
               ("status", "on_track"), ("ended_on", "2030-01-01"), ("kind", "problem"), ("message", "Pirate"), ("start_date", "2030-01-01"),
               ("confirm", "1"), ("handled_note", "Pirate"), ("share", "1"),
               ("modele", "libre"), ("subject", "Pirate"), ("body", "Pirate"), ("sms", "Pirate"), ("invite", "1"), ("message", "refus"),
               ("handed_on", Day(Date()).iso)]
    }

    @Test func everyRouteWithAnIdAnswers404ToOtherBusinessesAndCentres() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let (figeac, _) = try await make.centre("figeac")
            try await make.business(centre: figeac, name: "Scierie du Ségala")
            let inn = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
            let transports = try await make.business(centre: cahors, name: "Transports Cadurciens", siret: "55210055400013")
            let pending = try await make.business(centre: cahors, name: "Boulangerie du Pont Valentré", siret: "35600000000056", status: .pending)
            try await make.need(centre: cahors, business: pending, title: "Boulanger ou boulangère")
            try await make.employer("patron@auberge.test", centre: cahors, business: inn)
            try await make.employer("patron@transports.test", centre: cahors, business: transports)
            try await make.observer("observatrice@dreets.test", centres: [cahors, figeac])
            let need = try await make.need(centre: cahors, business: transports, title: "Conducteur ou conductrice poids lourd", positions: 2)
            let candidate = try await make.candidate(centre: cahors)
            let application = try await make.application(centre: cahors, need: need, candidate: candidate, stage: .presented, actor: adviser)
            try await make.placement(centre: cahors, need: need, candidate: try await make.candidate(centre: cahors, firstName: "Noé", email: "noe@example.org"), actor: adviser)
            try await make.rejectionReasons(centre: cahors)
            let lookup = DemoLookup(database: database)
            // An interview, an offer and a document on that application, to aim at.
            let (interview, offer, document) = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: TestEnvironment.logger) { connection in
                    let interview = try await connection.value("INSERT INTO interviews (tenant_id, application_id, starts_at, duration_minutes, mode, created_at) VALUES (\(cahors), \(application), now(), 30, 'phone', now()) RETURNING id", as: Int64.self, logger: TestEnvironment.logger)!
                    let offer = try await connection.value("INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, hours_per_week, created_at) VALUES (\(cahors), \(application), 'cdi', current_date, 35, now()) RETURNING id", as: Int64.self, logger: TestEnvironment.logger)!
                    let document = try await connection.value("INSERT INTO candidate_documents (tenant_id, candidate_id, filename, content, size, sha256, uploaded_at) VALUES (\(cahors), \(candidate), 'cv.pdf', '%PDF-1.4 x'::bytea, 10, 'x', now()) RETURNING id", as: Int64.self, logger: TestEnvironment.logger)!
                    return (interview, offer, document)
                }
            }
            var targets = Targets(
                business: transports, need: need,
                membership: try await lookup.ids("cahors", "SELECT id FROM memberships WHERE business_id = \(transports)").first!,
                pending: pending, candidate: candidate, application: application,
                interview: interview, offer: offer, document: document,
                placement: try await lookup.ids("cahors", "SELECT id FROM placements WHERE business_id = \(transports) ORDER BY id").first!,
                reason: try await lookup.ids("cahors", "SELECT id FROM rejection_reasons ORDER BY id").first!,
                checkIn: try await lookup.ids("cahors", "SELECT k.id FROM check_ins k JOIN placements p ON p.id = k.placement_id WHERE p.business_id = \(transports) ORDER BY k.id").first!,
                step: try await lookup.ids("cahors", "SELECT id FROM followup_steps ORDER BY id").first!,
                alert: try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: TestEnvironment.logger) { connection in
                        try await connection.value(
                            """
                            INSERT INTO placement_alerts (tenant_id, placement_id, kind, message, created_at)
                            SELECT \(cahors), id, 'problem', 'Retards', now() FROM placements WHERE business_id = \(transports) ORDER BY id LIMIT 1 RETURNING id
                            """, as: Int64.self, logger: TestEnvironment.logger)!
                    }
                })
            targets.publishedOffer = try await make.publishedOffer(centre: cahors, need: need, actor: adviser)
            targets.sharedPost = try await make.inCentre(cahors) { connection in
                try await SharedPostRepository.create(
                    SharedPostDraft(title: "Poste partagé", employerID: transports, romeCode: nil, notes: "", members: [(transports, 4, 9, 35), (inn, 10, 3, 35)]),
                    start: Day(year: 2027, month: 4, day: 1), tenantID: cahors, actorID: adviser, now: Date(), on: connection, logger: TestEnvironment.logger)
            }
            let aimed = targets
            let configuration = TestApp.configuration(for: database)
            let routes = try await buildRouter(
                configuration: configuration, client: PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1)),
                clock: SystemClock()
            ).routes.filter { "\($0.path)".hasPrefix("/c/{centre}/") && "\($0.path)".contains("{id}") }
                .map { (method: $0.method, path: "\($0.path)") }
            #expect(routes.count >= 30)
            let app = try await buildApplication(configuration: configuration, logger: TestEnvironment.logger)
            try await app.test(.router) { client in
                let employer = Browser(client: client)
                try await employer.signIn("patron@auberge.test")
                try await employer.get("/c/cahors")
                let figeac = Browser(client: client)
                try await figeac.signIn("conseil@figeac.test")
                try await figeac.get("/c/figeac")
                let figeacID = try await lookup.user("conseil@figeac.test")
                let observer = Browser(client: client)
                try await observer.signIn("observatrice@dreets.test")
                try await observer.get("/c/cahors")
                let before = try await snapshot(lookup)
                for route in routes {
                    let pattern = route.path
                    for (who, browser, centre) in [("employer of another business", employer, "cahors"), ("Figeac adviser", figeac, "cahors"), ("Figeac adviser through Figeac", figeac, "figeac"), ("observer", observer, "cahors")]
                    where !Self.publicRoutes.contains(pattern) || centre == "figeac" {
                        guard let path = concrete(pattern, centre: centre, targets: aimed) else {
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
