import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// What the public offers' tests need beside the common factories.
extension Factory {
    /// Runs `body` as the owner inside `centre`.
    private func inOffersCentre<Result: Sendable>(_ centre: Int64, _ body: @Sendable @escaping (PostgresConnection) async throws -> Result) async throws -> Result {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) {
                try await body($0)
            }
        }
    }

    /// A need whose internal description and notes hold `marker`, paid `pay` a month.
    func markedNeed(centre: Int64, business: Int64, title: String = "Boulanger ou boulangère", marker: String, pay: Int? = 1900) async throws -> Int64 {
        let details = JobNeedDetails(
            title: title, romeCode: nil, description: "Description interne \(marker)", contractKind: .cdi, fullTime: true, hoursPerWeek: 35, positions: 1,
            wishedStart: Day(Date()).adding(days: 20), endDate: nil, seasonStart: nil, seasonEnd: nil, seasonRecurring: false, placeInsee: "46042",
            placeName: "Cahors", payMin: pay.map(Amount.init(euros:)), payMax: pay.map { Amount(euros: $0 + 200) }, skills: "", drivingLicence: false,
            otherLicences: "", certificates: "", experience: "", newlyCreated: true, hardToFill: false, hardToFillReasons: [], hardToFillOther: "",
            housingOffered: false, notes: "Remarque interne \(marker)")
        return try await inOffersCentre(centre) { connection in
            try await JobNeedRepository.insert(details, businessID: business, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// Need `need` published as an offer; returns the offer.
    @discardableResult
    func publishedOffer(
        centre: Int64, need: Int64, actor: Int64, title: String = "Boulanger ou boulangère (H/F)", body: String = "Pétrir, façonner, cuire : le pain du village.",
        named: Bool = true, validThrough: Day = Day(Date()).adding(days: 30)
    ) async throws -> Int64 {
        let details = OfferDetails(
            title: title, body: body, businessNamed: named, placeName: "Cahors", contractKind: .cdi, startsOn: Day(Date()).adding(days: 20), endsOn: nil,
            validThrough: validThrough)
        return try await inOffersCentre(centre) { connection in
            try await PublishedOfferRepository.publish(needID: need, details, tenantID: centre, actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }
}
