import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct MultipartTests {
    static let boundary = "----renfort-multipart-test"
    static let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    /// One part of a body: a text field, or a file when `filename` is given.
    struct Part {
        let name: String
        var filename: String? = nil
        let bytes: [UInt8]

        static func field(_ name: String, _ value: String) -> Part { Part(name: name, bytes: Array(value.utf8)) }
        static func file(_ filename: String, _ bytes: [UInt8]) -> Part { Part(name: "document", filename: filename, bytes: bytes) }
    }

    static func body(_ parts: [Part], closed: Bool = true) -> ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"")
            if let filename = part.filename { buffer.writeString("; filename=\"\(filename)\"\r\nContent-Type: application/pdf") }
            buffer.writeString("\r\n\r\n")
            buffer.writeBytes(part.bytes)
            buffer.writeString("\r\n")
        }
        if closed { buffer.writeString("--\(boundary)--\r\n") }
        return buffer
    }

    static func send(_ browser: Browser, _ path: String, _ body: ByteBuffer, headerToken: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let headerToken { headers[.xCSRFToken] = headerToken }
        return try await browser.send(path, method: .post, headers: headers, body: body)
    }

    /// An adviser on a candidate's page, ready to upload: the path of its documents and the count of its rows.
    static func onCandidatePage(_ browser: Browser, _ database: TestDatabase) async throws -> (path: String, documents: @Sendable () async throws -> Int) {
        let make = Factory(database: database)
        let candidate = try await make.candidate(centre: try await make.centre("cahors").id)
        let lookup = DemoLookup(database: database)
        try await browser.signIn("conseil@cahors.test")
        let page = try await browser.get("/c/cahors/candidats/\(candidate)")
        #expect(page.status == .ok)
        return ("/c/cahors/candidats/\(candidate)/documents", { try await lookup.count("cahors", "SELECT 1 FROM candidate_documents") })
    }

    @Test func anUploadWithoutItsTokenFirstIsRefusedBeforeAnythingElseIsRead() async throws {
        try await TestApp.run { browser, database in
            let (path, documents) = try await Self.onCandidatePage(browser, database)
            let token = try #require(browser.csrf)
            let before = try await documents()
            let garbage = ByteBuffer(string: "--\(Self.boundary)\r\nnot a header at all\r\n\r\n\u{1}\u{2}")
            var cases: [(String, ByteBuffer, String?)] = [
                ("a malformed body without a token", ByteBuffer(string: "nothing here"), nil),
                ("a wrong token, then a malformed body", {
                    var body = Self.body([.field("_csrf", "faux-jeton")], closed: false)
                    body.writeImmutableBuffer(garbage)
                    return body
                }(), nil),
                ("the file before the token", Self.body([.file("cv.pdf", Self.pdf), .field("_csrf", token)]), nil),
                ("a wrong token in the header", Self.body([.field("_csrf", token), .file("cv.pdf", Self.pdf)]), "faux-jeton"),
                // Past the limit, yet refused for its token: the rest was never read.
                ("a wrong token, then 6 MB", Self.body([.field("_csrf", "faux-jeton"), .file("cv.pdf", Self.pdf + [UInt8](repeating: 0x20, count: 6 * 1024 * 1024))]), nil),
            ]
            // Another session's valid token is no better.
            let other = browser.fresh()
            try await other.get("/login")
            cases.append(("another session's token", Self.body([.field("_csrf", other.csrf ?? ""), .file("cv.pdf", Self.pdf)]), nil))
            for (what, body, headerToken) in cases {
                let response = try await Self.send(browser, path, body, headerToken: headerToken)
                #expect(response.status == .forbidden, "\(what): \(response.status)")
                #expect(response.text.contains("Ce formulaire a expiré"), "\(what)")
            }
            // Without a session at all, the same; and a visitor's session, with its own valid token, uploads nothing either.
            let anonymous = browser.fresh()
            #expect(try await Self.send(anonymous, path, Self.body([.field("_csrf", token), .file("cv.pdf", Self.pdf)])).status == .forbidden)
            try await anonymous.get("/login")
            let visitorToken = try #require(anonymous.csrf)
            #expect(try await Self.send(anonymous, "/login", Self.body([.field("_csrf", visitorToken), .field("email", "a@exemple.test")])).status == .forbidden)
            #expect(try await documents() == before)
        }
    }

    @Test func withAValidTokenAMalformedBodyIsA400AndAFieldWithNULToo() async throws {
        try await TestApp.run { browser, database in
            let (path, documents) = try await Self.onCandidatePage(browser, database)
            let token = try #require(browser.csrf)
            let before = try await documents()
            var broken = Self.body([.field("_csrf", token)], closed: false)
            broken.writeString("--\(Self.boundary)\r\nnot a header at all\r\n\r\nx")
            let malformed = try await Self.send(browser, path, broken)
            #expect(malformed.status == .badRequest)
            #expect(malformed.text.contains("Envoi de fichier mal formé"))
            // Cut in the middle of the file.
            let whole = Self.body([.field("_csrf", token), .file("cv.pdf", Self.pdf)])
            let cut = try await Self.send(browser, path, whole.getSlice(at: 0, length: whole.readableBytes - 50)!)
            #expect(cut.status == .badRequest)
            let withNUL = try await Self.send(browser, path, Self.body([.field("_csrf", token), .field("note", "a\u{0}b"), .file("cv.pdf", Self.pdf)]))
            #expect(withNUL.status == .badRequest)
            #expect(withNUL.text.contains("caractères non valides"))
            #expect(try await documents() == before)
        }
    }

    @Test func theTokenMayComeInTheHeaderAndTheFileNameIsKept() async throws {
        try await TestApp.run { browser, database in
            let (path, documents) = try await Self.onCandidatePage(browser, database)
            let token = try #require(browser.csrf)
            let before = try await documents()
            let sent = try await Self.send(browser, path, Self.body([.file("CV Éloïse; version=2.pdf", Self.pdf)]), headerToken: token)
            #expect(sent.status == .seeOther)
            #expect(try await documents() == before + 1)
            let lookup = DemoLookup(database: database)
            // The whole name reached the handler, which drops only the characters it never keeps (`;` among them).
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_documents WHERE filename = 'CV Éloïse version=2.pdf'") == 1)
        }
    }

    @Test func aFiveMegabyteDocumentIsStoredAndALargerBodyGetsAFrench413() async throws {
        try await TestApp.run { browser, database in
            let (path, documents) = try await Self.onCandidatePage(browser, database)
            let token = try #require(browser.csrf)
            let before = try await documents()
            let fiveMegabytes = Self.pdf + [UInt8](repeating: 0x20, count: 5 * 1024 * 1024 - Self.pdf.count)
            let stored = try await Self.send(browser, path, Self.body([.field("_csrf", token), .file("gros.pdf", fiveMegabytes)]))
            #expect(stored.status == .seeOther)
            let lookup = DemoLookup(database: database)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_documents WHERE filename = 'gros.pdf' AND size = \(5 * 1024 * 1024) AND sha256 = encode(sha256(content), 'hex')") == 1)
            let tooLarge = try await Self.send(browser, path, Self.body([.field("_csrf", token), .file("trop.pdf", fiveMegabytes + [UInt8](repeating: 0x20, count: 1024 * 1024))]))
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.text.contains("5 Mo pour un document"))
            #expect(try await documents() == before + 1)
        }
    }

    @Test func contentDispositionParametersMayHoldSemicolonsAndEquals() {
        let parameters = MultipartUpload.parameters(of: #"form-data; name="document"; filename="a;b=c.pdf"; x"#)
        #expect(parameters["name"] == "document")
        #expect(parameters["filename"] == "a;b=c.pdf")
        #expect(MultipartUpload.parameters(of: "form-data; NAME=plain ; other")["name"] == "plain")
        #expect(MultipartUpload.boundary(of: "multipart/form-data; boundary=\"abc def\"") == "abc def")
        #expect(MultipartUpload.boundary(of: "multipart/form-data; boundary=") == nil)
        #expect(MultipartUpload.boundary(of: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        #expect(MultipartUpload.browserUnescaped("mon %22cv%22.pdf") == "mon \"cv\".pdf")
    }
}
