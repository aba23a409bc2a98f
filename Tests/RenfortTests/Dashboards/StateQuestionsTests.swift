import Foundation
import Testing

@testable import Renfort

/// What DDETS/DREETS ask (issue 16): the per-contract file, the annual report, the time spent in
/// each stage; for the observer as for the adviser, never a candidate, never another centre.
@Suite struct StateQuestionsTests {
    func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// A centre with one business, two hires (a CDI that ended in its trial, a CDD), and an
    /// observer of it; a second centre the observer does not see.
    func season(_ make: Factory) async throws -> (centre: Int64, adviser: Int64, need: Int64) {
        let (centre, adviser) = try await make.centre("cahors")
        try await make.centre("figeac")
        let business = try await make.business(centre: centre, name: "Auberge du Causse", siret: "73282932000074")
        let need = try await make.need(centre: centre, business: business, title: "Cuisinier ; chef de partie", positions: 2)
        let cdd = try await make.need(centre: centre, business: business, title: "Commis", contract: .cdd, start: day("2026-10-05"), end: day("2026-12-31"))
        try await make.execute(centre: centre, "UPDATE job_needs SET rome_code = 'G1602' WHERE id = \(need)")
        let first = try await make.placement(
            centre: centre, need: need, candidate: try await make.candidate(centre: centre, firstName: "Zéphirine", lastName: "Barthélémy-Inconnue", email: "zephirine@example.org"),
            actor: adviser, start: day("2026-10-02"))
        try await make.endEmployment(centre: centre, placement: first, on: day("2026-11-10"), reason: .resignation)
        try await make.placement(
            centre: centre, need: cdd, candidate: try await make.candidate(centre: centre, firstName: "Anatole", lastName: "Vermorel-Secret", email: "anatole@example.org"),
            actor: adviser, contract: .cdd, start: day("2026-10-05"), end: day("2026-12-31"))
        try await make.observer(centres: [centre])
        return (centre, adviser, need)
    }

    @Test func theContractsFileHasOneLinePerContractAndNoPerson() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            _ = try await season(make)
            try await browser.signIn("observatrice@dreets.test")
            let answer = try await browser.get("/c/cahors/tableau-de-bord/contrats?du=2026-10-01&au=2026-10-31")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(answer.headers[.contentDisposition] == "attachment; filename=\"contrats-cahors-du-2026-10-01-au-2026-10-31.csv\"")
            #expect(Array(Array(answer.body.readableBytesView).prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = answer.text.dropFirst().split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == "Tableau;Devenir de chaque contrat")
            #expect(lines[1] == "Centre;Centre cahors")
            #expect(lines[2] == "Période;du 01/10/2026 au 31/10/2026")
            #expect(lines.contains("Filtres;aucun"))
            let header = try #require(lines.firstIndex { $0.hasPrefix("SIRET;") })
            #expect(lines[header] == ContractsExport.header.joined(separator: ";"))
            let rows = lines[(header + 1)...].filter { !$0.isEmpty }
            #expect(rows.count == 2)
            #expect(rows.first == "\"=\"\"73282932000074\"\"\";Auberge du Causse;56.10A;Cahors;\"Cuisinier ; chef de partie\";G1602;CDI;35,0;Création;02/10/2026;;10/11/2026;Démission;non passée;0")
            #expect(rows.last?.contains(";CDD;35,0;Création;05/10/2026;31/12/2026;;;") == true)
            for secret in ["Zéphirine", "Barthélémy", "zephirine@", "Anatole", "Vermorel", "anatole@"] {
                #expect(!answer.text.contains(secret), "the contracts file names a candidate (\(secret))")
            }
            // The same filters as the dashboards; a wrong one is the dashboard again with its message.
            let cdi = try await browser.get("/c/cahors/tableau-de-bord/contrats?du=2026-10-01&au=2026-10-31&contrat=cdi&format=international")
            #expect(cdi.headers[.contentDisposition] == "attachment; filename=\"contrats-cahors-du-2026-10-01-au-2026-10-31-contrat-cdi-international.csv\"")
            #expect(cdi.text.split(separator: "\r\n").filter { $0.hasPrefix("\"=") }.count == 1)
            #expect(try await browser.get("/c/cahors/tableau-de-bord/contrats?du=2026-13-01").status == .unprocessableContent)
        }
    }

    @Test func theReportPrintsWithoutScriptWithItsFiguresAndDefinitions() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            _ = try await season(make)
            try await browser.signIn("observatrice@dreets.test")
            let report = try await browser.get("/c/cahors/tableau-de-bord/rapport?annee=2026")
            #expect(report.status == .ok)
            let html = report.text
            #expect(html.contains("Rapport annuel 2026 — Centre cahors"))
            #expect(html.contains("du 01/01/2026 au 31/12/2026"))
            #expect(html.contains("Chiffres calculés le"))
            #expect(!html.contains("<script"))
            #expect(html.contains("/static/report.css"))
            #expect(html.contains("Postes pérennes créés par entreprise"))
            #expect(html.contains("<svg"))
            #expect(html.contains("Temps passé à chaque étape"))
            #expect(html.contains("id=\"definition-essai\""))  // the definitions' anchors, apart from the tables'
            #expect(html.contains("Emplois terminés pendant l'essai"))
            for secret in ["Zéphirine", "Barthélémy", "zephirine@", "Anatole", "Vermorel", "anatole@"] {
                #expect(!html.contains(secret), "the report names a candidate (\(secret))")
            }
            let css = try await browser.get("/static/report.css")
            #expect(css.status == .ok)
            #expect(css.text.contains("size: A4"))
            #expect(try await browser.get("/c/cahors/tableau-de-bord/rapport?annee=26").status == .badRequest)
            #expect(try await browser.get("/c/cahors/tableau-de-bord/rapport?du=2026-01-01&au=2026-06-30").text.contains("activité — Centre cahors"))
        }
    }

    /// The new routes: observers and advisers of the centre only; another centre's people, an
    /// employer, a visitor never.
    @Test func onlyTheCentresObserversAndAdvisersReachTheNewRoutes() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _, _) = try await season(make)
            try await make.employer("patron@auberge.test", centre: centre, business: try await make.business(centre: centre, name: "Autre", siret: "35600000000056"))
            let paths = ["/c/cahors/tableau-de-bord/contrats", "/c/cahors/tableau-de-bord/rapport", "/api/v1/centres/cahors/stage-durations"]
            let observer = browser.fresh()
            try await observer.signIn("observatrice@dreets.test")
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@cahors.test")
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            let other = browser.fresh()
            try await other.signIn("conseil@figeac.test")
            for path in paths {
                #expect(try await observer.get(path).status == .ok, "\(path) for the observer")
                #expect(try await adviser.get(path).status == .ok, "\(path) for the adviser")
                #expect(try await employer.get(path).status == .notFound, "\(path) for an employer")
                #expect(try await other.get(path).status == .notFound, "\(path) for another centre's adviser")
            }
            #expect(try await other.get("/api/v1/centres/figeac/stage-durations").status == .ok)
            #expect(try await browser.fresh().get("/api/v1/centres/cahors/stage-durations").status == .unauthorized)
        }
    }

    /// Median days in each stage, on applications moved by hand at known times.
    @Test func theTimeSpentInEachStageIsTheMedianOfTheStaysOver() async throws {
        try await TestDatabase.withFresh { database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre()
            let need = try await make.need(centre: centre, business: try await make.business(centre: centre))
            var applications: [Int64] = []
            for n in 0..<3 {
                applications.append(try await make.application(
                    centre: centre, need: need, candidate: try await make.candidate(centre: centre, lastName: "S\(n)", email: "s\(n)@example.org"), actor: adviser))
            }
            // Created on 1 March at noon (Paris); to screening after 2, 4 and 9 days; the first also to presented 3 days later.
            try await make.execute(centre: centre, "UPDATE applications SET created_at = '2026-03-01 12:00+01' WHERE need_id = \(need)")
            try await make.execute(centre: centre, "DELETE FROM application_events WHERE application_id IN (\(applications.map(String.init).joined(separator: ",")))")
            for (application, days) in zip(applications, [2, 4, 9]) {
                try await make.execute(centre: centre, """
                    INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage)
                    VALUES (\(centre), \(application), '2026-03-01 12:00+01'::timestamptz + interval '\(days) days', 'sourced', 'screening')
                    """)
            }
            try await make.execute(centre: centre, """
                INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage)
                VALUES (\(centre), \(applications[0]), '2026-03-06 12:00+01', 'screening', 'presented')
                """)
            let result = try await make.stageDurations(centre: centre, from: "2026-03-01", to: "2026-03-31")
            #expect(result.overall.map(\.stage) == ["sourced", "screening", "presented", "interview", "offer"])
            #expect(result.overall[0] == .init(stage: "sourced", median_days: 4, stays: 3))
            #expect(result.overall[1] == .init(stage: "screening", median_days: 3, stays: 1))
            #expect(result.overall[2].median_days == nil)
            #expect(result.overall[2].stays == 0)
            #expect(result.needs.count == 1)
            #expect(result.needs[0].need_id == need)
            #expect(result.needs[0].stages[0].median_days == 4)
            // Outside the period: nothing.
            #expect(try await make.stageDurations(centre: centre, from: "2026-04-01", to: "2026-04-30").needs.isEmpty)
        }
    }
}
