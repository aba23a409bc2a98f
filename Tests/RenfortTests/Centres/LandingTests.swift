import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct LandingTests {
    @Test(arguments: [
        ("admin@renfort.test", "/admin", "Administration"),
        ("conseiller1@cahors.renfort.test", "/c/cahors", "Mes suivis"),
        ("conseiller2@cahors.renfort.test", "/c/cahors", "Besoins à qualifier"),
        ("employeur1@cahors.renfort.test", "/c/cahors", "Auberge du Causse"),
        ("employeur8@cahors.renfort.test", "/c/cahors", "Transports Cadurciens"),
        ("conseiller1@figeac.renfort.test", "/c/figeac", "Mes suivis"),
        ("observateur@dreets.renfort.test", "/observateur", "Centre RH mutualisé du Pays de Figeac"),
    ])
    func eachRoleLandsOnItsHomePage(email: String, home: String, content: String) async throws {
        try await TestApp.run(demo: true) { browser, _ in
            let response = try await browser.signIn(email, password: DemoData.password)
            #expect(response.status == .seeOther)
            #expect(response.location == home)
            let page = try await browser.get(home)
            #expect(page.status == .ok)
            #expect(page.text.contains(content))
            // Styled, accessible shell: our stylesheet, a skip link, the sign-out form.
            #expect(page.text.contains(#"href="/static/renfort.css""#))
            #expect(page.text.contains("href=\"#contenu\""))
            #expect(page.text.contains(#"action="/logout""#))
            // The root sends them to the same place.
            #expect(try await browser.get("/").location == home)
        }
    }

    @Test func theObserverSeesBothCentresAndTheirTotal() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            let page = try await browser.get("/observateur")
            #expect(page.text.contains("Centre RH mutualisé du Grand Cahors"))
            #expect(page.text.contains("Ensemble"))
            #expect(page.text.contains(">10<"))
            // The 2018–2019 season side by side: Cahors 39 permanent posts, Figeac 4, together 43.
            let season = try await browser.get("/observateur?du=2018-10-01&au=2019-01-31")
            #expect(season.text.contains("Centre RH mutualisé du Pays de Figeac</a></th><td class=\"num\">4<"))
            #expect(season.text.contains("Centre RH mutualisé du Grand Cahors</a></th><td class=\"num\">39<"))
            #expect(season.text.contains("<th scope=\"row\">Ensemble</th><td class=\"num\">43<"))
            #expect(season.text.contains("<svg class=\"chart\""))
            let centre = try await browser.get("/c/cahors")
            #expect(centre.status == .ok)
            #expect(centre.text.contains("Postes pérennes créés par entreprise"))
        }
    }

    @Test func anonymousVisitorsAreSentToSignIn() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            for path in ["/", "/accueil", "/observateur", "/admin", "/c/cahors", "/c/cahors/entreprises"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.location?.hasPrefix("/login") == true, "\(path)")
            }
            let login = try await browser.get("/login")
            #expect(login.text.contains("Connexion"))
        }
    }
}
