import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// What the tests of "notes that stay private, pages that tell the truth" build: a business
/// with its employer, and records whose internal notes carry a marker.
extension Factory {
    /// A member business whose adviser's notes are `notes`.
    func business(centre: Int64, name: String, siret: String, notes: String) async throws -> Int64 {
        let details = BusinessDetails(
            siret: siret, name: name, nafCode: "56.10A", headcountBand: "1-9", communeInsee: "46042", communeName: "Cahors", address: nil,
            contactName: nil, phone: nil, email: nil, memberSince: Day(year: 2024, month: 1, day: 15), notes: notes)
        return try await inCentre(centre) { connection in
            try await BusinessRepository.insert(details, status: .member, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// A candidate whose adviser's notes are `notes`.
    func candidate(centre: Int64, firstName: String, email: String, notes: String) async throws -> Int64 {
        let details = CandidateDetails(
            firstName: firstName, lastName: "Martin", email: email, phone: nil, communeInsee: "46042", communeName: "Cahors", birthDate: nil,
            drivingLicence: true, ownVehicle: true, travelKm: 30, skills: "cuisine", experience: "", availableFrom: nil, seasonalWindows: "",
            wishedContracts: [.cdi], source: .franceTravail, notes: notes, consentAt: nil, consentScope: "",
            purgeAfter: Day(Date()).adding(days: 80))
        return try await inCentre(centre) { connection in
            try await CandidateRepository.insert(details, tenantID: centre, actorID: nil, informing: nil, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// An employer's alert on a placement, as the hire's own business's (or `business`'s).
    func alert(centre: Int64, placement: Int64, by employer: Int64, business: Int64? = nil, message: String) async throws -> Int64 {
        try await inCentre(centre) { connection in
            guard let own = try await connection.value("SELECT business_id FROM placements WHERE id = \(placement)", as: Int64.self, logger: TestEnvironment.logger),
                let id = try await FollowUpRepository.addAlert(
                placement: placement, kind: .problem, message: message, businessID: business ?? own, tenantID: centre, actorID: employer, now: Date(), on: connection,
                logger: TestEnvironment.logger)
            else { throw FactoryError.notCreated }
            return id
        }
    }
}

extension Browser {
    /// Every page reachable by following the links of `start` (and of `extra`) that stay under
    /// `prefix`, GET only; returns each address with its answer's text.
    func crawl(from start: [String], under prefix: String, limit: Int = 300) async throws -> [(path: String, status: Int, text: String)] {
        var queue = start
        var seen = Set(start)
        var pages: [(String, Int, String)] = []
        while !queue.isEmpty && pages.count < limit {
            let path = queue.removeFirst()
            let answer = try await get(path)
            let text = answer.text
            pages.append((path, Int(answer.status.code), text))
            var rest = Substring(text)
            while let range = rest.range(of: "href=\"") {
                rest = rest[range.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { break }
                var link = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
                if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
                rest = rest[end...]
                guard link.hasPrefix(prefix) || link == "/profil", !seen.contains(link) else { continue }
                seen.insert(link)
                queue.append(link)
            }
        }
        return pages
    }
}
