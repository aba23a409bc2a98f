import Foundation
import Testing

@testable import Renfort

/// Everyone hears what concerns them: each notification once, to the right people of the
/// right centre and business, with its link; as each person chose (at once, digest, never).
@Suite struct NotificationTests {
    static let base = "http://127.0.0.1:8080"

    /// Cahors (two advisers) with the inn (two employers) and the garage (one), and Figeac with
    /// its own adviser and employer: the people who must never hear of the inn's news.
    struct World {
        let cahors: Int64
        let adviser: Int64
        let second: Int64
        let inn: Int64
        let need: Int64
        let figeac: Int64
    }

    static func world(_ database: TestDatabase) async throws -> World {
        let make = Factory(database: database)
        let (cahors, adviser) = try await make.centre("cahors")
        let second = try await make.adviser("conseil2@cahors.test", centre: cahors)
        let inn = try await make.business(centre: cahors, name: "Auberge du Causse")
        let garage = try await make.business(centre: cahors, name: "Garage", siret: "55210055400013")
        try await make.employer("patron@auberge.test", centre: cahors, business: inn)
        try await make.employer("cheffe@auberge.test", centre: cahors, business: inn)
        try await make.employer("patron@garage.test", centre: cahors, business: garage)
        let (figeac, _) = try await make.centre("figeac")
        let sawmill = try await make.business(centre: figeac, name: "Scierie")
        try await make.employer("patron@scierie.test", centre: figeac, business: sawmill)
        let need = try await make.need(centre: cahors, business: inn, title: "Cuisinier")
        return World(cahors: cahors, adviser: adviser, second: second, inn: inn, need: need, figeac: figeac)
    }

    static let outsiders: Set<String> = ["patron@garage.test", "patron@scierie.test", "conseil@figeac.test"]

    @Test func employersHearOfPresentedCandidatesInterviewsAndHiresOnceWithTheirLink() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            // Invited but not yet in (no password chosen), or disabled: not told.
            try await make.employer("invitee@auberge.test", centre: w.cahors, business: w.inn)
            try await make.employer("partie@auberge.test", centre: w.cahors, business: w.inn)
            try await make.ids(w.cahors, "UPDATE users SET password_hash = NULL WHERE email = 'invitee@auberge.test' RETURNING id")
            try await make.ids(w.cahors, "UPDATE users SET disabled_at = now() WHERE email = 'partie@auberge.test' RETURNING id")
            let application = try await make.application(centre: w.cahors, need: w.need, candidate: try await make.candidate(centre: w.cahors), stage: .screening, actor: w.adviser)
            try await browser.enter("conseil@cahors.test")
            let app = "/c/cahors/candidatures/\(application)"
            #expect(try await browser.post(app + "/etape", [("to", "presented")]).status == .seeOther)
            // A second submit is refused by the workflow: nothing more is sent.
            #expect(try await browser.post(app + "/etape", [("to", "presented")]).status == .unprocessableContent)
            let presented = try await database.outbox("notification-candidates_presented")
            #expect(presented.map(\.recipient).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            #expect(presented.allSatisfy { $0.body.contains("\(Self.base)\(app)") && $0.subject.contains("Camille Martin") && $0.body.contains("/c/cahors/notifications") })

            let day = Day(Date().addingTimeInterval(3 * 86400)).iso
            #expect(try await browser.post(app + "/entretiens", [("date", day), ("time", "14:30"), ("duration", "45"), ("mode", "in_person"), ("place", "Auberge")]).status == .seeOther)
            let interviews = try await database.outbox("notification-interview_scheduled")
            #expect(interviews.map(\.recipient).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            #expect(interviews.allSatisfy { $0.attachmentName?.hasSuffix(".ics") == true && $0.attachment?.contains("BEGIN:VCALENDAR") == true && $0.body.contains("14:30") })

            try await browser.post(app + "/propositions", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35")])
            let hired = try await browser.post(app + "/embauche", [("contract_kind", "cdi"), ("start_date", day), ("hours_per_week", "35"), ("confirm", "1")])
            let placement = try #require(hired.location?.split(separator: "/").last.flatMap { Int64($0) })
            let hires = try await database.outbox("notification-hire_recorded")
            #expect(hires.map(\.recipient).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            #expect(hires.allSatisfy { $0.body.contains("\(Self.base)/c/cahors/embauches/\(placement)") })

            // Nobody of another business or centre heard a thing.
            let everyone = try await database.outbox("notification-")
            #expect(everyone.filter { Self.outsiders.contains($0.recipient) }.isEmpty)
            #expect(everyone.count == 6)
        }
    }

    @Test func advisersHearOfNewNeedsJoinRequestsAnswersAndAlerts() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            // An employer submits a need: every adviser (nobody is in charge yet).
            let employer = browser.fresh()
            try await employer.enter("patron@auberge.test")
            let form = try await employer.get("/c/cahors/besoins/nouveau")
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let fields = JobNeedWorkflowTests.needFields(title: "Plongeur") + [("_form", token)]
            #expect(try await employer.post("/c/cahors/besoins", fields).status == .seeOther)
            #expect(try await employer.post("/c/cahors/besoins", fields).status == .seeOther)
            let needs = try await database.outbox("notification-new_need")
            #expect(needs.map(\.recipient).sorted() == ["conseil2@cahors.test", "conseil@cahors.test"])
            let newNeed = try #require(try await make.ids(w.cahors, "SELECT id FROM job_needs WHERE title = 'Plongeur'").first)
            #expect(needs.allSatisfy { $0.body.contains("\(Self.base)/c/cahors/besoins/\(newNeed)") && $0.subject.contains("Auberge du Causse") })

            // A join request: kept for every adviser's digest (its default).
            let visitor = browser.fresh()
            let join = try await visitor.get("/c/cahors/rejoindre")
            let joinToken = try #require(JobNeedWorkflowTests.formToken(join.text))
            #expect(try await visitor.post("/c/cahors/rejoindre", JoinRequestTests.fields(siret: "40483304800022") + [("_form", joinToken)]).status == .seeOther)
            let lines = try await database.digestLines(centre: w.cahors).filter { $0.kind == "join_request" }
            #expect(lines.map(\.email).sorted() == ["conseil2@cahors.test", "conseil@cahors.test"])
            #expect(lines.allSatisfy { $0.link == "\(Self.base)/c/cahors/adhesions" })

            // The employer's answer reaches the adviser in charge of the need only.
            try await make.putInCharge(centre: w.cahors, need: w.need, adviser: w.second)
            let application = try await make.application(centre: w.cahors, need: w.need, candidate: try await make.candidate(centre: w.cahors), stage: .presented, actor: w.adviser)
            #expect(try await employer.post("/c/cahors/candidatures/\(application)/reponse", [("answer", "declined"), ("note", "Pas d'expérience en brasserie")]).status == .seeOther)
            let answers = try await database.outbox("notification-employer_answer")
            #expect(answers.map(\.recipient) == ["conseil2@cahors.test"])
            #expect(answers.first?.body.contains("Pas d'expérience en brasserie") == true)
            #expect(answers.first?.body.contains("\(Self.base)/c/cahors/candidatures/\(application)") == true)

            // The alert: at once, to the adviser in charge, even if they muted everything they could.
            try await make.preference(centre: w.cahors, user: w.second, .employerAlert, .never)
            let placement = try await make.placement(centre: w.cahors, need: w.need, candidate: try await make.candidate(centre: w.cahors, firstName: "Noé", email: "noe@example.org"), actor: w.adviser)
            #expect(try await employer.post("/c/cahors/embauches/\(placement)/alerte", [("kind", "left"), ("message", "Parti sans prévenir.")]).status == .seeOther)
            let alerts = try await database.outbox("employer-alert")
            #expect(alerts.map(\.recipient) == ["conseil2@cahors.test"])
            #expect(alerts.first?.body.contains("\(Self.base)/c/cahors/embauches/\(placement)") == true)
            #expect(alerts.first?.body.contains("la personne est partie") == true)

            let everyone = try await database.outbox()
            #expect(everyone.filter { Self.outsiders.contains($0.recipient) }.isEmpty)
        }
    }

    @Test func aNeedQualifiedAndAQuestionOfTheCentreReachTheEmployersAndTheHomePageSaysWhatWaits() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            try await browser.enter("conseil@cahors.test")
            #expect(try await browser.post("/c/cahors/besoins/\(w.need)/qualifier", [("hard_to_fill", "non"), ("adviser_id", String(w.adviser))]).status == .seeOther)
            // Qualified: in the employers' next digest (the default for that kind).
            let lines = try await database.digestLines(centre: w.cahors)
            #expect(lines.map(\.email).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            #expect(lines.allSatisfy { $0.kind == "need_qualified" && $0.link == "\(Self.base)/c/cahors/besoins/\(w.need)" })
            // An internal comment tells nobody; one shared with the employer waits for their answer.
            #expect(try await browser.post("/c/cahors/besoins/\(w.need)/commentaires", [("comment", "Note interne"), ("_form", Tokens.random())]).status == .seeOther)
            #expect(try await database.outbox("notification-need_question").isEmpty)
            #expect(try await browser.post("/c/cahors/besoins/\(w.need)/commentaires", [("comment", "Le logement est-il fourni ?"), ("share", "1"), ("_form", Tokens.random())]).status == .seeOther)
            let questions = try await database.outbox("notification-need_question")
            #expect(questions.map(\.recipient).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            #expect(questions.allSatisfy { $0.body.contains("Le logement est-il fourni ?") && $0.body.contains("/c/cahors/besoins/\(w.need)#historique") })

            // Two presented candidates and the question wait on the employer's home page.
            for name in ["Léa", "Hugo"] {
                try await make.application(centre: w.cahors, need: w.need, candidate: try await make.candidate(centre: w.cahors, firstName: name, email: nil), stage: .presented, actor: w.adviser)
            }
            let employer = browser.fresh()
            try await employer.enter("patron@auberge.test")
            let home = try await employer.get("/c/cahors")
            #expect(home.text.contains("2 candidats attendent votre réponse pour «\u{00A0}Cuisinier\u{00A0}»"))
            #expect(home.text.contains("href=\"/c/cahors/besoins/\(w.need)#presentes\""))
            #expect(home.text.contains("Le centre attend votre réponse au sujet du besoin «\u{00A0}Cuisinier\u{00A0}»"))
            // One answered, the employer's reply written: what is left.
            let first = try #require(try await make.ids(w.cahors, "SELECT id FROM applications WHERE need_id = \(w.need) ORDER BY id LIMIT 1").first)
            #expect(try await employer.post("/c/cahors/candidatures/\(first)/reponse", [("answer", "interview")]).status == .seeOther)
            #expect(try await employer.post("/c/cahors/besoins/\(w.need)/commentaires", [("comment", "Oui, un studio."), ("_form", Tokens.random())]).status == .seeOther)
            let after = try await employer.get("/c/cahors")
            #expect(after.text.contains("1 candidat attend votre réponse pour «\u{00A0}Cuisinier\u{00A0}»"))
            #expect(!after.text.contains("Le centre attend votre réponse"))
            // The garage's employer has nothing waiting.
            let garage = browser.fresh()
            try await garage.enter("patron@garage.test")
            #expect(!(try await garage.get("/c/cahors").text.contains("attend")))
        }
    }

    @Test func eachPersonChoosesAtOnceDigestOrNeverOnTheirOwnPage() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let employer = browser.fresh()
            try await employer.enter("patron@auberge.test")
            let page = try await employer.get("/c/cahors/notifications")
            #expect(page.status == .ok)
            #expect(page.text.contains("Des candidats vous sont présentés"))
            #expect(!page.text.contains("Un employeur dépose un besoin"))
            #expect(page.text.contains(#"name="need_qualified" value="digest" checked"#))
            // A value out of the list: 422, the message beside the field, the other choices kept.
            let token = try #require(JobNeedWorkflowTests.formToken(page.text))
            var fields = [("candidates_presented", "never"), ("interview_scheduled", "digest"), ("hire_recorded", "immediate"), ("need_qualified", "immediate"), ("need_question", "immediate"), ("_form", token)]
            let bad = try await employer.post("/c/cahors/notifications", fields.map { $0.0 == "hire_recorded" ? ($0.0, "souvent") : $0 })
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("choisissez une valeur de la liste"))
            #expect(bad.text.contains(#"name="candidates_presented" value="never" checked"#))
            #expect(try await database.count("notification_preferences", tenant: w.cahors) == 0)
            let saved = try await employer.post("/c/cahors/notifications", fields)
            #expect(saved.location == "/c/cahors/notifications")
            // Sent twice: saved once, and it says so.
            fields.append(("interview_scheduled", "never"))
            #expect(try await employer.post("/c/cahors/notifications", fields).location == "/c/cahors/notifications")
            #expect(try await database.count("notification_preferences", tenant: w.cahors) == 5)
            #expect(try await database.count("notification_preferences", tenant: w.cahors, where: "kind = 'interview_scheduled' AND delivery = 'digest'") == 1)
            #expect(try await employer.get("/c/cahors/notifications").text.contains(#"name="candidates_presented" value="never" checked"#))

            // Honoured: never presented, the interview in the digest, the other employer at once.
            let application = try await make.application(centre: w.cahors, need: w.need, candidate: try await make.candidate(centre: w.cahors), stage: .screening, actor: w.adviser)
            try await browser.enter("conseil@cahors.test")
            #expect(try await browser.post("/c/cahors/candidatures/\(application)/etape", [("to", "presented")]).status == .seeOther)
            #expect(try await database.outbox("notification-candidates_presented").map(\.recipient) == ["cheffe@auberge.test"])
            let day = Day(Date().addingTimeInterval(3 * 86400)).iso
            #expect(try await browser.post("/c/cahors/candidatures/\(application)/entretiens", [("date", day), ("time", "09:00"), ("duration", "30"), ("mode", "phone")]).status == .seeOther)
            #expect(try await database.outbox("notification-interview_scheduled").map(\.recipient) == ["cheffe@auberge.test"])
            let lines = try await database.digestLines(centre: w.cahors)
            #expect(lines.map(\.email) == ["patron@auberge.test"])
            #expect(lines.first?.link == "\(Self.base)/c/cahors/candidatures/\(application)")

            // The adviser's page: their own kinds, the alert shown as always sent.
            let advisers = try await browser.get("/c/cahors/notifications")
            #expect(advisers.text.contains("Un employeur dépose un besoin"))
            #expect(advisers.text.contains("toujours à chaque fois"))
            #expect(!advisers.text.contains(#"name="employer_alert""#))
            // Observers have no such page; another centre's is not found.
            try await make.observer(centres: [w.cahors])
            let observer = browser.fresh()
            try await observer.enter("observatrice@dreets.test")
            #expect(try await observer.get("/c/cahors/notifications").status == .notFound)
            #expect(try await employer.get("/c/figeac/notifications").status == .notFound)
            // The profile leads to it.
            #expect(try await employer.get("/profil").text.contains("href=\"/c/cahors/notifications\""))
        }
    }

    @Test func aDailyDigestGroupsWhatHappenedSinceTheLastOnePerPerson() async throws {
        // 08:00 in Paris, the 2nd of March 2027.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_803_970_800))
        try await TestApp.run(clock: clock) { _, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let patron = try #require(try await make.ids(w.cahors, "SELECT u.id FROM users u WHERE u.email = 'patron@auberge.test'").first)
            let cheffe = try #require(try await make.ids(w.cahors, "SELECT u.id FROM users u WHERE u.email = 'cheffe@auberge.test'").first)
            for kind in [NotificationKind.candidatesPresented, .interviewScheduled] { try await make.preference(centre: w.cahors, user: patron, kind, .digest) }
            // Yesterday evening.
            let now = clock.now().addingTimeInterval(-12 * 3600)
            try await make.notify(centre: w.cahors, slug: "cahors", .candidatesPresented, cause: "a1", recipients: [(patron, "patron@auberge.test")], subject: "candidat présenté — Léa", path: "/candidatures/1", now: now)
            try await make.notify(centre: w.cahors, slug: "cahors", .candidatesPresented, cause: "a2", recipients: [(patron, "patron@auberge.test")], subject: "candidat présenté — Hugo", path: "/candidatures/2", now: now)
            try await make.notify(centre: w.cahors, slug: "cahors", .candidatesPresented, cause: "a2", recipients: [(patron, "patron@auberge.test")], subject: "candidat présenté — Hugo", path: "/candidatures/2", now: now)
            try await make.notify(centre: w.cahors, slug: "cahors", .interviewScheduled, cause: "i1", recipients: [(patron, "patron@auberge.test")], subject: "entretien avec Léa", path: "/candidatures/1", now: now)
            try await make.notify(centre: w.cahors, slug: "cahors", .needQualified, cause: "n1", recipients: [(patron, "patron@auberge.test"), (cheffe, "cheffe@auberge.test")], subject: "besoin qualifié — Cuisinier", path: "/besoins/\(w.need)", now: now)
            #expect(try await database.outbox().isEmpty)

            let digests = NotificationDigestsRunner(database: database, clock: clock)
            #expect(try await digests.queue() == 2)
            #expect(try await digests.queue() == 0)
            let sent = try await database.outbox("notification-digest")
            #expect(sent.map(\.recipient).sorted() == ["cheffe@auberge.test", "patron@auberge.test"])
            let patrons = try #require(sent.first { $0.recipient == "patron@auberge.test" })
            #expect(patrons.subject == "Renfort : votre récapitulatif du 02/03/2027 (4)")
            for expected in ["Candidats présentés (2)", "- Candidat présenté — Léa\n  https://renfort.example/c/cahors/candidatures/1", "- Candidat présenté — Hugo\n  https://renfort.example/c/cahors/candidatures/2",
                             "Entretiens prévus (1)", "Besoins qualifiés (1)", "https://renfort.example/c/cahors/besoins/\(w.need)", "https://renfort.example/c/cahors/notifications"] {
                #expect(patrons.body.contains(expected), "\(expected)")
            }
            #expect(sent.first { $0.recipient == "cheffe@auberge.test" }?.body.contains("Candidats présentés") == false)
            #expect(try await database.digestLines(centre: w.cahors).isEmpty)

            // After 7 o'clock: kept for tomorrow's digest, which carries only that.
            try await make.notify(centre: w.cahors, slug: "cahors", .needQualified, cause: "n2", recipients: [(patron, "patron@auberge.test")], subject: "besoin qualifié — Serveur", path: "/besoins/99", now: clock.now())
            clock.advance(by: 3600)
            #expect(try await digests.queue() == 0)
            // Tomorrow before 7 o'clock: not yet; from 7, the one digest.
            clock.advance(by: 19 * 3600)
            #expect(try await digests.queue() == 0)
            clock.advance(by: 3 * 3600)
            #expect(try await digests.queue() == 1)
            let second = try await database.outbox("notification-digest")
            #expect(second.count == 3)
            #expect(second.last?.body.contains("Serveur") == true && second.last?.body.contains("Léa") == false)
            // A day with nothing new: nothing sent.
            clock.advance(by: 86400)
            #expect(try await digests.queue() == 0)
            // Nobody of Figeac has anything.
            #expect(try await database.outbox().filter { Self.outsiders.contains($0.recipient) }.isEmpty)
        }
    }
}

/// The digest service as the server runs it, on the server's own role.
struct NotificationDigestsRunner {
    let database: TestDatabase
    let clock: ManualClock

    func queue() async throws -> Int {
        try await database.asApp { client in
            try await NotificationDigests(
                database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, baseURL: "https://renfort.example",
                logger: TestEnvironment.logger
            ).queue()
        }
    }
}
