import Foundation
import Logging

/// Everything the server needs to know from outside, read once at start.
public struct AppConfiguration: Sendable {
    /// Address to listen on.
    public var hostname = "127.0.0.1"
    public var port = 8080
    /// The server's role: owns nothing, cannot bypass row-level security.
    public var databaseURL: DatabaseURL
    /// The owner role, for migrations and the demo. Defaults to `databaseURL`.
    public var ownerDatabaseURL: DatabaseURL
    /// Behind TLS (the default of `renfort serve`): `Secure` `__Host-` cookie and HSTS.
    public var behindTLS = true
    /// Trust the first address of `X-Forwarded-For` (only behind our own reverse proxy).
    public var trustForwardedFor = false
    /// Public address of the site, for links in e-mails.
    public var baseURL = "http://127.0.0.1:8080"
    /// Where `templates/` and `schema/` are.
    public var templatesDirectory = "templates"
    public var schemaDirectory = "schema"
    /// Bcrypt cost: 12 in production, tests lower it.
    public var bcryptCost: UInt8 = 12
    /// Base delay added to a sign-in after repeated failures (doubles each time).
    public var signInSlowdown: Duration = .milliseconds(500)
    /// Connections to each database (`RENFORT_DB_CONNECTIONS`): three per core by default, not
    /// twenty. On two cores, 16 clients' requests on twenty connections kept as many PostgreSQL
    /// processes busy at once, each slowing the others (README, "Measured").
    public var maximumDatabaseConnections = 3 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Streaming replicas for read-only traffic (`DATABASE_REPLICA_URL`, several separated by
    /// spaces or commas): observers' dashboards, CSV exports, the API.
    public var replicaURLs: [DatabaseURL] = []
    /// Beyond this lag (seconds), a replica is not read: the primary is.
    public var replicaMaxLag: TimeInterval = 30
    /// How long a replica's probe may take before the replica counts as away.
    public var replicaProbeTimeout: Duration = .milliseconds(500)
    /// How long a request waits for a database connection before its 503 page.
    public var databaseWait = Database.defaultConnectionWait
    public var logLevel: Logger.Level = .info
    /// Run the hourly background jobs: the follow-up reminders (due tomorrow, morning digest),
    /// the notifications' daily digests, the stay questions a month before a purge, the purge of
    /// candidate records past their date, and once a day the access log's rows over a year old.
    public var followUpReminders = true
    /// Mail delivery; nil: messages wait in the outbox.
    public var mail: MailConfiguration?
    /// Text messages (`RENFORT_SMS_COMMAND`); without it they wait in the outbox.
    public var sms: SMSConfiguration?
    /// API calls allowed per caller (token or session) and minute.
    public var apiRequestsPerMinute = 120
    /// How many centres' figures are computed at once (`FairLimiter`): by default twice as
    /// many as the machine has cores (on two cores, eight observers asking five centres each
    /// for new periods: 2 at once served 87 homes a second, p99 149 ms; 4 at once 100, p99
    /// 104 ms; 6 at once 98, p99 125 ms; without a limit 98, p99 163 ms).
    public var concurrentFigureComputations = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// A bearer token that lets `/metrics` be read from another machine; nil: loopback only.
    public var metricsToken: String?
    /// Where the accessibility statement (`/accessibilite`) tells people to write; nil: their centre.
    public var accessibilityContact: String?

    public init(databaseURL: DatabaseURL, ownerDatabaseURL: DatabaseURL? = nil) {
        self.databaseURL = databaseURL
        self.ownerDatabaseURL = ownerDatabaseURL ?? databaseURL
    }

    /// Reads the environment variables listed in the README.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AppConfiguration
    {
        guard let url = environment["DATABASE_URL"], !url.isEmpty else {
            throw ConfigurationError(
                "DATABASE_URL is not set. `make run` sets it for the private cluster; see the README.")
        }
        var configuration = AppConfiguration(
            databaseURL: try DatabaseURL(url),
            ownerDatabaseURL: try environment["DATABASE_OWNER_URL"].flatMap { $0.isEmpty ? nil : try DatabaseURL($0) })
        if let replicas = environment["DATABASE_REPLICA_URL"], !replicas.isEmpty {
            configuration.replicaURLs = try replicas.split(whereSeparator: { $0 == " " || $0 == "," }).map { try DatabaseURL(String($0)) }
        }
        if let lag = environment["RENFORT_REPLICA_MAX_LAG_SECONDS"], !lag.isEmpty {
            guard let seconds = Double(lag), seconds >= 0 else {
                throw ConfigurationError("RENFORT_REPLICA_MAX_LAG_SECONDS must be a number of seconds, not \(lag)")
            }
            configuration.replicaMaxLag = seconds
        }
        if let port = environment["PORT"] {
            guard let value = Int(port), (1...65535).contains(value) else {
                throw ConfigurationError("PORT must be a number between 1 and 65535, not \(port)")
            }
            configuration.port = value
        }
        if let host = environment["HOST"], !host.isEmpty { configuration.hostname = host }
        if let base = environment["RENFORT_BASE_URL"], !base.isEmpty { configuration.baseURL = base }
        if environment["RENFORT_PLAIN_HTTP"] == "1" { configuration.behindTLS = false }
        if environment["RENFORT_TRUST_FORWARDED_FOR"] == "1" { configuration.trustForwardedFor = true }
        if let templates = environment["RENFORT_TEMPLATES"], !templates.isEmpty {
            configuration.templatesDirectory = templates
        }
        if let schema = environment["RENFORT_SCHEMA"], !schema.isEmpty { configuration.schemaDirectory = schema }
        if let cost = environment["RENFORT_BCRYPT_COST"] {
            guard let value = UInt8(cost), (4...31).contains(value) else {
                throw ConfigurationError("RENFORT_BCRYPT_COST must be between 4 and 31")
            }
            configuration.bcryptCost = value
        }
        if let command = environment["RENFORT_SENDMAIL"], !command.isEmpty {
            configuration.mail = MailConfiguration(
                command: command.split(separator: " ").map(String.init),
                from: environment["RENFORT_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "renfort@localhost")
        }
        if let command = environment["RENFORT_SMS_COMMAND"], !command.isEmpty {
            configuration.sms = SMSConfiguration(command: command.split(separator: " ").map(String.init))
        }
        if let contact = environment["RENFORT_ACCESSIBILITY_CONTACT"], !contact.isEmpty { configuration.accessibilityContact = contact }
        if let limit = environment["RENFORT_API_RATE_LIMIT"], !limit.isEmpty {
            guard let value = Int(limit), value > 0 else { throw ConfigurationError("RENFORT_API_RATE_LIMIT must be a positive number of requests a minute") }
            configuration.apiRequestsPerMinute = value
        }
        if let computations = environment["RENFORT_FIGURE_COMPUTATIONS"], !computations.isEmpty {
            guard let value = Int(computations), (1...64).contains(value) else {
                throw ConfigurationError("RENFORT_FIGURE_COMPUTATIONS must be between 1 and 64")
            }
            configuration.concurrentFigureComputations = value
        }
        if let connections = environment["RENFORT_DB_CONNECTIONS"], !connections.isEmpty {
            guard let value = Int(connections), (1...500).contains(value) else {
                throw ConfigurationError("RENFORT_DB_CONNECTIONS must be between 1 and 500, not \(connections)")
            }
            configuration.maximumDatabaseConnections = value
        }
        if let wait = environment["RENFORT_DB_WAIT_SECONDS"], !wait.isEmpty {
            guard let seconds = Double(wait), seconds > 0, seconds <= 300 else {
                throw ConfigurationError("RENFORT_DB_WAIT_SECONDS must be a number of seconds between 0 and 300, not \(wait)")
            }
            configuration.databaseWait = .milliseconds(Int64(seconds * 1000))
        }
        if let token = environment["RENFORT_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 20 else { throw ConfigurationError("RENFORT_METRICS_TOKEN must be at least 20 characters (openssl rand -hex 32)") }
            configuration.metricsToken = token
        }
        if let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { configuration.logLevel = level }
        return configuration
    }
}
