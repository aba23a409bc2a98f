import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct BusinessTests {
    static func businessFields(siret: String, name: String = "Garage du Lot") -> [(String, String)] {
        [("siret", siret), ("name", name), ("naf_code", "45.20A"), ("headcount_band", "1-9"), ("commune_insee", "46042"),
         ("commune_name", "Cahors"), ("address", "3 rue du Château du Roi"), ("contact_name", "Paul Delpech"),
         ("phone", "05 65 11 22 33"), ("email", "contact@garage-du-lot.test"), ("member_since", "2026-11-02")]
    }

    @Test func anAdviserCreatesAndEditsABusiness() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            let lookup = DemoLookup(database: database)
            try await browser.signIn("conseil@cahors.test")
            let form = try await browser.get("/c/cahors/entreprises/nouvelle")
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let bad = try await browser.post("/c/cahors/entreprises", Self.businessFields(siret: "73282932000075") + [("_form", token)])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("SIRET n&#39;est pas valide"))
            #expect(bad.text.contains("value=\"Garage du Lot\""))
            let created = try await browser.post("/c/cahors/entreprises", Self.businessFields(siret: "732 829 320 00074") + [("_form", token)])
            #expect(created.status == .seeOther)
            let again = try await browser.post("/c/cahors/entreprises", Self.businessFields(siret: "73282932000074") + [("_form", token)])
            #expect(again.location == created.location)
            let path = try #require(created.location)
            let page = try await browser.get(path)
            #expect(page.text.contains("Garage du Lot"))
            #expect(page.text.contains("73282932000074"))
            #expect(page.text.contains("Entreprise enregistrée"))
            // The same SIRET twice in a centre is refused; La Poste's exception is accepted.
            let token2 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/entreprises/nouvelle").text))
            let duplicate = try await browser.post("/c/cahors/entreprises", Self.businessFields(siret: "73282932000074", name: "Doublon") + [("_form", token2)])
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.text.contains("a déjà ce numéro SIRET"))
            let laPoste = try await browser.post("/c/cahors/entreprises", Self.businessFields(siret: "35600000000056", name: "La Poste Cahors") + [("_form", token2)])
            #expect(laPoste.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM businesses WHERE siret = '73282932000074'") == 1)

            var fields = Self.businessFields(siret: "73282932000074", name: "Garage du Lot et fils")
            fields.removeAll { $0.0 == "naf_code" }
            fields.append(("naf_code", "4520A"))
            let invalid = try await browser.post(path + "/modifier", fields)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("Code NAF/APE"))
            fields.removeLast()
            fields.append(("naf_code", "45.20a"))
            #expect(try await browser.post(path + "/modifier", fields).status == .seeOther)
            let edited = try await browser.get(path)
            #expect(edited.text.contains("Garage du Lot et fils"))
            #expect(edited.text.contains("45.20A"))
            #expect(edited.text.contains("Fiche modifiée"))
        }
    }

    @Test func anInvitedEmployerSetsTheirPasswordAndSeesTheirBusinessUntilRevoked() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let lookup = DemoLookup(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.centre("figeac")
            let conserverie = try await make.business(centre: cahors, name: "Conserverie du Quercy Blanc", siret: "73282932000074")
            let camping = try await make.business(centre: cahors, name: "Camping Les Berges du Lot", siret: "55210055400013")
            try await make.employer("thierry@conserverie.test", centre: cahors, business: conserverie)
            try await browser.signIn("conseil@cahors.test")
            let page = try await browser.get("/c/cahors/entreprises/\(conserverie)")
            #expect(page.text.contains("thierry@conserverie.test"))
            let token = try #require(JobNeedWorkflowTests.formToken(page.text))
            let invalid = try await browser.post("/c/cahors/entreprises/\(conserverie)/invitations", [("invite_name", "Léa"), ("invite_email", "pas-une-adresse"), ("_form", token)])
            #expect(invalid.status == .unprocessableContent)
            let invited = try await browser.post("/c/cahors/entreprises/\(conserverie)/invitations", [("invite_name", "Léa Cayla"), ("invite_email", "lea@conserverie.test"), ("_form", token)])
            #expect(invited.location == "/c/cahors/entreprises/\(conserverie)")
            let body = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.value("SELECT body FROM outbox_messages WHERE recipient = 'lea@conserverie.test' AND kind = 'password-invitation'", as: String.self, logger: TestEnvironment.logger)
                }
            }
            let text = try #require(body)
            #expect(text.contains("Conserverie du Quercy Blanc"))
            let link = String(text[try #require(text.range(of: #"/mot-de-passe/[A-Za-z0-9_-]+"#, options: .regularExpression))])
            #expect(try await browser.get("/c/cahors/entreprises/\(conserverie)").text.contains("invitation envoyée"))

            let lea = browser.fresh()
            #expect(try await lea.get(link).status == .ok)
            #expect(try await lea.post(link, [("password", "conserves de canard du quercy"), ("confirmation", "conserves de canard du quercy")]).status == .seeOther)
            let signedIn = try await lea.signIn("lea@conserverie.test", password: "conserves de canard du quercy")
            #expect(signedIn.location == "/c/cahors")
            #expect(try await lea.get("/c/cahors").text.contains("Conserverie du Quercy Blanc"))
            // The link served once.
            #expect(try await browser.fresh().get(link).status == .notFound)

            // An existing account gains the access at once; a second role in the centre is refused.
            let token2 = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/cahors/entreprises/\(camping)").text))
            let twice = try await browser.post("/c/cahors/entreprises/\(camping)/invitations", [("invite_name", "Léa"), ("invite_email", "LEA@conserverie.test"), ("_form", token2)])
            #expect(twice.status == .unprocessableContent)
            #expect(twice.text.contains("déjà un rôle dans ce centre"))
            // Figeac's adviser has an account already.
            let granted = try await browser.post("/c/cahors/entreprises/\(camping)/invitations", [("invite_name", "Hélène Cabrol"), ("invite_email", "conseil@figeac.test"), ("_form", token2)])
            #expect(granted.location == "/c/cahors/entreprises/\(camping)")

            // Revoking: Léa's next request no longer sees the business.
            let membership = try await lookup.ids("cahors", "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'lea@conserverie.test'").first!
            let revoked = try await browser.post("/c/cahors/entreprises/\(conserverie)/acces/\(membership)/retirer")
            #expect(revoked.status == .seeOther)
            #expect(try await lea.get("/c/cahors").status == .notFound)
            #expect(try await browser.get("/c/cahors/entreprises/\(conserverie)").text.contains("Accès retiré à lea@conserverie.test"))
            // Another business's access cannot be removed through this one.
            let thierry = try await lookup.ids("cahors", "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'thierry@conserverie.test'").first!
            #expect(try await browser.post("/c/cahors/entreprises/\(camping)/acces/\(thierry)/retirer").status == .notFound)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM memberships WHERE id = \(thierry)") == 1)
        }
    }
}
