import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// A person's data erased at their request, and the purge of records past their date: nothing
/// of the person stays in any table, what the figures count stays.
@Suite struct ErasureTests {
    /// What identifies the person of `PersonWorld` in any text.
    static let traces = ["zorglub", "ysoline", "98 76 54 32", "0698765432"]

    /// A person the centre holds everywhere it can: a record and a duplicate merged into it,
    /// applications (one hired, one interviewed, one from a published offer), an offer declined,
    /// documents, messages, their own page opened, check-ins and an alert, mails and digest
    /// lines naming them, a form kept for later.
    struct PersonWorld {
        let centre: Int64
        let adviser: Int64
        let person: Int64
        let duplicate: Int64
        let placement: Int64

        static func make(_ database: TestDatabase, visitor: Browser) async throws -> PersonWorld {
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let employer = try await make.person("patron@essai.test", role: .employer, centre: centre, business: business)
            let hiring = try await make.need(centre: centre, business: business)
            let other = try await make.need(centre: centre, business: business, title: "Plongeur")
            let published = try await make.need(centre: centre, business: business, title: "Serveur")
            let person = try await make.candidate(centre: centre, firstName: "Ysoline", lastName: "Zorglub", email: "ysoline.zorglub@exemple.test")
            let duplicate = try await make.candidate(centre: centre, firstName: "Ysoline", lastName: "Zorglub", email: "y.zorglub@autre.test")
            try await make.inside(centre) { connection in
                let logger = TestEnvironment.logger
                try await connection.execute(
                    """
                    UPDATE candidates SET phone = '06 98 76 54 32', birth_date = '1990-04-02', skills = 'cuisine, accueil Zorglub',
                        experience = 'Dix saisons chez Zorglub père', seasonal_windows = 'été Zorglub', notes = 'Ysoline préfère le matin',
                        consent_at = current_date, consent_scope = 'autres postes'
                    WHERE id = \(person)
                    """, logger: logger)
                try await connection.execute("UPDATE candidates SET phone = '06 11 22 33 44' WHERE id = \(duplicate)", logger: logger)
                try await CandidateRepository.merge(source: duplicate, into: person, tenantID: centre, actorID: adviser, now: Date(), on: connection, logger: logger)
            }
            let placement = try await make.placement(centre: centre, need: hiring, candidate: person, actor: adviser)
            let interviewed = try await make.application(centre: centre, need: other, candidate: person, stage: .presented, actor: adviser)
            try await make.interview(centre: centre, application: interviewed, startsAt: Date().addingTimeInterval(86400), place: "Chez Ysoline Zorglub", actor: adviser)
            try await make.document(centre: centre, candidate: person, filename: "cv-zorglub.pdf", actor: adviser)
            let offer = try await make.publishedOffer(centre: centre, need: published, actor: adviser)
            let fromOffer = try await make.application(centre: centre, need: published, candidate: person, actor: adviser)
            _ = try await make.alert(centre: centre, placement: placement, by: employer, message: "Ysoline Zorglub absente lundi")
            try await make.inside(centre) { connection in
                let logger = TestEnvironment.logger
                try await connection.execute(
                    """
                    UPDATE applications SET ending_note = 'Zorglub hésite', employer_note = 'Ysoline très bien' WHERE candidate_id = \(person)
                    """, logger: logger)
                try await connection.execute("UPDATE application_events SET comment = 'Présentée : Zorglub motivée' WHERE application_id = \(interviewed)", logger: logger)
                try await connection.execute(
                    "UPDATE interviews SET attendees = 'Ysoline et le patron', outcome_note = 'Zorglub convaincante' WHERE application_id = \(interviewed)", logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, hours_per_week, gross_pay, status, decline_reason, created_at, answered_at)
                    VALUES (\(centre), \(interviewed), 'cdd', current_date, 35, 1900, 'declined', 'Ysoline a trouvé ailleurs', now(), now())
                    """, logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO offer_applications (tenant_id, offer_id, application_id, message, keep_for_other_posts, matched, received_at)
                    VALUES (\(centre), \(offer), \(fromOffer), 'Bonjour, je suis Ysoline Zorglub', true, 'email', now())
                    """, logger: logger)
                try await connection.execute("UPDATE check_ins SET actions = 'Appelé Ysoline Zorglub' WHERE placement_id = \(placement)", logger: logger)
                try await connection.execute(
                    "UPDATE placement_alerts SET handled_at = now(), handled_by = \(adviser), handled_note = 'Vu avec Zorglub' WHERE placement_id = \(placement)", logger: logger)
                try await CandidateRepository.addDocument(
                    candidateID: person, filename: "attestation.pdf", data: Array("%PDF-1.4 Attestation de Ysoline Zorglub".utf8), tenantID: centre,
                    actorID: adviser, now: Date(), on: connection, logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO candidate_messages (tenant_id, candidate_id, kind, channel, recipient, subject, body, has_attachment, author_id, sent_at, dedupe_key)
                    VALUES (\(centre), \(person), 'libre', 'email', 'ysoline.zorglub@exemple.test', 'Votre candidature', 'Bonjour Ysoline Zorglub', false, \(adviser), now(), 'erase-test-1')
                    """, logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO outbox_messages (dedupe_key, kind, recipient, subject, body, created_at, next_attempt_at, channel)
                    VALUES ('erase-test-employer', 'presented', 'patron@essai.test', 'Une candidature : Ysoline Zorglub', 'Ysoline Zorglub (06 98 76 54 32) vous est présentée.', now(), now(), 'email'),
                           ('erase-test-self', 'message', 'ysoline.zorglub@exemple.test', 'Bonjour', 'Bonjour', now(), now(), 'email'),
                           ('erase-test-sms', 'message', '06 98 76 54 32', '', 'Bonjour', now(), now(), 'sms')
                    """, logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO notification_digest_items (tenant_id, user_id, kind, dedupe_key, subject, link, created_at)
                    VALUES (\(centre), \(employer), 'presented', 'erase-test-digest', 'Ysoline Zorglub vous est présentée', '/c/essai/candidatures/\(interviewed)', now())
                    """, logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO kept_forms (token_hash, user_id, action, fields, created_at)
                    VALUES ('\\x01'::bytea, \(adviser), '/c/essai/candidats/\(person)/modifier', '[["first_name","Ysoline"],["last_name","Zorglub"]]', now()),
                           ('\\x02'::bytea, \(adviser), '/c/essai/candidats', '[["first_name","Ysoline"],["last_name","Zorglub"],["skills","vente"]]', now())
                    """, logger: logger)
            }
            // Their own page opened: a link, a session, the mail that carried it.
            try await visitor.openCandidatePage("essai", email: "ysoline.zorglub@exemple.test", database: database)
            return PersonWorld(centre: centre, adviser: adviser, person: person, duplicate: duplicate, placement: placement)
        }
    }

    /// Every text, JSON, array, search vector and binary value of every table, read in the
    /// centre, that holds one of `traces`: `table.column` for each.
    static func tracesLeft(_ database: TestDatabase, centre: Int64) async throws -> [String] {
        try await Factory(database: database).inside(centre) { connection in
            let logger = TestEnvironment.logger
            let columns = try await connection.all(
                """
                SELECT c.table_name::text, c.column_name::text, c.data_type::text
                FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('text', 'character varying', 'jsonb', 'ARRAY', 'tsvector', 'bytea')
                ORDER BY 1, 2
                """, as: (String.self, String.self, String.self), logger: logger)
            let pattern = "(" + traces.joined(separator: "|") + ")"
            var found: [String] = []
            for (table, column, type) in columns {
                let test = type == "bytea"
                    ? "position(convert_to('Zorglub', 'UTF8') in \"\(column)\") > 0 OR position(convert_to('Ysoline', 'UTF8') in \"\(column)\") > 0"
                    : "\"\(column)\"::text ~* '\(pattern)'"
                let count = try await connection.value(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \"\(table)\" WHERE \(test)"), as: Int64.self, logger: logger) ?? 0
                if count > 0 { found.append("\(table).\(column)") }
            }
            return found
        }
    }

    @Test func anErasureOnRequestLeavesNoTraceOfThePersonInAnyTableAndKeepsWhatTheFiguresCount() async throws {
        try await TestApp.run { desk, database in
            let world: PersonWorld
            do { world = try await PersonWorld.make(database, visitor: desk.fresh()) } catch let error as PSQLError {
                Issue.record("\(String(reflecting: error))")
                throw error
            }
            let before = try await Self.tracesLeft(database, centre: world.centre)
            // The world does reach every kind of table that can name a person.
            for column in ["candidates.last_name", "candidate_contacts.value", "candidate_documents.content", "candidate_messages.body",
                           "candidate_search.vector", "applications.employer_note", "application_events.comment",
                           "interviews.place", "offers.decline_reason", "offer_applications.message", "check_ins.actions",
                           "placement_alerts.message", "outbox_messages.body", "notification_digest_items.subject", "kept_forms.fields",
                           "job_need_events.comment"] {
                #expect(before.contains(column), "the world holds no trace in \(column)")
            }
            let kept = try await database.count("applications", tenant: world.centre)
            let events = try await database.count("application_events", tenant: world.centre)
            let checkIns = try await database.count("check_ins", tenant: world.centre, where: "status IS NOT NULL OR due_on IS NOT NULL")

            try await desk.signIn("conseil@essai.test")
            let asked = try await desk.get("/c/essai/candidats/\(world.person)/effacer")
            #expect(asked.status == .ok)
            #expect(asked.text.contains("Ce qui est effacé") && asked.text.contains("en poste par une embauche du centre"))
            let done = try await desk.post(
                "/c/essai/candidats/\(world.person)/effacer", [("requested_on", Day(Date()).iso), ("requested_via", "letter"), ("confirm", "1")])
            #expect(done.status == .seeOther)
            #expect(done.location == "/c/essai/candidats/\(world.person)")

            let left = try await Self.tracesLeft(database, centre: world.centre)
            #expect(left == [], "traces left in \(left)")
            #expect(try await database.count("applications", tenant: world.centre) == kept)
            #expect(try await database.count("application_events", tenant: world.centre) == events)
            #expect(try await database.count("check_ins", tenant: world.centre, where: "status IS NOT NULL OR due_on IS NOT NULL") == checkIns)
            #expect(try await database.count("placements", tenant: world.centre, where: "candidate_id = \(world.person) AND candidate_source = 'france_travail' AND candidate_commune = 'Cahors'") == 1)
            #expect(try await database.count("candidates", tenant: world.centre, where: "erased_at IS NOT NULL") == 2)
            #expect(try await database.count(
                "candidates", tenant: world.centre,
                where: "id = \(world.person) AND email IS NULL AND phone IS NULL AND birth_date IS NULL AND commune_insee IS NULL AND consent_at IS NULL AND source = 'france_travail'") == 1)
            for table in ["candidate_events", "candidate_documents", "candidate_contacts", "candidate_messages", "candidate_links", "candidate_sessions", "candidate_search"] {
                #expect(try await database.count(table, tenant: world.centre, where: "candidate_id IN (\(world.person), \(world.duplicate))") == 0, "\(table)")
            }
            #expect(try await database.count("outbox_messages", where: "dedupe_key = 'erase-test-employer' AND body LIKE 'Personne effacée (Personne effacée) vous est présentée.'") == 1)
            #expect(try await database.count("outbox_messages", where: "dedupe_key IN ('erase-test-self', 'erase-test-sms')") == 0)

            // The record's page says what happened; the pool no longer lists it.
            let page = try await desk.get("/c/essai/candidats/\(world.person)")
            #expect(page.text.contains("Fiche n° \(world.person) : personne effacée"))
            #expect(page.text.contains("effacées à la demande de la personne") && page.text.contains("par courrier"))
            #expect(try await desk.get("/c/essai/candidats").text.contains("Personne effacée") == false)
            #expect(try await desk.get("/c/essai/candidats/\(world.person)/modifier").status == .notFound)
            let hire = try await desk.get("/c/essai/embauches/\(world.placement)")
            #expect(hire.status == .ok && hire.text.contains("Personne effacée"))
            #expect(try await database.count("candidate_erasures", tenant: world.centre, where: "kind = 'request' AND requested_via = 'letter' AND done_by = \(world.adviser)") == 1)
        }
    }

    @Test func anErasureAsksFirstKeepsWhatWasTypedAndHappensOnce() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let candidate = try await make.candidate(centre: centre)
            try await desk.signIn("conseil@essai.test")
            #expect(try await desk.get("/c/essai/candidats/\(candidate)").text.contains("/c/essai/candidats/\(candidate)/effacer"))
            try await desk.get("/c/essai/candidats/\(candidate)/effacer")

            // Without the box, or with a day to come: nothing, and the form as it was sent.
            let unticked = try await desk.post("/c/essai/candidats/\(candidate)/effacer", [("requested_on", "2026-11-20"), ("requested_via", "phone")])
            #expect(unticked.status == .unprocessableContent)
            #expect(unticked.text.contains("Cochez la case pour confirmer l&#39;effacement"))
            #expect(unticked.text.contains(#"value="2026-11-20""#) && unticked.text.contains(#"<option value="phone" selected>"#))
            let future = try await desk.post(
                "/c/essai/candidats/\(candidate)/effacer", [("requested_on", Day(Date()).adding(days: 3).iso), ("requested_via", "email"), ("confirm", "1")])
            #expect(future.status == .unprocessableContent)
            #expect(future.text.contains("Date de la demande") && future.text.contains(" checked"))
            let badChannel = try await desk.post("/c/essai/candidats/\(candidate)/effacer", [("requested_on", "2026-11-20"), ("requested_via", "pigeon"), ("confirm", "1")])
            #expect(badChannel.status == .unprocessableContent)
            #expect(try await database.count("candidates", tenant: centre, where: "erased_at IS NOT NULL") == 0)

            // Confirmed, twice: one erasure, and the second says it was done already.
            let fields = [("requested_on", "2026-11-20"), ("requested_via", "in_person"), ("confirm", "1")]
            let first = try await desk.post("/c/essai/candidats/\(candidate)/effacer", fields)
            #expect(first.status == .seeOther)
            #expect(try await desk.get(first.location ?? "").text.contains("Les données de la personne sont effacées"))
            let second = try await desk.post("/c/essai/candidats/\(candidate)/effacer", fields)
            #expect(second.status == .seeOther)
            #expect(try await desk.get(second.location ?? "").text.contains("étaient déjà effacées"))
            #expect(try await database.count("candidate_erasures", tenant: centre) == 1)
            #expect(try await desk.get("/c/essai/candidats/\(candidate)/effacer").status == .seeOther)
            _ = adviser
        }
    }

    @Test func noOneButTheCentresAdvisersCanEraseOrSeeThePurgesComing() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let (other, _) = try await make.centre("autre")
            let business = try await make.business(centre: centre)
            try await make.person("patron@essai.test", role: .employer, centre: centre, business: business)
            try await make.observer(centres: [centre])
            let candidate = try await make.candidate(centre: centre)
            _ = other
            let fields = [("requested_on", "2026-11-20"), ("requested_via", "letter"), ("confirm", "1")]
            for email in ["conseil@autre.test", "patron@essai.test", "observatrice@dreets.test"] {
                let someone = desk.fresh()
                try await someone.signIn(email)
                try await someone.get("/profil")
                for path in ["/c/essai/candidats/\(candidate)/effacer", "/c/essai/candidats/suppressions"] {
                    let status = try await someone.get(path).status
                    #expect(status == .notFound || status == .forbidden, "\(email) GET \(path): \(status)")
                }
                let status = try await someone.post("/c/essai/candidats/\(candidate)/effacer", fields).status
                #expect(status == .notFound || status == .forbidden, "\(email) POST: \(status)")
                // Their own centre's address with the other centre's record: not found either.
                if email == "conseil@autre.test" {
                    #expect(try await someone.post("/c/autre/candidats/\(candidate)/effacer", fields).status == .notFound)
                    #expect(try await someone.get("/c/autre/candidats/\(candidate)/effacer").status == .notFound)
                }
            }
            #expect(try await database.count("candidates", tenant: centre, where: "erased_at IS NOT NULL") == 0)
            #expect(try await database.count("candidate_erasures", tenant: centre) == 0)
        }
    }

    @Test func thePurgeErasesTheRecordsPastTheirDateButThoseOfPeopleInAJob() async throws {
        try await TestApp.run { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, positions: 3)
            let past = try await make.candidate(centre: centre, firstName: "Passé", email: "passe@example.org")
            let soon = try await make.candidate(centre: centre, firstName: "Bientôt", email: "bientot@example.org")
            let later = try await make.candidate(centre: centre, firstName: "Plus tard", email: "tard@example.org")
            let working = try await make.candidate(centre: centre, firstName: "En poste", email: "poste@example.org")
            let ended = try await make.candidate(centre: centre, firstName: "Fini", email: "fini@example.org")
            try await make.placement(centre: centre, need: need, candidate: working, actor: adviser)
            let endedPlacement = try await make.placement(centre: centre, need: need, candidate: ended, actor: adviser, start: Day(Date()).adding(days: -200))
            try await make.endEmployment(centre: centre, placement: endedPlacement, on: Day(Date()).adding(days: -20), reason: .resignation)
            let today = Day(Date())
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(today.adding(days: -1).iso)' WHERE id IN (\(past), \(working), \(ended))")
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(today.adding(days: 10).iso)' WHERE id = \(soon)")
            try await make.execute(centre: centre, "UPDATE candidates SET purge_after = '\(today.adding(days: 45).iso)' WHERE id = \(later)")

            // Advisers see them coming: within 30 days, and those kept for their job.
            try await desk.signIn("conseil@essai.test")
            let coming = try await desk.get("/c/essai/candidats/suppressions")
            #expect(coming.status == .ok)
            #expect(coming.text.contains("Bientôt Martin") && coming.text.contains("Passé Martin") && coming.text.contains("En poste Martin"))
            #expect(!coming.text.contains("Plus tard Martin"))
            #expect(coming.text.contains("Conservée tant que son emploi dure"))
            #expect(try await desk.get("/c/essai/candidats").text.contains("/c/essai/candidats/suppressions"))

            try await database.asApp { client in
                let purge = PersonalDataPurge(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), logger: TestEnvironment.logger, batch: 1)
                let dry = try await purge.dryRun()
                #expect(dry.map(\.erased) == [2] && dry.map(\.kept) == [1] && dry.map(\.upcoming) == [1])
                #expect(try await database.count("candidates", tenant: centre, where: "erased_at IS NOT NULL") == 0)
                let counts = try await purge.purge()
                #expect(counts.map(\.erased) == [2] && counts.map(\.kept) == [1])
                // Run again (another server, the next hour): nothing more.
                #expect(try await purge.purge().map(\.erased) == [0])
            }
            let erased = try await Factory(database: database).ids(centre, "SELECT candidate_id FROM candidate_erasures WHERE kind = 'purge' AND done_by IS NULL ORDER BY candidate_id")
            #expect(erased == [past, ended].sorted())
            #expect(try await database.count("candidates", tenant: centre, where: "erased_at IS NULL") == 3)
        }
    }

    /// The demo's figures, every dashboard's, before and after purging every record a purge
    /// can reach (on a day two and a half years ahead): the same.
    @Test func everyDemoFigureIsTheSameBeforeAndAfterThePurge() async throws {
        try await TestApp.run(demo: true) { _, database in
            let make = Factory(database: database)
            let centres = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: TestEnvironment.logger) { connection in
                    try await connection.all("SELECT id, slug FROM centres ORDER BY id", as: (Int64.self, String.self), logger: TestEnvironment.logger)
                }
            }
            let periods = [("2018-01-01", "2019-12-31"), ("2018-10-01", "2019-01-31"), (Day(Date()).adding(days: -365).iso, Day(Date()).iso)]
            func figures() async throws -> [String] {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                var all: [String] = []
                for (centre, slug) in centres {
                    for (from, to) in periods {
                        let metrics = try await make.metrics(centre: centre, from: from, to: to, asOf: Day(Date()).iso)
                        all.append("\(slug) \(from) \(to) " + String(decoding: try encoder.encode(metrics), as: UTF8.self))
                        let durations = try await make.stageDurations(centre: centre, from: from, to: to)
                        all.append("\(slug) \(from) \(to) stages " + String(describing: durations))
                    }
                }
                return all
            }
            let before = try await figures()
            var candidates = 0
            for (centre, _) in centres { candidates += try await database.count("candidates", tenant: centre) }
            let later = ManualClock(Date().addingTimeInterval(900 * 86400))
            let erased = try await database.asApp { client in
                try await PersonalDataPurge(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: later, logger: TestEnvironment.logger).purge().map(\.erased).reduce(0, +)
            }
            #expect(erased >= candidates / 3, "the purge reached \(erased) of \(candidates) records")
            let after = try await figures()
            #expect(before.count == after.count)
            for (one, other) in zip(before, after) { #expect(one == other) }
        }
    }
}
