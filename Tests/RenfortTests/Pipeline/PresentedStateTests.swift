import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The employer's list of presented candidates says where each application really stands,
/// from the application itself, not from the employer's last answer.
@Suite struct PresentedStateTests {
    @Test func eachPresentedCandidateShowsTheApplicationsRealState() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            _ = try await make.person("patron@essai.test", role: .employer, centre: centre, business: business)
            let need = try await make.need(centre: centre, business: business, positions: 5)
            func candidate(_ name: String) async throws -> Int64 {
                try await make.candidate(centre: centre, firstName: name, email: "\(name.lowercased())@example.org")
            }
            _ = try await make.application(centre: centre, need: need, candidate: try await candidate("Alice"), stage: .presented, actor: adviser)
            let answered = try await make.application(centre: centre, need: need, candidate: try await candidate("Bruno"), stage: .presented, actor: adviser)
            let interview = try await make.application(centre: centre, need: need, candidate: try await candidate("Chloe"), stage: .interview, actor: adviser)
            _ = try await make.application(centre: centre, need: need, candidate: try await candidate("David"), stage: .offer, actor: adviser)
            _ = try await make.placement(centre: centre, need: need, candidate: try await candidate("Emma"), actor: adviser)
            let rejected = try await make.application(centre: centre, need: need, candidate: try await candidate("Fanny"), stage: .presented, actor: adviser)
            let withdrawn = try await make.application(centre: centre, need: need, candidate: try await candidate("Gaspard"), stage: .presented, actor: adviser)
            _ = try await make.application(centre: centre, need: need, candidate: try await candidate("Hugo"), stage: .screening, actor: adviser)

            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai/candidatures/\(rejected)")
            let reason = try #require(try await DemoLookup(database: database).ids("essai", "SELECT id FROM rejection_reasons ORDER BY id LIMIT 1").first)
            #expect(try await desk.post("/c/essai/candidatures/\(rejected)/fin", [("ending", "rejected"), ("reason_id", String(reason))]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(withdrawn)/fin", [("ending", "withdrawn")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(interview)/entretiens", [
                ("date", "2026-12-10"), ("time", "14:30"), ("duration", "45"), ("mode", "in_person"), ("place", "Au fournil"),
            ]).status == .seeOther)

            let boss = desk.fresh()
            try await boss.signIn("patron@essai.test", password: Factory.password)
            try await boss.get("/c/essai/candidatures/\(answered)")
            // The employer declines Bruno; the centre has not closed his application yet.
            #expect(try await boss.post("/c/essai/candidatures/\(answered)/reponse", [("answer", "declined"), ("note", "Trop loin")]).status == .seeOther)
            let page = try await boss.get("/c/essai/besoins/\(need)").text
            func row(_ name: String) -> String {
                guard let start = page.range(of: "\(name) Martin</a>") else { return "" }
                return String(page[start.upperBound...].prefix { $0 != "\n" }.prefix(300))
            }
            #expect(row("Alice").contains("présenté, votre réponse est attendue"))
            #expect(row("Bruno").contains("présenté, votre réponse est transmise au centre"))
            #expect(row("Chloe").contains("entretien prévu le 10/12/2026"))
            #expect(row("David").contains("proposition d&#39;embauche faite"))
            #expect(row("Emma").contains("embauché"))
            #expect(row("Fanny").contains("non retenu"))
            #expect(row("Gaspard").contains("s&#39;est désisté"))
            #expect(!page.contains("Hugo"))
            // The application's own page says the same.
            #expect(try await boss.get("/c/essai/candidatures/\(interview)").text.contains("entretien prévu le 10/12/2026"))
        }
    }
}
