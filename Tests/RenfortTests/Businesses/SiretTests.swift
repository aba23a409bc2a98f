import Testing

@testable import Renfort

@Suite struct SiretTests {
    @Test func luhnAndTheLaPosteException() {
        #expect(Siret.isValid("73282932000074"))
        #expect(!Siret.isValid("73282932000075"))
        #expect(!Siret.isValid("7328293200007"))
        #expect(!Siret.isValid("7328293200007a"))
        #expect(Siret.isValid("35600000000056"))
        #expect(!Siret.isValid("35600000000048"))
        #expect(Siret.isValid(Siret.completing("9001000010001")))
        for business in DemoData.businesses + DemoData.figeacBusinesses {
            #expect(Siret.isValid(Siret.completing(business.siretPrefix)))
        }
    }
}
