import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The pool's search: French words and their variants, without accents, by prefix, over names,
/// skills, experience, seasonal availability and notes; the best matches first; the current
/// CDI flagged; one centre's search never shows another's candidates.
@Suite struct CandidateSearchTests {
    /// The names listed on a page of the pool, in their order.
    func names(_ page: TestResponse) -> [String] {
        page.text.matches(of: try! Regex(#"<th scope="row"><a href="/c/[^/]+/candidats/[0-9]+">([^<]+)</a>"#)).map {
            String($0.output[1].substring ?? "")
        }
    }

    @Test func frenchWordsMatchTheirVariantsWithoutAccentsAndByPrefix() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await make.poolCandidate(centre: centre, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test", skills: "Cuisinière en brasserie")
            try await make.poolCandidate(centre: centre, firstName: "Hugo", lastName: "Delpech", email: "hugo@exemple.test", skills: "Aide en cuisine, plonge")
            try await make.poolCandidate(centre: centre, firstName: "Hélène", lastName: "Vidal", email: "helene@exemple.test", skills: "Accueil")
            try await make.poolCandidate(centre: centre, firstName: "Marc", lastName: "Roques", email: "marc@exemple.test", skills: "Plomberie")
            try await make.poolCandidate(
                centre: centre, firstName: "Inès", lastName: "Lafon", email: "ines@exemple.test", experience: "Deux saisons en restauration rapide",
                seasonalWindows: "Vendanges de septembre")
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            // cuisinier finds cuisinière and cuisine, and nothing else.
            #expect(Set(names(try await browser.get("/c/essai/candidats?q=cuisinier"))) == ["Léa Bories", "Hugo Delpech"])
            #expect(Set(names(try await browser.get("/c/essai/candidats?q=CUISINI%C3%88RES"))) == ["Léa Bories", "Hugo Delpech"])
            // A prefix, as typed in a hurry.
            #expect(Set(names(try await browser.get("/c/essai/candidats?q=cuis"))) == ["Léa Bories", "Hugo Delpech"])
            // Without accents, in any case.
            #expect(names(try await browser.get("/c/essai/candidats?q=helene")) == ["Hélène Vidal"])
            #expect(names(try await browser.get("/c/essai/candidats?q=VIDAL+h%C3%A9l")) == ["Hélène Vidal"])
            // Experience and seasonal availability are read too.
            #expect(names(try await browser.get("/c/essai/candidats?q=restauration")) == ["Inès Lafon"])
            #expect(names(try await browser.get("/c/essai/candidats?q=vendange")) == ["Inès Lafon"])
            // Every word must match; a search of stop words alone finds no one (and no error).
            #expect(names(try await browser.get("/c/essai/candidats?q=cuisine+plomberie")).isEmpty)
            let stopWords = try await browser.get("/c/essai/candidats?q=de+la")
            #expect(stopWords.status == .ok)
            #expect(stopWords.text.contains("Aucun candidat ne correspond"))
            // The filters still apply, and the search is kept in the page's links.
            #expect(names(try await browser.get("/c/essai/candidats?q=cuisine&permis=1")).isEmpty)
        }
    }

    @Test func aNameOrSkillMatchComesBeforeANotesOnlyMatch() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            // Created first and first by name: only the order of the search can put it last.
            try await make.poolCandidate(
                centre: centre, firstName: "Anne", lastName: "Albert", email: "anne@exemple.test", skills: "Secrétariat",
                notes: "Pourrait aider en cuisine")
            try await make.poolCandidate(centre: centre, firstName: "Zoé", lastName: "Zimmer", email: "zoe@exemple.test", skills: "Cuisine traditionnelle")
            try await make.poolCandidate(centre: centre, firstName: "Paul", lastName: "Cuisinier", email: "paul@exemple.test", skills: "Maçonnerie")
            try await make.poolCandidate(
                centre: centre, firstName: "Yann", lastName: "Yvon", email: "yann@exemple.test", experience: "Commis de cuisine deux ans")
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            let found = names(try await browser.get("/c/essai/candidats?q=cuisine"))
            #expect(found.count == 4)
            // The name first (weight 1), then the skills (0.4), the experience (0.2), the notes (0.1).
            #expect(found == ["Paul Cuisinier", "Zoé Zimmer", "Yann Yvon", "Anne Albert"])
            // Without words, the pool is in the order of the names.
            #expect(names(try await browser.get("/c/essai/candidats")) == ["Anne Albert", "Paul Cuisinier", "Yann Yvon", "Zoé Zimmer"])
        }
    }

    @Test func someoneOnACDIIsFlaggedInThePoolAndOnTheBoardsSearch() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre, name: "Brasserie du Lot")
            let filled = try await make.need(centre: centre, business: business)
            let other = try await make.need(centre: centre, business: business, title: "Serveur", contract: .cdd, end: Day(year: 2027, month: 3, day: 1))
            let hired = try await make.poolCandidate(centre: centre, firstName: "Jade", lastName: "Salvat", email: "jade@exemple.test", skills: "Cuisine")
            try await make.placement(centre: centre, need: filled, candidate: hired, actor: adviser)
            // A CDD is no CDI, and a CDI that ended is over.
            let onCDD = try await make.poolCandidate(centre: centre, firstName: "Noé", lastName: "Salvat", email: "noe@exemple.test", skills: "Cuisine")
            try await make.placement(centre: centre, need: other, candidate: onCDD, actor: adviser, contract: .cdd, end: Day(year: 2027, month: 3, day: 1))
            let ended = try await make.poolCandidate(centre: centre, firstName: "Eva", lastName: "Salvat", email: "eva@exemple.test", skills: "Cuisine")
            let endedPlacement = try await make.placement(
                centre: centre, need: try await make.need(centre: centre, business: business, title: "Plongeur"), candidate: ended, actor: adviser)
            try await browser.signIn("conseil@essai.test", password: Factory.password)
            try await browser.get("/c/essai/candidats")
            #expect(try await browser.post("/c/essai/embauches/\(endedPlacement)/fin", [("ended_on", "2026-12-20"), ("end_reason", "resignation"), ("confirm", "1")]).status == .seeOther)

            let pool = try await browser.get("/c/essai/candidats?q=salvat")
            #expect(names(pool).count == 3)
            #expect(pool.text.contains(#"Jade Salvat</a> <span class="badge badge--warn">En CDI chez Brasserie du Lot</span>"#))
            #expect(pool.text.components(separatedBy: "En CDI chez").count == 2)
            let board = try await browser.get("/c/essai/besoins/\(other)/candidatures?q=salvat")
            #expect(board.text.contains(#"Jade Salvat (Cahors) <span class="badge badge--warn">En CDI chez Brasserie du Lot</span>"#))
            #expect(board.text.components(separatedBy: "En CDI chez").count == 2)
        }
    }

    /// The rows are written in Swift (`CandidateListPage.rowsMarkup`): what people typed is
    /// escaped there as mustache would.
    @Test func theRowsEscapeWhatPeopleTyped() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre, name: "Brasserie <du> \"Lot\"")
            let hired = try await make.poolCandidate(
                centre: centre, firstName: "<b>\"Jade\"</b>", lastName: "& 'Cie'", email: "jade@exemple.test", commune: "Cahors <i>",
                skills: "Cuisine <script>alert(1)</script>")
            try await make.placement(centre: centre, need: try await make.need(centre: centre, business: business), candidate: hired, actor: adviser)
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            for path in ["/c/essai/candidats", "/c/essai/candidats?q=cuisine"] {
                let pool = try await browser.get(path)
                #expect(pool.text.contains(
                    "\">&lt;b&gt;&quot;Jade&quot;&lt;/b&gt; &amp; &#39;Cie&#39;</a> <span class=\"badge badge--warn\">En CDI chez Brasserie &lt;du&gt; &quot;Lot&quot;</span></th>"))
                #expect(pool.text.contains("<td data-label=\"Commune\">Cahors &lt;i&gt;</td>"))
                #expect(pool.text.contains("<td data-label=\"Compétences\">Cuisine &lt;script&gt;alert(1)&lt;/script&gt;</td>"))
                #expect(!pool.text.contains("<script>alert") && !pool.text.contains("<b>\"Jade"), "\(path)")
            }
        }
    }

    @Test func oneCentresSearchNeverShowsAnothersCandidates() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (mine, _) = try await make.centre("essai")
            let (theirs, theirAdviser) = try await make.centre("autre")
            try await make.poolCandidate(centre: mine, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test", skills: "Cuisine")
            let foreign = try await make.poolCandidate(centre: theirs, firstName: "Léa", lastName: "Borie", email: "lea@exemple.test", skills: "Cuisine")
            let business = try await make.business(centre: theirs)
            try await make.placement(centre: theirs, need: try await make.need(centre: theirs, business: business), candidate: foreign, actor: theirAdviser)
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            let page = try await browser.get("/c/essai/candidats?q=lea+cuisine")
            #expect(names(page) == ["Léa Bories"])
            #expect(!page.text.contains("/candidats/\(foreign)\""))
            #expect(!page.text.contains("En CDI chez"))
            #expect(names(try await browser.get("/c/essai/candidats?q=borie")) == ["Léa Bories"])
            // Another centre's pool is not reachable at all.
            #expect(try await browser.get("/c/autre/candidats?q=lea").status == .notFound)

            // The search's own function (it reads candidate_search as its owner) keeps to the
            // centre set for the transaction, and finds nothing without one.
            func matches(_ centre: Int64?) async throws -> [Int64] {
                try await database.asApp { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) {
                        try await $0.values("SELECT candidate_id FROM candidate_search_matches(search_query('lea'))", as: Int64.self, logger: TestEnvironment.logger)
                    }
                }
            }
            #expect(try await matches(theirs) == [foreign])
            #expect(try await matches(nil) == [])
            #expect(try await matches(mine).count == 1)
        }
    }
}
