import Foundation
import Testing

@testable import Renfort

/// The demo's promise for messages to candidates: the invitations of its interviews (with
/// their .ics), the refusals of the applications not retained, a season question, each in the
/// candidate's history and in the outbox.
@Suite struct DemoMessagesTests {
    @Test func theDemoCandidatesHistoriesHoldInvitationsRefusalsAndASeasonQuestion() async throws {
        try await TestApp.run(demo: true) { browser, database in  // the demo itself is what is checked
            let lookup = DemoLookup(database: database)
            let interviews = try await lookup.count("cahors", "SELECT DISTINCT application_id FROM interviews")
            let rejected = try await lookup.count("cahors", "SELECT 1 FROM applications WHERE stage = 'rejected'")
            #expect(interviews > 0 && rejected > 0)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_messages WHERE kind = 'entretien' AND has_attachment") == interviews)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_messages WHERE kind IN ('refus', 'refus-motif')") == rejected)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_messages WHERE kind = 'saison'") == DemoMessages.seasonQuestions)
            let total = try await lookup.count("cahors", "SELECT 1 FROM candidate_messages")
            #expect(try await database.candidateMessages().count == total)

            // On the candidate's page, as their adviser sees it.
            let invited = try #require(try await lookup.ids("cahors", "SELECT candidate_id FROM candidate_messages WHERE kind = 'entretien' ORDER BY id").first)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            let page = try await browser.get("/c/cahors/candidats/\(invited)")
            #expect(page.text.contains("Invitation à un entretien"))
            #expect(page.text.contains("(invitation .ics jointe)"))
        }
    }
}
