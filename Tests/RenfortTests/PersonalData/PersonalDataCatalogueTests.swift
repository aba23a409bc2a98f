import Foundation
import PostgresNIO
import Testing

@testable import Renfort

/// The schema says, table by table and column by column, what it holds of the candidates
/// (schema 0161): a table or a column added without saying it fails here, so that no new
/// personal column escapes the erasure unnoticed.
@Suite struct PersonalDataCatalogueTests {
    static let tableTags = ["[sans candidat]", "[candidat : supprimé]", "[candidat]"]
    static let columnTags = ["[effacé]", "[gardé]"]

    @Test func everyTableSaysWhatItHoldsOfTheCandidatesAndEveryColumnOfTheirTablesToo() async throws {
        try await TestDatabase.withFresh { database in
            let (tables, columns): ([(String, String)], [(String, String, String)]) = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withConnection(logger: TestEnvironment.logger) { connection -> ([(String, String)], [(String, String, String)]) in
                    let tables = try await connection.all(
                        """
                        SELECT c.relname::text, coalesce(obj_description(c.oid, 'pg_class'), '')
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1
                        """, as: (String.self, String.self), logger: TestEnvironment.logger)
                    let columns = try await connection.all(
                        """
                        SELECT c.relname::text, a.attname::text, coalesce(col_description(c.oid, a.attnum), '')
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1, 2
                        """, as: (String.self, String.self, String.self), logger: TestEnvironment.logger)
                    return (tables, columns)
                }
            }
            #expect(tables.count >= 40)
            let untagged = tables.filter { table in !Self.tableTags.contains { tag in table.1.hasPrefix(tag) } }.map(\.0)
            #expect(untagged == [], "tables whose comment does not say what they hold of the candidates (schema 0161)")
            let described = Set(tables.filter { $0.1.hasPrefix("[candidat]") }.map(\.0))
            #expect(described.isSuperset(of: ["candidates", "applications", "placements", "check_ins", "outbox_messages"]))
            let loose = columns.filter { column in described.contains(column.0) && !Self.columnTags.contains { tag in column.2.hasPrefix(tag) } }
                .map { "\($0.0).\($0.1)" }
            #expect(loose == [], "columns of a [candidat] table without [effacé] or [gardé]")
            // What the catalogue says is erased of a record, the erasure empties.
            let erased = Set(columns.filter { $0.0 == "candidates" && $0.2.hasPrefix("[effacé]") }.map(\.1))
            #expect(erased.isSuperset(of: ["first_name", "last_name", "email", "phone", "birth_date", "notes", "commune_name"]))
            #expect(!erased.contains("source") && !erased.contains("id"))
        }
    }
}
