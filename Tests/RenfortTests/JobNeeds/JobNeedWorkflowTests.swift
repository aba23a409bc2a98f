import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// The employer submits and follows needs; advisers qualify and steer them.
@Suite struct JobNeedWorkflowTests {
    /// A valid need form, starting a month after `now`.
    static func needFields(title: String = "Plongeur ou plongeuse", now: Date = Date()) -> [(String, String)] {
        let start = Day(now.addingTimeInterval(30 * 86400)).iso
        return [
            ("title", title), ("description", "Plonge et entretien de la cuisine"), ("contract_kind", "cdi"),
            ("full_time", "oui"), ("hours_per_week", "35"), ("positions", "2"), ("wished_start", start),
            ("place_name", "Cahors"), ("newly_created", "creation"), ("hard_to_fill", "oui"),
            ("hard_to_fill_reasons", "hours"), ("hard_to_fill_reasons", "transport"), ("pay_min", "1900"), ("pay_max", "1950"),
        ]
    }

    static func formToken(_ html: String) -> String? {
        guard let range = html.range(of: #"name="_form" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return html[range].components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }

    @Test func anEmployerSubmitsFollowsEditsAndCancelsANeed() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let inn = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
            try await make.business(centre: cahors, name: "Transports Cadurciens", siret: "55210055400013")
            try await make.employer("patron@auberge.test", centre: cahors, business: inn)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("patron@auberge.test")
            let form = try await browser.get("/c/cahors/besoins/nouveau")
            #expect(form.status == .ok)
            #expect(form.text.contains("Auberge du Causse"))
            #expect(!form.text.contains("Transports Cadurciens"))
            let token = try #require(Self.formToken(form.text))
            let created = try await browser.post("/c/cahors/besoins", Self.needFields() + [("_form", token)])
            #expect(created.status == .seeOther)
            let path = try #require(created.location)
            #expect(path.hasPrefix("/c/cahors/besoins/"))

            let mine = try await browser.get("/c/cahors/besoins")
            #expect(mine.text.contains("Mes besoins"))
            #expect(mine.text.contains("Plongeur ou plongeuse"))
            #expect(mine.text.contains("0 / 2"))
            #expect(!mine.text.contains("Transports Cadurciens"))

            let page = try await browser.get(path)
            #expect(page.text.contains("Déposé"))
            #expect(page.text.contains("Besoin déposé"))
            #expect(page.text.contains("Horaires"))
            #expect(page.text.contains("Modifier le besoin"))

            // Edit while submitted.
            var fields = Self.needFields(title: "Plongeur ou plongeuse (soirs)")
            fields.removeAll { $0.0 == "positions" }
            fields.append(("positions", "3"))
            let edited = try await browser.post(path + "/modifier", fields)
            #expect(edited.status == .seeOther)
            let after = try await browser.get(path)
            #expect(after.text.contains("Plongeur ou plongeuse (soirs)"))
            #expect(after.text.contains("Besoin modifié"))
            #expect(after.text.contains("0 pourvu(s) sur 3"))

            // Cancel with a reason.
            let noReason = try await browser.post(path + "/annuler", [("reason", "")])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.text.contains("Motif de l&#39;annulation"))
            let cancelled = try await browser.post(path + "/annuler", [("reason", "Poste pourvu par le bouche-à-oreille")])
            #expect(cancelled.status == .seeOther)
            let final = try await browser.get(path)
            #expect(final.text.contains("Annulé : Poste pourvu par le bouche-à-oreille"))
            #expect(final.text.contains("Statut : Déposé → Annulé"))
            #expect(!final.text.contains("Modifier le besoin"))
            let id = Int64(path.split(separator: "/").last!)!
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_need_events WHERE need_id = \(id)") == 3)
        }
    }

    @Test func aDoubleSubmitCreatesOneNeed() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.employer("patron@domaine.test", centre: cahors, business: try await make.business(centre: cahors))
            let lookup = DemoLookup(database: database)
            try await browser.signIn("patron@domaine.test")
            let before = try await lookup.count("cahors", "SELECT 1 FROM job_needs")
            let token = try #require(Self.formToken(try await browser.get("/c/cahors/besoins/nouveau").text))
            let fields = Self.needFields(title: "Vendangeur") + [("_form", token)]
            let first = try await browser.post("/c/cahors/besoins", fields)
            let second = try await browser.post("/c/cahors/besoins", fields)
            #expect(first.location == second.location)
            // At the same time, with a new form.
            let token2 = try #require(Self.formToken(try await browser.get("/c/cahors/besoins/nouveau").text))
            let fields2 = Self.needFields(title: "Vendangeuse") + [("_form", token2)]
            async let a = browser.post("/c/cahors/besoins", fields2)
            async let b = browser.post("/c/cahors/besoins", fields2)
            let (x, y) = try await (a, b)
            #expect(x.status == .seeOther && y.status == .seeOther)
            #expect(x.location == y.location)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs") == before + 2)
        }
    }

    @Test func afterQualificationTheEmployerAsksForChangesByComment() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let domaine = try await make.business(centre: cahors, name: "Domaine des Trois Coteaux", siret: "73282932000074")
            let transports = try await make.business(centre: cahors, name: "Transports Cadurciens", siret: "55210055400013")
            // Three submitted needs, oldest first.
            try await make.need(centre: cahors, business: transports, title: "Mécanicien ou mécanicienne poids lourd")
            try await make.need(centre: cahors, business: domaine, title: "Cueilleurs et cueilleuses de noix")
            let need = try await make.need(centre: cahors, business: domaine, title: "Tractoriste viticole")
            let adviserID = try await make.adviser("conseil2@cahors.test", centre: cahors)
            try await make.employer("patron@domaine.test", centre: cahors, business: domaine)
            let lookup = DemoLookup(database: database)
            let employer = browser.fresh()
            try await employer.signIn("patron@domaine.test")
            #expect(try await employer.get("/c/cahors/besoins/\(need)").text.contains("Modifier le besoin"))

            // The adviser sees it in the intake queue, oldest first, and qualifies it.
            try await browser.signIn("conseil@cahors.test")
            let home = try await browser.get("/c/cahors")
            #expect(home.text.contains("Besoins à qualifier"))
            let queue = home.text
            let mechanic = try #require(queue.range(of: "Mécanicien ou mécanicienne poids lourd"))
            let harvest = try #require(queue.range(of: "Cueilleurs et cueilleuses de noix"))
            #expect(mechanic.lowerBound < harvest.lowerBound)
            try await browser.get("/c/cahors/besoins/\(need)")
            let illegal = try await browser.post("/c/cahors/besoins/\(need)/statut", [("to", "filled")])
            #expect(illegal.status == .unprocessableContent)
            #expect(illegal.text.contains("Impossible de passer à «\u{00A0}Pourvu\u{00A0}» un besoin au statut «\u{00A0}Déposé\u{00A0}»"))
            let qualified = try await browser.post("/c/cahors/besoins/\(need)/qualifier", [
                ("job", "a1101"), ("hard_to_fill", "oui"), ("hard_to_fill_reasons", "rare_skill"),
                ("adviser_id", String(adviserID)), ("comment", "Vu avec M. Vayssières"),
            ])
            #expect(qualified.status == .seeOther)
            let page = try await browser.get("/c/cahors/besoins/\(need)")
            #expect(page.text.contains("Qualifié"))
            #expect(page.text.contains("A1101"))
            #expect(page.text.contains("conseil2@cahors.test"))
            #expect(page.text.contains("Vu avec M. Vayssières"))
            #expect(!(try await browser.get("/c/cahors").text.contains("Tractoriste viticole")))
            let again = try await browser.post("/c/cahors/besoins/\(need)/qualifier", [("hard_to_fill", "non"), ("adviser_id", String(adviserID))])
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains("Impossible de qualifier"))

            // The employer can no longer edit: the form says so, and a comment reaches the advisers.
            let employerPage = try await employer.get("/c/cahors/besoins/\(need)")
            #expect(!employerPage.text.contains("Modifier le besoin"))
            #expect(employerPage.text.contains("pour demander une modification"))
            let refused = try await employer.post("/c/cahors/besoins/\(need)/modifier", Self.needFields(title: "Autre chose"))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("n&#39;est plus modifiable"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE title = 'Autre chose'") == 0)
            let comment = try await employer.post("/c/cahors/besoins/\(need)/commentaires", [("comment", "Le poste commence plutôt en mars."), ("_form", Tokens.random())])
            #expect(comment.status == .seeOther)
            #expect(try await browser.get("/c/cahors/besoins/\(need)").text.contains("Le poste commence plutôt en mars."))
            // Employers cannot qualify or move.
            #expect(try await employer.post("/c/cahors/besoins/\(need)/statut", [("to", "sourcing")]).status == .notFound)

            // The adviser moves it on.
            let sourcing = try await browser.post("/c/cahors/besoins/\(need)/statut", [("to", "sourcing"), ("comment", "Annonce publiée")])
            #expect(sourcing.status == .seeOther)
            let cancelMove = try await browser.post("/c/cahors/besoins/\(need)/statut", [("to", "cancelled")])
            #expect(cancelMove.status == .unprocessableContent)
            #expect(try await browser.get("/c/cahors/besoins/\(need)").text.contains("Statut : Qualifié → En recherche"))
        }
    }

    @Test func anAdviserSubmitsForABusinessAndFiltersTheList() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let figeac = try await make.centre("figeac").id
            let camping = try await make.business(centre: cahors, name: "Camping Les Berges du Lot", siret: Siret.completing("9001000070001"))
            let conserverie = try await make.business(centre: cahors, name: "Conserverie du Quercy Blanc", siret: Siret.completing("9001000060001"))
            let transports = try await make.business(centre: cahors, name: "Transports Cadurciens", siret: Siret.completing("9001000080001"))
            let domaine = try await make.business(centre: cahors, name: "Domaine des Trois Coteaux", siret: Siret.completing("9001000020001"))
            let bakery = try await make.business(centre: cahors, name: "Boulangerie du Pont Valentré", siret: Siret.completing("9001000090001"), status: .pending)
            let figeacBusiness = try await make.business(centre: figeac, name: "Scierie du Ségala")
            let autumn = (start: Day(iso: "2027-09-01")!, end: Day(iso: "2027-10-31")!)
            try await make.need(centre: cahors, business: camping, title: "Animateur ou animatrice", contract: .cdd, start: autumn.start, end: autumn.end)
            try await make.need(centre: cahors, business: conserverie, title: "Saisonniers de conserverie", contract: .seasonalCDD, start: autumn.start, end: autumn.end)
            try await make.need(centre: cahors, business: conserverie, title: "Conducteur ou conductrice de ligne")
            try await make.qualify(centre: cahors, need: try await make.need(centre: cahors, business: transports, title: "Conducteur ou conductrice poids lourd"), actor: adviser, hardToFill: true)
            try await make.qualify(
                centre: cahors, need: try await make.need(centre: cahors, business: domaine, title: "Vendangeurs", contract: .seasonalCDD, start: autumn.start, end: autumn.end),
                actor: adviser, hardToFill: true)
            try await make.need(centre: cahors, business: bakery, title: "Boulanger ou boulangère")
            try await browser.signIn("conseil@cahors.test")
            let form = try await browser.get("/c/cahors/besoins/nouveau?entreprise=\(camping)")
            #expect(form.text.contains("<option value=\"\(camping)\" selected>"))
            #expect(!form.text.contains("Boulangerie du Pont Valentré"))
            let token = try #require(Self.formToken(form.text))
            // Another centre's business is refused.
            let foreign = try await browser.post("/c/cahors/besoins", Self.needFields(title: "Intrus") + [("business_id", String(figeacBusiness)), ("_form", token)])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.text.contains("Choisissez une entreprise adhérente"))
            let created = try await browser.post("/c/cahors/besoins", Self.needFields(title: "Maître-nageur") + [("business_id", String(camping)), ("_form", token)])
            #expect(created.status == .seeOther)

            let all = try await browser.get("/c/cahors/besoins")
            #expect(all.text.contains("Maître-nageur"))
            // The five needs of member businesses and the new one; not the pending bakery's.
            #expect(all.text.contains("6 besoin(s)"))
            #expect(!all.text.contains("Boulanger ou boulangère"))
            let submitted = try await browser.get("/c/cahors/besoins?statut=submitted")
            #expect(submitted.text.contains("4 besoin(s)"))
            let hard = try await browser.get("/c/cahors/besoins?difficile=1&contrat=cdi")
            #expect(hard.text.contains("Conducteur ou conductrice poids lourd"))
            #expect(!hard.text.contains("Vendangeurs"))
            let seasonal = try await browser.get("/c/cahors/besoins?saisonnier=1")
            #expect(seasonal.text.contains("Vendangeurs"))
            #expect(!seasonal.text.contains("Maître-nageur"))
            let search = try await browser.get("/c/cahors/besoins?q=CONSERVERIE")
            #expect(search.text.contains("Saisonniers de conserverie"))
            #expect(search.text.contains("2 besoin(s)"))
            let byBusiness = try await browser.get("/c/cahors/besoins?entreprise=\(camping)")
            #expect(byBusiness.text.contains("2 besoin(s)"))
            let odd = try await browser.get("/c/cahors/besoins?page=-4&statut=nimportequoi&q=%25_%5C")
            #expect(odd.status == .ok)
            #expect(odd.text.contains("Aucun besoin ne correspond"))
        }
    }

    @Test func theListIsPaginated() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, actor) = try await make.centre("cahors")
            let business = try await make.business(centre: centre)
            try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                    let draft = JobNeedForm.read(FormData(urlEncoded: Self.needFields().map { "\($0.0)=\(Browser.escape($0.1))" }.joined(separator: "&")), today: Day(Date()), isNew: true, minimumWages: .repository).1!
                    for _ in 0..<69 {
                        _ = try await JobNeedRepository.insert(draft, businessID: business, tenantID: centre, actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
                    }
                }
            }
            try await browser.signIn("conseil@cahors.test")
            let first = try await browser.get("/c/cahors/besoins")
            #expect(first.text.contains("69 besoin(s) — page 1 sur 3"))
            #expect(first.text.contains("page=2"))
            let third = try await browser.get("/c/cahors/besoins?page=3")
            #expect(third.text.contains("page 3 sur 3"))
            #expect(third.text.contains("Page précédente"))
            #expect(!third.text.contains("Page suivante"))
        }
    }
}
