import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

@Suite struct SecurityHeadersTests {
    func checkCommonHeaders(_ response: TestResponse, _ what: String) {
        let csp = response.headers[.contentSecurityPolicy] ?? ""
        #expect(csp.contains("script-src 'self'"), "\(what): CSP")
        #expect(!csp.contains("unsafe-inline"), "\(what): CSP allows inline")
        #expect(csp.contains("object-src 'none'"), "\(what)")
        #expect(csp.contains("base-uri 'none'"), "\(what)")
        #expect(csp.contains("frame-ancestors 'none'"), "\(what)")
        #expect(csp.contains("form-action 'self'"), "\(what)")
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(response.headers[.init("Referrer-Policy")!] == "same-origin", "\(what)")
        #expect(response.headers[.init("X-Request-Id")!] != nil, "\(what)")
    }

    @Test func everyKindOfResponseCarriesTheHeaders() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            let login = try await browser.get("/login")
            checkCommonHeaders(login, "page")
            #expect(login.headers[.cacheControl] == "no-store")
            #expect(login.headers[.strictTransportSecurity] == nil)

            let missing = try await browser.get("/nulle-part")
            #expect(missing.status == .notFound)
            checkCommonHeaders(missing, "404")
            #expect(missing.text.contains("Page introuvable"))
            #expect(missing.text.contains(missing.headers[.init("X-Request-Id")!]!))

            let css = try await browser.get("/static/renfort.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=3600")
            checkCommonHeaders(css, "static")
            let cached = try await browser.get("/static/renfort.css", headers: [.ifNoneMatch: css.headers[.eTag]!])
            #expect(cached.status == .notModified)

            let redirect = try await browser.get("/c/cahors")
            #expect(redirect.status == .seeOther)
            checkCommonHeaders(redirect, "redirect")

            let forbidden = try await browser.post("/login", [], csrf: false)
            #expect(forbidden.status == .forbidden)
            checkCommonHeaders(forbidden, "403")
            #expect(forbidden.text.contains("Accès refusé"))

            let health = try await browser.get("/health/live")
            checkCommonHeaders(health, "health")

            try await browser.signIn("conseil@cahors.test")
            let signedIn = try await browser.get("/c/cahors")
            checkCommonHeaders(signedIn, "signed-in page")
            #expect(signedIn.headers[.cacheControl] == "no-store")
        }
    }

    @Test func hstsBehindTLS() async throws {
        try await TestApp.run(configure: { $0.behindTLS = true }) { browser, _ in
            let page = try await browser.get("/login")
            #expect(page.headers[.strictTransportSecurity]?.hasPrefix("max-age=") == true)
            let missing = try await browser.get("/nulle-part")
            #expect(missing.headers[.strictTransportSecurity] != nil)
        }
    }

    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "PSQLError: relation \"secret_table\" does not exist at Database.swift:42" }
    }

    @Test func anUnexpectedErrorGetsTheFrench500PageWithTheRequestID() async throws {
        try await TestDatabase.withFresh { database in
            let configuration = TestApp.configuration(for: database)
            let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
            let router = try await buildRouter(configuration: configuration, client: client, clock: SystemClock())
            router.get("/test-panne") { _, _ -> Response in throw InternalFailure() }
            let app = Application(router: router, services: [client], logger: TestEnvironment.logger)
            try await app.test(.router) { client in
                let page = try await client.execute(uri: "/test-panne", method: .get)
                RenderedPages.keep(method: .get, uri: "/test-panne", response: page)
                #expect(page.status == .internalServerError)
                let html = String(buffer: page.body)
                #expect(html.contains("Erreur du serveur"))
                #expect(html.contains(try #require(page.headers[.init("X-Request-Id")!])))
                #expect(!html.contains("secret_table") && !html.contains("PSQL") && !html.contains("Database.swift"))
                #expect(page.headers[.contentSecurityPolicy] != nil)
            }
        }
    }

    @Test func errorPagesAreInFrenchAndShowNoInternals() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            let bad = try await browser.get("/c/cahors/entreprises/pas-un-nombre")
            #expect(bad.status == .seeOther)  // not signed in first
            try await browser.signIn("conseil@cahors.test")
            let notANumber = try await browser.get("/c/cahors/entreprises/pas-un-nombre")
            #expect(notANumber.status == .notFound)
            #expect(notANumber.text.contains("lang=\"fr\""))
            #expect(!notANumber.text.contains("Error"))
            let huge = try await browser.get("/c/cahors/entreprises/99999999999999999999999")
            #expect(huge.status == .notFound)
        }
    }
}
