import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The ROME referential: loaded whole at each migrate, read only by the server, and a job
/// picked by typing its usual title, without JavaScript.
@Suite struct JobTitlesTests {
    static func lines(_ file: String) throws -> Int {
        try String(contentsOfFile: TestEnvironment.repositoryRoot + "/schema/data/" + file, encoding: .utf8)
            .split(separator: "\n").count - 1
    }

    @Test func foldingIgnoresCaseAccentsAndPunctuation() {
        #expect(JobTitles.fold("Garçon / Serveuse de restaurant") == "garcon serveuse de restaurant")
        #expect(JobTitles.fold("  Œnologue d'ÉTAT ") == "oenologue d etat")
        #expect(JobTitles.fold("<script>") == "script")
        #expect(JobTitles.fold("¿¡ !") == "")
    }

    @Test func theFilesAreReadAndABrokenOneIsRefusedWithItsLine() throws {
        let referential = try #require(try RomeReferential.read(directory: TestEnvironment.repositoryRoot + "/schema/data"))
        let jobLines = try Self.lines("rome.csv"), titleLines = try Self.lines("rome-appellations.csv")
        #expect(referential.jobs.count == 532 && referential.jobs.count == jobLines)
        #expect(referential.titles.count == 11_061 && referential.titles.count == titleLines)
        #expect(referential.titles.contains(RomeReferential.Title(id: 15191, label: "Garçon / Serveuse de restaurant", romeCode: "G1803")))
        #expect(throws: RomeReferential.Malformed.self) { try RomeReferential.parse(jobs: "code;libelle\nG1803;Service\n", titles: "code;libelle;rome\n1;Serveur;Z9999\n") }
        do {
            _ = try RomeReferential.parse(jobs: "code;libelle\nG18;Service\n", titles: "code;libelle;rome\n")
            Issue.record("a code of three characters was read")
        } catch {
            #expect("\(error)".contains("rome.csv, line 2"))
        }
        #expect(try RomeReferential.read(directory: "/nonexistent") == nil)
    }

    @Test func migrateLoadsTheReferentialOnceAndTheServerOnlyReadsIt() async throws {
        try await TestDatabase.withFresh { database in
            #expect(try await database.count("rome_jobs") == 532)
            #expect(try await database.count("rome_appellations") == 11_061)
            // A second migrate writes nothing: the rows are those of the first.
            let before = try await database.asOwner { client in
                try await client.withConnection { try await $0.value("SELECT sum(xmin::text::bigint)::bigint FROM rome_appellations", as: Int64.self, logger: TestEnvironment.logger) }
            }
            try await database.asOwner { client in
                _ = try await Migrator(directory: TestEnvironment.repositoryRoot + "/schema").migrate(client: client, appRole: try TestEnvironment.appURL.username, logger: TestEnvironment.logger)
            }
            let after = try await database.asOwner { client in
                try await client.withConnection { try await $0.value("SELECT sum(xmin::text::bigint)::bigint FROM rome_appellations", as: Int64.self, logger: TestEnvironment.logger) }
            }
            #expect(before == after)
            // A relabelled title is written back to the file's label at the next migrate.
            try await database.asOwner { client in
                try await client.withConnection { _ = try await $0.execute("UPDATE rome_appellations SET label = 'ancien' WHERE id = 15191", logger: TestEnvironment.logger) }
                _ = try await Migrator(directory: TestEnvironment.repositoryRoot + "/schema").migrate(client: client, appRole: try TestEnvironment.appURL.username, logger: TestEnvironment.logger)
                let label = try await client.withConnection { try await $0.value("SELECT label FROM rome_appellations WHERE id = 15191", as: String.self, logger: TestEnvironment.logger) }
                #expect(label == "Garçon / Serveuse de restaurant")
            }
            try await database.asApp { client in
                try await client.withConnection { connection in
                    let count = try await connection.value("SELECT count(*) FROM rome_jobs", as: Int.self, logger: TestEnvironment.logger)
                    #expect(count == 532)
                    for statement in [
                        "INSERT INTO rome_jobs (code, label) VALUES ('N9999', 'Intrus')",
                        "UPDATE rome_appellations SET label = 'Intrus' WHERE id = 15191",
                        "DELETE FROM rome_appellations WHERE id = 15191",
                    ] {
                        await #expect(throws: PSQLError.self) { try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: TestEnvironment.logger) }
                    }
                }
            }
        }
    }

    @Test func aTitleIsFoundAsTypedOrOfferedAmongThoseHoldingItsWords() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                try await client.withConnection { connection in
                    func resolve(_ typed: String, _ choice: String? = nil) async throws -> JobTitles.Resolution {
                        try await JobTitles.resolve(typed: typed, choice: choice, on: connection, logger: TestEnvironment.logger)
                    }
                    let waiter = RomeJob(appellationID: 15191, title: "Garçon / Serveuse de restaurant", code: "G1803", codeLabel: "Service en restauration")
                    #expect(try await resolve("") == .none)
                    #expect(try await resolve("garcon SERVEUSE de restaurant") == .found(waiter))
                    #expect(try await resolve(waiter.described) == .found(waiter))
                    #expect(try await resolve("g1803") == .found(RomeJob(appellationID: nil, title: "Service en restauration", code: "G1803", codeLabel: "Service en restauration")))
                    #expect(try await resolve("Z1803") == .unknown)
                    #expect(try await resolve("A0000") == .unknown)
                    #expect(try await resolve("xyzzy plugh") == .unknown)
                    guard case .choose(let offered) = try await resolve("serveuse restaurant") else {
                        Issue.record("several titles hold « serveuse restaurant »")
                        return
                    }
                    #expect(offered.count > 1 && offered.count <= JobTitles.suggestionCount)
                    #expect(offered.contains(waiter))
                    #expect(offered.allSatisfy { JobTitles.fold($0.title).contains("serveuse") && JobTitles.fold($0.title).contains("restaurant") })
                    // The title picked among those offered, unless a title is typed whole.
                    #expect(try await resolve("serveuse restaurant", "15191") == .found(waiter))
                    #expect(try await resolve("", "15191") == .found(waiter))
                    #expect(try await resolve("serveuse restaurant", "999999999") == .unknown)
                    #expect(try await resolve("serveuse restaurant", "quinze") == .unknown)
                    #expect(try await resolve("Cuisinier / Cuisinière", "15191") == .found(RomeJob(appellationID: 13861, title: "Cuisinier / Cuisinière", code: "G1602", codeLabel: "Personnel de cuisine")))
                }
            }
        }
    }

    /// An employer on a phone: types a few words, is offered the titles, picks one; every other
    /// field comes back as typed, and the need carries the title and its code from then on.
    @Test func anEmployerPicksTheJobAmongTheTitlesOfferedAndKeepsItOnEdit() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            let inn = try await make.business(centre: cahors, name: "Auberge du Causse", siret: "73282932000074")
            try await make.employer("patron@auberge.test", centre: cahors, business: inn)
            let lookup = DemoLookup(database: database)
            try await browser.signIn("patron@auberge.test")
            let form = try await browser.get("/c/cahors/besoins/nouveau")
            #expect(form.text.contains("name=\"job\""))
            #expect(!form.text.contains("name=\"job_choice\""))
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let fields = JobNeedWorkflowTests.needFields(title: "Serveur ou serveuse") + [("_form", token)]

            let offered = try await browser.post("/c/cahors/besoins", fields + [("job", "serveuse restaurant")])
            #expect(offered.status == .unprocessableContent)
            #expect(offered.text.contains("plusieurs métiers correspondent à «\u{00A0}serveuse restaurant\u{00A0}»"))
            #expect(offered.text.contains("name=\"job_choice\" value=\"15191\""))
            #expect(offered.text.contains("Garçon / Serveuse de restaurant (G1803, Service en restauration)"))
            #expect(offered.text.contains("value=\"serveuse restaurant\""))
            #expect(offered.text.contains("value=\"Serveur ou serveuse\""))
            #expect(offered.text.contains("value=\"transport\" checked") || offered.text.contains("value=\"transport\"  checked"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs") == 0)

            let unknown = try await browser.post("/c/cahors/besoins", fields + [("job", "xyzzy")])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("aucun métier du répertoire ROME ne correspond"))

            let created = try await browser.post("/c/cahors/besoins", fields + [("job", "serveuse restaurant"), ("job_choice", "15191")])
            #expect(created.status == .seeOther)
            let path = try #require(created.location)
            let page = try await browser.get(path)
            #expect(page.text.contains("Garçon / Serveuse de restaurant (G1803, Service en restauration)"))
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE appellation_id = 15191 AND rome_code = 'G1803'") == 1)

            // The edit form shows the title; saved unchanged, the need keeps it.
            let edit = try await browser.get(path + "/modifier")
            #expect(edit.text.contains("value=\"Garçon / Serveuse de restaurant\""))
            #expect(try await browser.post(path + "/modifier", JobNeedWorkflowTests.needFields(title: "Serveur ou serveuse") + [("job", "Garçon / Serveuse de restaurant")]).status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE appellation_id = 15191 AND rome_code = 'G1803'") == 1)
            // A code alone: the code's label, no title.
            #expect(try await browser.post(path + "/modifier", JobNeedWorkflowTests.needFields(title: "Serveur ou serveuse") + [("job", "G1602")]).status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE appellation_id IS NULL AND rome_code = 'G1602'") == 1)
            #expect(try await browser.get(path).text.contains("G1602, Personnel de cuisine"))
        }
    }

    /// The adviser's qualification: a title picked there survives another field's error.
    @Test func aTitlePickedInTheQualificationSurvivesAnotherFieldsError() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, adviser) = try await make.centre("cahors")
            let need = try await make.need(centre: cahors, business: try await make.business(centre: cahors), title: "Tractoriste viticole")
            try await browser.signIn("conseil@cahors.test")
            try await browser.get("/c/cahors/besoins/\(need)")
            let lookup = DemoLookup(database: database)
            let missingAdviser = try await browser.post("/c/cahors/besoins/\(need)/qualifier", [
                ("job", "serveuse restaurant"), ("job_choice", "15191"), ("hard_to_fill", "non"),
            ])
            #expect(missingAdviser.status == .unprocessableContent)
            #expect(missingAdviser.text.contains("name=\"job_choice\" value=\"15191\" checked"))
            let qualified = try await browser.post("/c/cahors/besoins/\(need)/qualifier", [
                ("job", "serveuse restaurant"), ("job_choice", "15191"), ("hard_to_fill", "non"), ("adviser_id", String(adviser)),
            ])
            #expect(qualified.status == .seeOther)
            #expect(try await lookup.count("cahors", "SELECT 1 FROM job_needs WHERE appellation_id = 15191 AND rome_code = 'G1803' AND status = 'qualified'") == 1)
        }
    }
}
