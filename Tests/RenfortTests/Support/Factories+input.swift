import Foundation

@testable import Renfort

extension MinimumWages {
    /// The project's own SMIC table (`schema/data/smic.csv`), as the server reads it at start.
    static var repository: MinimumWages {
        // A malformed table fails the run at once, with what is wrong in it.
        do { return try MinimumWages.load(directory: TestEnvironment.repositoryRoot + "/schema/data") } catch { fatalError("\(error)") }
    }
}

/// What the bad-input fuzz needs: one of each record a route can name, and a person of each role.
struct FuzzWorld: Sendable {
    let centre: Int64
    let business: Int64
    let pending: Int64
    let need: Int64
    let candidate: Int64
    let application: Int64
    let interview: Int64
    let offer: Int64
    let placement: Int64
    let checkIn: Int64
    let victim: Int64

    static let adviser = "conseil@fuzz.test"
    static let employer = "employeur@fuzz.test"
    static let observer = "observateur@fuzz.test"
    static let admin = "admin@fuzz.test"

    /// A centre `fuzz` with its adviser, an employer of its business, an observer, a platform
    /// admin, a join request, a need, a candidate at the offer (an interview and a pending offer),
    /// and a hire with its check-ins.
    static func make(_ database: TestDatabase) async throws -> FuzzWorld {
        let factory = Factory(database: database)
        let (centre, adviser) = try await factory.centre("fuzz")
        let business = try await factory.business(centre: centre, name: "Auberge du fuzz")
        _ = try await factory.person(employer, role: .employer, centre: centre, business: business)
        _ = try await factory.person(observer, role: .observer, centre: centre)
        let victim = try await factory.person("victime@fuzz.test", role: .employer, centre: centre, business: business)
        let need = try await factory.need(centre: centre, business: business)
        let candidate = try await factory.candidate(centre: centre)
        let hired = try await factory.candidate(centre: centre, firstName: "Dominique", lastName: "Bernard", email: "dominique@example.org")
        let placement = try await factory.placement(centre: centre, need: need, candidate: hired, actor: adviser, start: Day(Date()).adding(days: -10))
        let application = try await factory.application(centre: centre, need: need, candidate: candidate, stage: .interview, actor: adviser)
        let hash = try await PasswordHasher(cost: 4).hash(Factory.password)
        return try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                let logger = TestEnvironment.logger
                _ = try await AccountRepository.findOrCreateUser(
                    email: admin, displayName: "Admin fuzz", passwordHash: hash, isAdmin: true, on: connection, logger: logger)
                let details = BusinessDetails(
                    siret: Siret.completing("9009000010001"), name: "Boulangerie en attente", nafCode: "10.71C", headcountBand: "1-9", communeInsee: "46042",
                    communeName: "Cahors", address: nil, contactName: "Claude", phone: nil, email: "claude@example.org",
                    memberSince: nil, notes: nil)
                let pending = try await BusinessRepository.insert(details, status: .pending, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: logger)
                _ = try await PipelineSteps.scheduleInterview(
                    applicationID: application, startsAt: Date().addingTimeInterval(86_400), duration: 30, mode: .inPerson, place: "Cahors",
                    attendees: "", tenantID: centre, actorID: adviser, now: Date(), on: connection, logger: logger)
                _ = try await PipelineSteps.makeOffer(
                    applicationID: application, contract: .cdi, start: Day(Date()).adding(days: 30), end: nil, hours: 35, pay: Amount(euros: 2000),
                    tenantID: centre, actorID: adviser, now: Date(), on: connection, logger: logger)
                let interview = try await connection.value("SELECT id FROM interviews WHERE application_id = \(application)", as: Int64.self, logger: logger)
                let offer = try await connection.value("SELECT id FROM offers WHERE application_id = \(application)", as: Int64.self, logger: logger)
                let checkIn = try await connection.value(
                    "SELECT id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on LIMIT 1", as: Int64.self, logger: logger)
                guard let interview, let offer, let checkIn else { throw FactoryError.notCreated }
                return FuzzWorld(
                    centre: centre, business: business, pending: pending, need: need, candidate: candidate, application: application,
                    interview: interview, offer: offer, placement: placement, checkIn: checkIn, victim: victim)
            }
        }
    }
}
