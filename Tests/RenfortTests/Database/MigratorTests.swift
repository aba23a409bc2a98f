import Foundation
import PostgresNIO
import Testing

@testable import Renfort

@Suite struct MigratorTests {
    let logger = TestEnvironment.logger

    /// A copy of `schema/` in a temporary folder, so a test can change it.
    func schemaCopy() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("renfort-schema-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.repositoryRoot + "/schema") {
            try FileManager.default.copyItem(atPath: TestEnvironment.repositoryRoot + "/schema/" + file, toPath: folder + "/" + file)
        }
        return folder
    }

    @Test func appliesEachMigrationOnceAndRecordsItsChecksum() async throws {
        try await TestDatabase.withEmpty { database in
            let migrator = Migrator(directory: TestEnvironment.repositoryRoot + "/schema")
            let files = try migrator.migrations()
            let (first, second, recorded) = try await database.asOwner { client in
                let first = try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
                let second = try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
                let recorded = try await client.withConnection { connection in
                    try await connection.all("SELECT version, checksum FROM schema_migrations ORDER BY version", as: (Int.self, String.self), logger: logger)
                }
                return (first, second, recorded)
            }
            #expect(first.count == files.count)
            #expect(second.isEmpty)
            #expect(recorded.map(\.0) == files.map(\.version))
            #expect(recorded.map(\.1) == files.map(\.checksum))
            #expect(files.allSatisfy { $0.checksum.count == 64 })
        }
    }

    @Test func refusesWhenAnAppliedFileHasChanged() async throws {
        let folder = try schemaCopy()
        try await TestDatabase.withEmpty { database in
            let migrator = Migrator(directory: folder)
            try await database.asOwner { client in
                try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
            }
            let first = try migrator.migrations()[0]
            let path = folder + "/" + String(format: "%04d_", first.version) + first.name + ".sql"
            try (first.sql + "\n-- edited after it was applied\n").write(toFile: path, atomically: true, encoding: .utf8)
            await #expect {
                try await database.asOwner { client in
                    try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
                }
            } throws: { error in
                guard case MigrationError.checksumMismatch(let changed) = error else { return false }
                return changed.map(\.version) == [first.version]
                    && String(describing: error).contains("has changed")
            }
            // The server's check (what `serve` runs) sees it too, as the server's role.
            let status = try await database.asApp { client in try await migrator.status(client: client, logger: logger) }
            #expect(status.changed.map(\.version) == [first.version])
            #expect(!status.isUpToDate)
        }
    }

    @Test func reportsPendingMigrationsAndRollsBackAFailingOne() async throws {
        let folder = try schemaCopy()
        try await TestDatabase.withEmpty { database in
            let migrator = Migrator(directory: folder)
            try await database.asOwner { client in
                try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
            }
            try "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n"
                .write(toFile: folder + "/9999_broken.sql", atomically: true, encoding: .utf8)
            let status = try await database.asApp { client in try await migrator.status(client: client, logger: logger) }
            #expect(status.pending.map(\.name) == ["broken"])
            await #expect(throws: MigrationError.self) {
                try await database.asOwner { client in
                    try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
                }
            }
            #expect(try await database.count("pg_tables", where: "tablename = 'half_done'") == 0)
            #expect(try await database.count("schema_migrations", where: "version = 9999") == 0)
        }
    }

    /// The newest migration applies to a database already holding data (the demo loaded on
    /// the schema before it), as it will in production, not only to an empty one: 0015 first
    /// failed there, on the deferred triggers its backfill queued.
    @Test func theNewestMigrationAppliesOnTheDemoData() async throws {
        let folder = try schemaCopy()
        let newest = try #require(try Migrator(directory: folder).migrations().last)
        let file = String(format: "%04d_", newest.version) + newest.name + ".sql"
        try FileManager.default.moveItem(atPath: folder + "/" + file, toPath: folder + "/" + file + ".later")
        try await TestDatabase.withEmpty { database in
            let migrator = Migrator(directory: folder)
            let applied = try await database.asOwner { client -> [Migration] in
                try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
                try await DemoData.load(client: client, bcryptCost: 4, logger: logger)
                try FileManager.default.moveItem(atPath: folder + "/" + file + ".later", toPath: folder + "/" + file)
                return try await migrator.migrate(client: client, appRole: "renfort_app", logger: logger)
            }
            #expect(applied.map(\.version) == [newest.version])
            let lookup = DemoLookup(database: database)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM placements") > 0)
            #expect(try await lookup.ids("cahors", PlacementCopyTests.differing) == [0])
        }
    }

    @Test func refusesBadFileNames() throws {
        let folder = try schemaCopy()
        try "SELECT 1;".write(toFile: folder + "/12_short.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migrator(directory: folder).migrations() }
    }
}
