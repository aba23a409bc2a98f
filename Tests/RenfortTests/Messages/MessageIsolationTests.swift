import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A candidate's messages stay inside their centre and with its advisers: another centre gets a
/// 404, an employer can neither send nor read them, and no employer's or State page shows them.
@Suite struct MessageIsolationTests {
    @Test func onlyTheCentresAdvisersSendOrReadACandidatesMessages() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let (figeac, _) = try await make.centre("figeac")
            let inn = try await make.business(centre: cahors, name: "Auberge du Causse")
            try await make.employer("patron@auberge.test", centre: cahors, business: inn)
            try await make.observer("observatrice@dreets.test", centres: [cahors, figeac])
            let need = try await make.need(centre: cahors, business: inn, title: "Serveur ou serveuse")
            let camille = try await make.candidate(centre: cahors, firstName: "Camille", email: "camille@example.org")
            let application = try await make.application(centre: cahors, need: need, candidate: camille, stage: .presented, actor: adviser)
            // A message with a marker, sent by Cahors's adviser.
            try await browser.signIn("conseil@cahors.test")
            let compose = try await browser.get("/c/cahors/candidats/\(camille)/messages?modele=libre")
            let token = try #require(JobNeedWorkflowTests.formToken(compose.text))
            #expect(try await browser.post("/c/cahors/candidats/\(camille)/messages", [
                ("_form", token), ("modele", "libre"), ("subject", "Objet MARQUEUR-OBJET"), ("body", "Texte MARQUEUR-PRIVE"),
            ]).status == .seeOther)
            #expect(try await browser.get("/c/cahors/candidats/\(camille)").text.contains("MARQUEUR-PRIVE"))

            let attempt = [("_form", Tokens.random()), ("modele", "libre"), ("subject", "Pirate"), ("body", "Pirate"), ("ids", String(application))]
            let figeacAdviser = browser.fresh()
            try await figeacAdviser.signIn("conseil@figeac.test")
            try await figeacAdviser.get("/c/figeac")
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            try await employer.get("/c/cahors")
            let observer = browser.fresh()
            try await observer.signIn("observatrice@dreets.test")
            try await observer.get("/observateur")
            for (who, other, centre) in [("Figeac", figeacAdviser, "cahors"), ("Figeac through Figeac", figeacAdviser, "figeac"), ("employer", employer, "cahors"), ("observer", observer, "cahors")] {
                // Figeac's adviser has templates of their own, at Figeac.
                let settings = centre == "figeac" ? [] : ["/c/\(centre)/parametres/messages", "/c/\(centre)/parametres/messages/libre"]
                for path in ["/c/\(centre)/candidats/\(camille)/messages", "/c/\(centre)/besoins/\(need)/messages?ids=\(application)", "/c/\(centre)/candidats/\(camille)"] + settings {
                    let page = try await other.get(path)
                    #expect(page.status == .notFound, "GET \(path) as \(who): \(page.status)")
                    #expect(!page.text.contains("MARQUEUR"))
                }
                for path in ["/c/\(centre)/candidats/\(camille)/messages", "/c/\(centre)/besoins/\(need)/messages", "/c/\(centre)/besoins/\(need)/candidatures/ecrire"]
                    + settings.dropFirst() {
                    let answer = try await other.post(path, attempt)
                    #expect(answer.status == .notFound, "POST \(path) as \(who): \(answer.status)")
                }
            }
            #expect(try await database.candidateMessages().count == 1)
            #expect(try await database.count("message_templates", tenant: cahors) == 0)

            // The employer's pages about Camille never show the message.
            for path in ["/c/cahors/candidatures/\(application)", "/c/cahors/besoins/\(need)", "/c/cahors"] {
                let page = try await employer.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("MARQUEUR"), "\(path) shows the message")
            }
            for path in ["/observateur", "/c/cahors/tableau-de-bord"] {
                #expect(!(try await observer.get(path).text.contains("MARQUEUR")))
            }
        }
    }
}
