import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Renfort

@main
struct RenfortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renfort",
        abstract: "Renfort, le logiciel des centres de services RH mutualisés.",
        discussion: "The database comes from DATABASE_URL (the server's role) and DATABASE_OWNER_URL (the owner, for migrations and the demo). See the README.",
        subcommands: [Serve.self, Migrate.self, Demo.self, CreateAdmin.self, Centre.self, Purge.self],
        defaultSubcommand: Serve.self)
}

/// Shared by the subcommands: the configuration from the environment, and a logger.
func loadConfiguration() throws -> AppConfiguration {
    do {
        return try AppConfiguration.fromEnvironment()
    } catch let error as ConfigurationError {
        throw ValidationError(error.description)
    }
}

func makeLogger(_ configuration: AppConfiguration) -> Logger {
    var logger = Logger(label: "renfort")
    logger.logLevel = configuration.logLevel
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the web server.",
        discussion: """
            Refuses to start while schema migrations are pending (unless --migrate) or when an \
            applied migration's file has changed. By default Renfort expects to run behind TLS \
            (Secure __Host- cookie, HSTS); --plain-http turns that off for local use.
            """)

    @Option(help: "Address to listen on (default: HOST or 127.0.0.1).") var hostname: String?
    @Option(help: "Port to listen on (default: PORT or 8080).") var port: Int?
    @Flag(help: "Apply pending migrations first, with DATABASE_OWNER_URL.") var migrate = false
    @Flag(help: "Serve plain HTTP: no Secure cookie, no HSTS. For local use on loopback only.") var plainHttp = false

    func run() async throws {
        var configuration = try loadConfiguration()
        if let hostname { configuration.hostname = hostname }
        if let port { configuration.port = port }
        if plainHttp { configuration.behindTLS = false }
        let logger = makeLogger(configuration)
        let migrator = Migrator(directory: configuration.schemaDirectory)
        let appRole = configuration.databaseURL.username
        if migrate {
            try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                try await migrator.migrate(client: client, appRole: appRole, logger: logger)
            }
        }
        let status = try await PostgresClient.withRunning(configuration.databaseURL, logger: logger) { client in
            try await migrator.status(client: client, logger: logger)
        }
        if !status.changed.isEmpty {
            throw ValidationError(MigrationError.checksumMismatch(status.changed).description)
        }
        if !status.pending.isEmpty {
            let names = status.pending.map { String(format: "%04d_%@", $0.version, $0.name) }.joined(separator: ", ")
            throw ValidationError(
                "\(status.pending.count) migration(s) pending: \(names). Run `renfort migrate` (or `renfort serve --migrate`) first.")
        }
        if !configuration.behindTLS {
            logger.notice("plain HTTP: session cookie without Secure and no HSTS; use only on loopback or behind a TLS proxy")
        }
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the pending migrations of schema/, as the owner role (DATABASE_OWNER_URL).")

    @Flag(help: "Only say what is pending; change nothing.") var check = false

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let migrator = Migrator(directory: configuration.schemaDirectory)
        if check {
            let status = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                try await migrator.status(client: client, logger: logger)
            }
            if !status.changed.isEmpty { throw ValidationError(MigrationError.checksumMismatch(status.changed).description) }
            print(status.pending.isEmpty ? "up to date" : "pending: " + status.pending.map(\.name).joined(separator: ", "))
            return
        }
        do {
            let applied = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                try await migrator.migrate(client: client, appRole: configuration.databaseURL.username, logger: logger)
            }
            print(applied.isEmpty ? "schema up to date" : "applied: " + applied.map { String(format: "%04d_%@", $0.version, $0.name) }.joined(separator: ", "))
        } catch let error as MigrationError {
            throw ValidationError(error.description)
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the demo centres (Cahors, Figeac) and their sign-ins.",
        discussion: "Every demo account has the password \(DemoData.password).")

    @Flag(help: "Do nothing when the database already holds a centre.") var ifEmpty = false
    @Flag(help: "Print the demo sign-ins and exit.") var list = false

    func run() async throws {
        if list { return printSignIns() }
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let loaded = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
            if try await !DemoData.isEmpty(client: client, logger: logger) {
                if ifEmpty { return false }
                throw ValidationError("The database already holds centres; the demo loads into an empty database (make db-reset).")
            }
            try await DemoData.load(client: client, bcryptCost: configuration.bcryptCost, logger: logger)
            return true
        }
        print(loaded ? "demo loaded" : "demo already there")
        printSignIns()
    }

    func printSignIns() {
        print("Demo sign-ins (password: \(DemoData.password)):")
        for signIn in DemoData.signIns {
            print("  \(signIn.email.padding(toLength: 36, withPad: " ", startingAt: 0)) \(signIn.what)")
        }
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create a platform admin (or make an existing user one).",
        discussion: "The password is read from RENFORT_ADMIN_PASSWORD, or from standard input.")

    @Option(help: "The admin's e-mail address.") var email: String
    @Option(help: "The admin's name.") var name: String = "Administrateur"

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let password: String
        if let fromEnvironment = ProcessInfo.processInfo.environment["RENFORT_ADMIN_PASSWORD"], !fromEnvironment.isEmpty {
            password = fromEnvironment
        } else {
            print("Password: ", terminator: "")
            password = readLine(strippingNewline: true) ?? ""
        }
        do {
            let created = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                try await AdminAccounts.createAdmin(
                    email: email, name: name, password: password, bcryptCost: configuration.bcryptCost, client: client, logger: logger)
            }
            print(created ? "admin \(email) created" : "\(email) is now an admin (password changed)")
        } catch let error as AdminAccounts.Refused {
            throw ValidationError(error.reason)
        }
    }
}

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase the identity of every candidate record past its date, in every centre (the server does it every hour).",
        discussion: """
            People employed through a placement that has not ended are kept until it ends. What the figures count stays, \
            without identity. Runs as the server's role (DATABASE_URL). See the README, "Données personnelles".
            """)

    @Flag(help: "Only say how many records are due in each centre, and how many come within 30 days; change nothing.") var dryRun = false

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        try await PostgresClient.withRunning(configuration.databaseURL, logger: logger) { client in
            let purge = PersonalDataPurge(database: Database(client: client, connectionWait: .seconds(60)), logger: logger)
            if dryRun {
                for centre in try await purge.dryRun() {
                    print("\(centre.slug): \(centre.erased) due now, \(centre.kept) past their date kept (employed), \(centre.upcoming) due within 30 days")
                }
                return
            }
            let started = Date()
            let counts = try await purge.purge { slug, done, due in
                // A line every ten thousand records, and the last.
                guard done == due || done % 10_000 < 500 else { return }
                print("\(slug): \(done) of \(due) erased (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
            }
            for centre in counts {
                print("\(centre.slug): \(centre.erased) erased, \(centre.kept) past their date kept (employed)")
            }
        }
    }
}

struct Centre: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move one centre between two databases: export its rows to a file, import them elsewhere.",
        discussion: "Both run as the owner role (DATABASE_OWNER_URL). See the README, \"Scaling\".",
        subcommands: [Export.self, Import.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a centre's rows, and the people they name, to a file (JSON Lines).")

        @Option(help: "The centre's slug, as in /c/<slug>.") var centre: String
        @Option(help: "The file to write.") var output: String

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            do {
                let summary = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                    try await CentreTransfer.export(slug: centre, to: output, client: client, logger: logger)
                }
                print("exported \(summary.slug): \(summary.rows.map(\.count).reduce(0, +)) rows of \(summary.rows.count) tables, \(summary.people) people, to \(output)")
            } catch let error as CentreTransfer.Refused {
                throw ValidationError(error.description)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read a file written by `renfort centre export` into this database.")

        @Option(help: "The file to read.") var input: String

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            do {
                let summary = try await PostgresClient.withRunning(configuration.ownerDatabaseURL, logger: logger) { client in
                    try await CentreTransfer.import(from: input, client: client, logger: logger)
                }
                print("imported \(summary.slug) (centre \(summary.centreID)): \(summary.rows.map(\.count).reduce(0, +)) rows, \(summary.people) people")
            } catch let error as CentreTransfer.Refused {
                throw ValidationError(error.description)
            }
        }
    }
}
