import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct LandingTests {
    /// Who signs in, built by the factories: an admin, an adviser, an employer, an observer of two centres.
    enum Someone: String, Sendable {
        case admin, adviser, employer, observer
    }

    @Test(arguments: [
        (Someone.admin, "/admin", ["Administration"]),
        (Someone.adviser, "/c/cahors", ["Mes suivis", "Besoins à qualifier"]),
        (Someone.employer, "/c/cahors", ["Auberge du Causse"]),
        (Someone.observer, "/observateur", ["Centre cahors", "Centre figeac"]),
    ])
    func eachRoleLandsOnItsHomePage(someone: Someone, home: String, contents: [String]) async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let email: String
            switch someone {
            case .admin: email = "admin@plateforme.test"; try await make.admin(email)
            case .adviser: email = Factory.adviserEmail("cahors")
            case .employer:
                email = "patron@auberge.test"
                try await make.employer(email, centre: cahors, business: try await make.business(centre: cahors, name: "Auberge du Causse"))
            case .observer:
                email = "observatrice@dreets.test"
                try await make.observer(email, centres: [cahors, try await make.centre("figeac").id])
            }
            let response = try await browser.signIn(email)
            #expect(response.status == .seeOther)
            #expect(response.location == home)
            let page = try await browser.get(home)
            #expect(page.status == .ok)
            for content in contents { #expect(page.text.contains(content), "\(content)") }
            // Styled, accessible shell: our stylesheet, a skip link, the sign-out form.
            #expect(page.text.contains(#"href="/static/renfort.css""#))
            #expect(page.text.contains("href=\"#contenu\""))
            #expect(page.text.contains(#"action="/logout""#))
            // The root sends them to the same place.
            #expect(try await browser.get("/").location == home)
        }
    }

    /// The demo's promise: every sign-in `make run` prints opens its home page.
    @Test func everyDemoSignInOpensItsHomePage() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            for (email, what) in DemoData.signIns {
                let visitor = browser.fresh()
                let response = try await visitor.signIn(email, password: DemoData.password)
                #expect(response.status == .seeOther, "\(email), \(what)")
                let home = try #require(response.location)
                let page = try await visitor.get(home)
                #expect(page.status == .ok, "\(email), \(what)")
                #expect(page.text.contains(#"action="/logout""#), "\(email), \(what)")
            }
        }
    }

    /// On the demo: its season's figures (Cahors's 39 permanent posts, Figeac's 4) are the promise checked.
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
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
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
