import Logging
import PostgresNIO

/// A member business of a centre, as the pages show it.
struct Business: Sendable {
    let id: Int64
    let siret: String
    let name: String
    let nafCode: String
    let headcountBand: String
    let communeName: String
}

/// All the SQL of businesses. Every query runs in the centre's transaction, so row-level
/// security already limits it to that centre; employers are limited further here.
struct BusinessRepository: Sendable {
    let database: Database

    /// The columns of `Business`, in its order.
    private static let selectBusiness =
        "SELECT id, siret, name, coalesce(naf_code, ''), coalesce(headcount_band, ''), coalesce(commune_name, '') FROM businesses"
    private typealias Row = (Int64, String, String, String, String, String)

    func all(tenant: Int64, logger: Logger) async throws -> [Business] {
        try await database.withTransaction(tenant: tenant, logger: logger) { connection in
            try await connection.all(
                "\(unescaped: Self.selectBusiness) ORDER BY name",
                as: (Int64.self, String.self, String.self, String.self, String.self, String.self), logger: logger)
        }.map(Self.business)
    }

    /// One business of the centre; nil if it is not there (or belongs to another centre).
    func find(id: Int64, tenant: Int64, logger: Logger) async throws -> Business? {
        try await database.withTransaction(tenant: tenant, logger: logger) { connection in
            try await connection.first(
                "\(unescaped: Self.selectBusiness) WHERE id = \(id)",
                as: (Int64.self, String.self, String.self, String.self, String.self, String.self), logger: logger)
        }.map(Self.business)
    }

    /// How many member businesses the centre has.
    func count(tenant: Int64, logger: Logger) async throws -> Int {
        try await database.withTransaction(tenant: tenant, logger: logger) { connection in
            try await connection.value("SELECT count(*) FROM businesses", as: Int.self, logger: logger) ?? 0
        }
    }

    static func insert(
        tenantID: Int64, siret: String, name: String, nafCode: String?, headcountBand: String?,
        communeInsee: String?, communeName: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO businesses (tenant_id, siret, name, naf_code, headcount_band, commune_insee, commune_name)
            VALUES (\(tenantID), \(siret), \(name), \(nafCode), \(headcountBand), \(communeInsee), \(communeName))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw AccountRepository.AccountError.notCreated }
        return id
    }

    private static func business(_ row: Row) -> Business {
        Business(id: row.0, siret: row.1, name: row.2, nafCode: row.3, headcountBand: row.4, communeName: row.5)
    }
}
