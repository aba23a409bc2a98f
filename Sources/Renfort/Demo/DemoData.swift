import Foundation
import Logging
import PostgresNIO

/// The demo: the Cahors centre of the seeds (eight member businesses, fictional people)
/// and a small Figeac centre, so that isolation between centres shows.
public enum DemoData {
    public static let password = "demo-renfort-2026"

    /// Every demo sign-in and what it is, as `make run` prints them.
    public static let signIns: [(email: String, what: String)] = [
        ("admin@renfort.test", "administrateur de la plateforme"),
        ("conseiller1@cahors.renfort.test", "conseillère RH, centre de Cahors"),
        ("conseiller2@cahors.renfort.test", "conseiller RH, centre de Cahors"),
    ] + businesses.enumerated().map { ("employeur\($0.offset + 1)@cahors.renfort.test", "employeur, \($0.element.name)") } + [
        ("conseiller1@figeac.renfort.test", "conseiller RH, centre de Figeac"),
        ("observateur@dreets.renfort.test", "observatrice DREETS, centres de Cahors et de Figeac"),
    ]

    struct DemoBusiness {
        let siretPrefix: String
        let name: String
        let naf: String
        let headcount: String
        let insee: String
        let commune: String
        let employer: String
    }

    static let businesses: [DemoBusiness] = [
        .init(siretPrefix: "9001000010001", name: "Auberge du Causse", naf: "56.10A", headcount: "10-49", insee: "46042", commune: "Cahors", employer: "Sylvie Delmas"),
        .init(siretPrefix: "9001000020001", name: "Domaine des Trois Coteaux", naf: "01.21Z", headcount: "1-9", insee: "46182", commune: "Luzech", employer: "Bernard Vayssières"),
        .init(siretPrefix: "9001000030001", name: "Menuiserie Lacoste et Fils", naf: "43.32A", headcount: "10-49", insee: "46224", commune: "Pradines", employer: "Julien Lacoste"),
        .init(siretPrefix: "9001000040001", name: "Les Jardins de Lalbenque", naf: "01.13Z", headcount: "1-9", insee: "46156", commune: "Lalbenque", employer: "Claire Fabre"),
        .init(siretPrefix: "9001000050001", name: "Quercy Services à Domicile", naf: "88.10A", headcount: "10-49", insee: "46042", commune: "Cahors", employer: "Nadia Bensaïd"),
        .init(siretPrefix: "9001000060001", name: "Conserverie du Quercy Blanc", naf: "10.39B", headcount: "10-49", insee: "46063", commune: "Castelnau-Montratier", employer: "Thierry Cayla"),
        .init(siretPrefix: "9001000070001", name: "Camping Les Berges du Lot", naf: "55.30Z", headcount: "1-9", insee: "46225", commune: "Prayssac", employer: "Émilie Rouquié"),
        .init(siretPrefix: "9001000080001", name: "Transports Cadurciens", naf: "49.41A", headcount: "10-49", insee: "46042", commune: "Cahors", employer: "Marc Lafon"),
    ]

    static let figeacBusinesses: [DemoBusiness] = [
        .init(siretPrefix: "9002000010001", name: "Scierie du Ségala", naf: "16.10A", headcount: "10-49", insee: "46102", commune: "Figeac", employer: ""),
        .init(siretPrefix: "9002000020001", name: "Boulangerie Champollion", naf: "10.71C", headcount: "1-9", insee: "46102", commune: "Figeac", employer: ""),
    ]

    /// True when the database holds no centre yet.
    public static func isEmpty(client: PostgresClient, logger: Logger) async throws -> Bool {
        try await Database(client: client).withTransaction(logger: logger) { connection in
            try await connection.value("SELECT count(*) FROM centres", as: Int.self, logger: logger) == 0
        }
    }

    /// Loads the demo in one transaction per centre. `bcryptCost` lowers the hashing cost for tests.
    public static func load(client: PostgresClient, bcryptCost: UInt8 = 12, logger: Logger) async throws {
        // A command, not a request: it may wait for a busy database longer than a page would.
        let database = Database(client: client, connectionWait: .seconds(60))
        let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
        _ = try await database.withTransaction(logger: logger) { connection in
            try await AccountRepository.findOrCreateUser(
                email: "admin@renfort.test", displayName: "Administratrice Renfort", passwordHash: hash, isAdmin: true,
                on: connection, logger: logger)
        }
        let cahors = try await createCentre(
            slug: "cahors", name: "Centre RH mutualisé du Grand Cahors", territory: "Grand Cahors et vallée du Lot",
            database: database, logger: logger)
        let figeac = try await createCentre(
            slug: "figeac", name: "Centre RH mutualisé du Pays de Figeac", territory: "Pays de Figeac",
            database: database, logger: logger)
        // How each centre is reached, as its information notice to candidates says it (fictional).
        try await database.withTransaction(logger: logger) { connection in
            try await PrivacyRepository.saveContact(
                centreID: cahors, postalAddress: "Maison de l'emploi, 12 rue Wilson, 46000 Cahors", email: "donnees@cahors.renfort.test",
                phone: "05 65 20 40 60", on: connection, logger: logger)
            try await PrivacyRepository.saveContact(
                centreID: figeac, postalAddress: "Espace entreprises, 3 place Vival, 46100 Figeac", email: "donnees@figeac.renfort.test",
                phone: "05 65 34 10 20", on: connection, logger: logger)
        }
        try await database.withTransaction(tenant: cahors, logger: logger) { connection in
            var advisers: [Int64] = []
            for (email, name) in [("conseiller1@cahors.renfort.test", "Camille Bouscarel"), ("conseiller2@cahors.renfort.test", "Antoine Marty")] {
                let user = try await AccountRepository.findOrCreateUser(email: email, displayName: name, passwordHash: hash, on: connection, logger: logger)
                try await AccountRepository.addMembership(userID: user.id, tenantID: cahors, role: .adviser, on: connection, logger: logger)
                advisers.append(user.id)
            }
            var businessIDs: [Int64] = []
            var employers: [Int64] = []
            for (index, business) in businesses.enumerated() {
                let id = try await insert(business, tenant: cahors, on: connection, logger: logger)
                let user = try await AccountRepository.findOrCreateUser(
                    email: "employeur\(index + 1)@cahors.renfort.test", displayName: business.employer, passwordHash: hash,
                    on: connection, logger: logger)
                try await AccountRepository.addMembership(userID: user.id, tenantID: cahors, role: .employer, businessID: id, on: connection, logger: logger)
                businessIDs.append(id)
                employers.append(user.id)
            }
            let now = Date()
            try await DemoNeeds.load(
                cahors: cahors, businessIDs: businessIDs, employerIDs: employers, adviserIDs: advisers, now: now,
                on: connection, logger: logger)
            try await DemoPipeline.load(cahors: cahors, businessIDs: businessIDs, adviserIDs: advisers, now: now, on: connection, logger: logger)
            try await DemoNotifications.load(cahors: cahors, now: now, on: connection, logger: logger)
            try await DemoPortal.load(cahors: cahors, adviserIDs: advisers, now: now, on: connection, logger: logger)
            try await DemoOffers.load(cahors: cahors, adviser: advisers[0], now: now, on: connection, logger: logger)
            try await DemoMessages.load(cahors: cahors, adviserIDs: advisers, now: now, on: connection, logger: logger)
        }
        try await database.withTransaction(tenant: figeac, logger: logger) { connection in
            let user = try await AccountRepository.findOrCreateUser(
                email: "conseiller1@figeac.renfort.test", displayName: "Hélène Cabrol", passwordHash: hash, on: connection, logger: logger)
            try await AccountRepository.addMembership(userID: user.id, tenantID: figeac, role: .adviser, on: connection, logger: logger)
            var businessIDs: [Int64] = []
            for business in figeacBusinesses {
                businessIDs.append(try await insert(business, tenant: figeac, on: connection, logger: logger))
            }
            try await DemoPipeline.loadFigeac(figeac: figeac, businessIDs: businessIDs, adviser: user.id, now: Date(), on: connection, logger: logger)
        }
        let observer = try await database.withTransaction(logger: logger) { connection in
            try await AccountRepository.findOrCreateUser(
                email: "observateur@dreets.renfort.test", displayName: "Sophie Garrigues (DREETS Occitanie)", passwordHash: hash,
                on: connection, logger: logger)
        }
        for centre in [cahors, figeac] {
            try await database.withTransaction(tenant: centre, logger: logger) { connection in
                try await AccountRepository.addMembership(userID: observer.id, tenantID: centre, role: .observer, on: connection, logger: logger)
            }
        }
    }

    private static func createCentre(slug: String, name: String, territory: String, database: Database, logger: Logger) async throws -> Int64 {
        try await database.withTransaction(logger: logger) { connection in
            try await AdminRepository.createCentre(slug: slug, name: name, territory: territory, on: connection, logger: logger)
        }
    }

    private static func insert(_ business: DemoBusiness, tenant: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let draft = BusinessDetails(
            siret: Siret.completing(business.siretPrefix), name: business.name, nafCode: business.naf,
            headcountBand: business.headcount, communeInsee: business.insee, communeName: business.commune, address: nil,
            contactName: business.employer.isEmpty ? nil : business.employer, phone: nil, email: nil,
            memberSince: Day(iso: "2026-03-02"), notes: nil)
        return try await BusinessRepository.insert(draft, status: .member, tenantID: tenant, actorID: nil, now: Date(), on: connection, logger: logger)
    }
}
