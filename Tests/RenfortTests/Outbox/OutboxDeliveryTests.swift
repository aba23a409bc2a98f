import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// The outbox is delivered through a fake `sendmail` (a script that keeps what it receives).
@Suite struct OutboxDeliveryTests {
    let logger = TestEnvironment.logger

    /// A folder where the fake sendmail writes one file per message, and its command.
    static func fakeSendmail(failing: Bool = false) throws -> (folder: String, command: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("renfort-mail-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/sendmail"
        let body = failing
            ? "#!/bin/sh\ncat >/dev/null\necho 'relay refused' >&2\nexit 75\n"
            // Written under a temporary name, then renamed: a test never reads half a message.
            : "#!/bin/sh\nt=$(mktemp \(folder)/partial-XXXXXX)\ncat > \"$t\"\nmv \"$t\" \"$t.eml\"\n"
        try body.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return (folder, [script, "-t", "-i"])
    }

    static func messages(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted().map {
            try String(contentsOfFile: folder + "/" + $0, encoding: .utf8)
        }
    }

    /// A fake SMS command: writes each text to `<number>-<n>.sms` in its folder.
    static func fakeSMS() throws -> (folder: String, command: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("renfort-sms-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/send-sms"
        try "#!/bin/sh\nt=$(mktemp \(folder)/partial-XXXXXX)\ncat > \"$t\"\nmv \"$t\" \"\(folder)/$1-$(basename $t).sms\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return (folder, [script])
    }

    /// The texts the fake SMS command received, as (number, text).
    static func texts(in folder: String) throws -> [(number: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sms") }.sorted().map {
            (String($0.prefix { $0 != "-" }), try String(contentsOfFile: folder + "/" + $0, encoding: .utf8))
        }
    }

    func enqueue(_ key: String, to recipient: String = "camille@exemple.test", in database: Database, at now: Date) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await Outbox.enqueue(
                dedupeKey: key, kind: "test", recipient: recipient, subject: "Suivi à faire demain — Éloïse", body: "Bonjour,\nUn suivi est dû.",
                at: now, on: connection, logger: logger)
        }
    }

    func delivery(_ client: PostgresClient, command: [String], clock: ManualClock) -> OutboxDelivery {
        OutboxDelivery(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), mail: MailConfiguration(command: command, from: "renfort@cahors.renfort.test"), clock: clock, logger: logger)
    }

    @Test func aRolledBackChangeSendsNothing() async throws {
        let (folder, command) = try Self.fakeSendmail()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                struct Abort: Error {}
                await #expect(throws: Abort.self) {
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: logger) { connection in
                        try await Outbox.enqueue(dedupeKey: "rolled-back", kind: "test", recipient: "x@exemple.test", subject: "s", body: "b", at: clock.now(), on: connection, logger: logger)
                        throw Abort()
                    }
                }
                let delivered = try await delivery(client, command: command, clock: clock).deliverOne()
                #expect(delivered == false)
            }
            #expect(try Self.messages(in: folder).isEmpty)
        }
    }

    @Test func aMessageIsSentOnceMarkedWithItsTimeAndNeverTwiceForItsKey() async throws {
        let (folder, command) = try Self.fakeSendmail()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                try await enqueue("due-tomorrow:42", in: db, at: clock.now())
                let service = delivery(client, command: command, clock: clock)
                #expect(try await service.deliverOne())
                #expect(try await service.deliverOne() == false)
                try await enqueue("due-tomorrow:42", in: db, at: clock.now())
                #expect(try await service.deliverOne() == false)
            }
            let sent = try Self.messages(in: folder)
            #expect(sent.count == 1)
            #expect(sent[0].contains("To: camille@exemple.test\r\n"))
            #expect(sent[0].contains("Subject: =?UTF-8?B?"))
            #expect(sent[0].contains("Message-ID: <"))
            #expect(sent[0].contains("Content-Type: text/plain; charset=utf-8"))
            #expect(sent[0].contains("Un suivi est dû."))
            #expect(try await database.count("outbox_messages", where: "sent_at IS NOT NULL AND attempts = 1") == 1)
        }
    }

    @Test func aFailureIsRetriedWithBackoff() async throws {
        let failing = try Self.fakeSendmail(failing: true)
        let working = try Self.fakeSendmail()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                try await enqueue("alert:7", in: Database(client: client, connectionWait: TestEnvironment.connectionWait), at: clock.now())
                #expect(try await delivery(client, command: failing.command, clock: clock).deliverOne())
                let service = delivery(client, command: working.command, clock: clock)
                #expect(try await service.deliverOne() == false)  // not due before the backoff
                clock.advance(by: 61)
                #expect(try await service.deliverOne())
            }
            #expect(try await database.count("outbox_messages", where: "sent_at IS NOT NULL AND attempts = 2") == 1)
            #expect(try Self.messages(in: working.folder).count == 1)
            #expect(OutboxDelivery.backoff(after: 1) == 60)
            #expect(OutboxDelivery.backoff(after: 3) == 240)
            #expect(OutboxDelivery.backoff(after: 30) == 6 * 3600)
        }
    }

    @Test func aMessageClaimedByAProcessThatDiedIsSentAfterItsLease() async throws {
        let (folder, command) = try Self.fakeSendmail()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                try await enqueue("reset:9", in: Database(client: client, connectionWait: TestEnvironment.connectionWait), at: clock.now())
                // A server claimed it, then was killed before sending.
                try await client.query("UPDATE outbox_messages SET claimed_until = \(clock.now().addingTimeInterval(120))", logger: logger)
                let restarted = delivery(client, command: command, clock: clock)
                #expect(try await restarted.deliverOne() == false)
                clock.advance(by: 121)
                #expect(try await restarted.deliverOne())
            }
            #expect(try Self.messages(in: folder).count == 1)
        }
    }

    @Test func twoProcessesNeverSendTheSameMessage() async throws {
        let (folder, command) = try Self.fakeSendmail()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                for index in 0..<20 { try await enqueue("bulk:\(index)", in: Database(client: client, connectionWait: TestEnvironment.connectionWait), at: clock.now()) }
                let first = delivery(client, command: command, clock: clock)
                let second = delivery(client, command: command, clock: clock)
                async let a: Void = { while try await first.deliverOne() {} }()
                async let b: Void = { while try await second.deliverOne() {} }()
                _ = try await (a, b)
            }
            #expect(try Self.messages(in: folder).count == 20)
            #expect(try await database.count("outbox_messages", where: "sent_at IS NOT NULL AND attempts = 1") == 20)
        }
    }

    @Test func theServerDeliversWhenMailIsConfigured() async throws {
        let (folder, command) = try Self.fakeSendmail()
        try await TestApp.run(configure: {
            var mail = MailConfiguration(command: command, from: "renfort@cahors.renfort.test")
            mail.pollInterval = .milliseconds(100)
            $0.mail = mail
        }) { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.employer("camping@berges.test", centre: cahors, business: try await make.business(centre: cahors))
            try await browser.get("/mot-de-passe-oublie")
            #expect(try await browser.post("/mot-de-passe-oublie", [("email", "camping@berges.test")]).status == .seeOther)
            var sent: [String] = []
            for _ in 0..<50 where sent.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                sent = try Self.messages(in: folder)
            }
            #expect(sent.count == 1)
            #expect(sent.first?.contains("To: camping@berges.test") == true)
            #expect(sent.first?.contains("/mot-de-passe/") == true)
        }
    }

    @Test func aMailCarriesItsReplyToAndItsCalendarInvitation() async throws {
        let (folder, command) = try Self.fakeSendmail()
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Entretien — Auberge du Causse\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: logger) { connection in
                    try await Outbox.enqueue(
                        dedupeKey: "invitation:1", kind: "test", recipient: "eloise@exemple.test", subject: "Votre entretien",
                        body: "Bonjour Éloïse,\nVoici l'invitation.", replyTo: "conseiller1@cahors.renfort.test",
                        attachment: .calendar(ics), at: clock.now(), on: connection, logger: logger)
                }
                #expect(try await delivery(client, command: command, clock: clock).deliverOne())
            }
            let sent = try Self.messages(in: folder)
            #expect(sent.count == 1)
            let mail = sent[0]
            #expect(mail.contains("Reply-To: conseiller1@cahors.renfort.test\r\n"))
            #expect(mail.contains("Content-Type: multipart/mixed; boundary="))
            #expect(mail.contains("Voici l'invitation."))
            #expect(mail.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST; name=\"entretien.ics\""))
            #expect(mail.contains("Content-Disposition: attachment; filename=\"entretien.ics\""))
            // The attachment, decoded, is the invitation as written.
            let encoded = mail.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n")[1].components(separatedBy: "\r\n--")[0]
            let decoded = Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")).map { String(decoding: $0, as: UTF8.self) }
            #expect(decoded == ics)
        }
    }

    @Test func aTextMessageGoesThroughTheSMSCommandAndWaitsWithoutIt() async throws {
        let mail = try Self.fakeSendmail()
        let sms = try Self.fakeSMS()
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                try await db.withTransaction(logger: logger) { connection in
                    try await Outbox.enqueue(
                        dedupeKey: "sms:1", kind: "test", channel: .sms, recipient: "06 12 34 56 78", subject: "Entretien",
                        body: "Bonjour Éloïse, entretien lundi 10 h à l'Auberge du Causse. Le centre RH", at: clock.now(), on: connection, logger: logger)
                }
                // A process with mail only leaves the text waiting, unclaimed.
                #expect(try await delivery(client, command: mail.command, clock: clock).deliverOne() == false)
                let both = OutboxDelivery(
                    database: db, mail: MailConfiguration(command: mail.command, from: "renfort@cahors.renfort.test"),
                    sms: SMSConfiguration(command: sms.command), clock: clock, logger: logger)
                #expect(try await both.deliverOne())
                #expect(try await both.deliverOne() == false)
            }
            #expect(try Self.messages(in: mail.folder).isEmpty)
            let texts = try Self.texts(in: sms.folder)
            #expect(texts.count == 1)
            #expect(texts.first?.number == "0612345678")
            #expect(texts.first?.text == "Bonjour Éloïse, entretien lundi 10 h à l'Auberge du Causse. Le centre RH\n")
            #expect(try await database.count("outbox_messages", where: "channel = 'sms' AND sent_at IS NOT NULL") == 1)
        }
    }
}
