import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing
import ZIPFoundation

@testable import Renfort

/// The right of access: everything held on a person as one ZIP (a French page, a JSON file,
/// the documents), from the adviser's record and from the person's own page, each export in
/// the log; nobody else reaches it.
@Suite struct PersonalDataExportTests {
    /// Camille with something in every section: a contact kept by a merge, notes, an
    /// application presented and at the interview (its events, the interview, an offer), a hire
    /// on another need (its check-ins and an alert), a message, a CV. Returns her record and the
    /// centre, and the adviser.
    func camille(_ database: TestDatabase) async throws -> (centre: Int64, adviser: Int64, camille: Int64) {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("test")
        let business = try await make.business(centre: centre, name: "Auberge du Causse")
        try await make.employer("patron@test.test", centre: centre, business: business)
        let camille = try await make.candidate(centre: centre)
        try await make.notes(centre: centre, candidate: camille, "NOTE-INTERNE : très à l'aise avec la clientèle")
        try await make.document(centre: centre, candidate: camille, actor: adviser)
        let cook = try await make.need(centre: centre, business: business, title: "Cuisinier ou cuisinière")
        let application = try await make.application(centre: centre, need: cook, candidate: camille, stage: .presented, actor: adviser)
        try await make.interview(centre: centre, application: application, startsAt: Date().addingTimeInterval(86400), actor: adviser)
        let waiter = try await make.need(centre: centre, business: business, title: "Serveur ou serveuse")
        let placement = try await make.placement(centre: centre, need: waiter, candidate: camille, actor: adviser)
        try await make.inside(centre) { connection in
            let logger = TestEnvironment.logger
            try await connection.execute(
                """
                INSERT INTO candidate_contacts (tenant_id, candidate_id, kind, value, from_candidate_id, added_at)
                VALUES (\(centre), \(camille), 'phone', '06 12 34 56 78', \(camille), now())
                """, logger: logger)
            try await connection.execute(
                """
                INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, hours_per_week, created_at)
                VALUES (\(centre), \(application), 'cdi', current_date, 35, now())
                """, logger: logger)
            try await connection.execute(
                """
                INSERT INTO placement_alerts (tenant_id, placement_id, kind, message, created_at)
                VALUES (\(centre), \(placement), 'problem', 'ALERTE-EMPLOYEUR', now())
                """, logger: logger)
            _ = try await MessageRepository.record(
                candidateID: camille, applicationID: application, kind: .free, channel: .email, recipient: "camille@example.org",
                subject: "Votre entretien", body: "MESSAGE-ENVOYÉ", hasAttachment: false, dedupeKey: "test-message", tenantID: centre,
                authorID: adviser, now: Date(), on: connection, logger: logger)
        }
        return (centre, adviser, camille)
    }

    /// The archive's entries by path, with their bytes.
    static func unzip(_ data: ByteBuffer) throws -> [String: Data] {
        let archive = try Archive(data: Data(data.readableBytesView), accessMode: .read)
        var files: [String: Data] = [:]
        for entry in archive {
            var content = Data()
            _ = try archive.extract(entry) { content.append($0) }
            files[entry.path] = content
        }
        return files
    }

    @Test func theAdvisersExportHoldsEverySectionTheDocumentsAPageAndIsLogged() async throws {
        try await TestApp.run { desk, database in
            let (centre, adviser, camille) = try await camille(database)
            try await desk.signIn("conseil@test.test")
            let record = try await desk.get("/c/test/candidats/\(camille)")
            #expect(record.text.contains("href=\"/c/test/candidats/\(camille)/donnees.zip\""))

            let answer = try await desk.get("/c/test/candidats/\(camille)/donnees.zip")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/zip")
            #expect(answer.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"donnees-personnelles-\(camille)-") == true)
            let files = try Self.unzip(answer.body)
            let document = try #require(try await Factory(database: database).ids(centre, "SELECT id FROM candidate_documents").first)
            #expect(Set(files.keys) == ["donnees.html", "donnees.json", "documents/\(document)-cv.pdf"])
            #expect(files["documents/\(document)-cv.pdf"] == Data("%PDF-1.4 CV de test".utf8))

            let jsonFile = try #require(files["donnees.json"])
            let json = try #require(try JSONSerialization.jsonObject(with: jsonFile) as? [String: Any])
            let export = try #require(json["export"] as? [String: Any])
            #expect(export["candidate_id"] as? Int == Int(camille))
            #expect(export["centre"] as? String == "Centre test")
            let record0 = try #require(json["record"] as? [String: Any])
            #expect(record0["first_name"] as? String == "Camille")
            #expect(record0["email"] as? String == "camille@example.org")
            #expect(record0["tenant_id"] == nil && record0["email_key"] == nil)
            func section(_ key: String) -> [[String: Any]] { (json[key] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }
            #expect(section("notes").first?["notes"] as? String == "NOTE-INTERNE : très à l'aise avec la clientèle")
            #expect(section("contacts").first?["value"] as? String == "06 12 34 56 78")
            #expect(Set(section("applications").compactMap { $0["need_title"] as? String }) == ["Cuisinier ou cuisinière", "Serveur ou serveuse"])
            #expect(section("application_events").count >= 5)
            #expect(section("interviews").count == 1)
            #expect(section("offers").count == 1)
            #expect(section("placements").first?["business_name"] as? String == "Auberge du Causse")
            #expect(section("check_ins").count >= 4)
            #expect(section("placement_alerts").first?["message"] as? String == "ALERTE-EMPLOYEUR")
            #expect(section("messages").first?["body"] as? String == "MESSAGE-ENVOYÉ")
            #expect(section("documents").first?["file"] as? String == "documents/\(document)-cv.pdf")
            #expect(section("documents").first?["content"] == nil)
            #expect(section("record_history").contains { $0["kind"] as? String == "document" })
            #expect(section("merged_records").isEmpty)
            #expect(section("offer_applications").isEmpty)
            // Who looked: the view of the record, and this export itself.
            #expect(section("access_log").map { $0["kind"] as? String } == ["view", "export"])
            #expect(section("access_log").last?["by"] as? String == "Conseil test")

            let htmlFile = try #require(files["donnees.html"])
            let html = String(decoding: htmlFile, as: UTF8.self)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<html lang=\"fr\">"))
            for text in [
                "Vos données personnelles : Centre test", "Votre fiche", "<dt>Prénom</dt><dd>Camille</dd>", "NOTE-INTERNE", "Cuisinier ou cuisinière",
                "Vos entretiens", "ALERTE-EMPLOYEUR", "MESSAGE-ENVOYÉ", "Qui a consulté votre fiche", "Export de toutes les données", "<dt>Étape</dt><dd>\(ApplicationStage.hired.label)</dd>",
            ] {
                #expect(html.contains(text) || html.contains(HTML.escape(text)), "the page lacks \(text)")
            }
            // Self-contained: nothing fetched from elsewhere.
            #expect(!html.contains("<link") && !html.contains("<script") && !html.contains("src="))

            let logged = try await AccessLogTests.log(database, centre: centre, candidate: camille)
            #expect(logged.last == AccessLogTests.Row(userID: adviser, byCandidate: false, kind: "export", place: "record", applicationID: nil, documentID: nil))
        }
    }

    @Test func thePersonExportsTheSameFromTheirOwnPageAndThatIsLogged() async throws {
        try await TestApp.run { browser, database in
            let (centre, _, camille) = try await camille(database)
            let page = try await browser.openCandidatePage("test", email: "camille@example.org", database: database)
            #expect(page.text.contains("href=\"/c/test/mon-espace/mes-donnees.zip\""))
            let answer = try await browser.get("/c/test/mon-espace/mes-donnees.zip")
            #expect(answer.status == .ok)
            let files = try Self.unzip(answer.body)
            let jsonFile = try #require(files["donnees.json"])
            let json = try #require(try JSONSerialization.jsonObject(with: jsonFile) as? [String: Any])
            #expect((json["record"] as? [String: Any])?["id"] as? Int == Int(camille))
            // Their advisers' notes are in it: personal data about them.
            #expect(((json["notes"] as? [[String: Any]])?.first?["notes"] as? String)?.hasPrefix("NOTE-INTERNE") == true)
            let logged = try await AccessLogTests.log(database, centre: centre, candidate: camille)
            #expect(logged.last == AccessLogTests.Row(userID: nil, byCandidate: true, kind: "export", place: "portal", applicationID: nil, documentID: nil))

            // Another person, or someone signed in, reaches none of it.
            for email in ["conseil@test.test", "patron@test.test"] {
                let person = browser.fresh()
                try await person.signIn(email)
                #expect(try await person.get("/c/test/mon-espace/mes-donnees.zip").status == .notFound)
            }
            #expect(try await browser.fresh().get("/c/test/mon-espace/mes-donnees.zip").status == .notFound)
        }
    }

    /// The route walker of this issue: another centre's adviser, an employer (even the one the
    /// person was presented to) and an observer get a 404 from the export, the record's log and
    /// the data-protection page with its CSV, and write nothing in the log.
    @Test func anotherCentresAdviserAnEmployerAndAnObserverReachNoneOfIt() async throws {
        try await TestApp.run { desk, database in
            let (centre, _, camille) = try await camille(database)
            let make = Factory(database: database)
            let (other, _) = try await make.centre("autre")
            try await make.observer("observatrice@dreets.test", centres: [centre, other])
            let configuration = TestApp.configuration(for: database)
            let routes = try await buildRouter(
                configuration: configuration, client: PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1)),
                clock: SystemClock()
            ).routes.map { "\($0.path)" }.filter { $0.contains("/donnees") || $0.hasSuffix("/consultations") }
            #expect(Set(routes) == ["/c/{centre}/candidats/{id}/consultations", "/c/{centre}/candidats/{id}/donnees.zip", "/c/{centre}/donnees", "/c/{centre}/donnees/export.csv"])
            let before = try await database.count("candidate_access_log", tenant: centre)
            for (email, slugs) in [("conseil@autre.test", ["test", "autre"]), ("patron@test.test", ["test"]), ("observatrice@dreets.test", ["test", "autre"])] {
                let person = desk.fresh()
                try await person.signIn(email)
                for slug in slugs {
                    // The other centre's own registry is theirs to read (without Camille): only the routes of her record there.
                    for route in routes where slug == "test" || route.contains("{id}") || !email.hasPrefix("conseil@") {
                        let path = route.replacingOccurrences(of: "{centre}", with: slug).replacingOccurrences(of: "{id}", with: String(camille))
                        let answer = try await person.get(path)
                        #expect(answer.status == .notFound, "\(email) \(path): \(answer.status)")
                        #expect(!answer.text.contains("Camille"), "\(email) \(path)")
                    }
                }
            }
            #expect(try await database.count("candidate_access_log", tenant: centre) == before)
        }
    }
}
