import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Renfort

/// `renfort centre export` / `import`: one centre moved between two databases of this machine,
/// into a database that already has a centre of its own (whose ids overlap the moved one's).
@Suite struct CentreTransferTests {
    let logger = TestEnvironment.logger
    static let filter = MetricsFilter(from: Day(year: 2020, month: 1, day: 1), to: Day(year: 2027, month: 12, day: 31))
    static let asOf = Day(year: 2026, month: 12, day: 1)

    /// The centre's rows per tenant table, and its figures.
    func snapshot(_ database: TestDatabase, centre: Int64, slug: String) async throws -> (counts: [String: Int], metrics: CentreMetrics) {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: logger) { connection in
                let catalogue = try await CentreTransfer.Catalogue.read(on: connection, logger: logger)
                var counts: [String: Int] = [:]
                for table in catalogue.tenantTables {
                    counts[table] = try await connection.value(
                        PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE tenant_id = \(centre)"), as: Int.self, logger: logger)
                }
                let figures = try await CentreFigures.compute(centre: slug, filter: Self.filter, asOf: Self.asOf, on: connection, logger: logger).figures
                return (counts, CentreMetrics(figures, filter: Self.filter))
            }
        }
    }

    @Test func aCentreMovesWithItsRowsPeopleAndFiguresAndOnlyOnce() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("centre-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await TestDatabase.withFresh { source in
            let make = Factory(database: source)
            let (figeac, _) = try await make.centre("figeac")
            _ = try await make.candidate(centre: figeac, firstName: "Reste", lastName: "Afigeac", email: "reste@figeac.test")
            let (cahors, adviser) = try await make.centre("cahors")
            let business = try await make.business(centre: cahors)
            try await make.employer("patron@causse.test", centre: cahors, business: business)
            let need = try await make.need(centre: cahors, business: business)
            let hired = try await make.candidate(centre: cahors, firstName: "Éloïse", lastName: "Vidal", email: "eloise@exemple.test")
            _ = try await make.placement(centre: cahors, need: need, candidate: hired, actor: adviser)
            let other = try await make.candidate(centre: cahors, firstName: "Jules", lastName: "Bessières", email: "jules@exemple.test")
            _ = try await make.application(centre: cahors, need: need, candidate: other, stage: .presented, actor: adviser)
            let before = try await snapshot(source, centre: cahors, slug: "cahors")
            #expect(before.metrics.placements == 1)
            let exported = try await source.asOwner { client in
                try await CentreTransfer.export(slug: "cahors", to: file, client: client, logger: logger)
            }
            #expect(exported.people == 2)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("Afigeac"))

            try await TestDatabase.withFresh { target in
                // The target has its own centre (ids from 1, like the source's) and knows the adviser by e-mail.
                let there = Factory(database: target)
                let (lot, _) = try await there.centre("lot")
                let known = try await there.adviser("conseil@cahors.test", centre: lot)
                _ = try await there.candidate(centre: lot, firstName: "Déjà", lastName: "Là", email: "deja@lot.test")
                let imported = try await target.asOwner { client in
                    try await CentreTransfer.import(from: file, client: client, logger: logger)
                }
                #expect(imported.slug == "cahors")
                #expect(imported.centreID != lot)
                let after = try await snapshot(target, centre: imported.centreID, slug: "cahors")
                #expect(after.counts == before.counts)
                #expect(after.metrics == before.metrics)
                // The adviser is the person the target already knew; the employer came with the centre.
                #expect(try await target.count("memberships", tenant: imported.centreID, where: "user_id = \(known) AND role = 'adviser'") == 1)
                #expect(try await target.count("users", where: "email = 'patron@causse.test'") == 1)
                #expect(try await target.count("job_needs", tenant: imported.centreID, where: "adviser_id IS NULL OR adviser_id = \(known)") == 1)
                // New rows of the moved centre get new ids.
                _ = try await there.candidate(centre: imported.centreID, firstName: "Nouvelle", lastName: "Venue", email: "nouvelle@exemple.test")
                #expect(try await target.count("candidates", tenant: imported.centreID) == 3)
                // A second import is refused, and writes nothing.
                await #expect(throws: CentreTransfer.Refused.self) {
                    try await target.asOwner { client in try await CentreTransfer.import(from: file, client: client, logger: logger) }
                }
                #expect(try await target.count("centres") == 2)
            }
        }
    }

    @Test func everyColumnNamingAPersonRefersToUsers() async throws {
        try await TestDatabase.withFresh { database in
            let loose = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.values(
                        """
                        SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c
                        WHERE c.table_schema = current_schema() AND c.data_type = 'bigint'
                            AND (c.column_name IN ('actor_id', 'user_id', 'adviser_id', 'author_id') OR c.column_name LIKE '%\\_by')
                            AND NOT EXISTS (
                                SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
                                WHERE k.contype = 'f' AND k.confrelid = 'users'::regclass
                                    AND k.conrelid = (quote_ident(c.table_name))::regclass AND a.attname = c.column_name)
                        ORDER BY 1
                        """, as: String.self, logger: logger)
                }
            }
            #expect(loose == [], "a column naming a person without a foreign key to users: a moved centre would keep a wrong id there")
        }
    }
}
