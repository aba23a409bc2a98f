import Foundation
import HummingbirdTesting
import NIOCore

@testable import Renfort

/// What the candidate forms send, for the tests of the pool and of the pipeline.
enum CandidateFixtures {
    static func fields(first: String = "Éloïse", last: String = "Castagné", email: String = "eloise.castagne@exemple.test", phone: String = "06 11 22 33 44") -> [(String, String)] {
        [("first_name", first), ("last_name", last), ("email", email), ("phone", phone), ("commune_name", "Cahors"),
         ("skills", "Cuisine, pâtisserie"), ("source", "france_travail"), ("wished_contracts", "cdi"), ("driving_licence", "oui")]
    }

    /// A multipart body with one file field and the CSRF token.
    static func multipart(csrf: String, filename: String, data: [UInt8], formToken: String? = nil) -> (String, ByteBuffer) {
        let boundary = "----renfort-test-boundary"
        var buffer = ByteBuffer()
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n")
        if let formToken { buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_form\"\r\n\r\n\(formToken)\r\n") }
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n")
        buffer.writeBytes(data)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", buffer)
    }

    static func upload(_ browser: Browser, path: String, filename: String, data: [UInt8], formToken: String? = nil) async throws -> TestResponse {
        let (type, body) = multipart(csrf: browser.csrf ?? "", filename: filename, data: data, formToken: formToken)
        return try await browser.send(path, method: .post, headers: [.contentType: type], body: body)
    }
}
