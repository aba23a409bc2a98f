import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct AdminTests {
    let valid: [(String, String)] = [
        ("slug", "gourdon"), ("name", "Centre RH mutualisé de la Bouriane"), ("territory", "Bouriane"),
        ("adviser_name", "Lucie Lafage"), ("adviser_email", "lucie.lafage@gourdon.renfort.test"),
    ]

    func formToken(_ html: String) -> String? {
        guard let range = html.range(of: #"name="_form" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return html[range].components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }

    @Test func anAdminCreatesACentreAndItsFirstAdviserOnce() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).admin()
            try await browser.signIn("admin@plateforme.test")
            let page = try await browser.get("/admin")
            let token = try #require(formToken(page.text))
            let first = try await browser.post("/admin/centres", valid + [("_form", token)])
            #expect(first.status == .seeOther)
            #expect(first.location == "/admin")
            // The same form sent again (a double click, a reload) creates nothing more.
            let second = try await browser.post("/admin/centres", valid + [("_form", token)])
            #expect(second.status == .seeOther)
            #expect(second.location == "/admin")
            #expect(try await database.count("centres", where: "slug = 'gourdon'") == 1)
            #expect(try await database.count("users", where: "email = 'lucie.lafage@gourdon.renfort.test' AND password_hash IS NULL") == 1)
            #expect(try await database.count("outbox_messages", where: "recipient = 'lucie.lafage@gourdon.renfort.test' AND kind = 'password-welcome'") == 1)
            let outbox = try await browser.get("/admin/envois")
            #expect(outbox.text.contains("Bienvenue sur Renfort"))
            #expect(outbox.text.contains("en attente"))
            // A text message has no subject: the page names it, never an empty heading.
            try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: TestEnvironment.logger) { connection in
                    try await Outbox.enqueue(
                        dedupeKey: "sms-test", kind: "offer_application", channel: .sms, recipient: "06 12 34 56 78", subject: "",
                        body: "Bien reçu.", at: Date(), on: connection, logger: TestEnvironment.logger)
                }
            }
            let texts = try await browser.get("/admin/envois").text
            #expect(texts.contains("<h2 class=\"message__subject\">SMS sans objet (offer_application)</h2>"))
            #expect(texts.contains("SMS à 06 12 34 56 78"))

            // The new adviser follows the link, chooses a password and lands in the new centre.
            let body = outbox.text
            let range = try #require(body.range(of: #"/mot-de-passe/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let adviser = browser.fresh()
            let link = String(body[range])
            #expect(try await adviser.get(link).text.contains("Bienvenue"))
            #expect(try await adviser.post(link, [("password", "la bouriane en automne"), ("confirmation", "la bouriane en automne")]).status == .seeOther)
            let signedIn = try await adviser.signIn("lucie.lafage@gourdon.renfort.test", password: "la bouriane en automne")
            #expect(signedIn.location == "/c/gourdon")
            #expect(try await adviser.get("/c/gourdon").text.contains("Centre RH mutualisé de la Bouriane"))
        }
    }

    @Test func concurrentDoubleSubmitCreatesOneCentre() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).admin()
            try await browser.signIn("admin@plateforme.test")
            let token = try #require(formToken(try await browser.get("/admin").text))
            let fields = valid + [("_form", token)]
            async let a = browser.post("/admin/centres", fields)
            async let b = browser.post("/admin/centres", fields)
            let (first, second) = try await (a, b)
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(try await database.count("centres", where: "slug = 'gourdon'") == 1)
            #expect(try await database.count("users", where: "email = 'lucie.lafage@gourdon.renfort.test'") == 1)
        }
    }

    @Test func badInputComesBackWithMessagesAndWhatWasTyped() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            try await make.admin()
            try await make.centre("cahors")
            try await browser.signIn("admin@plateforme.test")
            let token = try #require(formToken(try await browser.get("/admin").text))
            let response = try await browser.post("/admin/centres", [
                ("slug", "Pas Valide!"), ("name", ""), ("territory", "Quercy <b>blanc</b>"),
                ("adviser_name", "Jean"), ("adviser_email", "pas-une-adresse"), ("_form", token),
            ])
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(html.contains("Le formulaire contient des erreurs"))
            #expect(html.contains("href=\"#slug\"") && html.contains("href=\"#adviserEmail\"") && html.contains("href=\"#name\""))
            #expect(html.contains("Saisissez une adresse e-mail valide"))
            #expect(html.contains(#"value="pas valide!""#))
            #expect(html.contains("Quercy &lt;b&gt;blanc&lt;/b&gt;"))
            #expect(!html.contains("<b>blanc</b>"))
            #expect(html.contains(#"aria-invalid="true""#))
            let taken = try await browser.post("/admin/centres", [
                ("slug", "cahors"), ("name", "Doublon"), ("territory", "Lot"), ("adviser_name", "Jean"),
                ("adviser_email", "jean@exemple.fr"), ("_form", token),
            ])
            #expect(taken.status == .unprocessableContent)
            #expect(taken.text.contains("Ce nom court est déjà celui d&#39;un autre centre."))
            #expect(try await database.count("centres") == 1)
            #expect(try await database.count("users", where: "email = 'jean@exemple.fr'") == 0)
            let noToken = try await browser.post("/admin/centres", valid)
            #expect(noToken.status == .badRequest)
            #expect(try await database.count("centres") == 1)
        }
    }
}
