import Foundation
import PostgresNIO
import Testing

@testable import Renfort

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `renfort serve` stops within seconds on SIGTERM or Ctrl-C, after the requests in flight.
@Suite struct ServeShutdownTests {
    /// A server process started as an operator would, on a free port.
    struct Server {
        let process: Process
        let port: Int
        let log: URL

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func signal(_ signal: Int32) { systemKill(process.processIdentifier, signal) }

        /// Ends the process if a test stopped before it did.
        func kill() { if process.isRunning { signal(SIGKILL) } }

        /// How long the process took to exit, at most `limit`; nil (and killed) if it did not.
        func exit(within limit: Duration) async throws -> Duration? {
            let started = ContinuousClock.now
            while process.isRunning {
                if ContinuousClock.now - started > limit {
                    signal(SIGKILL)
                    process.waitUntilExit()
                    return nil
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return ContinuousClock.now - started
        }
    }

    /// Starts `renfort serve` on `database` with every background service (the follow-up
    /// reminders and the outbox's delivery), and waits until it answers.
    func start(on database: TestDatabase) async throws -> Server {
        let port = try Loopback.freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("renfort-serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["serve", "--plain-http", "--port", String(port)]
        process.currentDirectoryURL = URL(fileURLWithPath: TestEnvironment.repositoryRoot)
        var environment = ProcessInfo.processInfo.environment.merging(CommandLineTests().environment(database)) { $1 }
        environment["LOG_LEVEL"] = "notice"
        // Never called here (the outbox stays empty), but it starts the delivery service.
        environment["RENFORT_SENDMAIL"] = "/bin/cat"
        process.environment = environment
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let server = Server(process: process, port: port, log: log)
        let started = ContinuousClock.now
        while await Loopback.get("/health/live", port: port)?.hasPrefix("HTTP/1.1 200") != true {
            guard process.isRunning, ContinuousClock.now - started < .seconds(60) else {
                _ = try await server.exit(within: .zero)
                throw ConfigurationError("renfort serve did not start: \(server.output)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return server
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopsWhenAsked(by signal: Int32) async throws {
        try await TestDatabase.withFresh { database in
            let server = try await start(on: database)
            defer { server.kill() }
            server.signal(signal)
            let took = try await server.exit(within: .seconds(15))
            #expect(took != nil, "still running 15 s after the signal: \(server.output)")
            #expect(server.process.terminationReason == .exit)
            #expect(server.process.terminationStatus == 0, "\(server.output)")
        }
    }

    @Test func finishesTheRequestInFlightBeforeStopping() async throws {
        try await TestDatabase.withFresh { database in
            let server = try await start(on: database)
            defer { server.kill() }
            let logger = TestEnvironment.logger
            let answer = try await database.asOwner { client in
                try await client.withConnection { connection in
                    // The sign-in page opens a session: it waits while the table is locked.
                    try await connection.query("BEGIN", logger: logger)
                    try await connection.query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE", logger: logger)
                    async let page = Loopback.get("/login", port: server.port)
                    var waiting = 0
                    for _ in 0..<100 where waiting == 0 {
                        try await Task.sleep(for: .milliseconds(50))
                        waiting = try await client.query("SELECT count(*)::int FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = \(database.name)", logger: logger)
                            .collect().first?.decode(Int.self) ?? 0
                    }
                    #expect(waiting > 0, "the request waits for the lock")
                    server.signal(SIGTERM)
                    try await Task.sleep(for: .seconds(1))
                    #expect(server.process.isRunning, "the server waits for the request in flight")
                    try await connection.query("COMMIT", logger: logger)
                    return await page
                }
            }
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "no answer")")
            let took = try await server.exit(within: .seconds(15))
            #expect(took != nil, "still running 15 s after the signal: \(server.output)")
            #expect(server.process.terminationStatus == 0, "\(server.output)")
            #expect(try await database.count("sessions") == 1)
        }
    }
}

private func systemKill(_ process: Int32, _ signal: Int32) { _ = kill(process, signal) }
