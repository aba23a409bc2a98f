import HummingbirdTesting
import Testing

@testable import Renfort

/// An employer sees only their business; a centre only its own data; an observer no
/// candidate and no business file; a non-admin no admin page. Each as a 404.
@Suite struct IsolationTests {
    /// Two centres, each with its adviser and two businesses; an employer of Cahors's inn;
    /// an observer of both. Returns each centre's businesses by name.
    func twoCentres(_ database: TestDatabase) async throws -> (cahors: [String: Int64], figeac: [String: Int64]) {
        let make = Factory(database: database)
        let (cahors, _) = try await make.centre("cahors")
        let (figeac, _) = try await make.centre("figeac")
        let inn = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
        let transport = try await make.business(centre: cahors, name: "Transports Cadurciens", siret: "55210055400013")
        let sawmill = try await make.business(centre: figeac, name: "Scierie du Ségala", siret: "73282932000074")
        let bakery = try await make.business(centre: figeac, name: "Boulangerie Champollion", siret: "55210055400013")
        try await make.employer("patron@auberge.test", centre: cahors, business: inn)
        try await make.observer("observatrice@dreets.test", centres: [cahors, figeac])
        return (["Auberge du Causse": inn, "Transports Cadurciens": transport], ["Scierie du Ségala": sawmill, "Boulangerie Champollion": bakery])
    }

    @Test func anEmployerSeesOnlyTheirOwnBusiness() async throws {
        try await TestApp.run { browser, database in
            let ids = try await twoCentres(database)
            try await browser.signIn("patron@auberge.test")
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
        try await TestApp.run { browser, database in
            let ids = try await twoCentres(database)
            try await browser.signIn("conseil@figeac.test")
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
        try await TestApp.run { browser, database in
            let ids = try await twoCentres(database)
            try await browser.signIn("conseil@cahors.test")
            #expect(try await browser.get("/c/cahors/entreprises/\(ids.cahors["Auberge du Causse"]!)").status == .ok)
            for id in ids.figeac.values {
                #expect(try await browser.get("/c/cahors/entreprises/\(id)").status == .notFound)
            }
            let list = try await browser.get("/c/cahors/entreprises")
            #expect(list.text.contains("2 entreprises"))
            #expect(!list.text.contains("Boulangerie Champollion"))
        }
    }

    @Test func anObserverSeesNoBusinessFileAndNoAdminPage() async throws {
        try await TestApp.run { browser, database in
            let ids = try await twoCentres(database)
            try await browser.signIn("observatrice@dreets.test")
            #expect(try await browser.get("/c/cahors/entreprises").status == .notFound)
            #expect(try await browser.get("/c/cahors/entreprises/\(ids.cahors["Auberge du Causse"]!)").status == .notFound)
            #expect(try await browser.get("/admin").status == .notFound)
            #expect(try await browser.get("/admin/envois").status == .notFound)
            #expect(try await browser.get("/c/inconnu").status == .notFound)
        }
    }
}
