import Crypto
import Foundation
import Logging
import PostgresNIO

/// One file of `schema/`: `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file's bytes, in hexadecimal.
    public let checksum: String
}

/// Where the database stands against the files of `schema/`.
public struct MigrationStatus: Sendable {
    public var pending: [Migration] = []
    /// Recorded migrations whose file has changed since they were applied.
    public var changed: [Migration] = []
    /// Recorded versions with no file here (a newer server applied them).
    public var unknownVersions: [Int] = []

    public var isUpToDate: Bool { pending.isEmpty && changed.isEmpty }
}

public enum MigrationError: Error, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)
    case checksumMismatch([Migration])
    case failed(Migration, String)
    case referenceData(String)

    public var description: String {
        switch self {
        case .badFileName(let name):
            return "schema/\(name): le nom doit être de la forme NNNN_nom.sql"
        case .duplicateVersion(let version):
            return "schema/: deux fichiers portent le numéro \(version)"
        case .checksumMismatch(let migrations):
            let names = migrations.map { "schema/\(String(format: "%04d", $0.version))_\($0.name).sql" }
            return "Migration already applied but its file has changed: \(names.joined(separator: ", ")). "
                + "Applied migrations are append-only: restore the file and add a new migration instead."
        case .failed(let migration, let reason):
            return "Migration \(String(format: "%04d", migration.version))_\(migration.name) failed and was rolled back: \(reason)"
        case .referenceData(let reason):
            return "The ROME referential of schema/data/ could not be loaded (rolled back): \(reason)"
        }
    }
}

/// Applies the numbered SQL files of `schema/` in order, each once, each in one transaction.
public struct Migrator: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The migrations found in the folder, in order.
    public func migrations() throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
        var result: [Migration] = []
        for file in names {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                stem[..<underscore].count == 4
            else { throw MigrationError.badFileName(file) }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            result.append(
                Migration(
                    version: version, name: String(stem[stem.index(after: underscore)...]),
                    sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        result.sort { $0.version < $1.version }
        for (a, b) in zip(result, result.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return result
    }

    /// Compares the folder with what the database recorded. Works with the server's role.
    public func status(client: PostgresClient, logger: Logger) async throws -> MigrationStatus {
        let files = try migrations()
        let recorded = try await recordedChecksums(client: client, logger: logger)
        var status = MigrationStatus()
        for migration in files {
            if let checksum = recorded[migration.version] {
                if checksum != migration.checksum { status.changed.append(migration) }
            } else {
                status.pending.append(migration)
            }
        }
        let known = Set(files.map(\.version))
        status.unknownVersions = recorded.keys.filter { !known.contains($0) }.sorted()
        return status
    }

    /// Applies what is pending, as the owner role, then grants the server's role what it needs.
    /// Refuses to do anything if an applied migration's file has changed.
    @discardableResult
    public func migrate(client: PostgresClient, appRole: String?, logger: Logger) async throws -> [Migration] {
        _ = try await client.withConnection { connection in
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer NOT NULL,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT schema_migrations_pkey PRIMARY KEY (version)
                )
                """, logger: logger)
        }
        let status = try await self.status(client: client, logger: logger)
        if !status.changed.isEmpty { throw MigrationError.checksumMismatch(status.changed) }
        var applied: [Migration] = []
        for migration in status.pending {
            let didApply = try await apply(migration, client: client, logger: logger)
            if didApply { applied.append(migration) }
        }
        try await loadReferenceData(client: client, logger: logger)
        if let appRole { try await grant(to: appRole, client: client, logger: logger) }
        return applied
    }

    /// The ROME referential of `data/` (`RomeReferential`), in one transaction under the
    /// migrators' lock, once its tables exist: only rows that differ are written.
    private func loadReferenceData(client: PostgresClient, logger: Logger) async throws {
        guard let referential = try RomeReferential.read(directory: directory + "/data") else { return }
        try await client.withConnection { connection in
            guard try await connection.value("SELECT to_regclass('public.rome_appellations') IS NOT NULL", as: Bool.self, logger: logger) == true else { return }
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
                let written = try await referential.load(on: connection, logger: logger)
                try await connection.query("COMMIT", logger: logger)
                if written > 0 { logger.info("loaded the ROME referential", metadata: ["rows": "\(written)"]) }
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationError.referenceData(Self.reason(error))
            }
        }
    }

    private func apply(_ migration: Migration, client: PostgresClient, logger: Logger) async throws -> Bool {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                // One migrator at a time; a second one waits, then finds the work done.
                try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
                let already = try await connection.value(
                    "SELECT version FROM schema_migrations WHERE version = \(migration.version)",
                    as: Int.self, logger: logger)
                if already != nil {
                    try await connection.query("ROLLBACK", logger: logger)
                    return false
                }
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger)
                try await connection.query("COMMIT", logger: logger)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                return true
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationError.failed(migration, Self.reason(error))
            }
        }
    }

    private func grant(to role: String, client: PostgresClient, logger: Logger) async throws {
        guard role.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw ConfigurationError("Nom de rôle applicatif invalide : \(role)")
        }
        try await client.withConnection { connection in
            let owner = try await connection.value("SELECT current_user::text", as: String.self, logger: logger)
            guard owner != role else {
                logger.warning("the server connects as the owner role: row-level security still applies, but the owner can change the schema")
                return
            }
            let exists = try await connection.value(
                "SELECT 1 FROM pg_roles WHERE rolname = \(role)", as: Int32.self, logger: logger)
            guard exists != nil else { throw ConfigurationError("Le rôle \(role) n'existe pas dans la base") }
            for statement in [
                "GRANT USAGE ON SCHEMA public TO \"\(role)\"",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"\(role)\"",
                "REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM \"\(role)\"",
                // Who looked at a candidate's file: written by the server, never rewritten nor
                // deleted by it (the owner's `purge_candidate_access_log` deletes what is a year old).
                // (A schema migrated only part of the way, as some tests do, has no such table yet.)
                """
                DO $$ BEGIN
                    IF to_regclass('public.candidate_access_log') IS NOT NULL THEN
                        REVOKE UPDATE, DELETE, TRUNCATE ON candidate_access_log FROM "\(role)";
                    END IF;
                END $$
                """,
                // The referential is the migrator's to write (`loadReferenceData`).
                """
                DO $$ BEGIN
                    IF to_regclass('public.rome_appellations') IS NOT NULL THEN
                        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON rome_jobs, rome_appellations FROM "\(role)";
                    END IF;
                END $$
                """,
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"\(role)\"",
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    private func recordedChecksums(client: PostgresClient, logger: Logger) async throws -> [Int: String] {
        try await client.withConnection { connection in
            let exists = try await connection.value(
                "SELECT to_regclass('public.schema_migrations') IS NOT NULL", as: Bool.self, logger: logger)
            guard exists == true else { return [:] }
            let rows = try await connection.all(
                "SELECT version, checksum FROM schema_migrations", as: (Int.self, String.self), logger: logger)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) })
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return error.serverInfo?[.message] ?? "\(error.code)"
        }
        return "\(error)"
    }
}
