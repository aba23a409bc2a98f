import Foundation
import Logging
import PostgresNIO

@testable import Renfort

/// Builds the small data a test needs through the domain's own repositories, with defaults
/// for everything the test does not care about. Each call writes in its own transaction as the
/// owner, inside the centre it names (row-level security applies as it does to the server).
struct Factory: Sendable {
    let database: TestDatabase
    /// The password of every person a factory creates.
    static let password = "mot-de-passe-des-tests"
    static let hash = OnceHash()

    private var logger: Logger { TestEnvironment.logger }

    func inCentre<Result: Sendable>(_ centre: Int64?, _ body: @Sendable @escaping (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { try await body($0) }
            }
        } catch let error as PSQLError {
            // What the database said, not PostgresNIO's generic description.
            throw FactoryError.refused(error.serverInfo?[.message] ?? String(reflecting: error))
        }
    }

    /// A centre and its first adviser (`conseil@<slug>.test`).
    @discardableResult
    func centre(_ slug: String = "test") async throws -> (id: Int64, adviser: Int64) {
        let hash = try await Self.hash.value()
        return try await inCentre(nil) { connection in
            let id = try await AdminRepository.createCentre(slug: slug, name: "Centre \(slug)", territory: "Territoire \(slug)", on: connection, logger: logger)
            let adviser = try await AccountRepository.findOrCreateUser(
                email: "conseil@\(slug).test", displayName: "Conseil \(slug)", passwordHash: hash, on: connection, logger: logger)
            try await AccountRepository.addMembership(userID: adviser.id, tenantID: id, role: .adviser, on: connection, logger: logger)
            return (id, adviser.id)
        }
    }

    /// A person with a role in a centre (an employer of `business`, an observer…).
    @discardableResult
    func person(_ email: String, role: Role, centre: Int64, business: Int64? = nil) async throws -> Int64 {
        let hash = try await Self.hash.value()
        return try await inCentre(centre) { connection in
            let user = try await AccountRepository.findOrCreateUser(email: email, displayName: email, passwordHash: hash, on: connection, logger: logger)
            try await AccountRepository.addMembership(userID: user.id, tenantID: centre, role: role, businessID: business, on: connection, logger: logger)
            return user.id
        }
    }

    /// A member business (or one asking to join, when `status` is `.pending`).
    @discardableResult
    func business(centre: Int64, name: String = "Entreprise test", siret: String = "73282932000074", status: BusinessStatus = .member) async throws -> Int64 {
        let details = BusinessDetails(
            siret: siret, name: name, nafCode: "56.10A", headcountBand: "1-9", communeInsee: "46042", communeName: "Cahors", address: nil,
            contactName: nil, phone: nil, email: nil, memberSince: status == .member ? Day(year: 2024, month: 1, day: 15) : nil, notes: nil)
        return try await inCentre(centre) { connection in
            try await BusinessRepository.insert(details, status: status, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: logger)
        }
    }

    /// A submitted need of `business` (a seasonal one has its season from `start` to `end`).
    @discardableResult
    func need(
        centre: Int64, business: Int64, title: String = "Cuisinier", contract: ContractKind = .cdi, positions: Int = 1,
        start: Day = Day(year: 2026, month: 12, day: 1), end: Day? = nil
    ) async throws -> Int64 {
        let details = JobNeedDetails(
            title: title, romeCode: nil, description: "Un poste", contractKind: contract, fullTime: true, hoursPerWeek: 35, positions: positions,
            wishedStart: start, endDate: end, seasonStart: contract == .seasonalCDD ? start : nil, seasonEnd: contract == .seasonalCDD ? end : nil,
            seasonRecurring: false, placeInsee: "46042", placeName: "Cahors",
            payMin: nil, payMax: nil, skills: "", drivingLicence: false, otherLicences: "", certificates: "", experience: "", newlyCreated: true,
            hardToFill: false, hardToFillReasons: [], hardToFillOther: "", housingOffered: false, notes: "")
        return try await inCentre(centre) { connection in
            try await JobNeedRepository.insert(details, businessID: business, tenantID: centre, actorID: nil, now: Date(), on: connection, logger: logger)
        }
    }

    /// A candidate of the pool.
    @discardableResult
    func candidate(centre: Int64, firstName: String = "Camille", lastName: String = "Martin", email: String? = "camille@example.org") async throws -> Int64 {
        let details = CandidateDetails(
            firstName: firstName, lastName: lastName, email: email, phone: nil, communeInsee: "46042", communeName: "Cahors", birthDate: nil,
            drivingLicence: true, ownVehicle: true, travelKm: 30, skills: "cuisine", experience: "", availableFrom: nil, seasonalWindows: "",
            wishedContracts: [.cdi], source: .franceTravail, notes: "", consentAt: nil, consentScope: "",
            purgeAfter: Day(Date()).adding(days: 80))
        return try await inCentre(centre) { connection in
            try await CandidateRepository.insert(details, tenantID: centre, actorID: nil, informing: nil, now: Date(), on: connection, logger: logger)
        }
    }

    /// An application of `candidate` on `need`, moved to `stage` along the transitions.
    @discardableResult
    func application(centre: Int64, need: Int64, candidate: Int64, stage: ApplicationStage = .sourced, actor: Int64) async throws -> Int64 {
        try await inCentre(centre) { connection in
            let now = Date()
            guard let id = try await ApplicationRepository.create(
                needID: need, candidateID: candidate, tenantID: centre, actorID: actor, now: now, on: connection, logger: logger)
            else { throw FactoryError.notCreated }
            let path: [ApplicationStage] = [.sourced, .screening, .presented, .interview, .offer]
            guard let target = path.firstIndex(of: stage) else { throw FactoryError.unreachable(stage) }
            for next in path.dropFirst().prefix(target) {
                _ = try await ApplicationRepository.move(id: id, to: next, comment: "", tenantID: centre, actorID: actor, now: now, on: connection, logger: logger)
            }
            return id
        }
    }

    /// A hire: an application taken to the offer, then hired through the pipeline's own step.
    @discardableResult
    func placement(
        centre: Int64, need: Int64, candidate: Int64, actor: Int64, contract: ContractKind = .cdi, start: Day = Day(year: 2026, month: 12, day: 1),
        end: Day? = nil
    ) async throws -> Int64 {
        let application = try await application(centre: centre, need: need, candidate: candidate, stage: .offer, actor: actor)
        return try await inCentre(centre) { connection in
            let outcome = try await PipelineSteps.hire(
                applicationID: application, contract: contract, start: start, end: end, hours: 35, tenantID: centre, actorID: actor, now: Date(),
                on: connection, logger: logger)
            guard case .hired(let placement) = outcome else { throw FactoryError.notCreated }
            return placement
        }
    }

    /// A shared post with its own need, as the adviser's form creates it: `members` are
    /// (business, first month, last month, hours a week) in the year's turn.
    func sharedPost(
        centre: Int64, actor: Int64, employer: Int64, title: String = "Agent polyvalent à l'année",
        members: [(businessID: Int64, firstMonth: Int, lastMonth: Int, hours: Double)], start: Day = Day(Date())
    ) async throws -> (post: Int64, need: Int64) {
        let draft = SharedPostDraft(title: title, employerID: employer, romeCode: nil, notes: "", members: members)
        return try await inCentre(centre) { connection in
            let post = try await SharedPostRepository.create(draft, start: start, tenantID: centre, actorID: actor, now: Date(), on: connection, logger: logger)
            guard let need = try await connection.value("SELECT need_id FROM shared_posts WHERE id = \(post)", as: Int64.self, logger: logger)
            else { throw FactoryError.notCreated }
            return (post, need)
        }
    }
}

enum FactoryError: Error {
    case notCreated
    case refused(String)
    case unreachable(ApplicationStage)
}

/// The factories' password hashed once per test run (bcrypt is slow by design).
actor OnceHash {
    private var hash: String?

    func value() async throws -> String {
        if let hash { return hash }
        let made = try await PasswordHasher(cost: 4).hash(Factory.password)
        hash = made
        return made
    }
}
