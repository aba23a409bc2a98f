import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The centre's templates: French defaults for every centre, fields between braces checked by
/// name, a preview with example values, an edit kept per centre.
@Suite struct MessageTemplateTests {
    @Test func fieldsAreFoundByNameAccentsAsideAndUnknownOnesAreNamed() {
        let (known, unknown) = MessageText.placeholders(in: "Bonjour {prenom} {nom}, le {date_entretien} : {Prénom} {adresse} {} { poste }")
        #expect(known == [.firstName, .lastName, .interviewDate, .job])
        #expect(unknown == ["adresse"])
        #expect(MessageText.render("Bonjour {prénom}, {poste} ?", [.firstName: "Anaïs", .job: "Serveur"]) == "Bonjour Anaïs, Serveur ?")
        #expect(MessageText.problem(in: "{adresse}", kind: .season)?.hasPrefix("{adresse} n'est pas un champ connu") == true)
        #expect(MessageText.problem(in: "{motif}", kind: .offer)?.contains("n'a pas de valeur dans le modèle") == true)
        #expect(MessageText.problem(in: "{motif}", kind: .refusalWithReason) == nil)
    }

    @Test func everyDefaultTextUsesOnlyItsOwnFieldsAndItsSMSFits() {
        for kind in MessageKind.allCases {
            let text = kind.defaultText
            for part in [text.subject, text.body, text.sms] {
                #expect(MessageText.problem(in: part, kind: kind) == nil, "\(kind): \(part)")
            }
            var values = Placeholder.examples
            values[.adviser] = "Élodie Vayssière"
            values[.centre] = "Renfort Cahors – Vallée du Lot"
            #expect(MessageText.render(text.sms, values).count <= MessageText.smsLimit, "\(kind)'s SMS is too long")
        }
    }

    @Test func aLongSMSIsCutAfterItsLastWholeWord() {
        let long = String(repeating: "disponible ", count: 40)
        let cut = MessageText.fittingSMS(long)
        #expect(cut.count <= MessageText.smsLimit)
        #expect(cut.hasSuffix("disponible…"))
        #expect(MessageText.fittingSMS("Court\net net") == "Court et net")
    }

    @Test func aMobileIsA06Or07InAnyWriting() {
        #expect(CandidateReach.mobile("06 12 34 56 78") == "+33612345678")
        #expect(CandidateReach.mobile("+33 7 12 34 56 78") == "+33712345678")
        #expect(CandidateReach.mobile("0033612345678") == "+33612345678")
        #expect(CandidateReach.mobile("05 65 12 34 56") == nil)
        #expect(CandidateReach.mobile("+44 7700 900123") == nil)
        #expect(CandidateReach.of(email: "a@b.fr", phone: "0612345678") == .email("a@b.fr"))
        #expect(CandidateReach.of(email: nil, phone: "07.12.34.56.78") == .sms("+33712345678"))
        #expect(CandidateReach.of(email: nil, phone: "05 65 00 00 00") == .none)
    }

    @Test func advisersEditAndPreviewTemplatesOfTheirCentreOnly() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            try await make.centre("cahors")
            try await make.centre("figeac")
            try await browser.signIn("conseil@cahors.test")

            // Every centre starts with the six French texts.
            let list = try await browser.get("/c/cahors/parametres/messages")
            #expect(list.status == .ok)
            for kind in MessageKind.allCases { #expect(list.text.contains(HTML.escape(kind.label))) }
            #expect(list.text.components(separatedBy: "texte par défaut").count == MessageKind.allCases.count + 1)

            let path = "/c/cahors/parametres/messages/saison"
            let page = try await browser.get(path)
            #expect(page.text.contains("Êtes-vous disponible cette saison ?"))
            // The preview with example values.
            #expect(page.text.contains("Bonjour Camille,"))
            let token = try #require(JobNeedWorkflowTests.formToken(page.text))

            // An unknown field is a 422 that names it, what was typed kept.
            let unknown = try await browser.post(path, [
                ("_form", token), ("subject", "La saison à {commune}"), ("body", "Bonjour {prénom}, passez au {adresse}."), ("sms", "Bonjour {prenom} !"),
            ])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("{adresse} n&#39;est pas un champ connu") || unknown.text.contains("{adresse} n'est pas un champ connu"))
            #expect(unknown.text.contains("passez au {adresse}."))
            // A field of another kind of message.
            let foreign = try await browser.post(path, [("_form", token), ("subject", "Saison"), ("body", "Motif : {motif}"), ("sms", "Saison")])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.text.contains("{motif} n"))

            // The preview of what is typed, nothing saved.
            let preview = try await browser.post(path, [
                ("_form", token), ("subject", "La saison à {commune}"), ("body", "Bonjour {prénom}, la saison reprend !"), ("sms", "Bonjour {prenom} !"), ("apercu", "1"),
            ])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("Bonjour Camille, la saison reprend !"))
            #expect(try await database.count("message_templates", tenant: try await DemoLookup(database: database).centre("cahors")) == 0)

            // Saved, twice with the same form: kept once, for Cahors only.
            let fields = [("_form", token), ("subject", "La saison à {commune}"), ("body", "Bonjour {prénom}, la saison reprend !"), ("sms", "Bonjour {prenom} !")]
            #expect(try await browser.post(path, fields).status == .seeOther)
            #expect(try await browser.post(path, fields).status == .seeOther)
            let edited = try await browser.get("/c/cahors/parametres/messages")
            #expect(edited.text.contains("La saison à {commune}"))
            #expect(edited.text.components(separatedBy: "texte par défaut").count == MessageKind.allCases.count)
            let figeac = browser.fresh()
            try await figeac.signIn("conseil@figeac.test")
            #expect(try await figeac.get("/c/figeac/parametres/messages/saison").text.contains("Êtes-vous disponible cette saison ?"))
            #expect(try await figeac.get("/c/cahors/parametres/messages/saison").status == .notFound)
            #expect(try await browser.get("/c/cahors/parametres/messages/inconnu").status == .notFound)
        }
    }
}
