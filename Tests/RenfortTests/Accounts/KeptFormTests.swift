import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A form sent after the session expired is kept for its person: after signing in again they
/// find it as they sent it, and send it with their new session (the handler checks again what
/// they may do): saved as sent, or shown filled with what is to correct.
@Suite struct KeptFormTests {
    /// Sets up a centre with a submitted need and a presented application, its adviser signed in.
    func setUp(_ browser: Browser, _ database: TestDatabase) async throws -> (need: Int64, application: Int64, adviser: Browser) {
        let factory = Factory(database: database)
        let (centre, adviserID) = try await factory.centre("test")
        let business = try await factory.business(centre: centre)
        let need = try await factory.need(centre: centre, business: business)
        let candidate = try await factory.candidate(centre: centre)
        let application = try await factory.application(centre: centre, need: need, candidate: candidate, stage: .presented, actor: adviserID)
        let adviser = browser.fresh()
        try await adviser.signIn("conseil@test.test", password: Factory.password)
        return (need, application, adviser)
    }

    /// Signs in again from the page the expired POST led to; returns the answer to the sign-in.
    func signInAgain(_ browser: Browser, from location: String) async throws -> TestResponse {
        let login = try await browser.get(location)
        #expect(login.status == .ok)
        #expect(login.text.contains("Ce que vous avez saisi est conservé"))
        let next = try #require(HTMLForm.posting(to: "/login", in: login.text).first?.controls.first { $0.name == "next" }?.value)
        return try await browser.post("/login", [("email", "conseil@test.test"), ("password", Factory.password), ("next", next)])
    }

    @Test func aFormSentAfterTheSessionExpiredIsSavedAsSentAfterSigningInAgain() async throws {
        let clock = ManualClock()
        try await TestApp.run(demo: false, clock: clock) { browser, database in
            let (need, _, adviser) = try await setUp(browser, database)
            let page = try await adviser.get("/c/test/besoins/\(need)")
            let form = try #require(HTMLForm.posting(to: "/c/test/besoins/\(need)/commentaires", in: page.text).first)
            let csrf = try #require(adviser.csrf)
            clock.advance(by: SessionStore.idleTimeout + 60)
            let comment = "Appelé l'employeur : le poste peut commencer plus tôt « si possible », horaires 7 h – 15 h."
            let before = try await database.count("kept_forms")
            let events = try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events")
            let sent = try await adviser.post("/c/test/besoins/\(need)/commentaires", form.submission.filter { $0.0 != "comment" } + [("comment", comment)])

            // Nothing is saved yet, the form is kept (without its CSRF token), and the sign-in page says so.
            #expect(sent.status == .seeOther)
            let location = try #require(sent.location)
            #expect(location.hasPrefix("/login?expiree=1&formulaire=1&next=/reprise/"))
            #expect(try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events") == events)
            #expect(try await database.count("kept_forms") == before + 1)
            let stored = try await database.asOwner { client in
                try await client.withConnection { try await $0.value("SELECT fields::text FROM kept_forms", as: String.self, logger: TestEnvironment.logger) }
            }
            #expect(stored?.contains(csrf) == false)

            // After signing in again: the form as it was sent, to send with the new session.
            let signedIn = try await signInAgain(adviser, from: location)
            let reprise = try #require(signedIn.location)
            #expect(reprise.hasPrefix("/reprise/"))
            let kept = try await adviser.get(reprise)
            #expect(kept.status == .ok)
            #expect(kept.text.contains(HTML.escape(comment)))
            // Nobody else finds it.
            let other = browser.fresh()
            _ = try await Factory(database: database).person("autre@test.test", role: .adviser, centre: try await DemoLookup(database: database).centre("test"))
            try await other.signIn("autre@test.test", password: Factory.password)
            #expect(try await other.get(reprise).status == .notFound)

            let again = try #require(HTMLForm.posting(to: "/c/test/besoins/\(need)/commentaires", in: kept.text).first)
            let saved = try await adviser.post(again.action, again.submission.filter { $0.0 != "_csrf" })
            #expect(saved.status == .seeOther)
            let comments = try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events WHERE comment = '\(comment.replacingOccurrences(of: "'", with: "''"))'")
            #expect(comments == 1)
            // Sent twice (the page reloaded and sent again), it is saved once: the form's one-time token was kept.
            _ = try await adviser.post(again.action, again.submission.filter { $0.0 != "_csrf" })
            #expect(try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events WHERE comment = '\(comment.replacingOccurrences(of: "'", with: "''"))'") == 1)
        }
    }

    /// Two tabs: the session expires, the adviser signs in again in the first; the second tab's
    /// form, sent with the old page's token, is not lost: kept for them and shown at once, saved
    /// when they send it. The same form made to be sent by another site is refused, nothing kept.
    @Test func aSecondTabsFormSentAfterSigningInAgainIsKeptForItsPerson() async throws {
        let clock = ManualClock()
        try await TestApp.run(demo: false, clock: clock) { browser, database in
            let (need, _, adviser) = try await setUp(browser, database)
            let action = "/c/test/besoins/\(need)/commentaires"
            let page = try await adviser.get("/c/test/besoins/\(need)")
            let form = try #require(HTMLForm.posting(to: action, in: page.text).first)
            let oldToken = try #require(adviser.csrf)
            clock.advance(by: SessionStore.idleTimeout + 60)
            try await adviser.signIn("conseil@test.test")
            #expect(adviser.csrf != oldToken)
            let comment = "Noté dans le deuxième onglet : l'employeur rappelle lundi."
            let secondTab = form.submission.filter { $0.0 != "comment" && $0.0 != "_csrf" } + [("comment", comment), ("_csrf", oldToken)]
            let events = try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events")

            #expect(try await adviser.post(action, secondTab, csrf: false, site: "cross-site").status == .forbidden)
            #expect(try await database.count("kept_forms") == 0)

            let sent = try await adviser.post(action, secondTab, csrf: false)
            #expect(sent.status == .seeOther)
            let reprise = try #require(sent.location)
            #expect(reprise.hasPrefix("/reprise/"))
            #expect(try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events") == events)
            let kept = try await adviser.get(reprise)
            #expect(kept.status == .ok)
            #expect(kept.text.contains(HTML.escape(comment)))
            let again = try #require(HTMLForm.posting(to: action, in: kept.text).first)
            #expect(try await adviser.post(action, again.submission.filter { $0.0 != "_csrf" }).status == .seeOther)
            let escaped = comment.replacingOccurrences(of: "'", with: "''")
            #expect(try await DemoLookup(database: database).count("test", "SELECT 1 FROM job_need_events WHERE comment = '\(escaped)'") == 1)
        }
    }

    @Test func aKeptFormWithSomethingToCorrectComesBackFilled() async throws {
        let clock = ManualClock()
        try await TestApp.run(demo: false, clock: clock) { browser, database in
            let (_, application, adviser) = try await setUp(browser, database)
            let action = "/c/test/candidatures/\(application)/entretiens"
            try await adviser.get("/c/test/candidatures/\(application)")
            clock.advance(by: SessionStore.idleTimeout + 60)
            // The date is missing: the form must come back filled, with the message.
            let sent = try await adviser.post(action, [("date", ""), ("time", "14:30"), ("duration", "40"), ("mode", "video"), ("place", "https://visio.exemple.fr/salle-7"), ("attendees", "Mme Durand, gérante")])
            let signedIn = try await signInAgain(adviser, from: try #require(sent.location))
            let kept = try await adviser.get(try #require(signedIn.location))
            let again = try #require(HTMLForm.posting(to: action, in: kept.text).first)
            let answer = try await adviser.post(action, again.submission.filter { $0.0 != "_csrf" })
            #expect(answer.status == .unprocessableContent)
            let shown = try #require(HTMLForm.posting(to: action, in: answer.text).first)
            let values = Dictionary(shown.controls.filter { $0.kind != "select" }.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            #expect(values["time"] == "14:30" && values["duration"] == "40" && values["place"] == "https://visio.exemple.fr/salle-7" && values["attendees"] == "Mme Durand, gérante")
            #expect(shown.controls.first { $0.name == "mode" }?.options.first { $0.selected }?.value == "video")
            #expect(answer.text.contains("Renseignez «\u{00A0}Date de l&#39;entretien\u{00A0}»") || answer.text.contains("Date de l"))
            #expect(try await DemoLookup(database: database).count("test", "SELECT 1 FROM interviews") == 0)
        }
    }

    @Test func withoutAnExpiredSessionNothingIsKept() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let (need, _, _) = try await setUp(browser, database)
            // Someone who never signed in (a visitor's session only) is sent to sign in; nothing is kept.
            let stranger = browser.fresh()
            try await stranger.get("/login")
            let refused = try await stranger.post("/c/test/besoins/\(need)/commentaires", [("comment", "x")])
            #expect(refused.status == .seeOther)
            #expect(refused.location?.hasPrefix("/login") == true)
            // Without any session: refused as before.
            let cookieless = browser.fresh()
            #expect(try await cookieless.post("/c/test/besoins/\(need)/commentaires", [("comment", "x"), ("_csrf", "faux")], csrf: false).status == .forbidden)
            #expect(try await database.count("kept_forms") == 0)
        }
    }
}
