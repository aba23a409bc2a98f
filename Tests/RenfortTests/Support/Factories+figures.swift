import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// What the tests of "figures the State can sign" build and read: an employment ended, a need
/// edited after its hire, a placement removed, and a centre's figures for a period and a day.
extension Factory {
    private func inFiguresCentre<Result: Sendable>(_ centre: Int64, _ body: @Sendable @escaping (PostgresConnection) async throws -> Result) async throws -> Result {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { try await body($0) }
        }
    }

    /// The end of an employment, as the follow-ups record it.
    func endEmployment(centre: Int64, placement: Int64, on day: Day, reason: EndReason) async throws {
        try await inFiguresCentre(centre) { connection in
            try await FollowUpRepository.end(placement: placement, on: day, reason: reason, on: connection, logger: TestEnvironment.logger)
        }
    }

    /// The need edited through its repository, everything kept but whether the post is newly created.
    func editNeed(centre: Int64, need: Int64, newlyCreated: Bool, actor: Int64) async throws {
        try await inFiguresCentre(centre) { connection in
            guard let record = try await JobNeedRepository.find(id: need, businessID: nil, on: connection, logger: TestEnvironment.logger) else {
                throw FactoryError.notCreated
            }
            let d = record.details
            let edited = JobNeedDetails(
                title: d.title, romeCode: d.romeCode, description: d.description, contractKind: d.contractKind, fullTime: d.fullTime,
                hoursPerWeek: d.hoursPerWeek, positions: d.positions, wishedStart: d.wishedStart, endDate: d.endDate, seasonStart: d.seasonStart,
                seasonEnd: d.seasonEnd, seasonRecurring: d.seasonRecurring, placeInsee: d.placeInsee, placeName: d.placeName, payMin: d.payMin,
                payMax: d.payMax, skills: d.skills, drivingLicence: d.drivingLicence, otherLicences: d.otherLicences, certificates: d.certificates,
                experience: d.experience, newlyCreated: newlyCreated, hardToFill: d.hardToFill, hardToFillReasons: d.hardToFillReasons,
                hardToFillOther: d.hardToFillOther, housingOffered: d.housingOffered, notes: d.notes)
            try await JobNeedRepository.update(id: need, edited, tenantID: centre, actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// A placement deleted with its check-ins (no page removes one: a correction made in the database).
    func removePlacement(centre: Int64, placement: Int64) async throws {
        try await inFiguresCentre(centre) { connection in
            try await connection.execute("DELETE FROM check_ins WHERE placement_id = \(placement)", logger: TestEnvironment.logger)
            try await connection.execute("UPDATE applications SET stage = 'withdrawn' WHERE id = (SELECT application_id FROM placements WHERE id = \(placement))", logger: TestEnvironment.logger)
            try await connection.execute("DELETE FROM placements WHERE id = \(placement)", logger: TestEnvironment.logger)
        }
    }

    /// Any statement in the centre, for the tests that try to write around the rules.
    func execute(centre: Int64, _ sql: String) async throws {
        _ = try await inFiguresCentre(centre) { connection in
            try await connection.execute(PostgresQuery(unsafeSQL: sql), logger: TestEnvironment.logger)
        }
    }

    /// One value read in the centre.
    func value<Value: PostgresDecodable & Sendable>(centre: Int64, _ sql: String, as type: Value.Type) async throws -> Value? {
        try await inFiguresCentre(centre) { connection in
            try await connection.value(PostgresQuery(unsafeSQL: sql), as: Value.self, logger: TestEnvironment.logger)
        }
    }

    /// The centre's figures for a period, as computed on `asOf`.
    func metrics(centre: Int64, from: String, to: String, asOf: String) async throws -> CentreMetrics {
        try await inFiguresCentre(centre) { connection in
            let filter = MetricsFilter(from: Day(iso: from)!, to: Day(iso: to)!)
            let figures = try await CentreFigures.compute(centre: "test", filter: filter, asOf: Day(iso: asOf)!, on: connection, logger: TestEnvironment.logger).figures
            return CentreMetrics(figures, filter: filter)
        }
    }
}

extension Factory {
    /// The time spent in each stage, for a period, in the centre.
    func stageDurations(centre: Int64, from: String, to: String) async throws -> StageDurations.Result {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await StageDurations.compute(filter: MetricsFilter(from: Day(iso: from)!, to: Day(iso: to)!), on: connection, logger: TestEnvironment.logger)
            }
        }
    }
}
