import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A need's board, on the small data factories build (no demo).
@Suite struct BoardPageTests {
    @Test func eachColumnShowsItsOwnFirstCardsAndLinksToTheRest() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let columnSize = BoardPage.columnSize
            // More candidates found than a column shows, and a few further on.
            for index in 0..<(columnSize + 2) {
                let candidate = try await make.candidate(centre: centre, firstName: "Repéré\(index)", lastName: "Martin", email: nil)
                _ = try await make.application(centre: centre, need: need, candidate: candidate, actor: adviser)
            }
            for index in 0..<3 {
                let candidate = try await make.candidate(centre: centre, firstName: "Entretien\(index)", lastName: "Martin", email: nil)
                _ = try await make.application(centre: centre, need: need, candidate: candidate, stage: .interview, actor: adviser)
            }

            try await browser.signIn("conseil@essai.test", password: Factory.password)
            let board = try await browser.get("/c/essai/besoins/\(need)/candidatures")
            #expect(board.status == .ok)
            let cards = board.text.components(separatedBy: "data-card>").count - 1
            #expect(cards == columnSize + 3)
            // The interview column has its three cards, though the first column is full.
            for index in 0..<3 { #expect(board.text.contains("Entretien\(index) Martin")) }
            #expect(board.text.contains("href=\"/c/essai/besoins/\(need)/candidatures?vue=liste&amp;etape=sourced\">Voir les \(columnSize + 2) (vue liste)"))
            #expect(!board.text.contains("etape=interview\">Voir les"))
            // One form per card, a button per move; the buttons post the stage they name.
            #expect(board.text.components(separatedBy: "name=\"to\" value=\"offer\"").count - 1 == 3)
            let interview = try #require(board.text.components(separatedBy: "Entretien0 Martin</a>").last?.components(separatedBy: "</li>").first)
            #expect(interview.contains("name=\"to\" value=\"presented\"") && interview.contains("name=\"to\" value=\"offer\""))
        }
    }

    @Test func theCardsTickedForTheBulkRejectionStayTickedWhenItIsRefused() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            var ids: [Int64] = []
            for index in 0..<3 {
                let candidate = try await make.candidate(centre: centre, firstName: "Camille\(index)", email: nil)
                ids.append(try await make.application(centre: centre, need: need, candidate: candidate, actor: adviser))
            }

            try await browser.signIn("conseil@essai.test", password: Factory.password)
            _ = try await browser.get("/c/essai/besoins/\(need)/candidatures")
            // Two cards ticked, no reason chosen.
            let answer = try await browser.post("/c/essai/besoins/\(need)/candidatures/rejeter", [("ids", "\(ids[0])"), ("ids", "\(ids[2])"), ("reason_id", "")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("value=\"\(ids[0])\" form=\"bulk\" checked"))
            #expect(answer.text.contains("value=\"\(ids[2])\" form=\"bulk\" checked"))
            #expect(answer.text.contains("value=\"\(ids[1])\" form=\"bulk\">"))
            #expect(try await database.count("applications", tenant: centre, where: "stage = 'rejected'") == 0)
        }
    }

    @Test func theCardsEscapeWhatPeopleTyped() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let candidate = try await make.candidate(centre: centre, firstName: "<b>\"Zoé\"</b>", lastName: "& 'Cie'", email: nil)
            _ = try await make.application(centre: centre, need: need, candidate: candidate, actor: adviser)

            try await browser.signIn("conseil@essai.test", password: Factory.password)
            let board = try await browser.get("/c/essai/besoins/\(need)/candidatures")
            let escaped = "&lt;b&gt;&quot;Zoé&quot;&lt;/b&gt; &amp; &#39;Cie&#39;"
            #expect(board.text.contains("Sélectionner \(escaped)</span>"))
            #expect(board.text.contains(">\(escaped)</a>"))
            #expect(!board.text.contains("<b>\"Zoé\"</b>"))
            // The moves' labels are escaped too (« Présenté à l'employeur »).
            #expect(board.text.contains("→ Présenté à l&#39;employeur</button>"))
        }
    }
}
