import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

/// The centre's pool: search, duplicates, merge, documents.
@Suite struct CandidatePoolTests {
    @Test func thePoolSearchesWithoutAccentsFindsDuplicatesAndMerges() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/candidats/nouveau").text))
            let created = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields() + [("_form", token)])
            #expect(created.status == .seeOther)
            let firstPath = try #require(created.location)
            let search = try await browser.get("/c/cahors/candidats?q=ELOISE+patisserie")
            #expect(search.text.contains("Éloïse Castagné"))
            #expect(try await browser.get("/c/cahors/candidats?q=castagne&permis=1&contrat=cdi").text.contains("Éloïse Castagné"))
            #expect(!(try await browser.get("/c/cahors/candidats?q=castagne&vehicule=1").text.contains("Éloïse Castagné")))

            // The same phone again: the form shows the existing record before saving.
            let token2 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/candidats/nouveau").text))
            let twin = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields(first: "Eloise", email: "autre@exemple.test", phone: "+33 6 11 22 33 44") + [("_form", token2)])
            #expect(twin.status == .unprocessableContent)
            #expect(twin.text.contains("Fiches qui ressemblent"))
            #expect(twin.text.contains(firstPath))
            let confirmed = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields(first: "Eloise", email: "autre@exemple.test", phone: "+33 6 11 22 33 44") + [("_form", token2), ("confirm_duplicate", "oui")])
            #expect(confirmed.status == .seeOther)
            let secondPath = try #require(confirmed.location)
            let firstID = Int64(firstPath.split(separator: "/").last!)!
            // Merge the second into the first.
            try await browser.get(secondPath)
            let merged = try await browser.post(secondPath + "/fusionner", [("target_id", String(firstID)), ("confirm", "1")])
            #expect(merged.location == firstPath)
            #expect(try await browser.get(firstPath).text.contains("fusionnée dans celle-ci"))
            #expect(try await browser.get(secondPath).text.contains("a été fusionnée"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates WHERE merged_into = \(firstID)") == 1)
            // Retention: without consent, at most three months.
            let token3 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/candidats/nouveau").text))
            let tooLong = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields(first: "Marc", last: "Lavergne", email: "marc@exemple.test", phone: "0600000001") + [("purge_after", "2040-01-01"), ("_form", token3)])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.text.contains("trois mois"))
        }
    }

    @Test func documentsArePDFsOfAtMostFiveMegabytesDownloadedAsAttachments() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let candidate = try await make.candidate(centre: try await make.centre("cahors").id)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let path = "/c/cahors/candidats/\(candidate)"
            try await browser.get(path)
            let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)
            let empty = try await CandidateFixtures.upload(browser, path: path + "/documents", filename: "cv.pdf", data: [])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("Ce fichier est vide"))
            let big = try await CandidateFixtures.upload(browser, path: path + "/documents", filename: "cv.pdf", data: pdf + [UInt8](repeating: 0x20, count: 5 * 1024 * 1024 + 1 - pdf.count))
            #expect(big.status == .unprocessableContent)
            #expect(big.text.contains("dépasse 5 Mo"))
            let fake = try await CandidateFixtures.upload(browser, path: path + "/documents", filename: "cv.pdf", data: Array("<html>pas un pdf</html>".utf8))
            #expect(fake.status == .unprocessableContent)
            #expect(fake.text.contains("n&#39;est pas un PDF"))
            let ok = try await CandidateFixtures.upload(browser, path: path + "/documents", filename: "../../etc/C:\\passwd\"; x.pdf", data: pdf)
            #expect(ok.status == .seeOther)
            let page = try await browser.get(path)
            #expect(page.text.contains("Document ajouté"))
            let documentID = try await lookup.ids("cahors", "SELECT id FROM candidate_documents WHERE candidate_id = \(candidate)").first!
            let stored = try await lookup.ids("cahors", "SELECT count(*) FROM candidate_documents WHERE id = \(documentID) AND filename NOT LIKE '%/%' AND filename NOT LIKE '%\\\\%' AND sha256 = encode(sha256(content), 'hex')").first
            #expect(stored == 1)
            let download = try await browser.get(path + "/documents/\(documentID)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(Array(download.body.readableBytesView) == pdf)
            // A malformed multipart body is a 400, not a 500 (with its token in the header: without one, a 403).
            let broken = try await browser.send(path + "/documents", method: .post, headers: [.contentType: "multipart/form-data; boundary=zzz", .xCSRFToken: browser.csrf ?? ""], body: ByteBuffer(string: "nothing here"))
            #expect(broken.status == .badRequest)
        }
    }

    @Test func aDocumentSentTwiceIsKeptOnce() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let candidate = try await make.candidate(centre: try await make.centre("cahors").id)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/candidats/\(candidate)")
            let token = try #require(page.text.firstMatch(of: try Regex(#"name="_form" value="([^"]+)""#))?.output[1].substring.map(String.init))
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidate_documents WHERE candidate_id = \(candidate)")
            let pdf = Array("%PDF-1.4 cv".utf8)
            let path = "/c/cahors/candidats/\(candidate)/documents"
            let first = try await CandidateFixtures.upload(browser, path: path, filename: "cv.pdf", data: pdf, formToken: token)
            let second = try await CandidateFixtures.upload(browser, path: path, filename: "cv.pdf", data: pdf, formToken: token)
            #expect(first.status == .seeOther)
            #expect(second.status == .seeOther)
            #expect(second.headers[.location] == first.headers[.location])
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_documents WHERE candidate_id = \(candidate)") == before + 1)
        }
    }
}
