import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Irreversible actions ask for confirmation: without the ticked box they do nothing (422, the
/// message beside the box); with it they are done.
@Suite struct ConfirmationTests {
    func pending(_ database: TestDatabase, centre: Int64, business: Int64) async throws {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                try await connection.execute("UPDATE businesses SET status = 'pending' WHERE id = \(business)", logger: TestEnvironment.logger)
            }
        }
    }

    @Test func mergeHireEndAndJoinAnswersDoNothingWithoutTheirConfirmation() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business, positions: 2)
            let first = try await make.candidate(centre: centre)
            let second = try await make.candidate(centre: centre, firstName: "Noé", email: "noe@example.org")
            let offer = try await make.application(centre: centre, need: need, candidate: first, stage: .offer, actor: adviser)
            let placement = try await make.placement(
                centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Jade", email: "jade@example.org"), actor: adviser)
            let joining = try await make.business(centre: centre, name: "Librairie Calligramme", siret: "55210055400013")
            try await pending(database, centre: centre, business: joining)
            let declined = try await make.business(centre: centre, name: "Cordonnerie", siret: "40483304800022")
            try await pending(database, centre: centre, business: declined)
            try await desk.signIn("conseil@essai.test", password: Factory.password)
            try await desk.get("/c/essai/candidats/\(second)")

            // Without the box: a 422 that says so, and nothing changed.
            let merge = try await desk.post("/c/essai/candidats/\(second)/fusionner", [("target_id", String(first))])
            #expect(merge.status == .unprocessableContent)
            #expect(merge.text.contains("Cochez la case pour confirmer la fusion"))
            let hireFields = [("contract_kind", "cdi"), ("start_date", "2026-12-01"), ("hours_per_week", "35")]
            let hire = try await desk.post("/c/essai/candidatures/\(offer)/embauche", hireFields)
            #expect(hire.status == .unprocessableContent)
            #expect(hire.text.contains("Cochez la case pour confirmer l&#39;embauche"))
            let end = try await desk.post("/c/essai/embauches/\(placement)/fin", [("ended_on", "2026-12-20"), ("end_reason", "resignation")])
            #expect(end.status == .unprocessableContent)
            #expect(end.text.contains("Cochez la case pour confirmer la fin de l&#39;emploi"))
            let accept = try await desk.post("/c/essai/adhesions/\(joining)/accepter")
            #expect(accept.status == .unprocessableContent)
            #expect(accept.text.contains("Cochez la case pour confirmer l&#39;adhésion"))
            let decline = try await desk.post("/c/essai/adhesions/\(declined)/refuser", [("reason", "Hors territoire")])
            #expect(decline.status == .unprocessableContent)
            #expect(decline.text.contains("Cochez la case pour confirmer le refus"))
            #expect(try await database.count("candidates", tenant: centre, where: "merged_into IS NOT NULL") == 0)
            #expect(try await database.count("placements", tenant: centre) == 1)
            #expect(try await database.count("placements", tenant: centre, where: "ended_on IS NOT NULL") == 0)
            #expect(try await database.count("businesses", tenant: centre, where: "status = 'pending'") == 2)

            // With it: done; after accepting, the page is the new member's.
            #expect(try await desk.post("/c/essai/candidats/\(second)/fusionner", [("target_id", String(first)), ("confirm", "1")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/candidatures/\(offer)/embauche", hireFields + [("confirm", "1")]).status == .seeOther)
            #expect(try await desk.post("/c/essai/embauches/\(placement)/fin", [("ended_on", "2026-12-20"), ("end_reason", "resignation"), ("confirm", "1")]).status == .seeOther)
            let accepted = try await desk.post("/c/essai/adhesions/\(joining)/accepter", [("confirm", "1")])
            #expect(accepted.location == "/c/essai/entreprises/\(joining)")
            let member = try await desk.get(accepted.location ?? "")
            #expect(member.text.contains("<h1>Librairie Calligramme</h1>"))
            #expect(member.text.contains("Adhésion acceptée"))
            #expect(try await desk.post("/c/essai/adhesions/\(declined)/refuser", [("reason", "Hors territoire"), ("confirm", "1")]).status == .seeOther)
            #expect(try await database.count("candidates", tenant: centre, where: "merged_into IS NOT NULL") == 1)
            #expect(try await database.count("placements", tenant: centre) == 2)
            #expect(try await database.count("placements", tenant: centre, where: "ended_on IS NOT NULL") == 1)
            #expect(try await database.count("businesses", tenant: centre, where: "status = 'pending'") == 0)
        }
    }

    @Test func disablingAnAccountAsksForConfirmation() async throws {
        try await TestApp.run(demo: false) { admin, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            let chief = try await make.person("chef@plateforme.test", role: .observer, centre: centre)
            let victim = try await make.person("parti@essai.test", role: .observer, centre: centre)
            try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.execute("UPDATE users SET is_admin = true WHERE id = \(chief)", logger: TestEnvironment.logger)
                }
            }
            try await admin.signIn("chef@plateforme.test", password: Factory.password)
            try await admin.get("/admin")
            let refused = try await admin.post("/admin/utilisateurs/\(victim)/desactiver")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Cochez la case pour confirmer"))
            #expect(try await database.count("users", where: "disabled_at IS NOT NULL") == 0)
            let done = try await admin.post("/admin/utilisateurs/\(victim)/desactiver", [("confirm", "1")])
            #expect(try await admin.get(done.location ?? "").text.contains("Compte désactivé"))
            #expect(try await database.count("users", where: "disabled_at IS NOT NULL") == 1)
            #expect(try await admin.get("/admin").text.contains("désactivé"))
            let enabled = try await admin.post("/admin/utilisateurs/\(victim)/reactiver")
            #expect(try await admin.get(enabled.location ?? "").text.contains("Compte réactivé"))
            let created = try await admin.post("/admin/centres", [
                ("slug", "gourdon"), ("name", "Centre de Gourdon"), ("territory", "Bouriane"), ("adviser_name", "Lucie"),
                ("adviser_email", "lucie@gourdon.test"), ("_form", Tokens.random()),
            ])
            #expect(try await admin.get(created.location ?? "").text.contains("Le centre «\u{00A0}gourdon\u{00A0}» est créé"))
        }
    }
}
