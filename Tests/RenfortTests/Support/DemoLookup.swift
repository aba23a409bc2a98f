import PostgresNIO
import Testing

@testable import Renfort

/// Ids of the demo's rows, read as the owner inside each centre.
struct DemoLookup: Sendable {
    let database: TestDatabase

    func centre(_ slug: String) async throws -> Int64 {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                try #require(try await connection.value("SELECT id FROM centres WHERE slug = \(slug)", as: Int64.self, logger: TestEnvironment.logger), "no centre \(slug): load the demo for this test")
            }
        }
    }

    /// Runs a query inside a centre and returns its first column's values.
    func ids(_ slug: String, _ sql: String) async throws -> [Int64] {
        let centre = try await centre(slug)
        return try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await connection.values(PostgresQuery(unsafeSQL: sql), as: Int64.self, logger: TestEnvironment.logger)
            }
        }
    }

    func business(_ name: String, in slug: String = "cahors") async throws -> Int64 {
        try await ids(slug, "SELECT id FROM businesses WHERE name = '\(name.replacingOccurrences(of: "'", with: "''"))'").first!
    }

    func need(_ title: String, in slug: String = "cahors") async throws -> Int64 {
        try await ids(slug, "SELECT id FROM job_needs WHERE title = '\(title.replacingOccurrences(of: "'", with: "''"))'").first!
    }

    func count(_ slug: String, _ sql: String) async throws -> Int {
        Int(try await ids(slug, "SELECT count(*)::bigint FROM (\(sql)) AS rows").first ?? -1)
    }

    func user(_ email: String) async throws -> Int64 {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                try await connection.value("SELECT id FROM users WHERE lower(email) = lower(\(email))", as: Int64.self, logger: TestEnvironment.logger)!
            }
        }
    }
}
