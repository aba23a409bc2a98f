import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct SignInTests {
    @Test func signInRotatesTheSessionAndLandsOnTheHomePage() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            let page = try await browser.get("/login")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<label for="email">"#) && page.text.contains(#"name="password""#))
            let anonymousCookie = try #require(browser.cookie)
            #expect(try await database.count("sessions", where: "user_id IS NULL") == 1)

            let response = try await browser.post("/login", [("email", "Conseil@Cahors.TEST"), ("password", Factory.password)])
            #expect(response.status == .seeOther)
            #expect(response.location == "/c/cahors")
            let signedInCookie = try #require(browser.cookie)
            #expect(signedInCookie != anonymousCookie)
            // The pre-sign-in session is gone; only the new one remains, and only its hash is stored.
            #expect(try await database.count("sessions", where: "user_id IS NULL") == 0)
            #expect(try await database.count("sessions", where: "user_id IS NOT NULL") == 1)
            let token = String(signedInCookie.split(separator: "=")[1])
            #expect(token.count >= 22)  // at least 128 bits in base64
            #expect(try await database.count("sessions", where: "token_hash = sha256('\(token)'::bytea)") == 1)
            #expect(try await database.count("sessions", where: "encode(token_hash, 'escape') LIKE '%\(token)%'") == 0)

            let home = try await browser.get("/c/cahors")
            #expect(home.status == .ok)
            #expect(home.text.contains("Mes suivis"))
            #expect(home.text.contains("Conseil cahors"))

            // The old anonymous cookie opens nothing.
            let stale = browser.fresh()
            stale.cookie = anonymousCookie
            let refused = try await stale.get("/c/cahors")
            #expect(refused.status == .seeOther)
            #expect(refused.location?.hasPrefix("/login") == true)
        }
    }

    @Test func aWrongPasswordComesBackWithAMessageAndTheEmailKept() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.get("/login")
            let response = try await browser.post("/login", [("email", "conseil@cahors.test"), ("password", "pas le bon mot de passe")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Adresse e-mail ou mot de passe incorrect."))
            #expect(response.text.contains(#"value="conseil@cahors.test""#))
            let empty = try await browser.post("/login", [("email", ""), ("password", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("Saisissez votre adresse e-mail."))
            #expect(empty.text.contains("href=\"#email\""))
            #expect(try await database.count("sessions", where: "user_id IS NOT NULL") == 0)
        }
    }

    @Test func signOutEndsTheSessionOnTheServer() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            try await make.employer("patron@auberge.test", centre: centre, business: try await make.business(centre: centre))
            try await browser.signIn("patron@auberge.test")
            let cookie = try #require(browser.cookie)
            try await browser.get("/c/cahors")
            let out = try await browser.post("/logout")
            #expect(out.status == .seeOther)
            #expect(out.location == "/login?deconnecte=1")
            #expect(out.headers[values: .setCookie].contains { $0.contains("Max-Age=0") })
            #expect(try await database.count("sessions", where: "user_id IS NOT NULL") == 0)
            // Replaying the old cookie does not work.
            let replay = browser.fresh()
            replay.cookie = cookie
            #expect(try await replay.get("/c/cahors").status == .seeOther)
        }
    }

    @Test func anIdleSessionExpiresAfterThirtyMinutesUnlessExtended() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors")
            #expect(page.text.contains("Prolonger la session"))
            #expect(page.text.contains(#"action="/session/prolonger""#))

            clock.advance(by: 25 * 60)
            let extended = try await browser.post("/session/prolonger", [("return_to", "/c/cahors")])
            #expect(extended.status == .seeOther)
            #expect(extended.location == "/c/cahors")
            clock.advance(by: 25 * 60)
            #expect(try await browser.get("/c/cahors").status == .ok)

            clock.advance(by: 31 * 60)
            let expired = try await browser.get("/c/cahors")
            #expect(expired.status == .seeOther)
            #expect(expired.location == "/login?next=/c/cahors&expiree=1")
            let login = try await browser.get(try #require(expired.location))
            #expect(login.text.contains("Votre session a expiré"))
        }
    }

    @Test func aSessionEndsAfterTwelveHoursEvenWhenActive() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.signIn("conseil@cahors.test")
            for _ in 0..<35 {
                clock.advance(by: 20 * 60)
                #expect(try await browser.get("/c/cahors").status == .ok)
            }
            // 11 h 40 of activity so far; 21 more minutes pass the 12 hours.
            clock.advance(by: 21 * 60)
            let response = try await browser.get("/c/cahors")
            #expect(response.status == .seeOther)
            #expect(response.location?.contains("expiree=1") == true)
        }
    }

    @Test func expiredSessionsAreDeleted() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            try await browser.get("/login")
            try await browser.fresh().get("/login")
            #expect(try await database.count("sessions") == 2)
            clock.advance(by: 31 * 60)
            try await database.asApp { client in
                try await SessionStore(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock).deleteExpired(logger: TestEnvironment.logger)
            }
            #expect(try await database.count("sessions") == 0)
        }
    }

    @Test func cookieAttributesOnPlainHTTP() async throws {
        try await TestApp.run { browser, _ in
            let response = try await browser.get("/login")
            let cookie = try #require(response.headers[values: .setCookie].first)
            #expect(cookie.hasPrefix("renfort_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
        }
    }

    @Test func cookieAttributesBehindTLS() async throws {
        try await TestApp.run(configure: { $0.behindTLS = true }) { browser, database in
            try await Factory(database: database).admin()
            let response = try await browser.get("/login")
            let cookie = try #require(response.headers[values: .setCookie].first)
            #expect(cookie.hasPrefix("__Host-renfort_session="))
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Domain"))
            #expect(browser.cookie?.hasPrefix("__Host-") == true)
            let signedIn = try await browser.post("/login", [("email", "admin@plateforme.test"), ("password", Factory.password)])
            #expect(signedIn.status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)
        }
    }

    @Test func disablingAUserEndsTheirSessions() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            let id = try await make.employer("patron@domaine.test", centre: centre, business: try await make.business(centre: centre))
            try await make.admin()
            let employer = browser.fresh()
            try await employer.signIn("patron@domaine.test")
            #expect(try await employer.get("/c/cahors").status == .ok)

            try await browser.signIn("admin@plateforme.test")
            let admin = try await browser.get("/admin")
            #expect(admin.text.contains("/admin/utilisateurs/\(id)/desactiver"))
            let disabled = try await browser.post("/admin/utilisateurs/\(id)/desactiver", [("confirm", "1")])
            #expect(disabled.status == .seeOther)
            #expect(try await database.count("sessions", where: "user_id = \(id)") == 0)
            #expect(try await employer.get("/c/cahors").status == .seeOther)
            // And they cannot sign in again.
            let again = try await employer.signIn("patron@domaine.test")
            #expect(again.status == .unprocessableContent)
        }
    }

    @Test func nextIsFollowedOnlyWithinTheSite() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.get("/login?next=/c/cahors/entreprises")
            let inside = try await browser.post("/login", [("email", "conseil@cahors.test"), ("password", Factory.password), ("next", "/c/cahors/entreprises")])
            #expect(inside.location == "/c/cahors/entreprises")
            try await browser.get("/c/cahors/entreprises")
            #expect(try await browser.post("/logout").status == .seeOther)
            try await browser.get("/login")
            let outside = try await browser.post("/login", [("email", "conseil@cahors.test"), ("password", Factory.password), ("next", "//evil.example/")])
            #expect(outside.location == "/c/cahors")
        }
    }
}
