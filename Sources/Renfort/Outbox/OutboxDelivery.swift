import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// How mail leaves Renfort: a `sendmail`-compatible command (msmtp, Postfix's sendmail)
/// that reads one RFC 5322 message on its standard input.
public struct MailConfiguration: Sendable {
    /// The command and its arguments, such as `/usr/bin/msmtp -t` or `/usr/sbin/sendmail -t -i`.
    public var command: [String]
    public var from: String
    /// How long a claimed message stays reserved for the process that claimed it.
    public var lease: TimeInterval = 120
    /// How often the service looks for due messages.
    public var pollInterval: Duration = .seconds(5)

    public init(command: [String], from: String) {
        self.command = command
        self.from = from
    }
}

/// How text messages leave Renfort: a command of the centre's choosing (a script calling
/// its SMS gateway: no vendor is built in), run with the phone number as its last argument
/// and the text on its standard input; exit status 0 means sent.
public struct SMSConfiguration: Sendable {
    public var command: [String]

    public init(command: [String]) {
        self.command = command
    }
}

/// Delivers the outbox: each message at least once, retried with backoff, marked sent
/// with the time. A message is claimed under a lease before it is handed to sendmail, so
/// two processes never send it together, and one whose process died is taken up again
/// once the lease has run out. Without mail configured, messages simply wait.
public struct OutboxDelivery: Service {
    let database: Database
    let mail: MailConfiguration?
    let sms: SMSConfiguration?
    let clock: any AppClock
    let logger: Logger
    /// The channels this process can deliver; a message of another channel waits.
    let channels: [String]
    let lease: TimeInterval
    let pollInterval: Duration

    public init(database: Database, mail: MailConfiguration?, sms: SMSConfiguration? = nil, clock: any AppClock, logger: Logger) {
        self.database = database
        self.mail = mail
        self.sms = sms
        self.clock = clock
        self.logger = logger
        self.channels = (mail == nil ? [] : [OutboxChannel.email.rawValue]) + (sms == nil ? [] : [OutboxChannel.sms.rawValue])
        self.lease = mail?.lease ?? 120
        self.pollInterval = mail?.pollInterval ?? .seconds(5)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // A stopping server finishes the message in hand, not the whole backlog.
                while !Task.isShuttingDownGracefully, try await deliverOne() {}
            } catch {
                logger.error("outbox delivery failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval = pollInterval] in try await Task.sleep(for: interval) }
        }
    }

    /// Backoff after `attempts` failures: 1, 2, 4… minutes, at most six hours.
    static func backoff(after attempts: Int) -> TimeInterval {
        min(60 * pow(2, Double(max(attempts - 1, 0))), 6 * 3600)
    }

    /// Claims the oldest due message, hands it to sendmail, records the outcome.
    /// Returns false when nothing was due.
    @discardableResult
    public func deliverOne() async throws -> Bool {
        let now = clock.now()
        let leaseEnd = now.addingTimeInterval(lease)
        let claimed = try await database.withTransaction(logger: logger) { connection in
            try await connection.first(
                """
                UPDATE outbox_messages SET claimed_until = \(leaseEnd)
                WHERE id = (
                    SELECT id FROM outbox_messages
                    WHERE sent_at IS NULL AND next_attempt_at <= \(now) AND (claimed_until IS NULL OR claimed_until < \(now))
                        AND channel = ANY(\(channels))
                    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, dedupe_key, channel, recipient, subject, body, reply_to, attachment_name, attachment_type, attachment,
                    attempts, created_at
                """,
                as: (
                    Int64.self, String.self, OutboxChannel.self, String.self, String.self, String.self, String?.self, String?.self,
                    String?.self, String?.self, Int.self, Date.self
                ), logger: logger)
        }
        guard let (id, key, channel, recipient, subject, body, replyTo, fileName, fileType, file, attempts, created) = claimed else {
            return false
        }
        let outcome: Command.Outcome
        switch channel {
        case .email:
            guard let mail else { return false }
            let attachment = zip3(fileName, fileType, file).map { MailAttachment(filename: $0, contentType: $1, content: $2) }
            let message = MailMessage(
                from: mail.from, to: recipient, replyTo: replyTo, subject: subject, body: body, attachment: attachment, key: key,
                date: created)
            outcome = await Command.run(mail.command, input: message.rendered)
        case .sms:
            guard let sms else { return false }
            outcome = await Command.run(sms.command + [SMSText.cleanNumber(recipient)], input: SMSText.clean(body))
        }
        let finished = clock.now()
        try await database.withTransaction(logger: logger) { connection in
            switch outcome {
            case .success:
                try await connection.execute(
                    "UPDATE outbox_messages SET sent_at = \(finished), attempts = attempts + 1, claimed_until = NULL, last_error = NULL WHERE id = \(id)",
                    logger: logger)
            case .failure(let reason):
                let next = finished.addingTimeInterval(Self.backoff(after: attempts + 1))
                try await connection.execute(
                    """
                    UPDATE outbox_messages SET attempts = attempts + 1, next_attempt_at = \(next), claimed_until = NULL,
                        last_error = \(String(reason.prefix(1000)))
                    WHERE id = \(id)
                    """, logger: logger)
            }
        }
        switch outcome {
        case .success: logger.info("message sent", metadata: ["outbox": "\(id)"])
        case .failure(let reason): logger.warning("message not sent, will retry", metadata: ["outbox": "\(id)", "reason": "\(reason)"])
        }
        return true
    }
}

private func zip3<A, B, C>(_ a: A?, _ b: B?, _ c: C?) -> (A, B, C)? {
    guard let a, let b, let c else { return nil }
    return (a, b, c)
}

/// What an SMS command receives: a number without spaces or dots, and the text on one line per line.
enum SMSText {
    static func cleanNumber(_ number: String) -> String {
        String(number.filter { $0.isNumber || $0 == "+" })
    }

    static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }
}

/// A message in UTF-8, as sendmail expects it: plain text, or plain text and one
/// attachment (multipart/mixed, the attachment in base64).
struct MailMessage {
    let from: String
    let to: String
    var replyTo: String? = nil
    let subject: String
    let body: String
    var attachment: MailAttachment? = nil
    let key: String
    let date: Date

    /// A subject in UTF-8 encoded for a header (RFC 2047).
    static func encodedHeader(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII }) { return text }
        return "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    var rendered: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "renfort"
        // The same key gives the same Message-ID: a relay or a reader can drop a repeat.
        let messageID = "<\(Tokens.hexHash(key).prefix(32))@\(domain)>"
        let clean = { (value: String) in value.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ") }
        var headers = [
            "From: Renfort <\(clean(from))>",
            "To: \(clean(to))",
        ]
        if let replyTo { headers.append("Reply-To: \(clean(replyTo))") }
        headers += [
            "Subject: \(Self.encodedHeader(clean(subject)))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
        ]
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let textPart = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", text]
        guard let attachment else { return (headers + textPart).joined(separator: "\r\n") + "\r\n" }
        // The boundary comes from the key: the same message is written the same way each time.
        let boundary = "renfort-" + Tokens.hexHash(key + ":boundary").prefix(24)
        let name = clean(attachment.filename).replacingOccurrences(of: "\"", with: "")
        let encoded = Data(attachment.content.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return (headers + [
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
        ] + textPart + [
            "--\(boundary)",
            "Content-Type: \(clean(attachment.contentType)); name=\"\(name)\"",
            "Content-Disposition: attachment; filename=\"\(name)\"",
            "Content-Transfer-Encoding: base64",
            "",
            encoded,
            "--\(boundary)--",
        ]).joined(separator: "\r\n") + "\r\n"
    }
}

/// Runs a delivery command (sendmail, the SMS command) with the message on its standard input.
enum Command {
    enum Outcome {
        case success
        case failure(String)
    }

    static func run(_ command: [String], input message: String) async -> Outcome {
        guard let executable = command.first else { return .failure("no command") }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = Array(command.dropFirst())
                let input = Pipe()
                let errors = Pipe()
                process.standardInput = input
                process.standardOutput = FileHandle.nullDevice
                process.standardError = errors
                do {
                    try process.run()
                    input.fileHandleForWriting.write(Data(message.utf8))
                    try? input.fileHandleForWriting.close()
                    process.waitUntilExit()
                    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    continuation.resume(returning: process.terminationStatus == 0 ? .success : .failure("exit \(process.terminationStatus): \(stderr)"))
                } catch {
                    continuation.resume(returning: .failure("\(error)"))
                }
            }
        }
    }
}
