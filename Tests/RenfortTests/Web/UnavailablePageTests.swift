import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

/// While the database does not answer, a request gets a French 503 page (JSON for the
/// API) with `Retry-After` after a short wait, instead of waiting for the database's return.
@Suite struct UnavailablePageTests {
    /// The server of these tests waits one second for a connection.
    static func shortWait(_ configuration: inout AppConfiguration) { configuration.databaseWait = .seconds(1) }

    @Test func aPageAnswers503WithRetryAfter() async throws {
        try await TestApp.runBehindProxy(frozen: true, configure: Self.shortWait) { client, _ in
            let started = ContinuousClock.now
            let page = try await client.execute(uri: "/login", method: .get)
            RenderedPages.keep(method: .get, uri: "/login", response: page)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers[.retryAfter] == String(DatabaseUnavailable.retryAfter))
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("Service indisponible"))
            #expect(page.text.contains("Réessayez dans quelques instants"))
        }
    }

    @Test func aSignedInPageAnswers503() async throws {
        try await TestApp.runBehindProxy(frozen: true, configure: Self.shortWait) { client, _ in
            // The session itself is read from the database.
            let page = try await client.execute(
                uri: "/c/cahors/entreprises", method: .get, headers: [.cookie: "renfort_session=\(String(repeating: "a", count: 43))"])
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers[.retryAfter] != nil)
            #expect(page.text.contains("Service indisponible"))
        }
    }

    @Test func theAPIAnswers503InJSON() async throws {
        try await TestApp.runBehindProxy(frozen: true, configure: Self.shortWait) { client, _ in
            let answer = try await client.execute(
                uri: "/api/v1/centres", method: .get, headers: [.authorization: "Bearer rnf_\(String(repeating: "b", count: 40))"])
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.headers[.retryAfter] == String(DatabaseUnavailable.retryAfter))
            #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            let body = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: [String: Any]]
            #expect(body?["error"]?["status"] as? Int == 503)
            #expect((body?["error"]?["message"] as? String)?.contains("indisponible") == true)
            #expect(body?["error"]?["request_id"] is String)
        }
    }

    @Test func theServerRecoversWhenTheDatabaseIsBack() async throws {
        try await TestApp.runBehindProxy(frozen: true, configure: Self.shortWait) { client, proxy in
            #expect(try await client.execute(uri: "/login", method: .get).status == .serviceUnavailable)
            proxy.thaw()
            // The pool makes its connection again within a few seconds.
            var page = try await client.execute(uri: "/login", method: .get)
            for _ in 0..<20 where page.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                page = try await client.execute(uri: "/login", method: .get)
            }
            #expect(page.status == .ok)
            #expect(page.text.contains("Se connecter"))
        }
    }
}
