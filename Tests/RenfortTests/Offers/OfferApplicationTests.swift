import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Applying from a public offer: one candidate and one application, the pool's person found
/// again, the acknowledgement queued, and what stops robots and closed offers.
@Suite struct OfferApplicationTests {
    /// Cahors with a published offer; returns the ids.
    static func offer(_ database: TestDatabase) async throws -> (centre: Int64, adviser: Int64, need: Int64, offer: Int64) {
        let (cahors, adviser, _, need) = try await PublicOffersTests.cahors(database)
        let offer = try await Factory(database: database).publishedOffer(centre: cahors, need: need, actor: adviser)
        return (cahors, adviser, need, offer)
    }

    /// A visitor opens the offer and sends its form (multipart, `_csrf` first, as browsers do).
    static func apply(
        _ browser: Browser, offer: Int64, fields: [(String, String)], file: (name: String, bytes: [UInt8])? = ("mon cv.pdf", MultipartTests.pdf),
        token: String? = nil
    ) async throws -> (answer: TestResponse, token: String) {
        let page = try await browser.get("/c/cahors/offres/\(offer)")
        let token = try #require(token ?? JobNeedWorkflowTests.formToken(page.text))
        var parts: [MultipartTests.Part] = [.field("_csrf", browser.csrf ?? ""), .field("_form", token)] + fields.map { .field($0.0, $0.1) }
        if let file { parts.append(MultipartTests.Part(name: "cv", filename: file.name, bytes: file.bytes)) }
        let answer = try await MultipartTests.send(browser, "/c/cahors/offres/\(offer)/candidater", MultipartTests.body(parts))
        return (answer, token)
    }

    static let lea: [(String, String)] = [
        ("first_name", "Léa"), ("last_name", "Fournier"), ("email", "lea.fournier@example.org"), ("phone", ""), ("commune_name", "Pradines"),
        ("message", "Boulangère depuis six ans, disponible tout de suite."), ("keep_for_other_posts", "1"),
    ]

    @Test func anApplicationCreatesOneCandidateAndOneApplicationEvenSentTwice() async throws {
        try await TestApp.run { browser, database in
            let (_, _, need, offer) = try await Self.offer(database)
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidates")
            let (first, token) = try await Self.apply(browser, offer: offer, fields: Self.lea)
            #expect(first.location == "/c/cahors/offres/\(offer)?envoyee=1")
            let (second, _) = try await Self.apply(browser, offer: offer, fields: Self.lea, token: token)
            #expect(second.location == "/c/cahors/offres/\(offer)?envoyee=1")
            #expect(try await browser.get("/c/cahors/offres/\(offer)?envoyee=1").text.contains("Votre candidature est envoyée"))

            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before + 1)
            let candidate = try #require(try await lookup.ids(
                "cahors", "SELECT id FROM candidates WHERE email = 'lea.fournier@example.org' AND source = 'centre_site' AND consent_at IS NOT NULL AND purge_after = (now() AT TIME ZONE 'Europe/Paris')::date + 730").first)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM applications WHERE need_id = \(need) AND candidate_id = \(candidate) AND stage = 'sourced'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidate_documents WHERE candidate_id = \(candidate) AND filename = 'mon cv.pdf'") == 1)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM offer_applications WHERE matched IS NULL AND keep_for_other_posts") == 1)
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application' AND channel = 'email' AND recipient = 'lea.fournier@example.org' AND body LIKE '%/c/cahors/offres/\(offer)%'") == 1)
            // The acknowledgement leads to the candidate's own page; the adviser is told once, with the application's link.
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application' AND body LIKE '%/c/cahors/mon-espace%'") == 1)
            #expect(try await database.count("outbox_messages", where: "kind = 'notification-site_application' AND recipient = 'conseil@cahors.test' AND body LIKE '%Léa Fournier a postulé%/c/cahors/candidatures/%'") == 1)

            // The adviser sees where it came from, on the board and the application's page.
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@cahors.test")
            #expect(try await adviser.get("/c/cahors/besoins/\(need)/candidatures").text.contains("Léa Fournier"))
            let application = try #require(try await lookup.ids("cahors", "SELECT id FROM applications WHERE candidate_id = \(candidate)").first)
            let page = try await adviser.get("/c/cahors/candidatures/\(application)")
            #expect(page.text.contains("Site du centre : offre"))
            #expect(page.text.contains("Nouvelle fiche"))
            #expect(page.text.contains("Boulangère depuis six ans"))
            #expect(try await adviser.get("/c/cahors/candidats/\(candidate)").text.contains("Site du centre"))
        }
    }

    @Test func aPersonOfThePoolIsAttachedToTheirRecordNotDuplicated() async throws {
        try await TestApp.run { browser, database in
            let (cahors, _, need, offer) = try await Self.offer(database)
            let known = try await Factory(database: database).candidate(centre: cahors, firstName: "Camille", lastName: "Martin", email: "camille@example.org")
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidates")
            let fields: [(String, String)] = [("first_name", "Camille"), ("last_name", "Martin-Roux"), ("email", " Camille@Example.org "), ("message", "Me revoici")]
            #expect(try await Self.apply(browser, offer: offer, fields: fields, file: nil).answer.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before)
            let application = try #require(try await lookup.ids("cahors", "SELECT id FROM applications WHERE need_id = \(need) AND candidate_id = \(known)").first)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM offer_applications WHERE matched = 'même e-mail'") == 1)
            // Without consent, kept three months from now at least.
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates WHERE id = \(known) AND purge_after >= current_date + 90") == 1)
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@cahors.test")
            #expect(try await adviser.get("/c/cahors/candidatures/\(application)").text.contains("Déjà dans le vivier (même e-mail)"))

            // Someone with only a phone, known by that phone: attached too, and told by SMS.
            _ = try await lookup.ids("cahors", "UPDATE candidates SET phone = '06 11 22 33 44' WHERE id = \(known) RETURNING id")
            let phoneOnly = browser.fresh()
            phoneOnly.address = "203.0.113.9"
            let sent = try await Self.apply(phoneOnly, offer: offer, fields: [("first_name", "Cam"), ("last_name", "M."), ("phone", "+33 6 11 22 33 44")], file: nil)
            #expect(sent.answer.status == .seeOther, "\(sent.answer.status) \(sent.answer.text.prefix(2000))")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before)
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application' AND channel = 'sms' AND recipient = '+33 6 11 22 33 44'") == 1)
        }
    }

    @Test func badInputComesBackWithEverythingTypedAndTheFileToChooseAgain() async throws {
        try await TestApp.run { browser, database in
            let (_, _, _, offer) = try await Self.offer(database)
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidates")
            let fields: [(String, String)] = [("first_name", "Anaïs"), ("last_name", "D'Artagnan <b>"), ("email", ""), ("phone", ""), ("message", "Bonjour « vous »"), ("keep_for_other_posts", "1")]
            let (answer, _) = try await Self.apply(browser, offer: offer, fields: fields, file: ("lettre.txt", Array("Madame, Monsieur".utf8)))
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("error-summary"))
            #expect(answer.text.contains("Donnez au moins une adresse e-mail ou un numéro de téléphone"))
            #expect(answer.text.contains("seuls les PDF sont acceptés"))
            #expect(answer.text.contains("Fichier choisi : «\u{00A0}lettre.txt\u{00A0}»"))
            #expect(answer.text.contains("value=\"Anaïs\""))
            #expect(answer.text.contains("value=\"D&#39;Artagnan &lt;b&gt;\"") || answer.text.contains("value=\"D&apos;Artagnan &lt;b&gt;\""))
            #expect(answer.text.contains("Bonjour « vous »</textarea>"))
            #expect(answer.text.contains("name=\"keep_for_other_posts\" value=\"1\" checked"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM offer_applications") == 0)
            // A bad e-mail, sent as a plain form: the same 422.
            let plain = try await browser.post("/c/cahors/offres/\(offer)/candidater", [("first_name", "A"), ("last_name", "B"), ("email", "pas-une-adresse"), ("_form", FormSubmissions.newToken())])
            #expect(plain.status == .unprocessableContent)
            #expect(plain.text.contains("n&#39;est pas une adresse e-mail valide"))
        }
    }

    @Test func theHoneypotAndTheRateLimitStopRobots() async throws {
        try await TestApp.run { browser, database in
            let (_, _, _, offer) = try await Self.offer(database)
            let lookup = DemoLookup(database: database)
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidates")
            let robot = try await Self.apply(browser, offer: offer, fields: Self.lea + [("website", "http://spam.example")])
            #expect(robot.answer.location == "/c/cahors/offres/\(offer)?envoyee=1")
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before)

            browser.address = "198.51.100.90"
            for n in 0..<OfferApplications.hourlyLimit {
                let fields: [(String, String)] = [("first_name", "Personne"), ("last_name", "N\(n)"), ("email", "personne\(n)@example.org")]
                #expect(try await Self.apply(browser, offer: offer, fields: fields, file: nil).answer.status == .seeOther)
            }
            let limited = try await Self.apply(browser, offer: offer, fields: [("first_name", "Encore"), ("last_name", "Une"), ("email", "encore@example.org")], file: nil)
            #expect(limited.answer.status == .tooManyRequests)
            #expect(limited.answer.text.contains("Trop de candidatures"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before + OfferApplications.hourlyLimit)
            // Another address still applies.
            browser.address = "198.51.100.91"
            #expect(try await Self.apply(browser, offer: offer, fields: [("first_name", "Encore"), ("last_name", "Une"), ("email", "encore@example.org")], file: nil).answer.status == .seeOther)
        }
    }

    @Test func aClosedOfferSaysSoAndTakesNoApplication() async throws {
        try await TestApp.run { browser, database in
            let (cahors, adviser, need, offer) = try await Self.offer(database)
            let lookup = DemoLookup(database: database)
            let page = try await browser.get("/c/cahors/offres/\(offer)")
            let token = try #require(JobNeedWorkflowTests.formToken(page.text))
            // Withdrawn while the visitor was typing.
            try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: TestEnvironment.logger) { connection in
                    _ = try await PublishedOfferRepository.unpublish(needID: need, actorID: adviser, now: Date(), on: connection, logger: TestEnvironment.logger)
                }
            }
            let before = try await lookup.count("cahors", "SELECT 1 FROM candidates")
            let (answer, _) = try await Self.apply(browser, offer: offer, fields: Self.lea, token: token)
            #expect(answer.status == .gone)
            #expect(answer.text.contains("Cette offre est close"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM candidates") == before)
            #expect(try await database.count("outbox_messages", where: "kind = 'offer_application'") == 0)
        }
    }
}
