import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

@Suite struct PasswordResetTests {
    /// The link of the last message queued for `email`.
    func link(for email: String, in database: TestDatabase) async throws -> String? {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                let body = try await connection.value(
                    "SELECT body FROM outbox_messages WHERE recipient = \(email) ORDER BY id DESC LIMIT 1", as: String.self,
                    logger: TestEnvironment.logger)
                guard let body, let range = body.range(of: #"/mot-de-passe/[A-Za-z0-9_-]+"#, options: .regularExpression) else { return nil }
                return String(body[range])
            }
        }
    }

    @Test func aForgottenPasswordIsReplacedThroughASingleUseLink() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            try await make.employer("patronne@services.test", centre: centre, business: try await make.business(centre: centre))
            let page = try await browser.get("/mot-de-passe-oublie")
            #expect(page.status == .ok)
            let sent = try await browser.post("/mot-de-passe-oublie", [("email", "patronne@services.test")])
            #expect(sent.status == .seeOther)
            #expect(try await browser.get(try #require(sent.location)).text.contains("Si un compte existe"))
            let path = try #require(try await link(for: "patronne@services.test", in: database))
            #expect(try await database.count("outbox_messages", where: "kind = 'password-reset' AND sent_at IS NULL") == 1)

            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.text.contains("Choisir un nouveau mot de passe"))
            let weak = try await browser.post(path, [("password", "azertyuiop12"), ("confirmation", "azertyuiop12")])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.text.contains("trop courant"))
            let short = try await browser.post(path, [("password", "court"), ("confirmation", "court")])
            #expect(short.text.contains("au moins 12 caractères"))
            let mismatch = try await browser.post(path, [("password", "une longue phrase secrète"), ("confirmation", "autre chose encore")])
            #expect(mismatch.text.contains("ne sont pas identiques"))

            let done = try await browser.post(path, [("password", "une longue phrase secrète"), ("confirmation", "une longue phrase secrète")])
            #expect(done.status == .seeOther)
            #expect(done.location == "/login?motdepasse=1")
            // Used once: the link is dead now.
            #expect(try await browser.get(path).status == .notFound)
            #expect(try await browser.fresh().signIn("patronne@services.test").status == .unprocessableContent)
            #expect(try await browser.fresh().signIn("patronne@services.test", password: "une longue phrase secrète").status == .seeOther)
        }
    }

    @Test func anUnknownAddressGetsTheSameAnswerAndNothingIsQueued() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.get("/mot-de-passe-oublie")
            let response = try await browser.post("/mot-de-passe-oublie", [("email", "personne@nulle-part.fr")])
            #expect(response.status == .seeOther)
            #expect(response.location == "/mot-de-passe-oublie?envoye=1")
            #expect(try await database.count("outbox_messages") == 0)
            let invalid = try await browser.post("/mot-de-passe-oublie", [("email", "pas une adresse")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains(#"value="pas une adresse""#))
        }
    }

    @Test func aLinkExpiresAfterOneHour() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.get("/mot-de-passe-oublie")
            try await browser.post("/mot-de-passe-oublie", [("email", "conseil@cahors.test")])
            let path = try #require(try await link(for: "conseil@cahors.test", in: database))
            clock.advance(by: 3601)
            let expired = try await browser.get(path)
            #expect(expired.status == .notFound)
            #expect(expired.text.contains("Lien expiré"))
        }
    }

    @Test func passwordPolicy() {
        #expect(PasswordPolicy.problem(with: "court", email: "a@b.fr") != nil)
        #expect(PasswordPolicy.problem(with: "motdepasse123", email: "a@b.fr") != nil)
        #expect(PasswordPolicy.problem(with: "aaaaaaaaaaaaaaaa", email: "a@b.fr") != nil)
        #expect(PasswordPolicy.problem(with: "jean.dupont-2026", email: "jean.dupont@b.fr") != nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "é", count: 40), email: "a@b.fr") != nil)
        #expect(PasswordPolicy.problem(with: DemoData.password, email: "a@b.fr") == nil)
        #expect(PasswordPolicy.problem(with: "cheval agrafe batterie", email: "a@b.fr") == nil)
    }
}
