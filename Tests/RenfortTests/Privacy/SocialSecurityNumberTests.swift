import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Recruitment must not collect the social-security number: what looks like one in a free text
/// about a person is refused, with the reason, and the form comes back with what was typed.
@Suite struct SocialSecurityNumberTests {
    /// Valid keys: 97 less the 13 digits modulo 97 (2A counted as 19).
    static let nir = "1 85 05 78 006 084 91"

    @Test(arguments: ["1 85 05 78 006 084 91", "185057800608491", "NIR : 1.85.05.78.006.084.91.", "(2 94 04 46 042 123 08)", "1 85 05 2A 006 084 35", "n° 18505 2a 006084 35"])
    func aNumberWithAValidKeyIsFound(text: String) {
        #expect(SocialSecurityNumber.appears(in: text))
    }

    @Test(arguments: [
        "1 85 05 78 006 084 92", "06 12 34 56 78", "+33 6 12 34 56 78", "0612345678 0698765432", "SIRET 123 456 789 00012",
        "disponible du 01/06/2026 au 15/09/2026", "3 85 05 78 006 084 91", "1 85 05 78 006 084 912", "tél. 05 65 20 40 60, 06 12 34 56 78",
    ])
    func phonesDatesAndOtherNumbersAreNot(text: String) {
        #expect(!SocialSecurityNumber.appears(in: text))
    }

    @Test func aCandidatesNotesWithTheNumberAreRefusedAndKept() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            try await browser.signIn("conseil@cahors.test")
            let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/candidats/nouveau").text))
            let notes = "Appelée le 3 ; sécu \(Self.nir)"
            let refused = try await browser.post("/c/cahors/candidats", CandidateFixtures.fields() + [("notes", notes), ("_form", token)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("ressemble à un numéro de sécurité sociale"))
            #expect(refused.text.contains(notes))
            #expect(try await database.count("candidates") == 0)
            #expect(try await database.count("outbox_messages") == 0)
        }
    }

    @Test func aCheckInsActionsWithTheNumberAreRefused() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let placement = try await make.placement(centre: centre, need: need, candidate: try await make.candidate(centre: centre), actor: adviser, start: Day(Date()).adding(days: -3))
            try await desk.signIn("conseil@essai.test")
            try await desk.get("/c/essai/embauches/\(placement)")
            let refused = try await desk.post("/c/essai/embauches/\(placement)/contacts", [
                ("done_on", Day(Date()).iso), ("contacted", "employee"), ("channel", "phone"), ("status", "on_track"), ("actions", "Mutuelle : \(Self.nir)"),
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("ressemble à un numéro de sécurité sociale"))
            #expect(refused.text.contains("Mutuelle : \(Self.nir)"))
            #expect(try await database.count("check_ins", tenant: centre, where: "unscheduled") == 0)
        }
    }

    @Test func anApplicationsCommentAndAMessageWrittenByHandAreRefused() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            let candidate = try await make.candidate(centre: centre)
            let application = try await make.application(centre: centre, need: need, candidate: candidate, actor: adviser)
            try await desk.signIn("conseil@essai.test")
            try await desk.get("/c/essai/candidatures/\(application)")
            let moved = try await desk.post("/c/essai/candidatures/\(application)/etape", [("to", "screening"), ("comment", "N° SS 185057800608491")])
            #expect(moved.status == .unprocessableContent)
            #expect(moved.text.contains("ressemble à un numéro de sécurité sociale"))
            #expect(try await database.count("application_events", tenant: centre, where: "comment LIKE '%1850578%'") == 0)

            let body = "Bonjour, merci de nous confirmer votre numéro \(Self.nir)."
            let written = try await desk.post("/c/essai/candidats/\(candidate)/messages", [
                ("_form", Tokens.random()), ("modele", "libre"), ("subject", "Votre dossier"), ("body", body),
            ])
            #expect(written.status == .unprocessableContent)
            #expect(written.text.contains("ressemble à un numéro de sécurité sociale"))
            #expect(written.text.contains(body))
            #expect(try await database.count("candidate_messages", tenant: centre) == 0)
        }
    }
}
