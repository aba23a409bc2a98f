import PostgresNIO
import Testing

@testable import Renfort

/// Isolation between centres, enforced by PostgreSQL, checked as the server's own role.
@Suite struct RowLevelSecurityTests {
    let logger = TestEnvironment.logger

    /// Two centres with rows in the tenant tables: Cahors with two businesses, their needs, a
    /// candidate in its pipeline, a hire and its check-ins, its rejection reasons; Figeac with
    /// two businesses. Returns (cahors, figeac).
    @discardableResult
    func centres(_ database: TestDatabase) async throws -> (Int64, Int64) {
        let make = Factory(database: database)
        let (cahors, adviser) = try await make.centre("cahors")
        let (figeac, _) = try await make.centre("figeac")
        let inn = try await make.business(centre: cahors, name: "Auberge", siret: "73282932000074")
        let garage = try await make.business(centre: cahors, name: "Garage", siret: "55210055400013")
        let cook = try await make.need(centre: cahors, business: inn)
        let mechanic = try await make.need(centre: cahors, business: garage, title: "Mécanicien")
        try await make.application(centre: cahors, need: cook, candidate: try await make.candidate(centre: cahors), stage: .presented, actor: adviser)
        try await make.placement(centre: cahors, need: mechanic, candidate: try await make.candidate(centre: cahors, firstName: "Noé", email: "noe@example.org"), actor: adviser)
        try await make.rejectionReasons(centre: cahors)
        try await make.business(centre: figeac, name: "Scierie", siret: "73282932000074")
        try await make.business(centre: figeac, name: "Boulangerie", siret: "55210055400013")
        return (cahors, figeac)
    }

    /// Every table of the schema that has a tenant_id column.
    func tenantTables(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.values(
            """
            SELECT c.relname::text FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') ORDER BY 1
            """, as: String.self, logger: logger)
    }

    @Test func withNoCentreSetTenantTablesShowNothing() async throws {
        try await TestApp.run { _, database in
            let (cahors, _) = try await centres(database)
            try await database.asApp { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: logger) { connection in
                    let tables = try await tenantTables(connection)
                    #expect(tables.contains("businesses") && tables.contains("memberships"))
                    for table in tables {
                        let count = try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self, logger: logger)
                        #expect(count == 0, "\(table) shows rows with no centre set")
                    }
                }
            }
            // The factories did write rows: they are only hidden.
            #expect(try await database.count("businesses", tenant: cahors, where: "status = 'member'") == 2)
            #expect(try await database.count("job_needs", tenant: cahors) == 2)
            #expect(try await database.count("check_ins", tenant: cahors) > 0)
        }
    }

    @Test func withCentreASetNoRowOfCentreBIsVisibleOrWritable() async throws {
        try await TestApp.run { _, database in
            let (cahors, figeac) = try await centres(database)
            try await database.asApp { client in
                let db = Database(client: client, connectionWait: TestEnvironment.connectionWait)
                try await db.withTransaction(tenant: cahors, logger: logger) { connection in
                    let foreign = try await connection.value("SELECT count(*) FROM businesses WHERE tenant_id = \(figeac)", as: Int.self, logger: logger)
                    #expect(foreign == 0)
                    let all = try await connection.values("SELECT DISTINCT tenant_id FROM businesses", as: Int64.self, logger: logger)
                    #expect(all == [cahors])
                    let updated = try await connection.execute("UPDATE businesses SET name = 'volé' WHERE tenant_id = \(figeac) RETURNING id", logger: logger)
                    #expect(updated == 0)
                    let deleted = try await connection.execute("DELETE FROM memberships WHERE tenant_id = \(figeac) RETURNING id", logger: logger)
                    #expect(deleted == 0)
                }
                // Writing a row into another centre is refused outright.
                await #expect(throws: PSQLError.self) {
                    try await db.withTransaction(tenant: cahors, logger: logger) { connection in
                        try await connection.execute(
                            "INSERT INTO businesses (tenant_id, siret, name) VALUES (\(figeac), '73282932000074', 'Intrus')", logger: logger)
                    }
                }
                // Moving a row of one's own centre into another is refused too.
                await #expect(throws: PSQLError.self) {
                    try await db.withTransaction(tenant: cahors, logger: logger) { connection in
                        try await connection.execute("UPDATE businesses SET tenant_id = \(figeac)", logger: logger)
                    }
                }
            }
            #expect(try await database.count("businesses", tenant: figeac) == 2)
            #expect(try await database.count("businesses", tenant: figeac, where: "name = 'volé' OR name = 'Intrus'") == 0)
        }
    }

    @Test func serverRoleIsNotSuperuserCannotBypassAndOwnsNothing() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                try await client.withConnection { connection in
                    let flags = try await connection.first(
                        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user",
                        as: (Bool.self, Bool.self, Bool.self, Bool.self), logger: logger)
                    #expect(flags?.0 == false)
                    #expect(flags?.1 == false)
                    #expect(flags?.2 == false)
                    #expect(flags?.3 == false)
                    let owned = try await connection.value(
                        """
                        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                        """, as: Int.self, logger: logger)
                    #expect(owned == 0)
                    // It cannot change the schema or the migration record either.
                    await #expect(throws: PSQLError.self) {
                        try await connection.execute("ALTER TABLE businesses DISABLE ROW LEVEL SECURITY", logger: logger)
                    }
                    await #expect(throws: PSQLError.self) {
                        try await connection.execute("DELETE FROM schema_migrations", logger: logger)
                    }
                }
            }
        }
    }

    @Test func everyTenantTableHasForcedRowLevelSecurityAPolicyAndTenantKeys() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                try await client.withConnection { connection in
                    let tables = try await tenantTables(connection)
                    #expect(!tables.isEmpty)
                    for table in tables {
                        let row = try await connection.first(
                            """
                            SELECT c.relrowsecurity, c.relforcerowsecurity,
                                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
                                   (SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
                                    WHERE i.indrelid = c.oid AND i.indisprimary)
                            FROM pg_class c WHERE c.relname = \(table) AND c.relnamespace = 'public'::regnamespace
                            """, as: (Bool.self, Bool.self, Int.self, String?.self), logger: logger)
                        #expect(row?.0 == true, "\(table): row-level security not enabled")
                        // candidate_search (schema 0060) is read through its owner's function, which keeps to
                        // the caller's centre: forced, its GIN index could not serve the search.
                        #expect(row?.1 == true || table == "candidate_search", "\(table): row-level security not forced")
                        #expect((row?.2 ?? 0) > 0, "\(table): no policy")
                        #expect(row?.3 == "tenant_id", "\(table): primary key does not start with tenant_id")
                    }
                    // Every foreign key from a tenant table to another tenant table carries tenant_id.
                    let looseKeys = try await connection.values(
                        """
                        SELECT con.conname::text FROM pg_constraint con
                        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attname = 'tenant_id'
                        JOIN pg_attribute b ON b.attrelid = con.conrelid AND b.attname = 'tenant_id'
                        WHERE con.contype = 'f' AND NOT (b.attnum = ANY (con.conkey))
                        """, as: String.self, logger: logger)
                    #expect(looseKeys.isEmpty, "foreign keys without tenant_id: \(looseKeys)")
                }
            }
        }
    }

    @Test func aPersonReadsOnlyTheirOwnMembershipsBeforeChoosingACentre() async throws {
        try await TestApp.run { _, database in
            let make = Factory(database: database)
            let (cahors, otherID) = try await make.centre("cahors")
            let userID = try await make.observer(centres: [cahors, try await make.centre("figeac").id])
            try await database.asApp { client in
                let rows = try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(user: userID, logger: logger) { connection in
                    try await connection.values("SELECT user_id FROM memberships", as: Int64.self, logger: logger)
                }
                #expect(rows.count == 2)
                #expect(!rows.contains(otherID))
            }
        }
    }
    /// Schema 0018: the board's function sets the centre for its own statement only. Read
    /// without a transaction, it shows its centre's need, not another centre's, and leaves
    /// nothing set on the connection for the next statement.
    @Test func theNeedBoardScopesOnlyItsOwnStatement() async throws {
        try await TestApp.run { _, database in
            let (cahors, figeac) = try await centres(database)
            let need = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: cahors, logger: logger) { connection in
                    try await connection.value(
                        "SELECT need_id FROM applications WHERE tenant_id = \(cahors) GROUP BY need_id ORDER BY count(*) DESC, need_id LIMIT 1",
                        as: Int64.self, logger: logger)!
                }
            }
            try await database.asApp { client in
                try await client.withConnection { connection in
                    let board = try await ApplicationRepository.board(
                        needID: need, stage: nil, limit: 100, offset: 0, tenantID: cahors, userID: nil, on: connection, logger: logger)
                    #expect(board != nil)
                    #expect(board?.cards.isEmpty == false)
                    #expect(board?.reasons.isEmpty == false)
                    let scope = try await connection.value("SELECT current_setting('renfort.tenant_id', true)", as: String.self, logger: logger)
                    #expect((scope ?? "").isEmpty, "the centre stayed set after the statement: \(scope ?? "")")
                    for table in try await tenantTables(connection) {
                        let count = try await connection.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self, logger: logger)
                        #expect(count == 0, "\(table) shows rows after the board's statement")
                    }
                    let foreign = try await ApplicationRepository.board(
                        needID: need, stage: nil, limit: 100, offset: 0, tenantID: figeac, userID: nil, on: connection, logger: logger)
                    #expect(foreign == nil)
                    let atStage = try await ApplicationRepository.board(
                        needID: need, stage: .rejected, limit: 100, offset: 0, tenantID: figeac, userID: nil, on: connection, logger: logger)
                    #expect(atStage == nil)
                }
            }
        }
    }
}
