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

/// Delivers the outbox: each message at least once, retried with backoff, marked sent
/// with the time. A message is claimed under a lease before it is handed to sendmail, so
/// two processes never send it together, and one whose process died is taken up again
/// once the lease has run out. Without mail configured, messages simply wait.
public struct OutboxDelivery: Service {
    let database: Database
    let mail: MailConfiguration
    let clock: any AppClock
    let logger: Logger

    public init(database: Database, mail: MailConfiguration, clock: any AppClock, logger: Logger) {
        self.database = database
        self.mail = mail
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // A stopping server finishes the message in hand, not the whole backlog.
                while !Task.isShuttingDownGracefully, try await deliverOne() {}
            } catch {
                logger.error("outbox delivery failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { [interval = mail.pollInterval] in try await Task.sleep(for: interval) }
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
        let leaseEnd = now.addingTimeInterval(mail.lease)
        let claimed = try await database.withTransaction(logger: logger) { connection in
            try await connection.first(
                """
                UPDATE outbox_messages SET claimed_until = \(leaseEnd)
                WHERE id = (
                    SELECT id FROM outbox_messages
                    WHERE sent_at IS NULL AND next_attempt_at <= \(now) AND (claimed_until IS NULL OR claimed_until < \(now))
                    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, dedupe_key, recipient, subject, body, attempts, created_at
                """, as: (Int64.self, String.self, String.self, String.self, String.self, Int.self, Date.self), logger: logger)
        }
        guard let (id, key, recipient, subject, body, attempts, created) = claimed else { return false }
        let message = MailMessage(from: mail.from, to: recipient, subject: subject, body: body, key: key, date: created).rendered
        let outcome = await Sendmail.send(message, command: mail.command)
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

/// A plain-text message in UTF-8, as sendmail expects it.
struct MailMessage {
    let from: String
    let to: String
    let subject: String
    let body: String
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
        return [
            "From: Renfort <\(clean(from))>",
            "To: \(clean(to))",
            "Subject: \(Self.encodedHeader(clean(subject)))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"),
        ].joined(separator: "\r\n") + "\r\n"
    }
}

/// Runs the sendmail command with the message on its standard input.
enum Sendmail {
    enum Outcome {
        case success
        case failure(String)
    }

    static func send(_ message: String, command: [String]) async -> Outcome {
        guard let executable = command.first else { return .failure("no sendmail command") }
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
