import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// A Renfort server on a fresh test database, driven through the router like a browser.
struct TestApp {
    /// The configuration of a test server: low bcrypt cost, no sign-in slowdown, plain HTTP, a patient pool.
    static func configuration(for database: TestDatabase) -> AppConfiguration {
        var configuration = AppConfiguration(databaseURL: database.appURL, ownerDatabaseURL: database.ownerURL)
        configuration.templatesDirectory = TestEnvironment.repositoryRoot + "/templates"
        configuration.schemaDirectory = TestEnvironment.repositoryRoot + "/schema"
        configuration.bcryptCost = 4
        configuration.signInSlowdown = .zero
        configuration.behindTLS = false
        configuration.trustForwardedFor = true
        configuration.maximumDatabaseConnections = 4
        // A request waits up to 30 s for its connection instead of 4 (the tests of the 503 page set their own wait).
        configuration.databaseWait = TestEnvironment.connectionWait
        configuration.followUpReminders = false
        configuration.logLevel = TestEnvironment.logger.logLevel
        return configuration
    }

    /// Runs `test` against a server on a fresh database: empty (the test builds what it needs
    /// with `Factory`), or with the whole demo when `demo` is true — only for the tests of the
    /// demo's own promises (a load costs about two seconds).
    static func run(
        demo: Bool = false,
        clock: ManualClock = ManualClock(),
        configure: (inout AppConfiguration) -> Void = { _ in },
        logger: Logger = TestEnvironment.logger,
        _ test: @escaping @Sendable (Browser, TestDatabase) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { database in
            if demo {
                try await database.asOwner { client in
                    try await DemoData.load(client: client, bcryptCost: 4, logger: TestEnvironment.logger)
                }
            }
            var configuration = configuration(for: database)
            configure(&configuration)
            let app = try await buildApplication(configuration: configuration, clock: clock, logger: logger)
            try await app.test(.router) { client in
                try await test(Browser(client: client), database)
            }
        }
    }
}

/// A minimal browser: keeps the session cookie and the last CSRF token it saw.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private let lock = NSLock()
    /// The cookies kept, in the order they were first set (the session's first).
    private var _cookies: [(name: String, value: String)] = []
    private var _csrf: String?
    /// Sent as X-Forwarded-For, so throttling by address can be tested.
    var address = "192.0.2.10"

    init(client: any TestClientProtocol) {
        self.client = client
    }

    /// The `Cookie` header this browser sends (nil without any cookie).
    var cookie: String? {
        get { lock.withLock { _cookies.isEmpty ? nil : _cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ") } }
        set {
            lock.withLock {
                _cookies = (newValue ?? "").split(separator: ";").compactMap { pair in
                    let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
                    return parts.count == 2 ? (parts[0], parts[1]) : nil
                }
            }
        }
    }

    /// Keeps or forgets one cookie as a `Set-Cookie` header says.
    private func store(_ setCookie: String) {
        let pair = setCookie.split(separator: ";").first.map(String.init) ?? ""
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return }
        let value = parts.count == 2 ? parts[1] : ""
        lock.withLock {
            if setCookie.contains("Max-Age=0") {
                _cookies.removeAll { $0.name == name }
            } else if let index = _cookies.firstIndex(where: { $0.name == name }) {
                _cookies[index].value = value
            } else {
                _cookies.append((name, value))
            }
        }
    }
    var csrf: String? {
        get { lock.withLock { _csrf } }
        set { lock.withLock { _csrf = newValue } }
    }

    /// A second browser on the same server, with no cookie.
    func fresh() -> Browser { Browser(client: client) }

    @discardableResult
    func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(path, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; the CSRF token last seen is added unless `csrf` is false. Like a browser, it
    /// says which site the form was sent from (`Sec-Fetch-Site`: our own pages unless told;
    /// `"cross-site"` for a form another site makes the browser send; nil for no header at all).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: Bool = true, site: String? = "same-origin") async throws -> TestResponse {
        var all = fields
        if csrf, let token = self.csrf { all.append(("_csrf", token)) }
        let body = all.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let site { headers[.init("Sec-Fetch-Site")!] = site }
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if let cookie { headers[.cookie] = cookie }
        headers[.init("X-Forwarded-For")!] = address
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        for setCookie in response.headers[values: .setCookie] { store(setCookie) }
        RenderedPages.keep(method: method, uri: path, response: response)
        let html = String(buffer: response.body)
        if let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            let match = String(html[range])
            csrf = match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
        }
        return response
    }

    /// Signs in through the real form (with the factories' password unless told); returns the answer to the POST.
    @discardableResult
    func signIn(_ email: String, password: String = Factory.password) async throws -> TestResponse {
        try await get("/login")
        return try await post("/login", [("email", email), ("password", password)])
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}

/// Keeps every log entry, so that a test can check what was logged.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var _entries: [(message: String, metadata: [String: String])] = []

    var entries: [(message: String, metadata: [String: String])] { lock.withLock { _entries } }

    func append(_ message: String, _ metadata: [String: String]) { lock.withLock { _entries.append((message, metadata)) } }

    var logger: Logger {
        Logger(label: "renfort-test") { _ in Handler(logs: self) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all: [String: String] = [:]
            for (key, value) in metadata { all[key] = "\(value)" }
            for (key, value) in event.metadata ?? [:] { all[key] = "\(value)" }
            logs.append("\(event.message)", all)
        }
    }
}
