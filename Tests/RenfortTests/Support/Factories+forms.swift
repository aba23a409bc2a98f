import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// What the forms' tests need beside the common factories.
extension Factory {
    /// A business that asked to join the centre and waits for an answer.
    func pendingBusiness(centre: Int64, name: String = "Entreprise candidate", siret: String = "55210055400013") async throws -> Int64 {
        let details = BusinessDetails(
            siret: siret, name: name, nafCode: "10.13A", headcountBand: "1-9", communeInsee: "46042", communeName: "Cahors", address: nil,
            contactName: "Contact", phone: nil, email: "contact@candidate.example", memberSince: nil, notes: nil)
        return try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await BusinessRepository.insert(details, status: .pending, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: TestEnvironment.logger)
            }
        }
    }
}
