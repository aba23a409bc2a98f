import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The accessibility statement (RGAA 4.1) says its state honestly, and every page of every
/// role, and every page seen signed out, links to it from its footer.
@Suite struct AccessibilityStatementTests {
    @Test func theStatementSaysItsStateItsTestsItsDateAContactAndTheRemedies() async throws {
        try await TestApp.run(demo: false) { desk, _ in
            let page = try await desk.get("/accessibilite")
            #expect(page.status == .ok)
            let text = page.text
            for words in [
                "<h1>Déclaration d'accessibilité</h1>", "RGAA", "version 4.1", "<strong>non conforme</strong>", "aucun audit",
                "Nu Html Checker", "axe-core", "ops/narrow-check.py", "Non-conformités connues", "1<sup>er</sup> décembre 2026",
                "Retour d'information et contact", "Voies de recours", "Défenseur des droits", "Libre réponse 71120",
            ] {
                #expect(text.contains(words), "the statement does not say \(words)")
            }
        }
    }

    @Test func theStatementGivesTheConfiguredContact() async throws {
        try await TestApp.run(demo: false, configure: { $0.accessibilityContact = "accessibilite@centre.test" }) { desk, _ in
            let page = try await desk.get("/accessibilite").text
            #expect(page.contains("<a href=\"mailto:accessibilite@centre.test\">accessibilite@centre.test</a>"))
        }
    }

    @Test func everyPageOfEveryRoleLinksToTheStatementFromItsFooter() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            var pages: [(who: String, path: String, status: Int, text: String)] = []
            let anonymous = desk.fresh()
            for path in ["/login", "/mot-de-passe-oublie", "/c/essai/rejoindre", "/accessibilite", "/c/essai/inconnu"] {
                let answer = try await anonymous.get(path)
                pages.append(("signed out", path, Int(answer.status.code), answer.text))
            }
            let roles: [(String, [String], String)] = [
                (PhoneWorld.employerEmail, world.employerStarts, "/c/essai"),
                ("conseil@essai.test", world.adviserStarts, "/c/essai/besoins/\(world.need)"),
                (PhoneWorld.observerEmail, ["/observateur", "/c/essai/tableau-de-bord", "/indicateurs", "/profil"], "/observateur"),
                (PhoneWorld.adminEmail, ["/admin", "/admin/envois", "/profil"], "/admin"),
            ]
            for (email, starts, prefix) in roles {
                let browser = desk.fresh()
                try await browser.signIn(email)
                pages += try await browser.crawl(from: starts, under: prefix, limit: 80).map { (email, $0.path, $0.status, $0.text) }
            }
            let html = pages.filter { $0.text.contains("<html") }
            #expect(html.count >= 40, "\(html.count) pages")
            for page in html {
                let footer = page.text.components(separatedBy: "<footer").dropFirst().first ?? ""
                #expect(footer.contains("<a href=\"/accessibilite\">"), "\(page.who) \(page.path) (\(page.status)) has no link to the statement in its footer")
            }
        }
    }
}
