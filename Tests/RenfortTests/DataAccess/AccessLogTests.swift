import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// Who looked: every view of a candidate's file and every document download is in the log
/// (who, when, what — ids, never a name); the server's role adds rows but can neither change
/// nor delete them; the rows are kept one year.
@Suite struct AccessLogTests {
    struct Row: Equatable {
        let userID: Int64?
        let byCandidate: Bool
        let kind: String
        let place: String
        let applicationID: Int64?
        let documentID: Int64?
    }

    static func log(_ database: TestDatabase, centre: Int64, candidate: Int64) async throws -> [Row] {
        try await Factory(database: database).inside(centre) { connection in
            try await connection.all(
                """
                SELECT user_id, by_candidate, kind, place, application_id, document_id FROM candidate_access_log
                WHERE candidate_id = \(candidate) ORDER BY id
                """, as: (Int64?.self, Bool.self, String.self, String.self, Int64?.self, Int64?.self), logger: TestEnvironment.logger)
        }.map { Row(userID: $0.0, byCandidate: $0.1, kind: $0.2, place: $0.3, applicationID: $0.4, documentID: $0.5) }
    }

    /// The SQLSTATE of what a statement threw ("42501": permission denied).
    static func sqlState(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as PSQLError {
            return error.serverInfo?[.sqlState]
        } catch {
            return "\(error)"
        }
    }

    @Test func aViewOfTheRecordAndADocumentDownloadAreLoggedWithWhoWhenAndWhat() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_790_000_000))
        try await TestApp.run(clock: clock) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre)
            try await make.document(centre: centre, candidate: camille, actor: adviser)
            let document = try #require(try await make.ids(centre, "SELECT id FROM candidate_documents WHERE candidate_id = \(camille)").first)
            try await desk.signIn("conseil@test.test")

            let page = try await desk.get("/c/test/candidats/\(camille)")
            #expect(page.status == .ok)
            #expect(try await desk.get("/c/test/candidats/\(camille)/documents/\(document)").status == .ok)

            #expect(try await Self.log(database, centre: centre, candidate: camille) == [
                Row(userID: adviser, byCandidate: false, kind: "view", place: "record", applicationID: nil, documentID: nil),
                Row(userID: adviser, byCandidate: false, kind: "document", place: "record", applicationID: nil, documentID: document),
            ])
            let times = try await make.inside(centre) { connection in
                try await connection.values("SELECT at FROM candidate_access_log ORDER BY id", as: Date.self, logger: TestEnvironment.logger)
            }
            #expect(times == [clock.now(), clock.now()])
            // The page says who consulted it: the adviser, this view.
            #expect(page.text.contains("Consultée par"))
            #expect(page.text.contains("Consultation de la fiche (fiche du candidat)"))
            // No name, no e-mail anywhere in the log's rows.
            let named = try await make.inside(centre) { connection in
                try await connection.value(
                    "SELECT count(*) FROM candidate_access_log l WHERE to_jsonb(l)::text ILIKE '%camille%' OR to_jsonb(l)::text ILIKE '%martin%'",
                    as: Int.self, logger: TestEnvironment.logger)
            }
            #expect(named == 0)
        }
    }

    @Test func theApplicationsPageAndItsDocumentAreLoggedForTheAdviserAndTheEmployer() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let business = try await make.business(centre: centre)
            let employer = try await make.employer("patron@test.test", centre: centre, business: business)
            let need = try await make.need(centre: centre, business: business)
            let camille = try await make.candidate(centre: centre)
            try await make.document(centre: centre, candidate: camille, actor: adviser)
            let document = try #require(try await make.ids(centre, "SELECT id FROM candidate_documents").first)
            let application = try await make.application(centre: centre, need: need, candidate: camille, stage: .presented, actor: adviser)
            try await desk.signIn("conseil@test.test")
            #expect(try await desk.get("/c/test/candidatures/\(application)").status == .ok)
            let boss = desk.fresh()
            try await boss.signIn("patron@test.test")
            #expect(try await boss.get("/c/test/candidatures/\(application)").status == .ok)
            #expect(try await boss.get("/c/test/candidatures/\(application)/documents/\(document)").status == .ok)

            #expect(try await Self.log(database, centre: centre, candidate: camille) == [
                Row(userID: adviser, byCandidate: false, kind: "view", place: "application", applicationID: application, documentID: nil),
                Row(userID: employer, byCandidate: false, kind: "view", place: "application", applicationID: application, documentID: nil),
                Row(userID: employer, byCandidate: false, kind: "document", place: "application", applicationID: application, documentID: document),
            ])
        }
    }

    @Test func theEditFormTheComparisonAndThePersonsOwnPageAreLoggedToo() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre)
            let twin = try await make.candidate(centre: centre, firstName: "Camille", lastName: "Martin", email: "camille.martin@example.org")
            try await make.document(centre: centre, candidate: camille, actor: adviser)
            let document = try #require(try await make.ids(centre, "SELECT id FROM candidate_documents").first)
            try await desk.signIn("conseil@test.test")
            #expect(try await desk.get("/c/test/candidats/\(camille)/modifier").status == .ok)
            #expect(try await desk.get("/c/test/candidats/\(camille)/fusionner?target_id=\(twin)").status == .ok)
            let person = desk.fresh()
            try await person.openCandidatePage("test", email: "camille@example.org", database: database)
            #expect(try await person.get("/c/test/mon-espace/documents/\(document)").status == .ok)

            #expect(try await Self.log(database, centre: centre, candidate: camille) == [
                Row(userID: adviser, byCandidate: false, kind: "view", place: "edit", applicationID: nil, documentID: nil),
                Row(userID: adviser, byCandidate: false, kind: "view", place: "merge", applicationID: nil, documentID: nil),
                Row(userID: nil, byCandidate: true, kind: "view", place: "portal", applicationID: nil, documentID: nil),
                Row(userID: nil, byCandidate: true, kind: "document", place: "portal", applicationID: nil, documentID: document),
            ])
            #expect(try await Self.log(database, centre: centre, candidate: twin) == [
                Row(userID: adviser, byCandidate: false, kind: "view", place: "merge", applicationID: nil, documentID: nil)
            ])
        }
    }

    @Test func theServersRoleAddsToTheLogButCanNeitherChangeNorDeleteIt() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre)
            try await database.asApp { client in
                let server = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let logger = TestEnvironment.logger
                // INSERT works.
                let added = try await server.withTransaction(tenant: centre, logger: logger) {
                    try await AccessLog.record(.view, candidateID: camille, by: .user(adviser), place: .record, tenantID: centre, now: Date(), on: $0, logger: logger)
                }
                #expect(added)
                // UPDATE, DELETE and TRUNCATE: permission denied.
                for statement in [
                    "UPDATE candidate_access_log SET user_id = NULL, by_candidate = true", "DELETE FROM candidate_access_log",
                    "TRUNCATE candidate_access_log",
                ] {
                    let state = await Self.sqlState {
                        _ = try await server.withTransaction(tenant: centre, logger: logger) {
                            try await $0.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    }
                    #expect(state == "42501", "\(statement): \(state ?? "done")")
                }
                // The owner's retention function deletes nothing that is not a year old.
                let purged = try await server.withTransaction(tenant: centre, logger: logger) { try await AccessLog.purgeExpired(on: $0, logger: logger) }
                #expect(purged == 0)
            }
            #expect(try await database.count("candidate_access_log", tenant: centre, where: "user_id = \(adviser) AND NOT by_candidate") == 1)
        }
    }

    @Test func theRetentionServiceDeletesOnceADayTheRowsOverAYearOld() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let (other, otherAdviser) = try await make.centre("autre")
            let camille = try await make.candidate(centre: centre)
            let elsewhere = try await make.candidate(centre: other)
            let now = Date()
            let clock = ManualClock(now)
            try await database.asApp { client in
                let server = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                let logger = TestEnvironment.logger
                for (tenant, candidate, user) in [(centre, camille, adviser), (other, elsewhere, otherAdviser)] {
                    for days in [400.0, 366, 300, 0] {
                        try await server.withTransaction(tenant: tenant, logger: logger) {
                            try await AccessLog.record(
                                .view, candidateID: candidate, by: .user(user), place: .record, tenantID: tenant, now: now.addingTimeInterval(-days * 86400),
                                on: $0, logger: logger)
                        }
                    }
                }
                let retention = AccessLogRetention(database: server, clock: clock, logger: logger)
                // Both centres' rows of 400 and 366 days go; those of 300 days and today stay.
                #expect(try await retention.purgeIfDue() == 4)
                // Once a day: a second pass the same day does nothing.
                #expect(try await retention.purgeIfDue() == nil)
                clock.advance(by: 86400)
                #expect(try await retention.purgeIfDue() == 0)
            }
            for tenant in [centre, other] {
                let ages = try await make.inside(tenant) { connection in
                    try await connection.values(
                        "SELECT round(extract(epoch FROM \(now) - at) / 86400)::int FROM candidate_access_log ORDER BY at", as: Int.self,
                        logger: TestEnvironment.logger)
                }
                #expect(ages == [300, 0])
            }
        }
    }
}
