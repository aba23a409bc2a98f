import Foundation
import Logging
import PostgresNIO

/// One centre's rows out of a database and into another (`renfort centre export` /
/// `renfort centre import`): to move a centre between two clusters without replication.
///
/// The file is JSON Lines: a header (the format, the schema's version, the centre's row), then
/// one line per row — of every table that carries `tenant_id` (found in the catalogue, so a
/// table added by a later migration travels too), of `centre_versions`, and of the people the
/// rows refer to. Sessions, API tokens, password links and the outbox stay behind.
///
/// On import, in one transaction: a person whose e-mail the target knows becomes that person,
/// the others keep their id if it is free or get a new one; the centre keeps its id if it is
/// free, else takes a new one, written into every row's `tenant_id`. Tenant tables are keyed by
/// (tenant_id, id), so the rows keep their ids; the identity sequences are moved past them.
/// The rows are written as they were, rollups included, with the tables' own triggers off
/// (their counts come with the rows); foreign keys are checked as usual.
public enum CentreTransfer {
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public struct Summary: Sendable {
        public let slug: String
        public let centreID: Int64
        /// Rows per table, in the order they were written.
        public let rows: [(table: String, count: Int)]
        public let people: Int
    }

    static let format = "renfort-centre"

    // MARK: Export

    /// Writes the centre `slug` to `path`.
    public static func export(slug: String, to path: String, client: PostgresClient, logger: Logger) async throws -> Summary {
        let database = Database(client: client, connectionWait: .seconds(60))
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw Refused("cannot write \(path)")
        }
        defer { try? file.close() }
        return try await database.withTransaction(logger: logger) { connection in
            // One snapshot for the whole file.
            try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            guard let (centreID, centre) = try await connection.first(
                "SELECT id, row_to_json(c)::text FROM centres c WHERE slug = \(slug)", as: (Int64.self, String.self), logger: logger)
            else { throw Refused("no centre \(slug)") }
            try await connection.execute("SELECT set_config('renfort.tenant_id', \(String(centreID)), true)", logger: logger)
            let schema = try await connection.value("SELECT max(version) FROM schema_migrations", as: Int.self, logger: logger) ?? 0
            file.write(Data((#"{"format":"\#(format)","schema":\#(schema),"centre":\#(centre)}"# + "\n").utf8))
            var counts: [(String, Int)] = []
            func write(_ table: String, _ query: PostgresQuery) async throws {
                var count = 0
                for try await line in try await connection.query(query, logger: logger).decode(String.self) {
                    file.write(Data((line + "\n").utf8))
                    count += 1
                }
                counts.append((table, count))
            }
            let catalogue = try await Catalogue.read(on: connection, logger: logger)
            // The people first: everyone a row of the centre names.
            let people = catalogue.userColumns.map { table, column in
                "SELECT \(column) FROM \(quoted(table)) WHERE tenant_id = \(centreID)"
            }.joined(separator: " UNION ")
            try await write("users", PostgresQuery(unsafeSQL: """
                SELECT json_build_object('t', 'users', 'r', row_to_json(u))::text FROM users u
                WHERE id IN (\(people.isEmpty ? "SELECT NULL::bigint" : people)) ORDER BY id
                """))
            try await write("centre_versions", PostgresQuery(unsafeSQL: """
                SELECT json_build_object('t', 'centre_versions', 'r', row_to_json(v))::text FROM centre_versions v WHERE centre_id = \(centreID)
                """))
            for table in catalogue.tenantTables {
                let order = catalogue.hasID.contains(table) ? "ORDER BY id" : ""
                try await write(table, PostgresQuery(unsafeSQL: """
                    SELECT json_build_object('t', '\(table)', 'r', row_to_json(x))::text FROM \(quoted(table)) x
                    WHERE tenant_id = \(centreID) \(order)
                    """))
            }
            let users = counts.first { $0.0 == "users" }?.1 ?? 0
            return Summary(slug: slug, centreID: centreID, rows: counts.filter { $0.0 != "users" }, people: users)
        }
    }

    // MARK: Import

    /// Reads a file written by `export` into this database.
    public static func `import`(from path: String, client: PostgresClient, logger: Logger) async throws -> Summary {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Refused("cannot read \(path)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let header = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any],
            header["format"] as? String == format, let schema = header["schema"] as? Int,
            let centre = header["centre"] as? [String: Any], let slug = centre["slug"] as? String, let oldCentre = (centre["id"] as? NSNumber)?.int64Value
        else { throw Refused("\(path) is not a centre exported by `renfort centre export`") }
        // The rows of each table, as JSON text, in the file's order.
        var rows: [String: [String]] = [:]
        for line in lines {
            guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let table = row["t"] as? String,
                let values = row["r"], let data = try? JSONSerialization.data(withJSONObject: values)
            else { throw Refused("\(path): a line is not a row") }
            rows[table, default: []].append(String(decoding: data, as: UTF8.self))
        }
        let centreRow = String(decoding: try JSONSerialization.data(withJSONObject: centre), as: UTF8.self)
        let database = Database(client: client, connectionWait: .seconds(60))
        return try await database.withTransaction(logger: logger) { connection in
            let here = try await connection.value("SELECT max(version) FROM schema_migrations", as: Int.self, logger: logger) ?? 0
            guard here == schema else {
                throw Refused("the file is of schema version \(schema), this database of \(here): migrate the older one first")
            }
            if try await connection.value("SELECT count(*) FROM centres WHERE slug = \(slug)", as: Int.self, logger: logger) != 0 {
                throw Refused("this database already has a centre \(slug)")
            }
            let catalogue = try await Catalogue.read(on: connection, logger: logger)
            // The centre: its id if free, else a new one.
            let idTaken = try await connection.value("SELECT count(*) FROM centres WHERE id = \(oldCentre)", as: Int.self, logger: logger) != 0
            // Its own trigger would write the defaults of a new centre: they come with the rows.
            try await connection.execute("ALTER TABLE centres DISABLE TRIGGER USER", logger: logger)
            let centreID = try await connection.value(
                PostgresQuery(unsafeSQL: """
                    INSERT INTO centres (\(try await catalogue.columns("centres", except: idTaken ? ["id"] : [], on: connection, logger: logger)))
                    \(idTaken ? "" : "OVERRIDING SYSTEM VALUE")
                    SELECT \(try await catalogue.columns("centres", except: idTaken ? ["id"] : [], on: connection, logger: logger))
                    FROM jsonb_populate_record(NULL::centres, '\(centreRow.replacingOccurrences(of: "'", with: "''"))'::jsonb)
                    RETURNING id
                    """), as: Int64.self, logger: logger)!
            try await connection.execute("ALTER TABLE centres ENABLE TRIGGER USER", logger: logger)
            try await connection.execute("SELECT set_config('renfort.tenant_id', \(String(centreID)), true)", logger: logger)
            try await bumpSequence("centres", on: connection, logger: logger)
            // The people: the same e-mail is the same person; else their id if free, or a new one.
            var oldIDs: [Int64] = []
            var newIDs: [Int64] = []
            for row in rows["users"] ?? [] {
                guard let person = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                    let old = (person["id"] as? NSNumber)?.int64Value, let email = person["email"] as? String
                else { throw Refused("\(path): a person without id or e-mail") }
                if let known = try await connection.value("SELECT id FROM users WHERE email = \(email)", as: Int64.self, logger: logger) {
                    oldIDs.append(old); newIDs.append(known)
                    continue
                }
                let free = try await connection.value("SELECT count(*) FROM users WHERE id = \(old)", as: Int.self, logger: logger) == 0
                let columns = try await catalogue.columns("users", except: free ? [] : ["id"], on: connection, logger: logger)
                let id = try await connection.value(
                    PostgresQuery(unsafeSQL: """
                        INSERT INTO users (\(columns)) \(free ? "OVERRIDING SYSTEM VALUE" : "")
                        SELECT \(columns) FROM jsonb_populate_record(NULL::users, '\(row.replacingOccurrences(of: "'", with: "''"))'::jsonb)
                        RETURNING id
                        """), as: Int64.self, logger: logger)!
                oldIDs.append(old); newIDs.append(id)
            }
            try await bumpSequence("users", on: connection, logger: logger)
            var counts: [(String, Int)] = []
            // The centre's version, then every tenant table, parents before children.
            for table in ["centre_versions"] + catalogue.tenantTables {
                let tenantColumn = table == "centre_versions" ? "centre_id" : "tenant_id"
                let userColumns = catalogue.userColumns.filter { $0.table == table }.map(\.column)
                let columns = try await catalogue.columns(table, except: [], on: connection, logger: logger)
                let all = rows[table] ?? []
                if table != "centre_versions" { try await connection.execute(PostgresQuery(unsafeSQL: "ALTER TABLE \(quoted(table)) DISABLE TRIGGER USER"), logger: logger) }
                for start in stride(from: 0, to: all.count, by: 500) {
                    var binds = PostgresBindings()
                    binds.append(Array(all[start..<min(start + 500, all.count)]))
                    binds.append(centreID)
                    binds.append(userColumns)
                    binds.append(oldIDs)
                    binds.append(newIDs)
                    // Each row with the centre's id and its people's ids of this database.
                    try await connection.execute(PostgresQuery(unsafeSQL: """
                        INSERT INTO \(quoted(table)) (\(columns)) OVERRIDING SYSTEM VALUE
                        SELECT \(columns) FROM unnest($1::jsonb[]) AS x(r),
                            jsonb_populate_record(NULL::\(quoted(table)), x.r || jsonb_build_object('\(tenantColumn)', $2::bigint)
                                || coalesce((SELECT jsonb_object_agg(c, m.new_id) FROM unnest($3::text[]) AS c
                                             JOIN unnest($4::bigint[], $5::bigint[]) AS m(old_id, new_id) ON m.old_id = (x.r ->> c)::bigint), '{}'))
                        """, binds: binds), logger: logger)
                }
                if table != "centre_versions" {
                    try await connection.execute(PostgresQuery(unsafeSQL: "ALTER TABLE \(quoted(table)) ENABLE TRIGGER USER"), logger: logger)
                }
                if catalogue.hasID.contains(table) { try await bumpSequence(table, on: connection, logger: logger) }
                counts.append((table, all.count))
            }
            return Summary(slug: slug, centreID: centreID, rows: counts, people: oldIDs.count)
        }
    }

    /// The identity sequence of `table`'s id past every id it holds (rows written with their own ids).
    private static func bumpSequence(_ table: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(PostgresQuery(unsafeSQL: """
            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), greatest((SELECT max(id) FROM \(quoted(table))), 1))
            WHERE pg_get_serial_sequence('\(table)', 'id') IS NOT NULL
            """), logger: logger)
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// What the catalogue says of the schema: the tables that carry `tenant_id`, parents before
    /// children; which of them have an `id`; and every column that refers to a person.
    struct Catalogue {
        let tenantTables: [String]
        let hasID: Set<String>
        let userColumns: [(table: String, column: String)]

        static func read(on connection: PostgresConnection, logger: Logger) async throws -> Catalogue {
            let tables = try await connection.values(
                """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind = 'r'
                    AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                ORDER BY 1
                """, as: String.self, logger: logger)
            let withID = try await connection.values(
                """
                SELECT table_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = 'id' AND table_name = ANY(\(tables))
                """, as: String.self, logger: logger)
            let references = try await connection.all(
                """
                SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid <> c.confrelid
                """, as: (String.self, String.self), logger: logger)
            let users = try await connection.all(
                """
                SELECT c.conrelid::regclass::text, a.attname::text FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND c.conrelid::regclass::text = ANY(\(tables))
                ORDER BY 1, 2
                """, as: (String.self, String.self), logger: logger)
            // Parents before children: a table comes once every table it refers to has come.
            var parents: [String: Set<String>] = [:]
            for (child, parent) in references where tables.contains(child) && tables.contains(parent) { parents[child, default: []].insert(parent) }
            var ordered: [String] = []
            var left = tables
            while !left.isEmpty {
                let ready = left.filter { parents[$0, default: []].isSubset(of: Set(ordered)) }
                guard !ready.isEmpty else { throw Refused("the tables' foreign keys form a cycle: \(left)") }
                ordered += ready
                left.removeAll { ready.contains($0) }
            }
            return Catalogue(tenantTables: ordered, hasID: Set(withID), userColumns: users.map { ($0.0, $0.1) })
        }

        /// `table`'s columns a row is written with (not the generated ones), quoted, comma-separated.
        func columns(_ table: String, except: Set<String>, on connection: PostgresConnection, logger: Logger) async throws -> String {
            try await connection.values(
                """
                SELECT column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table) AND is_generated = 'NEVER'
                ORDER BY ordinal_position
                """, as: String.self, logger: logger
            ).filter { !except.contains($0) }.map(CentreTransfer.quoted).joined(separator: ", ")
        }
    }
}
