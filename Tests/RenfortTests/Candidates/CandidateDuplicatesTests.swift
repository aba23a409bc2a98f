import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Possible duplicates, shown before saving: the same e-mail or phone, or the same folded name
/// with the same commune or birth date under another e-mail. A merge is chosen from the
/// suspects, compared side by side, confirmed, and keeps both records' contacts and applications.
@Suite struct CandidateDuplicatesTests {
    /// The new record's form, as an adviser fills it.
    func fields(first: String, last: String, email: String, commune: String, birth: String = "", token: String) -> [(String, String)] {
        [("first_name", first), ("last_name", last), ("email", email), ("commune_name", commune), ("birth_date", birth),
         ("source", "france_travail"), ("_form", token)]
    }

    func newFormToken(_ browser: Browser) async throws -> String {
        try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/essai/candidats/nouveau").text))
    }

    @Test func theSameFoldedNameInTheSameCommuneUnderAnotherEmailIsShownBeforeSaving() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let existing = try await make.poolCandidate(
                centre: centre, firstName: "Jean-Marie", lastName: "Dupré", email: "jm.dupre@exemple.test", commune: "Saint-Céré")
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            // Case, accents and hyphens aside, the same name and commune: shown, nothing saved.
            let token = try await newFormToken(browser)
            let twin = try await browser.post(
                "/c/essai/candidats", fields(first: "jean marie", last: "DUPRE", email: "jeanmarie46@autre.test", commune: "saint cere", token: token))
            #expect(twin.status == .unprocessableContent)
            #expect(twin.text.contains("Fiches qui ressemblent à celle-ci"))
            #expect(twin.text.contains(#"<a href="/c/essai/candidats/\#(existing)">Jean-Marie Dupré</a> — Saint-Céré <span class="muted">(même nom et même commune)</span>"#))
            #expect(twin.text.contains(#"value="jeanmarie46@autre.test""#))
            #expect(try await database.count("candidates", tenant: centre) == 1)

            // The same name elsewhere, with no birth date to compare, is someone else.
            let elsewhere = try await browser.post(
                "/c/essai/candidats", fields(first: "Jean-Marie", last: "Dupré", email: "autre.jm@autre.test", commune: "Figeac", token: try await newFormToken(browser)))
            #expect(elsewhere.status == .seeOther)
        }
    }

    @Test func theSameNameAndBirthDateUnderAnotherEmailIsShownBeforeSaving() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let existing = try await make.poolCandidate(
                centre: centre, firstName: "Hélène", lastName: "N'Diaye", email: "helene@exemple.test", commune: "Cahors",
                birthDate: Day(year: 1994, month: 5, day: 17))
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            let twin = try await browser.post(
                "/c/essai/candidats",
                fields(first: "Helene", last: "Ndiaye", email: "h.ndiaye@autre.test", commune: "Figeac", birth: "1994-05-17", token: try await newFormToken(browser)))
            #expect(twin.status == .unprocessableContent)
            #expect(twin.text.contains("/c/essai/candidats/\(existing)"))
            #expect(twin.text.contains("même nom et même date de naissance"))
            // Another birth date, another commune: another person.
            let other = try await browser.post(
                "/c/essai/candidats",
                fields(first: "Helene", last: "Ndiaye", email: "h.ndiaye@autre.test", commune: "Figeac", birth: "1990-01-02", token: try await newFormToken(browser)))
            #expect(other.status == .seeOther)
        }
    }

    @Test func aMergeIsChosenAmongTheSuspectsComparedConfirmedAndKeepsBothContactsAndApplications() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre, name: "Brasserie du Lot")
            let both = try await make.need(centre: centre, business: business, title: "Cuisinier")
            let onlyOld = try await make.need(centre: centre, business: business, title: "Commis")
            let kept = try await make.poolCandidate(
                centre: centre, firstName: "Éloïse", lastName: "Castagné", email: "eloise@exemple.test", phone: "06 11 22 33 44", commune: "Cahors",
                skills: "Cuisine")
            let merged = try await make.poolCandidate(
                centre: centre, firstName: "Eloise", lastName: "Castagne", email: "e.castagne@ancien.test", phone: "07 99 88 77 66", commune: "Cahors",
                notes: "Vue au forum de l'emploi")
            let stranger = try await make.poolCandidate(centre: centre, firstName: "Marc", lastName: "Roques", email: "marc@exemple.test")
            try await make.application(centre: centre, need: both, candidate: kept, actor: adviser)
            let conflicting = try await make.application(centre: centre, need: both, candidate: merged, stage: .screening, actor: adviser)
            let moved = try await make.application(centre: centre, need: onlyOld, candidate: merged, actor: adviser)
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            // The record's page lists its suspects, each with the way to compare it.
            let record = try await browser.get("/c/essai/candidats/\(merged)")
            #expect(record.text.contains("même nom et même commune"))
            let compareHref = "/c/essai/candidats/\(merged)/fusionner?target_id=\(kept)"
            #expect(record.text.contains(#"href="\#(compareHref)""#))
            #expect(!record.text.contains("target_id=\(stranger)"))

            // Side by side: each field of both records in its column.
            let compare = try await browser.get(compareHref)
            #expect(compare.status == .ok)
            #expect(compare.text.contains("<th scope=\"row\">E-mail <span class=\"badge\">diffère</span></th><td data-label=\"n° \(merged), fusionnée\">e.castagne@ancien.test</td><td data-label=\"n° \(kept), gardée\">eloise@exemple.test</td>"))
            #expect(compare.text.contains("\">07 99 88 77 66</td><td data-label=\"n° \(kept), gardée\">06 11 22 33 44</td>"))
            #expect(compare.text.contains("Commis (Brasserie du Lot)"))
            #expect(compare.text.contains(#"href="/c/essai/candidats/\#(kept)/fusionner?target_id=\#(merged)""#))

            // Not confirmed: the comparison again, the message beside the box, nothing merged.
            let unconfirmed = try await browser.post("/c/essai/candidats/\(merged)/fusionner", [("target_id", String(kept))])
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(unconfirmed.text.contains("Les deux fiches côte à côte"))
            #expect(unconfirmed.text.contains(#"<p class="field__error" id="confirm-error">Cochez la case pour confirmer la fusion"#))
            #expect(try await database.count("candidates", tenant: centre, where: "merged_into IS NOT NULL") == 0)

            let done = try await browser.post("/c/essai/candidats/\(merged)/fusionner", [("target_id", String(kept)), ("confirm", "1")])
            #expect(done.location == "/c/essai/candidats/\(kept)")
            // Sent twice: merged once, the survivor's page again.
            let twice = try await browser.post("/c/essai/candidats/\(merged)/fusionner", [("target_id", String(kept)), ("confirm", "1")])
            #expect(twice.location == "/c/essai/candidats/\(kept)")
            #expect(try await database.count("candidate_events", tenant: centre, where: "kind = 'merged'") == 1)
            let survivor = try await browser.get("/c/essai/candidats/\(kept)")
            #expect(survivor.text.contains("Les deux fiches sont fusionnées"))
            // Both e-mails and both phones.
            #expect(survivor.text.contains("<dt>E-mail</dt><dd>eloise@exemple.test</dd>"))
            #expect(survivor.text.contains("<dt>Autres e-mails</dt><dd>e.castagne@ancien.test</dd>"))
            #expect(survivor.text.contains("<dt>Téléphone</dt><dd>06 11 22 33 44</dd>"))
            #expect(survivor.text.contains("<dt>Autres téléphones</dt><dd>07 99 88 77 66</dd>"))
            // Both sets of applications: the one moved, and the one on a need both were on.
            #expect(try await database.count("applications", tenant: centre, where: "id = \(moved) AND candidate_id = \(kept)") == 1)
            #expect(survivor.text.contains("/c/essai/candidatures/\(moved)\""))
            #expect(survivor.text.contains("/c/essai/candidatures/\(conflicting)\">Cuisinier</a> <span class=\"muted\">(de la fiche n° \(merged), fusionnée)</span>"))
            #expect(survivor.text.contains("<p class=\"prose\">Vue au forum de l&#39;emploi</p>"))

            // The old e-mail and the old phone still find the person.
            let again = try await browser.post(
                "/c/essai/candidats",
                [("first_name", "Élo"), ("last_name", "C."), ("email", "E.Castagne@ancien.test"), ("commune_name", "Figeac"),
                 ("source", "france_travail"), ("_form", try await newFormToken(browser))])
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains(#"<a href="/c/essai/candidats/\#(kept)">Éloïse Castagné</a> — Cahors <span class="muted">(même e-mail)</span>"#))
            #expect(!again.text.contains("/c/essai/candidats/\(merged)\""))
        }
    }

    @Test func anotherCentresRecordCannotBeComparedNorMerged() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (mine, _) = try await make.centre("essai")
            let (theirs, _) = try await make.centre("autre")
            let own = try await make.poolCandidate(centre: mine, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test")
            let foreign = try await make.poolCandidate(centre: theirs, firstName: "Léa", lastName: "Bories", email: "lea@exemple.test")
            try await browser.signIn("conseil@essai.test", password: Factory.password)

            // The same person in another centre is no suspect here.
            #expect(!(try await browser.get("/c/essai/candidats/\(own)").text.contains("target_id=\(foreign)")))
            #expect(try await browser.get("/c/essai/candidats/\(foreign)/fusionner?target_id=\(own)").status == .notFound)
            let compared = try await browser.get("/c/essai/candidats/\(own)/fusionner?target_id=\(foreign)")
            #expect(compared.status == .unprocessableContent)
            #expect(compared.text.contains("Aucune fiche active de ce numéro dans le vivier"))
            #expect(!compared.text.contains("Fiche n° \(foreign)"))
            #expect(try await browser.post("/c/essai/candidats/\(own)/fusionner", [("target_id", String(foreign)), ("confirm", "1")]).status == .unprocessableContent)
            for centre in [mine, theirs] {
                #expect(try await database.count("candidates", tenant: centre, where: "merged_into IS NOT NULL") == 0)
                #expect(try await database.count("candidate_contacts", tenant: centre) == 0)
            }
        }
    }
}
