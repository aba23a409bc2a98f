import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// The people around a centre, each with the factories' password (`Factory.password`), and
/// the few other rows tests need.
extension Factory {
    /// A platform administrator.
    @discardableResult
    func admin(_ email: String = "admin@plateforme.test", name: String = "Administratrice") async throws -> Int64 {
        let hash = try await Self.hash.value()
        return try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(logger: TestEnvironment.logger) { connection in
                try await AccountRepository.findOrCreateUser(
                    email: email, displayName: name, passwordHash: hash, isAdmin: true, on: connection, logger: TestEnvironment.logger
                ).id
            }
        }
    }

    /// An employer of `business`.
    @discardableResult
    func employer(_ email: String, centre: Int64, business: Int64) async throws -> Int64 {
        try await person(email, role: .employer, centre: centre, business: business)
    }

    /// A second adviser of a centre.
    @discardableResult
    func adviser(_ email: String, centre: Int64) async throws -> Int64 {
        try await person(email, role: .adviser, centre: centre)
    }

    /// An observer of each of `centres`.
    @discardableResult
    func observer(_ email: String = "observatrice@dreets.test", centres: [Int64]) async throws -> Int64 {
        var id: Int64 = 0
        for centre in centres { id = try await person(email, role: .observer, centre: centre) }
        return id
    }

    /// The centre's rejection reasons, the default list written as its first board would.
    @discardableResult
    func rejectionReasons(centre: Int64) async throws -> [String: Int64] {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                let reasons = try await ApplicationRepository.rejectionReasons(tenantID: centre, on: connection, logger: TestEnvironment.logger)
                return Dictionary(uniqueKeysWithValues: reasons.map { ($0.label, $0.id) })
            }
        }
    }

    /// The adviser's qualification of a submitted need, hard to fill or not.
    func qualify(centre: Int64, need: Int64, actor: Int64, hardToFill: Bool = false) async throws {
        let outcome = try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await JobNeedRepository.qualify(
                    id: need, romeCode: nil, hardToFill: hardToFill, reasons: hardToFill ? [.rareSkill] : [], reasonOther: "", adviserID: nil, comment: "",
                    tenantID: centre, actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
            }
        }
        guard outcome == .moved else { throw FactoryError.notCreated }
    }

    /// The e-mail of the first adviser `centre(slug)` creates.
    static func adviserEmail(_ slug: String) -> String { "conseil@\(slug).test" }

    /// Runs `sql` inside `centre` as the owner (row-level security applies) and returns its
    /// first column, for the few rows a factory does not make (an interview, a document…).
    @discardableResult
    func ids(_ centre: Int64, _ sql: String) async throws -> [Int64] {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await connection.values(PostgresQuery(unsafeSQL: sql), as: Int64.self, logger: TestEnvironment.logger)
            }
        }
    }
}
