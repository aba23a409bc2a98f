import Foundation
import Testing

@testable import Renfort

/// The `renfort` binary itself, run as an operator would.
@Suite struct CommandLineTests {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static var binary: String { TestEnvironment.repositoryRoot + "/.build/debug/renfort" }

    /// Runs the binary off the concurrency pool (a blocking wait there would hold one of the
    /// machine's two pool threads for as long as the command runs); killed after `timeout`.
    func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 90) async throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw ConfigurationError("\(Self.binary) is missing: build it with `swift build --build-tests` (make test does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestEnvironment.repositoryRoot)
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = "error"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { process.terminate() }
            }
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self)))
            }
        }
    }

    func environment(_ database: TestDatabase, schema: String? = nil) -> [String: String] {
        var env = [
            "DATABASE_URL": "postgres://\(database.appURL.username):\(database.appURL.password ?? "")@\(database.appURL.host):\(database.appURL.port)/\(database.name)",
            "DATABASE_OWNER_URL": "postgres://\(database.ownerURL.username):\(database.ownerURL.password ?? "")@\(database.ownerURL.host):\(database.ownerURL.port)/\(database.name)",
            "RENFORT_BCRYPT_COST": "4",
        ]
        if let schema { env["RENFORT_SCHEMA"] = schema }
        return env
    }

    @Test func everySubcommandHasHelp() async throws {
        for subcommand in ["serve", "migrate", "demo", "create-admin"] {
            let outcome = try await run([subcommand, "--help"])
            #expect(outcome.status == 0, "\(subcommand) --help")
            #expect(outcome.output.contains("USAGE: renfort \(subcommand)"), "\(subcommand) --help")
        }
        #expect(try await run(["--help"]).output.contains("SUBCOMMANDS"))
    }

    @Test func serveRefusesPendingMigrationsThenMigrateAndDemoWork() async throws {
        try await TestDatabase.withEmpty { database in
            let env = environment(database)
            let refused = try await run(["serve"], environment: env)
            #expect(refused.status != 0)
            #expect(refused.output.contains("migration(s) pending: 0001_foundation"))
            #expect(refused.output.contains("renfort migrate"))

            let migrated = try await run(["migrate"], environment: env)
            #expect(migrated.status == 0, "\(migrated.output)")
            #expect(migrated.output.contains("applied: 0001_foundation"))
            #expect(try await run(["migrate"], environment: env).output.contains("schema up to date"))
            #expect(try await run(["migrate", "--check"], environment: env).output.contains("up to date"))

            let demo = try await run(["demo", "--if-empty"], environment: env)
            #expect(demo.status == 0, "\(demo.output)")
            #expect(demo.output.contains("observateur@dreets.renfort.test"))
            #expect(try await run(["demo", "--if-empty"], environment: env).output.contains("demo already there"))
            #expect(try await database.count("centres") == 2)

            let weak = try await run(["create-admin", "--email", "ops@renfort.test"], environment: env.merging(["RENFORT_ADMIN_PASSWORD": "court"]) { $1 })
            #expect(weak.status != 0)
            #expect(weak.output.contains("au moins 12 caractères"))
            let admin = try await run(["create-admin", "--email", "ops@renfort.test"], environment: env.merging(["RENFORT_ADMIN_PASSWORD": "une phrase assez longue"]) { $1 })
            #expect(admin.status == 0, "\(admin.output)")
            #expect(try await database.count("users", where: "email = 'ops@renfort.test' AND is_admin") == 1)
        }
    }

    @Test func serveAndMigrateRefuseAChangedMigration() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("renfort-cli-schema-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = TestEnvironment.repositoryRoot + "/schema/0001_foundation.sql"
        try FileManager.default.copyItem(atPath: source, toPath: folder + "/0001_foundation.sql")
        try await TestDatabase.withEmpty { database in
            let env = environment(database, schema: folder)
            #expect(try await run(["migrate"], environment: env).status == 0)
            let original = try String(contentsOfFile: source, encoding: .utf8)
            try (original + "\n-- changed\n").write(toFile: folder + "/0001_foundation.sql", atomically: true, encoding: .utf8)
            let serve = try await run(["serve"], environment: env)
            #expect(serve.status != 0)
            #expect(serve.output.contains("has changed: schema/0001_foundation.sql"))
            let migrate = try await run(["migrate"], environment: env)
            #expect(migrate.status != 0)
            #expect(migrate.output.contains("has changed"))
        }
    }

    @Test func serveWithoutADatabaseURLSaysWhatToDo() async throws {
        let outcome = try await run(["serve"], environment: ["DATABASE_URL": ""])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("DATABASE_URL is not set"))
    }
}
