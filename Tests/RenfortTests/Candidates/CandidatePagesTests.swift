import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The pool's pages at a real pool's size: counts stop at 1 000 (« plus de 1 000 »), a search
/// of more matches than that is listed by name, and the pages by name go from record to record
/// (keyset), forward and back, whatever the filters.
@Suite struct CandidatePagesTests {
    /// The names listed on a page of the pool, in their order.
    func names(_ page: TestResponse) -> [String] {
        page.text.matches(of: try! Regex(#"<th scope="row"><a href="/c/[^/]+/candidats/[0-9]+">([^<]+)</a>"#)).map {
            String($0.output[1].substring ?? "")
        }
    }

    /// The address of the link `rel` (prev, next) of a page, unescaped.
    func link(_ rel: String, _ page: TestResponse) -> String? {
        page.text.firstMatch(of: try! Regex(#"<a href="([^"]+)" rel="\#(rel)">"#)).map {
            String($0.output[1].substring ?? "").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// `count` candidates « Prénom Nom0001 »… in one statement, the first `matching` of them
    /// pruning vines, every other one with a driving licence.
    func pool(_ make: Factory, centre: Int64, count: Int, matching: Int, prefix: String = "Nom") async throws {
        _ = try await make.inCentre(centre) { connection in
            try await connection.query(
                """
                INSERT INTO candidates (tenant_id, first_name, last_name, email, commune_name, skills, notes, source, driving_licence,
                                        own_vehicle, wished_contracts, purge_after, created_at, updated_at)
                SELECT \(centre), 'Prénom', \(prefix) || lpad(g::text, 4, '0'), lower(\(prefix)) || g || '@exemple.test', 'Cahors',
                       CASE WHEN g <= \(matching) THEN 'taille de la vigne' ELSE 'accueil' END, '', 'france_travail', g % 2 = 0, false,
                       ARRAY['cdi'], current_date + 90, now(), now()
                FROM generate_series(1, \(count)) AS g
                """, logger: TestEnvironment.logger)
        }
    }

    @Test func thePoolByNameGoesFromPageToPageForwardAndBack() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await pool(make, centre: centre, count: 60, matching: 0)
            try await browser.signIn("conseil@essai.test", password: Factory.password)
            let first = try await browser.get("/c/essai/candidats")
            #expect(first.text.contains("60 candidat(s) — page 1 sur 3"))
            #expect(names(first) == (1...25).map { String(format: "Prénom Nom%04d", $0) })
            #expect(link("prev", first) == nil)
            let nextHref = try #require(link("next", first))
            #expect(nextHref.contains("apres=") && nextHref.contains("page=2"))
            let second = try await browser.get(nextHref)
            #expect(names(second) == (26...50).map { String(format: "Prénom Nom%04d", $0) })
            #expect(second.text.contains("page 2 sur 3"))
            // Back to the first page: its own address, without a record to start from.
            #expect(link("prev", second) == "/c/essai/candidats")
            let third = try await browser.get(try #require(link("next", second)))
            #expect(names(third) == (51...60).map { String(format: "Prénom Nom%04d", $0) })
            #expect(link("next", third) == nil)
            // Back from the last page: the records before its first, in name order.
            let back = try await browser.get(try #require(link("prev", third)))
            #expect(names(back) == (26...50).map { String(format: "Prénom Nom%04d", $0) })
            #expect(back.text.contains("page 2 sur 3"))
            // A filter is kept in the links and applies on every page.
            let licensed = try await browser.get("/c/essai/candidats?permis=1")
            #expect(names(licensed) == stride(from: 2, through: 50, by: 2).map { String(format: "Prénom Nom%04d", $0) })
            let licensedNext = try #require(link("next", licensed))
            #expect(licensedNext.contains("permis=1"))
            #expect(names(try await browser.get(licensedNext)) == stride(from: 52, through: 60, by: 2).map { String(format: "Prénom Nom%04d", $0) })
        }
    }

    @Test func aRecordOfAnotherCentreOrNoneLeadsToTheFirstPage() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let (other, _) = try await make.centre("autre")
            try await pool(make, centre: centre, count: 30, matching: 0)
            let stranger = try await make.poolCandidate(centre: other, firstName: "Zoé", lastName: "Zimmer", email: "zoe@exemple.test")
            try await browser.signIn("conseil@essai.test", password: Factory.password)
            for address in ["/c/essai/candidats?apres=\(stranger)&page=5", "/c/essai/candidats?avant=\(stranger)&page=5",
                            "/c/essai/candidats?apres=999999999", "/c/essai/candidats?apres=abc", "/c/essai/candidats?page=2000"] {
                let page = try await browser.get(address)
                #expect(page.status == .ok, "\(address)")
                #expect(names(page).first == "Prénom Nom0001", "\(address)")
                #expect(page.text.contains("page 1 sur 2"), "\(address)")
                #expect(!page.text.contains("Zimmer"), "\(address)")
            }
        }
    }

    @Test func beyondTheCapASearchIsCountedAsMoreAndListedByName() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await pool(make, centre: centre, count: 1_040, matching: 1_010)
            try await browser.signIn("conseil@essai.test", password: Factory.password)
            let search = try await browser.get("/c/essai/candidats?q=vigne")
            #expect(search.text.contains("Plus de 1\u{202F}000 candidats — page 1, par nom"))
            #expect(search.text.contains("Plus de 1\u{202F}000 personnes correspondent : elles sont classées par nom."))
            #expect(names(search) == (1...25).map { String(format: "Prénom Nom%04d", $0) })
            let next = try #require(link("next", search))
            #expect(next.contains("q=vigne"))
            #expect(names(try await browser.get(next)) == (26...50).map { String(format: "Prénom Nom%04d", $0) })
            // The whole pool too: more than 1 000, by name, without the search's note.
            let all = try await browser.get("/c/essai/candidats")
            #expect(all.text.contains("Plus de 1\u{202F}000 candidats — page 1, par nom"))
            #expect(!all.text.contains("personnes correspondent"))
            // A word that only 30 match: counted, ranked, in pages by number.
            let few = try await browser.get("/c/essai/candidats?q=accueil")
            #expect(few.text.contains("30 candidat(s) — page 1 sur 2"))
            #expect(link("next", few)?.hasSuffix("q=accueil&page=2") == true)
        }
    }

    @Test func theCapAppliesToWordsWithFiltersAndToTheFiltersAlone() async throws {
        try await TestApp.run { _, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await pool(make, centre: centre, count: 40, matching: 30)
            func search(_ configure: @Sendable (inout CandidateFilter) -> Void) async throws -> CandidateResults {
                var filter = CandidateFilter()
                filter.countCap = 10
                configure(&filter)
                let chosen = filter
                return try await make.inCentre(centre) { try await CandidateRepository.search(chosen, on: $0, logger: TestEnvironment.logger) }
            }
            // The words alone: more than the cap, by name, only those who match.
            let words = try await search { $0.text = "vigne" }
            #expect(words.capped && words.total == 11 && words.order == .name)
            #expect(words.candidates.map(\.name) == (1...25).map { String(format: "Prénom Nom%04d", $0) })
            #expect(words.next == .after(words.candidates[24].id, page: 2))
            let rest = try await search { $0.text = "vigne"; $0.after = words.candidates[24].id; $0.page = 2 }
            #expect(rest.candidates.map(\.name) == (26...30).map { String(format: "Prénom Nom%04d", $0) })
            #expect(rest.next == nil && rest.previous == .first)
            // The words and a filter: counted up to the cap over both.
            let licensed = try await search { $0.text = "vigne"; $0.drivingLicence = true }
            #expect(licensed.capped && licensed.order == .name)
            #expect(licensed.candidates.map(\.name) == stride(from: 2, through: 30, by: 2).map { String(format: "Prénom Nom%04d", $0) })
            // Fewer than the cap: counted exactly and ranked.
            let few = try await search { $0.text = "accueil" }
            #expect(!few.capped && few.total == 10 && few.order == .rank)
            // The filters alone, beyond the cap.
            let filters = try await search { $0.drivingLicence = true }
            #expect(filters.capped && filters.order == .name && filters.candidates.count == 20)
        }
    }
}
