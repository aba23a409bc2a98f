import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Consent asked by e-mail with a single-use link, answered yes or no on the centre's page and
/// recorded with its date; the person's own actions as new last contacts that move the date.
@Suite struct ConsentTests {
    /// Cahors, an adviser signed in, and Anaïs (an address, no consent, kept 80 days).
    static func setUp(_ desk: Browser, _ database: TestDatabase) async throws -> (centre: Int64, anais: Int64) {
        let make = Factory(database: database)
        let (centre, _) = try await make.centre("cahors")
        let anais = try await make.candidate(centre: centre, firstName: "Anaïs", email: "anais@example.org")
        try await desk.signIn("conseil@cahors.test")
        try await desk.get("/c/cahors/candidats/\(anais)")
        return (centre, anais)
    }

    @Test func aYesRecordsTheConsentWithItsDateAndKeepsTheRecordTwoYears() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            let asked = try await make.askConsent(desk, slug: "cahors", candidate: anais)
            #expect(asked.status == .seeOther)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            #expect(try await PrivacyOutbox.bodies("consent-request", to: "anais@example.org", database).first?.contains("Bonjour Anaïs") == true)

            // Opening the link (or a mail scanner fetching it) records nothing: the page asks.
            let person = desk.fresh()
            let page = try await person.get(link)
            #expect(page.status == .ok && page.text.contains("Oui, gardez mon dossier"))
            #expect(try await make.retention(centre: centre, candidate: anais).lastContactAt == nil)

            let answered = try await person.post(link, [("answer", "oui")])
            #expect(answered.status == .ok && answered.text.contains("Merci"))
            let today = Day(clock.now())
            let kept = try await make.retention(centre: centre, candidate: anais)
            #expect(kept.consentAt == today)
            #expect(kept.purgeAfter == today.adding(days: 730))
            #expect(kept.lastContactAt != nil)
            let record = try await desk.get("/c/cahors/candidats/\(anais)").text
            #expect(record.contains("Consentement demandé par e-mail le") && record.contains("oui"))
            #expect(record.contains("Réponse de la personne"))
        }
    }

    @Test func aLinkServesOnceAndASecondClickSaysSo() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            _ = try await make.askConsent(desk, slug: "cahors", candidate: anais)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            let person = desk.fresh()
            _ = try await person.get(link)
            #expect(try await person.post(link, [("answer", "oui")]).status == .ok)
            let again = try await person.post(link, [("answer", "non")])
            #expect(again.status == .gone && again.text.contains("Ce lien a déjà servi"))
            #expect(try await make.retention(centre: centre, candidate: anais).consentAt != nil)
            #expect(try await person.get(link).status == .gone)
        }
    }

    @Test func aNoWithdrawsAConsentGivenBeforeAndKeepsThreeMonths() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            try await make.execute(centre: centre, "UPDATE candidates SET consent_at = '\(Day(Date()).adding(days: -10).iso)'::date, consent_scope = 'autres postes', purge_after = '\(Day(Date()).adding(days: 700).iso)'::date WHERE id = \(anais)")
            _ = try await make.askConsent(desk, slug: "cahors", candidate: anais)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            let person = desk.fresh()
            _ = try await person.get(link)
            // Neither yes nor no: asked again, nothing recorded.
            #expect(try await person.post(link, [("answer", "peut-être")]).status == .unprocessableContent)
            #expect(try await person.post(link, [("answer", "non")]).status == .ok)
            let kept = try await make.retention(centre: centre, candidate: anais)
            #expect(kept.consentAt == nil)
            #expect(kept.purgeAfter == Day(clock.now()).adding(days: 90))
        }
    }

    @Test func aLinkExpiresAfterThirtyDays() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            _ = try await make.askConsent(desk, slug: "cahors", candidate: anais)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            clock.advance(by: 31 * 86400)
            let person = desk.fresh()
            let late = try await person.get(link)
            #expect(late.status == .gone && late.text.contains("plus valable"))
            try await person.get("/c/cahors/mon-espace")  // a page of the session, for the form's CSRF token
            #expect(try await person.post(link, [("answer", "oui")]).status == .gone)
            #expect(try await make.retention(centre: centre, candidate: anais).consentAt == nil)
        }
    }

    @Test func anotherCentresAddressNeverAnswersALink() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            try await make.centre("figeac")
            _ = try await make.askConsent(desk, slug: "cahors", candidate: anais)
            let link = try #require(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).first)
            let elsewhere = link.replacingOccurrences(of: "/c/cahors/", with: "/c/figeac/")
            let person = desk.fresh()
            let page = try await person.get(elsewhere)
            #expect(page.status == .gone && page.text.contains("Ce lien n&#39;est pas valable") || page.text.contains("Ce lien n'est pas valable"))
            try await person.get("/c/figeac/mon-espace")  // a page of the session, for the form's CSRF token
            #expect(try await person.post(elsewhere, [("answer", "oui")]).status == .gone)
            #expect(try await make.retention(centre: centre, candidate: anais).consentAt == nil)
            // Nor can Figeac's adviser ask Cahors's candidate.
            let figeac = desk.fresh()
            try await figeac.signIn("conseil@figeac.test")
            try await figeac.get("/c/figeac/candidats")
            #expect(try await make.askConsent(figeac, slug: "figeac", candidate: anais).status == .notFound)
            #expect(try await PrivacyOutbox.questionLinks(to: "anais@example.org", database).count == 1)
        }
    }

    @Test func aRecordWithoutAnAddressCannotBeAskedByEmail() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, _) = try await Self.setUp(desk, database)
            let paul = try await make.candidate(centre: centre, firstName: "Paul", email: nil)
            let refused = try await make.askConsent(desk, slug: "cahors", candidate: paul)
            #expect(refused.status == .unprocessableContent && refused.text.contains("pas d&#39;adresse e-mail") || refused.text.contains("pas d'adresse e-mail"))
            #expect(try await database.count("candidate_questions") == 0)
        }
    }

    @Test func openingTheirOwnPageIsALastContactAnAdvisersEditIsNot() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { desk, database in
            let make = Factory(database: database)
            let (centre, anais) = try await Self.setUp(desk, database)
            // Kept 10 more days: opening the page moves the date to three months from now.
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(Day(Date()).adding(days: 10).iso)'::date WHERE id = \(anais)")
            let edit = try await desk.get("/c/cahors/candidats/\(anais)/modifier")
            #expect(edit.status == .ok)
            #expect(try await make.retention(centre: centre, candidate: anais).lastContactAt == nil)

            _ = try await desk.fresh().openCandidatePage("cahors", email: "anais@example.org", database: database)
            let kept = try await make.retention(centre: centre, candidate: anais)
            #expect(kept.lastContactAt != nil)
            #expect(kept.purgeAfter == Day(clock.now()).adding(days: 90))

            // Never earlier than the date the record had.
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(Day(Date()).adding(days: 200).iso)'::date, last_contact_at = NULL WHERE id = \(anais)")
            _ = try await desk.fresh().openCandidatePage("cahors", email: "anais@example.org", database: database)
            #expect(try await make.retention(centre: centre, candidate: anais).purgeAfter == Day(clock.now()).adding(days: 200))
        }
    }

    @Test func anApplicationFromTheSiteIsALastContactOfAnExistingRecord() async throws {
        try await TestApp.run { browser, database in
            let (cahors, _, _, offer) = try await OfferApplicationTests.offer(database)
            let make = Factory(database: database)
            let lea = try await make.candidate(centre: cahors, firstName: "Léa", lastName: "Fournier", email: "lea.fournier@example.org")
            #expect(try await make.retention(centre: cahors, candidate: lea).lastContactAt == nil)
            _ = try await OfferApplicationTests.apply(browser, offer: offer, fields: OfferApplicationTests.lea)
            #expect(try await make.retention(centre: cahors, candidate: lea).lastContactAt != nil)
        }
    }
}
