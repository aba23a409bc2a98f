import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// What the tests of "the candidate pool finds what people look for" build: candidates with
/// the fields a search reads, the contacts and places a duplicate is recognised by.
extension Factory {
    /// A candidate of the pool with every field a search or a duplicate check reads.
    @discardableResult
    func poolCandidate(
        centre: Int64, firstName: String, lastName: String, email: String?, phone: String? = nil, commune: String = "Cahors",
        birthDate: Day? = nil, skills: String = "", experience: String = "", seasonalWindows: String = "", notes: String = ""
    ) async throws -> Int64 {
        let details = CandidateDetails(
            firstName: firstName, lastName: lastName, email: email, phone: phone, communeInsee: nil, communeName: commune, birthDate: birthDate,
            drivingLicence: false, ownVehicle: false, travelKm: nil, skills: skills, experience: experience, availableFrom: nil,
            seasonalWindows: seasonalWindows, wishedContracts: [.cdi], source: .franceTravail, notes: notes, consentAt: nil, consentScope: "",
            purgeAfter: Day(Date()).adding(days: 80))
        return try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) {
                try await CandidateRepository.insert(details, tenantID: centre, actorID: nil, informing: nil, now: Date(), on: $0, logger: TestEnvironment.logger)
            }
        }
    }
}
