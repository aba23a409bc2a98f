import HummingbirdTesting
import Testing

@testable import Renfort

/// An employer sees only their business; a centre only its own data; an observer no
/// candidate and no business file; a non-admin no admin page. Each as a 404.
@Suite struct IsolationTests {
    func businessIDs(_ database: TestDatabase) async throws -> (cahors: [String: Int64], figeac: [String: Int64]) {
        try await database.asOwner { client in
            var result: [String: [String: Int64]] = [:]
            for slug in ["cahors", "figeac"] {
                let centre = try await client.withConnection { connection in
                    try await connection.value("SELECT id FROM centres WHERE slug = \(slug)", as: Int64.self, logger: TestEnvironment.logger)!
                }
                let rows = try await Database(client: client).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    try await connection.all("SELECT name, id FROM businesses", as: (String.self, Int64.self), logger: TestEnvironment.logger)
                }
                result[slug] = Dictionary(uniqueKeysWithValues: rows)
            }
            return (result["cahors"]!, result["figeac"]!)
        }
    }

    @Test func anEmployerSeesOnlyTheirOwnBusiness() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let ids = try await businessIDs(database)
            try await browser.signIn("employeur1@cahors.renfort.test", password: DemoData.password)
            let own = try await browser.get("/c/cahors/entreprises/\(ids.cahors["Auberge du Causse"]!)")
            #expect(own.status == .ok)
            #expect(own.text.contains("Auberge du Causse"))
            let other = try await browser.get("/c/cahors/entreprises/\(ids.cahors["Transports Cadurciens"]!)")
            #expect(other.status == .notFound)
            #expect(!other.text.contains("Transports Cadurciens"))
            #expect(try await browser.get("/c/cahors/entreprises").status == .notFound)
            #expect(try await browser.get("/c/figeac").status == .notFound)
            #expect(try await browser.get("/c/figeac/entreprises/\(ids.figeac["Scierie du Ségala"]!)").status == .notFound)
            #expect(try await browser.get("/admin").status == .notFound)
            #expect(try await browser.get("/observateur").status == .notFound)
        }
    }

    @Test func anotherCentresAdviserGetsNotFoundEverywhere() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let ids = try await businessIDs(database)
            try await browser.signIn("conseiller1@figeac.renfort.test", password: DemoData.password)
            #expect(try await browser.get("/c/figeac/entreprises").text.contains("Scierie du Ségala"))
            #expect(try await browser.get("/c/cahors").status == .notFound)
            #expect(try await browser.get("/c/cahors/entreprises").status == .notFound)
            for id in ids.cahors.values {
                #expect(try await browser.get("/c/cahors/entreprises/\(id)").status == .notFound)
                // Through their own centre's address, another centre's id still finds nothing (row-level security).
                #expect(try await browser.get("/c/figeac/entreprises/\(id)").status == .notFound)
            }
            let list = try await browser.get("/c/figeac/entreprises")
            #expect(!list.text.contains("Auberge du Causse"))
        }
    }

    @Test func aCahorsAdviserCannotReachFigeacBusinessesThroughCahors() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let ids = try await businessIDs(database)
            try await browser.signIn("conseiller1@cahors.renfort.test", password: DemoData.password)
            #expect(try await browser.get("/c/cahors/entreprises/\(ids.cahors["Auberge du Causse"]!)").status == .ok)
            for id in ids.figeac.values {
                #expect(try await browser.get("/c/cahors/entreprises/\(id)").status == .notFound)
            }
            let list = try await browser.get("/c/cahors/entreprises")
            #expect(list.text.contains("8 entreprises"))
            #expect(!list.text.contains("Boulangerie Champollion"))
        }
    }

    @Test func anObserverSeesNoBusinessFileAndNoAdminPage() async throws {
        try await TestApp.run(demo: true) { browser, database in
            let ids = try await businessIDs(database)
            try await browser.signIn("observateur@dreets.renfort.test", password: DemoData.password)
            #expect(try await browser.get("/c/cahors/entreprises").status == .notFound)
            #expect(try await browser.get("/c/cahors/entreprises/\(ids.cahors["Auberge du Causse"]!)").status == .notFound)
            #expect(try await browser.get("/admin").status == .notFound)
            #expect(try await browser.get("/admin/envois").status == .notFound)
            #expect(try await browser.get("/c/inconnu").status == .notFound)
        }
    }
}
