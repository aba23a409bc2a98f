import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The centre's data-protection page: views, downloads, exports, erasures and purges, by
/// period and kind, 50 a page, and its CSV file that names no one.
@Suite struct DataProtectionPageTests {
    /// A centre with Camille's record viewed, a document downloaded and an export, Noé's record
    /// erased at his request and Zoé's purged. Returns (centre, Camille, Noé, Zoé).
    func registry(_ desk: Browser, _ database: TestDatabase) async throws -> (Int64, Int64, Int64, Int64) {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("test")
        let camille = try await make.candidate(centre: centre)
        let noe = try await make.candidate(centre: centre, firstName: "Noé", lastName: "Durand", email: "noe@example.org")
        let zoe = try await make.candidate(centre: centre, firstName: "Zoé", lastName: "Lacombe", email: "zoe@example.org")
        try await make.document(centre: centre, candidate: camille, actor: adviser)
        let document = try #require(try await make.ids(centre, "SELECT id FROM candidate_documents").first)
        try await desk.signIn("conseil@test.test")
        #expect(try await desk.get("/c/test/candidats/\(camille)").status == .ok)
        #expect(try await desk.get("/c/test/candidats/\(camille)/documents/\(document)").status == .ok)
        #expect(try await desk.get("/c/test/candidats/\(camille)/donnees.zip").status == .ok)
        // The erasures as the lead's purge and erasure write them (identity removed, the row kept).
        try await make.inside(centre) { connection in
            try await connection.execute(
                """
                INSERT INTO candidate_erasures (tenant_id, candidate_id, kind, requested_on, requested_via, done_by, done_at)
                VALUES (\(centre), \(noe), 'request', current_date, 'courrier', \(adviser), now()),
                       (\(centre), \(zoe), 'purge', NULL, '', NULL, now())
                """, logger: TestEnvironment.logger)
            try await connection.execute(
                "UPDATE candidates SET first_name = '', last_name = '', email = NULL, erased_at = now() WHERE id IN (\(noe), \(zoe))",
                logger: TestEnvironment.logger)
        }
        return (centre, camille, noe, zoe)
    }

    @Test func thePageListsViewsDownloadsExportsErasuresAndPurges() async throws {
        try await TestApp.run { desk, database in
            let (_, camille, noe, zoe) = try await registry(desk, database)
            let page = try await desk.get("/c/test/donnees")
            #expect(page.status == .ok)
            for line in [
                "Consultation de la fiche (fiche du candidat)", "Téléchargement d&#39;un document (fiche du candidat, document n°",
                "Export de toutes les données (fiche du candidat)", "Effacement à la demande de la personne, demandé le", "(courrier)",
                "Purge : la date de conservation était passée", "Renfort (purge automatique)",
            ] {
                #expect(page.text.contains(line), "\(line)")
            }
            #expect(page.text.contains("<a href=\"/c/test/candidats/\(camille)\">n°\u{00A0}\(camille) — Camille Martin</a>"))
            // An erased record: its number only.
            #expect(page.text.contains("<td data-label=\"Fiche\">n°\u{00A0}\(noe)</td>"))
            #expect(page.text.contains("<td data-label=\"Fiche\">n°\u{00A0}\(zoe)</td>"))
            // The navigation leads there.
            #expect(try await desk.get("/c/test").text.contains("href=\"/c/test/donnees\""))
        }
    }

    @Test func thePageFiltersByKindAndPeriodAndSaysWhatIsWrong() async throws {
        try await TestApp.run { desk, database in
            _ = try await registry(desk, database)
            let exports = try await desk.get("/c/test/donnees?nature=export")
            #expect(exports.text.contains("Export de toutes les données"))
            #expect(!exports.text.contains("Consultation de la fiche ("))
            #expect(!exports.text.contains("Purge : "))
            let today = Day(Date())
            let past = try await desk.get("/c/test/donnees?du=\(today.adding(days: -60).iso)&au=\(today.adding(days: -30).iso)")
            #expect(past.status == .ok)
            #expect(past.text.contains("Rien sur cette période."))
            let wrong = try await desk.get("/c/test/donnees?du=\(today.iso)&au=\(today.adding(days: -30).iso)")
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("La période commence après sa fin."))
            #expect(try await desk.get("/c/test/donnees?du=hier").status == .unprocessableContent)
            #expect(try await desk.get("/c/test/donnees?nature=tout").status == .unprocessableContent)
        }
    }

    @Test func theCSVFileHasEveryLineOfThePeriodAndNamesNoOne() async throws {
        try await TestApp.run { desk, database in
            let (_, camille, noe, zoe) = try await registry(desk, database)
            let page = try await desk.get("/c/test/donnees")
            let href = try #require(page.text.firstMatch(of: /href="(\/c\/test\/donnees\/export\.csv\?[^"]+)"/).map { String($0.output.1) })
            let file = try await desk.get(href.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(file.headers[.contentDisposition]?.contains("registre-donnees-test-du-") == true)
            let lines = file.text.split(separator: "\r\n").map(String.init)
            #expect(lines.contains("Date;Heure;Fiche n°;Par;Nature;Détail"))
            let rows = lines.drop { $0 != "Date;Heure;Fiche n°;Par;Nature;Détail" }.dropFirst()
            #expect(rows.count == 5)
            for (id, kind) in [(camille, "view"), (camille, "document"), (camille, "export"), (noe, "request"), (zoe, "purge")] {
                #expect(rows.contains { $0.contains(";\"=\"\"\(id)\"\"\";") && $0.contains(";\(kind);") }, "\(id) \(kind)")
            }
            #expect(!file.text.contains("Camille"))
            #expect(!file.text.contains("Martin"))
            let international = try await desk.get("/c/test/donnees/export.csv?format=international")
            #expect(international.text.contains("Date,Heure,Fiche n°,Par,Nature,Détail"))
        }
    }

    @Test func thePageShowsFiftyLinesAPageTheLatestFirst() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("test")
            let camille = try await make.candidate(centre: centre)
            let start = Date().addingTimeInterval(-3600)
            try await make.inside(centre) { connection in
                for minute in 0..<55 {
                    try await AccessLog.record(
                        .view, candidateID: camille, by: .user(adviser), place: .record, tenantID: centre, now: start.addingTimeInterval(Double(minute) * 60),
                        on: connection, logger: TestEnvironment.logger)
                }
            }
            try await desk.signIn("conseil@test.test")
            let first = try await desk.get("/c/test/donnees")
            #expect(first.text.contains("55 ligne(s) — page 1 sur 2"))
            #expect(first.text.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 50)
            #expect(first.text.contains(Formats.dateTime(start.addingTimeInterval(54 * 60))))
            let next = try #require(first.text.firstMatch(of: /href="([^"]+page=2)" rel="next"/).map { String($0.output.1).replacingOccurrences(of: "&amp;", with: "&") })
            let second = try await desk.get(next)
            #expect(second.text.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 5)
            #expect(second.text.contains(Formats.dateTime(start)))
            // The record's own list: the latest five on its page, all of them on its log's page.
            let record = try await desk.get("/c/test/candidats/\(camille)")
            #expect(record.text.contains("Toutes les consultations (56)"))
            let all = try await desk.get("/c/test/candidats/\(camille)/consultations")
            #expect(all.status == .ok)
            #expect(all.text.contains("56 ligne(s) — page 1 sur 2"))
        }
    }
}
