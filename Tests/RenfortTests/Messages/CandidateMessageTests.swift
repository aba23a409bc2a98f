import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Messages to candidates: from a candidate's page, from a need's board, at the interview and
/// the refusal; by e-mail (Reply-To the adviser) or by SMS; once each; kept in the history.
@Suite struct CandidateMessageTests {
    struct World {
        let centre: Int64
        let adviser: Int64
        let need: Int64
        let camille: Int64
        let lucas: Int64
        let nadia: Int64
    }

    /// A centre with a need, and three candidates: Camille (e-mail), Lucas (mobile only), Nadia
    /// (a landline only: she cannot be written to).
    func world(_ database: TestDatabase) async throws -> World {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("cahors")
        let business = try await make.business(centre: centre, name: "Auberge du Causse")
        let need = try await make.need(centre: centre, business: business, title: "Serveur ou serveuse", positions: 3)
        return World(
            centre: centre, adviser: adviser, need: need,
            camille: try await make.candidate(centre: centre, firstName: "Camille", lastName: "Martin", email: "camille@example.org", phone: "06 11 22 33 44"),
            lucas: try await make.candidate(centre: centre, firstName: "Lucas", lastName: "Bessières", email: nil, phone: "07 12 34 56 78"),
            nadia: try await make.candidate(centre: centre, firstName: "Nadia", lastName: "Roques", email: nil, phone: "05 65 22 33 44"))
    }

    @Test func aMessageFromTheCandidatePageIsPreviewedSentOnceAndKept() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            try await browser.signIn("conseil@cahors.test")
            let path = "/c/cahors/candidats/\(w.camille)/messages"
            let compose = try await browser.get(path + "?modele=saison")
            #expect(compose.status == .ok)
            #expect(compose.text.contains("par e-mail (camille@example.org)"))
            #expect(compose.text.contains("Bonjour Camille,"))
            let token = try #require(JobNeedWorkflowTests.formToken(compose.text))
            let text = [("_form", token), ("modele", "saison"), ("subject", "La saison à {commune}"), ("body", "Bonjour {prénom}, êtes-vous disponible ?\n{conseiller}")]

            // An unknown field, or one without a value for Camille (no interview): a 422 naming it.
            let unknown = try await browser.post(path, [("_form", token), ("modele", "saison"), ("subject", "Saison"), ("body", "Bonjour {prenom_usage}")])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("{prenom_usage} n"))
            #expect(unknown.text.contains("Bonjour {prenom_usage}"))
            let missing = try await browser.post(path, [("_form", token), ("modele", "saison"), ("subject", "Saison"), ("body", "Le {date_entretien}")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("{date_entretien} n"))

            let preview = try await browser.post(path, text + [("apercu", "1")])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("La saison à Cahors"))
            #expect(try await database.candidateMessages().isEmpty)

            let sent = try await browser.post(path, text)
            #expect(sent.status == .seeOther)
            #expect(sent.location == "/c/cahors/candidats/\(w.camille)")
            #expect(try await browser.get(sent.location ?? "").text.contains("Message envoyé à Camille Martin par e-mail"))
            #expect(try await browser.post(path, text).status == .seeOther)
            let queued = try await database.candidateMessages()
            #expect(queued.count == 1)
            #expect(queued.first?.channel == "email")
            #expect(queued.first?.recipient == "camille@example.org")
            #expect(queued.first?.replyTo == "conseil@cahors.test")
            #expect(queued.first?.subject == "La saison à Cahors")
            #expect(queued.first?.body == "Bonjour Camille, êtes-vous disponible ?\nConseil cahors")

            // The history on the candidate's page: date, author, channel, text.
            let record = try await browser.get("/c/cahors/candidats/\(w.camille)")
            #expect(record.text.contains("Conseil cahors · e-mail à camille@example.org"))
            #expect(record.text.contains("La saison à Cahors"))
            #expect(try await database.count("candidate_messages", tenant: w.centre) == 1)
        }
    }

    @Test func aMobileOnlyCandidateGetsAnSMSAndOneWithNeitherGetsNothing() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            try await browser.signIn("conseil@cahors.test")
            let path = "/c/cahors/candidats/\(w.lucas)/messages"
            let compose = try await browser.get(path + "?modele=saison")
            #expect(compose.text.contains("par SMS (+33712345678)"))
            #expect(!compose.text.contains("name=\"subject\""))
            let token = try #require(JobNeedWorkflowTests.formToken(compose.text))
            let tooLong = try await browser.post(path, [("_form", token), ("modele", "saison"), ("sms", String(repeating: "{prénom} ", count: 60))])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.text.contains("caractères : 320 au plus"))
            #expect(try await browser.post(path, [("_form", token), ("modele", "saison"), ("sms", "Bonjour {prénom}, dispo cette saison ?")]).status == .seeOther)
            let queued = try await database.candidateMessages()
            #expect(queued.count == 1)
            #expect(queued.first?.channel == "sms")
            #expect(queued.first?.recipient == "+33712345678")
            #expect(queued.first?.body == "Bonjour Lucas, dispo cette saison ?")
            #expect(queued.first?.replyTo == nil)

            // Nadia has a landline only: the page says so, and a message sent anyway writes nothing.
            let record = try await browser.get("/c/cahors/candidats/\(w.nadia)")
            #expect(record.text.contains("aucun message ne peut lui être envoyé"))
            let none = try await browser.get("/c/cahors/candidats/\(w.nadia)/messages")
            #expect(none.text.contains("Aucun message ne peut partir"))
            let refused = try await browser.post("/c/cahors/candidats/\(w.nadia)/messages", [("_form", Tokens.random()), ("modele", "libre"), ("sms", "Bonjour")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Nadia Roques n&#39;a ni e-mail") || refused.text.contains("Nadia Roques n'a ni e-mail"))
            #expect(try await database.candidateMessages().count == 1)
            #expect(try await database.count("candidate_messages", tenant: w.centre) == 1)
        }
    }

    @Test func fromTheBoardEachCandidateTickedGetsOneMessageEvenSentTwice() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            let make = Factory(database: database)
            var applications: [Int64] = []
            for candidate in [w.camille, w.lucas, w.nadia] {
                applications.append(try await make.application(centre: w.centre, need: w.need, candidate: candidate, stage: .screening, actor: w.adviser))
            }
            try await browser.signIn("conseil@cahors.test")
            let board = "/c/cahors/besoins/\(w.need)/candidatures"
            let boardPage = try await browser.get(board)
            #expect(boardPage.text.contains("formaction=\"\(board)/ecrire\""))
            // Nothing ticked: the board again.
            #expect(try await browser.post(board + "/ecrire", [("modele", "saison")]).status == .unprocessableContent)
            let chosen = try await browser.post(board + "/ecrire", [("modele", "saison")] + applications.map { ("ids", String($0)) })
            #expect(chosen.status == .seeOther)
            let location = try #require(chosen.location)
            let compose = try await browser.get(location)
            #expect(compose.text.contains("Message à 3 candidats"))
            #expect(compose.text.contains("Nadia Roques : <strong>"))
            let token = try #require(JobNeedWorkflowTests.formToken(compose.text))
            let fields = [("_form", token), ("modele", "saison"), ("subject", "Saison : {poste}"), ("body", "Bonjour {prénom}, le poste de {poste} vous tente ?"),
                          ("sms", "Bonjour {prénom}, {poste} chez {entreprise} ?")] + applications.map { ("ids", String($0)) }
            let sent = try await browser.post("/c/cahors/besoins/\(w.need)/messages", fields)
            #expect(sent.status == .seeOther)
            #expect(sent.location == board)
            let followed = try await browser.get(board)
            #expect(followed.text.contains("Message envoyé à 2 candidat(s). 1 candidat(s) sans e-mail ni mobile n&#39;ont rien reçu.")
                || followed.text.contains("Message envoyé à 2 candidat(s). 1 candidat(s) sans e-mail ni mobile n'ont rien reçu."))
            #expect(try await browser.post("/c/cahors/besoins/\(w.need)/messages", fields).status == .seeOther)
            let queued = try await database.candidateMessages()
            #expect(queued.count == 2)
            #expect(queued.contains { $0.recipient == "camille@example.org" && $0.body == "Bonjour Camille, le poste de Serveur ou serveuse vous tente ?" })
            #expect(queued.contains { $0.recipient == "+33712345678" && $0.body == "Bonjour Lucas, Serveur ou serveuse chez Auberge du Causse ?" })
        }
    }

    @Test func anInterviewScheduledSendsTheInvitationWithItsCalendarFile() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            let make = Factory(database: database)
            let camille = try await make.application(centre: w.centre, need: w.need, candidate: w.camille, stage: .presented, actor: w.adviser)
            let nadia = try await make.application(centre: w.centre, need: w.need, candidate: w.nadia, stage: .presented, actor: w.adviser)
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/candidatures/\(camille)")
            let form = try #require(HTMLForm.posting(to: "/c/cahors/candidatures/\(camille)/entretiens", in: page.text).first)
            #expect(form.controls.first { $0.name == "invite" }?.checked == true)
            let day = Day(Date()).adding(days: 5)
            let interview = [("date", day.iso), ("time", "14:30"), ("duration", "45"), ("mode", "in_person"), ("place", "Auberge du Causse, Cahors")]
            #expect(try await browser.post("/c/cahors/candidatures/\(camille)/entretiens", interview + [("invite", "1")]).status == .seeOther)
            let queued = try await database.candidateMessages()
            #expect(queued.count == 1)
            let invitation = try #require(queued.first)
            #expect(invitation.kind == "candidate-entretien")
            #expect(invitation.replyTo == "conseil@cahors.test")
            #expect(invitation.attachmentName == "entretien.ics")
            #expect(invitation.attachment?.contains("BEGIN:VCALENDAR") == true)
            #expect(invitation.body.contains("à 14 h 30, Auberge du Causse, Cahors."))
            #expect(invitation.body.contains("Serveur ou serveuse chez Auberge du Causse"))
            #expect(try await browser.get("/c/cahors/candidats/\(w.camille)").text.contains("(invitation .ics jointe)"))

            // The box unticked: the interview only.
            #expect(try await browser.post("/c/cahors/candidatures/\(camille)/entretiens", interview).status == .seeOther)
            #expect(try await database.candidateMessages().count == 1)

            // Nadia cannot be reached: no box on her form; ticked anyway, nothing is written.
            let nadiaPage = try await browser.get("/c/cahors/candidatures/\(nadia)")
            #expect(nadiaPage.text.contains("il ne recevra pas d&#39;invitation") || nadiaPage.text.contains("il ne recevra pas d'invitation"))
            let refused = try await browser.post("/c/cahors/candidatures/\(nadia)/entretiens", interview + [("invite", "1")])
            #expect(refused.status == .unprocessableContent)
            #expect(try await DemoLookup(database: database).count("cahors", "SELECT 1 FROM interviews WHERE application_id = \(nadia)") == 0)
        }
    }

    @Test func notRetainedOffersTheRefusalWithOrWithoutTheReasonAloneOrInBulk() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            let make = Factory(database: database)
            let reasons = try await make.rejectionReasons(centre: w.centre)
            // A reason the refusal without it never says ("profil" is in its text; a dictionary's
            // first entry changes from one run to the next).
            let reason = (key: "Mobilité", value: try #require(reasons["Mobilité"]))
            let camille = try await make.application(centre: w.centre, need: w.need, candidate: w.camille, stage: .screening, actor: w.adviser)
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/candidatures/\(camille)")
            #expect(page.text.contains("name=\"message\""))
            #expect(try await browser.post("/c/cahors/candidatures/\(camille)/fin", [
                ("ending", "rejected"), ("reason_id", String(reason.value)), ("message", "refus-motif"),
            ]).status == .seeOther)
            let refusal = try #require(try await database.candidateMessages().first)
            #expect(refusal.kind == "candidate-refus-motif")
            #expect(refusal.body.contains("pour la raison suivante : \(reason.key.lowercasedFirst)."))

            // In bulk, without the reason: one each for those reached, Nadia left out and said so.
            let other = try await make.need(centre: w.centre, business: try await make.business(centre: w.centre, name: "Garage", siret: "55210055400013"))
            var ids: [Int64] = []
            for candidate in [w.camille, w.lucas, w.nadia] {
                ids.append(try await make.application(centre: w.centre, need: other, candidate: candidate, stage: .screening, actor: w.adviser))
            }
            let board = "/c/cahors/besoins/\(other)/candidatures"
            try await browser.get(board)
            let fields = [("reason_id", String(reason.value)), ("message", "refus")] + ids.map { ("ids", String($0)) }
            #expect(try await browser.post(board + "/rejeter", fields).status == .seeOther)
            #expect(try await browser.get(board).text.contains("2 message(s) de refus envoyé(s)"))
            #expect(try await browser.post(board + "/rejeter", fields).status == .seeOther)
            let queued = try await database.candidateMessages()
            #expect(queued.count == 3)
            #expect(queued.filter { $0.kind == "candidate-refus" }.map(\.recipient).sorted() == ["+33712345678", "camille@example.org"])
            #expect(!queued.last!.body.contains(reason.key.lowercasedFirst))
        }
    }
}

extension CandidateMessageTests {
    @Test func aMergeKeepsTheMessagesInTheSurvivorsHistory() async throws {
        try await TestApp.run { browser, database in
            let w = try await world(database)
            try await browser.signIn("conseil@cahors.test")
            let compose = try await browser.get("/c/cahors/candidats/\(w.lucas)/messages?modele=saison")
            let token = try #require(JobNeedWorkflowTests.formToken(compose.text))
            #expect(try await browser.post("/c/cahors/candidats/\(w.lucas)/messages", [("_form", token), ("modele", "saison"), ("sms", "Bonjour {prénom}, SMS-AVANT-FUSION")]).status == .seeOther)
            try await browser.get("/c/cahors/candidats/\(w.lucas)/fusionner?target_id=\(w.camille)")
            #expect(try await browser.post("/c/cahors/candidats/\(w.lucas)/fusionner", [("target_id", String(w.camille)), ("confirm", "1")]).status == .seeOther)
            #expect(try await browser.get("/c/cahors/candidats/\(w.camille)").text.contains("SMS-AVANT-FUSION"))
        }
    }
}
