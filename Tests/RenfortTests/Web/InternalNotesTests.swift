import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// What is internal stays internal: a marker written in every free-text field an adviser can
/// fill is found on none of the pages an employer can reach; what the adviser shares is.
@Suite struct InternalNotesTests {
    @Test func anEmployerReadsNoneOfTheAdvisersInternalNotesAndTheSharedOnes() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let lookup = DemoLookup(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre, name: "Boulangerie", siret: "73282932000074", notes: "MARK-BUSINESS-NOTES")
            let employer = try await make.person("patron@boulangerie.test", role: .employer, centre: centre, business: business)
            let need = try await make.need(centre: centre, business: business, title: "Boulanger", positions: 2)
            let other = try await make.need(centre: centre, business: business, title: "Vendeur")
            let hired = try await make.candidate(centre: centre, firstName: "Camille", email: "camille@example.org", notes: "MARK-CANDIDATE-NOTES")
            let rejected = try await make.candidate(centre: centre, firstName: "Noé", email: "noe@example.org", notes: "MARK-CANDIDATE-NOTES-2")

            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai/besoins/\(need)")
            // The notes of the business's and a candidate's records, through their forms too.
            #expect(try await desk.post("/c/essai/entreprises/\(business)/modifier", BusinessTests.businessFields(siret: "73282932000074", name: "Boulangerie") + [
                ("notes", "MARK-BUSINESS-FORM"),
            ]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidats/\(rejected)/modifier", CandidateFixtures.fields(first: "Noé", last: "Martin", email: "noe@example.org") + [
                ("notes", "MARK-CANDIDATE-FORM"),
            ]).status == .seeOther)
            #expect(try await database.count("businesses", tenant: centre, where: "notes = 'MARK-BUSINESS-FORM'") == 1)
            #expect(try await database.count("candidates", tenant: centre, where: "notes = 'MARK-CANDIDATE-FORM'") == 1)
            // The need: qualification, a status change, a comment kept internal, one shared.
            #expect(try await desk.post("/c/essai/besoins/\(need)/qualifier", [
                ("job", "D1102"), ("hard_to_fill", "non"), ("adviser_id", String(adviser)), ("comment", "MARK-QUALIFY"),
            ]).status == .seeOther)
            #expect(try await desk.post("/c/essai/besoins/\(need)/statut", [("to", "sourcing"), ("comment", "MARK-STATUS")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/besoins/\(need)/commentaires", [("comment", "MARK-COMMENT"), ("_form", Tokens.random())]).status == .seeOther)
            #expect(try await desk.post("/c/essai/besoins/\(need)/commentaires", [
                ("comment", "SHARED-COMMENT"), ("share", "1"), ("_form", Tokens.random()),
            ]).status == .seeOther)
            #expect(try await desk.post("/c/essai/besoins/\(other)/annuler", [("reason", "MARK-CANCEL")]).status == .seeOther)

            // The applications: moves, an interview (its place and people are for the employer), its outcome, an offer refused, the hire.
            let first = try await make.application(centre: centre, need: need, candidate: hired, stage: .presented, actor: adviser)
            let second = try await make.application(centre: centre, need: need, candidate: rejected, stage: .presented, actor: adviser)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/etape", [("to", "interview"), ("comment", "MARK-MOVE")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/entretiens", [
                ("date", "2026-12-10"), ("time", "10:00"), ("duration", "45"), ("mode", "in_person"), ("place", "SHARED-PLACE"), ("attendees", "SHARED-ATTENDEES"),
            ]).status == .seeOther)
            let interview = try #require(try await lookup.ids("essai", "SELECT id FROM interviews WHERE application_id = \(first)").first)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/entretiens/\(interview)/bilan", [("outcome", "positive"), ("note", "MARK-OUTCOME")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/etape", [("to", "offer"), ("comment", "")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/propositions", [
                ("contract_kind", "cdi"), ("start_date", "2026-12-01"), ("hours_per_week", "35"), ("gross_pay", "1900"),
            ]).status == .seeOther)
            let offer = try #require(try await lookup.ids("essai", "SELECT id FROM offers WHERE application_id = \(first)").first)
            #expect(try await desk.post("/c/essai/candidatures/\(first)/propositions/\(offer)/reponse", [("accepted", "non"), ("reason", "MARK-OFFER")]).status == .seeOther)
            let hire = try await desk.post("/c/essai/candidatures/\(first)/embauche", [
                ("contract_kind", "cdi"), ("start_date", "2026-12-01"), ("hours_per_week", "35"), ("confirm", "1"),
            ])
            #expect(hire.status == .seeOther)
            let placement = try #require(try await lookup.ids("essai", "SELECT id FROM placements WHERE application_id = \(first)").first)
            try await desk.get("/c/essai/candidatures/\(second)")  // the centre's reasons are written on first use
            let reason = try #require(try await lookup.ids("essai", "SELECT id FROM rejection_reasons ORDER BY id LIMIT 1").first)
            #expect(try await desk.post("/c/essai/candidatures/\(second)/fin", [("ending", "rejected"), ("reason_id", String(reason)), ("comment", "MARK-END")]).status == .seeOther)

            // The follow-up: a check-in at risk, a contact outside the schedule, an alert handled.
            let checkIn = try #require(try await lookup.ids("essai", "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on LIMIT 1").first)
            #expect(try await desk.post("/c/essai/suivis/\(checkIn)", [
                ("done_on", Day(Date()).iso), ("contacted", "both"), ("channel", "phone"), ("status", "at_risk"), ("risks", "transport"), ("actions", "MARK-CHECKIN"),
            ]).status == .seeOther)
            #expect(try await desk.post("/c/essai/embauches/\(placement)/contacts", [
                ("done_on", Day(Date()).iso), ("contacted", "employee"), ("channel", "visit"), ("status", "at_risk"), ("risks", "housing"), ("actions", "MARK-CONTACT"),
            ]).status == .seeOther)
            let alert = try await make.alert(centre: centre, placement: placement, by: employer, message: "Il arrive en retard")
            #expect(try await desk.post("/c/essai/embauches/\(placement)/alertes/\(alert)/traitee", [("handled_note", "MARK-HANDLED")]).status == .seeOther)

            // The adviser reads every note.
            let adviserPages = try await desk.crawl(from: ["/c/essai/besoins/\(need)", "/c/essai/embauches/\(placement)", "/c/essai/candidatures/\(first)"], under: "/c/essai/besoins/\(need)")
            let adviserText = adviserPages.map(\.text).joined()
            for marker in ["MARK-QUALIFY", "MARK-STATUS", "MARK-COMMENT", "MARK-CHECKIN", "MARK-CONTACT", "MARK-HANDLED", "MARK-OUTCOME", "MARK-MOVE", "MARK-OFFER"] {
                #expect(adviserText.contains(marker), "the adviser does not see \(marker)")
            }

            // The employer: every page from their home, and the known routes of their records.
            let boss = desk.fresh()
            try await boss.signIn("patron@boulangerie.test", password: Factory.password)
            let known = [
                "/c/essai", "/c/essai/besoins", "/c/essai/embauches", "/c/essai/besoins/\(need)", "/c/essai/besoins/\(other)",
                "/c/essai/candidatures/\(first)", "/c/essai/candidatures/\(second)", "/c/essai/embauches/\(placement)",
                "/c/essai/entreprises/\(business)", "/c/essai/candidatures/\(first)/entretiens/\(interview)/invitation.ics", "/profil",
            ]
            let pages = try await boss.crawl(from: known, under: "/c/essai")
            #expect(pages.count >= known.count)
            #expect(pages.allSatisfy { $0.status == 200 }, "\(pages.filter { $0.status != 200 }.map { "\($0.path) \($0.status)" })")
            for page in pages {
                #expect(!page.text.contains("MARK-"), "\(page.path) shows an internal note: \(page.text.components(separatedBy: "MARK-").dropFirst().map { String($0.prefix(20)) })")
                #expect(!page.text.contains("à risque"), "\(page.path) shows the « à risque » flag")
            }
            let employerText = pages.map(\.text).joined()
            for shared in ["SHARED-COMMENT", "SHARED-PLACE", "SHARED-ATTENDEES"] {
                #expect(employerText.contains(shared), "the employer does not see \(shared)")
            }
        }
    }

    @Test func theFormsSayWhatTheEmployerWillRead() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let application = try await make.application(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre), stage: .presented, actor: adviser)
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            let needPage = try await desk.get("/c/essai/besoins/\(need)").text
            // Qualification, status change, comment and cancellation: each its box.
            #expect(needPage.components(separatedBy: "name=\"share\"").count - 1 == 4)
            #expect(needPage.contains("Visible de l'employeur"))
            let applicationPage = try await desk.get("/c/essai/candidatures/\(application)").text
            #expect(applicationPage.contains("sont communiqués à l'employeur"))
            #expect(applicationPage.contains("jamais montrés à l'employeur"))
        }
    }
}
