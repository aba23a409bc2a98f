import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The dashboard pages on the demo: sections, charts, filters, sorting, links, CSV files,
/// bad queries, and — route by route — no candidate's personal data for observers.
@Suite struct DashboardPageTests {
    static let season = "du=2018-10-01&au=2019-01-31"

    /// On the demo: the season's figures of the seeds (46 of 47 positions filled, 39 permanent posts) are checked.
    @Test func theObserversDashboardHasEverySectionChartAndExport() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            let page = try await browser.get("/c/cahors/tableau-de-bord?\(Self.season)")
            #expect(page.status == .ok)
            for id in DashboardTables.ids {
                #expect(page.text.contains("id=\"\(id)\""), "section \(id)")
                #expect(page.text.contains("/c/cahors/tableau-de-bord/export/\(id)?du=2018-10-01&amp;au=2019-01-31"), "export of \(id)")
            }
            // Charts drawn by the server, each an image with a title and a description, beside its table.
            #expect(page.text.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)
            #expect(page.text.contains("role=\"img\" aria-labelledby=\"graphique-mois-titre graphique-mois-desc\""))
            #expect(!page.text.contains("<script src=\"http"))
            // Fill rate of the season: 46 of 47 positions (the walnut need found 4 pickers of 5); hard to fill 20 of 21.
            #expect(page.text.contains("46 postes pourvus sur 47 demandés"))
            #expect(page.text.contains("20 sur 21"))
            // Observers get figures, not links to the centre's lists.
            #expect(!page.text.contains("/c/cahors/embauches"))
            #expect(!page.text.contains("/c/cahors/besoins"))
            // The definitions page, in French.
            let definitions = try await browser.get("/indicateurs")
            #expect(definitions.status == .ok)
            for heading in ["Postes pérennes créés", "Emplois durables", "Délai de recrutement", "Taux de satisfaction des besoins", "Maintien dans l'emploi à 3, 6 et 12 mois",
                            "Du repérage à l'embauche", "Origine des personnes recrutées", "Embauches saisonnières et saisonniers réembauchés"] {
                #expect(definitions.text.contains(heading), "definition of \(heading)")
            }
            // Every table downloads, the filters in the file name.
            for id in DashboardTables.ids {
                let csv = try await browser.get("/c/cahors/tableau-de-bord/export/\(id)?\(Self.season)&secteur=I")
                #expect(csv.status == .ok, "\(id)")
                #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
                #expect(csv.headers[.contentDisposition] == "attachment; filename=\"\(id)-cahors-du-2018-10-01-au-2019-01-31-secteur-I.csv\"")
                let international = try await browser.get("/c/cahors/tableau-de-bord/export/\(id)?\(Self.season)&format=international")
                #expect(international.headers[.contentDisposition]?.hasSuffix("-international.csv\"") == true)
                #expect(!international.text.hasPrefix("\u{FEFF}"))
            }
            #expect(try await browser.get("/c/cahors/tableau-de-bord/export/candidats").status == .notFound)
            let monthly = try await browser.get("/c/cahors/tableau-de-bord/export/contrats-par-mois?\(Self.season)")
            #expect(monthly.text.contains("Mois;CDI;CDI temps partagé;CDD;CDD saisonnier"))
            #expect(monthly.text.contains("Total;39;0;3;4;0;0;0;46"))
            let observerCSV = try await browser.get("/observateur/export/centres?\(Self.season)")
            #expect(observerCSV.text.contains("Ensemble;43;"))
            #expect(observerCSV.headers[.contentDisposition] == "attachment; filename=\"centres-mes-centres-du-2018-10-01-au-2019-01-31.csv\"")
        }
    }

    /// On the demo: the filters are checked against the seeds' figures by sector and commune.
    @Test func filtersNarrowTheFiguresAndBadQueriesAreRefused() async throws {
        try await TestApp.run(demo: true) { browser, _ in
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            func permanent(_ query: String) async throws -> Int? {
                let answer = try await browser.get("/api/v1/centres/cahors/metrics?from=2018-10-01&to=2019-01-31&\(query)")
                return (try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any])?["permanent_posts_created"] as? Int
            }
            // Accommodation and food (the inn, 7; the campsite, 2); agriculture (the vineyard, 4; the market garden, 3);
            // businesses of Cahors (the inn 7, home care 8, transport 4); one business by SIRET; CDD only.
            #expect(try await permanent("sector=I") == 9)
            #expect(try await permanent("sector=A") == 7)
            #expect(try await permanent("commune=46042") == 19)
            #expect(try await permanent("contract=cdd") == 0)
            let page = try await browser.get("/c/cahors/tableau-de-bord?\(Self.season)&secteur=I")
            #expect(page.text.contains("<option value=\"I\" selected>"))
            #expect(page.text.contains("Retirer les filtres"))
            #expect(page.text.contains(">9<"))
            // A wrong filter: the dashboard again (422), the filters kept, the message beside the field and in the summary.
            for (bad, field) in [("du=2018-02-30", "du"), ("au=hier", "au"), ("secteur=ZZ", "secteur"), ("commune=%3Cscript%3E", "commune"),
                                 ("entreprise=1%20OR%201=1", "entreprise"), ("du=2019-02-01&au=2019-01-01", "au"), ("du=1990-01-01&au=2019-01-01", "du"),
                                 ("contrat=stage&secteur=I", "contrat")] {
                for path in ["/c/cahors/tableau-de-bord", "/c/cahors/tableau-de-bord/export/entreprises", "/observateur", "/observateur/export/centres"] {
                    let answer = try await browser.get("\(path)?\(bad)")
                    #expect(answer.status == .unprocessableContent, "\(path)?\(bad)")
                    #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true, "\(path)?\(bad)")
                    #expect(answer.text.contains("id=\"\(field)-error\""), "\(path)?\(bad): the message beside the field")
                    #expect(answer.text.contains("href=\"#\(field)\""), "\(path)?\(bad): the summary")
                    // The observer's several centres have no business field: its message stands alone in the form.
                    if !(path.hasPrefix("/observateur") && field == "entreprise") { #expect(answer.text.contains("aria-invalid=\"true\"")) }
                    #expect(!answer.text.contains("<script>"))
                }
            }
            let kept = try await browser.get("/c/cahors/tableau-de-bord?du=2019-02-01&au=2019-01-01&secteur=I&contrat=cdi")
            #expect(kept.text.contains("La période commence après sa fin."))
            #expect(kept.text.contains("value=\"2019-02-01\""))
            #expect(kept.text.contains("<option value=\"I\" selected>"))
            #expect(kept.text.contains("<option value=\"cdi\" selected>"))
            // A control character in the address is refused before any page reads it.
            #expect(try await browser.get("/c/cahors/tableau-de-bord?contrat=cdi%00").status == .badRequest)
            // Unknown sort keys fall back to the default order rather than failing.
            #expect(try await browser.get("/c/cahors/tableau-de-bord?tri=..%2F..&ordre=sideways").status == .ok)
        }
    }

    @Test func advisersSeeTheirCentresFiguresLinkedToTheLists() async throws {
        try await TestApp.run { browser, database in
            let cahors = try await FigureStoreTests.twoCentres(database)[0].centreID
            let make = Factory(database: database)
            let bistrot = try await make.business(centre: cahors, name: "Bistrot", siret: "35600000000056")
            try await make.employer("patron@auberge.test", centre: cahors, business: bistrot)
            // A need of the season, hard to fill.
            let hard = try await make.need(centre: cahors, business: bistrot, title: "Plongeur", start: Day(iso: "2018-11-01")!)
            try await make.qualify(centre: cahors, need: hard, actor: try await DemoLookup(database: database).user("conseil@cahors.test"), hardToFill: true)
            try await make.ids(cahors, "UPDATE job_needs SET submitted_at = '2018-10-20' WHERE id = \(hard) RETURNING id")
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/tableau-de-bord?\(Self.season)&tri=entreprise&ordre=asc")
            #expect(page.status == .ok)
            let inn = try await DemoLookup(database: database).business("Auberge du Causse")
            #expect(page.text.contains("href=\"/c/cahors/entreprises/\(inn)\""))
            #expect(page.text.contains("href=\"/c/cahors/embauches?du=2018-10-01&amp;au=2019-01-31&amp;entreprise=\(inn)&amp;contrat=cdi\""))
            #expect(page.text.contains("/c/cahors/besoins?difficile=1"))
            // Sorted by name, A to Z: the inn before the garage.
            let a = try #require(page.text.range(of: "Auberge du Causse</a>"))
            let t = try #require(page.text.range(of: "Garage du Lot</a>"))
            #expect(a.lowerBound < t.lowerBound)
            #expect(page.text.contains("aria-sort=\"ascending\""))
            // The linked list shows the same count: the inn's 2 permanent posts of the season.
            let list = try await browser.get("/c/cahors/embauches?du=2018-10-01&au=2019-01-31&entreprise=\(inn)&contrat=cdi")
            #expect(list.text.components(separatedBy: "href=\"/c/cahors/embauches/").count - 1 == 2)
            // Other people's dashboards do not exist.
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            #expect(try await employer.get("/c/cahors/tableau-de-bord/export/entreprises").status == .notFound)
            #expect(try await employer.get("/observateur").status == .notFound)
            let figeac = browser.fresh()
            try await figeac.signIn("conseil@figeac.test")
            #expect(try await figeac.get("/c/cahors/tableau-de-bord/export/indicateurs").status == .notFound)
            #expect(try await figeac.get("/c/figeac/tableau-de-bord").status == .ok)
            #expect(try await figeac.get("/observateur/export/centres").status == .notFound)
        }
    }

    /// What the Swift side writes without mustache (tables, charts, the business filter's
    /// options) is escaped like the rest.
    @Test func namesAreEscapedInTablesChartsAndFilters() async throws {
        try await TestApp.run { browser, database in
            let centre = try await FigureStoreTests.twoCentres(database)[0].centreID
            let lookup = DemoLookup(database: database)
            let inn = try await lookup.business("Auberge du Causse")
            _ = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    try await connection.execute("UPDATE businesses SET name = \("Café <b>\"Les Amis\"</b> & Cie'") WHERE id = \(inn)", logger: TestEnvironment.logger)
                }
            }
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/tableau-de-bord?\(Self.season)")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<b>"))
            #expect(page.text.contains("Café &lt;b&gt;&quot;Les Amis&quot;&lt;/b&gt; &amp; Cie&#39;</a></th>"))
            #expect(page.text.contains(">Café &lt;b&gt;&quot;Les Amis&quot;&lt;/b&gt; &amp; Cie&#39;</option>"))
        }
    }

    /// Every GET route of the router, as the observer (session, then token), for the season
    /// and the present: no candidate's name, e-mail or phone anywhere in what they receive.
    /// On the demo: the sweep reads every route over its hundred-odd fictional people (a test of the demo's data as much as of the routes).
    @Test func noObserverRouteCarriesACandidatesPersonalData() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let lookup = DemoLookup(database: database)
            var people: [(String, String?, String?)] = []
            for slug in ["cahors", "figeac"] {
                let centre = try await lookup.centre(slug)
                people += try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        try await connection.all("SELECT first_name || ' ' || last_name, email, phone FROM candidates", as: (String.self, String?.self, String?.self), logger: TestEnvironment.logger)
                    }
                }
            }
            #expect(people.count > 50)
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            let created = try await browser.post("/profil/jetons", [("name", "Contrôle"), ("_form", try #require(APITests.formToken(try await browser.get("/profil").text)))])
            let token = try #require(APITests.token(in: created.text))
            let configuration = TestApp.configuration(for: database)
            let routes = try await buildRouter(
                configuration: configuration, client: PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1)),
                clock: SystemClock()
            ).routes.filter { $0.method == .get }.map { "\($0.path)" }
            let tables = DashboardTables.ids + ["centres"]
            var paths: [String] = []
            for route in routes {
                var variants = [route]
                for (parameter, values) in [("{centre}", ["cahors", "figeac"]), ("{table}", tables), ("{id}", ["1", "2", "40"]), ("{document}", ["1"]), ("{interview}", ["1"]), ("{offer}", ["1"]), ("{membership}", ["1"])] {
                    variants = variants.flatMap { path in path.contains(parameter) ? values.map { path.replacingOccurrences(of: parameter, with: $0) } : [path] }
                }
                for path in variants where !path.contains("{") {
                    paths += [path, path + "?\(Self.season)", path + "?\(Self.season)&format=international"]
                }
            }
            var seen = 0
            for path in paths {
                for headers in [HTTPFields(), [.authorization: "Bearer \(token)"]] as [HTTPFields] {
                    let answer = try await (headers.isEmpty ? browser : browser.fresh()).get(path, headers: headers)
                    guard answer.status == .ok else { continue }
                    seen += 1
                    for (name, email, phone) in people {
                        #expect(!answer.text.contains(name), "\(name) in \(path)")
                        if let email { #expect(!answer.text.contains(email), "\(email) in \(path)") }
                        if let phone { #expect(!answer.text.contains(phone), "\(phone) in \(path)") }
                    }
                }
            }
            // The home, both dashboards, every export, the API and the profile were read.
            #expect(seen >= 60)
        }
    }
}
