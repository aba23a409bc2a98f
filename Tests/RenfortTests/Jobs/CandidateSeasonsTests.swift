import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// A candidate's jobs in the referential's words and their seasons as dated windows: typed,
/// checked, kept when the form comes back, shown, merged, erased.
@Suite struct CandidateSeasonsTests {
    static func fields(_ extra: [(String, String)] = []) -> [(String, String)] {
        [("first_name", "Élise"), ("last_name", "Castagné"), ("email", "elise@exemple.test"), ("commune_name", "Cahors"), ("source", "france_travail")] + extra
    }

    @Test func windowsAreCheckedRowByRow() {
        let today = Day(year: 2026, month: 12, day: 2)
        func read(_ fields: [String: String]) -> ([AvailabilityWindow], FormErrors) {
            var reader = FormReader(FormData(fields: fields.map { ($0.key, $0.value) }))
            let (_, windows) = CandidateSeasons.readWindows(&reader, today: today)
            return (windows, reader.errors)
        }
        #expect(read([:]).0 == [])
        let summer = read(["window_1_start": "2026-07-01", "window_1_end": "2026-08-31", "window_1_every_year": "oui"])
        #expect(summer.0 == [AvailabilityWindow(starts: Day(year: 2026, month: 7, day: 1), ends: Day(year: 2026, month: 8, day: 31), everyYear: true)])
        #expect(summer.0.first?.described == "du 1er juillet au 31 août, chaque année")
        #expect(read(["window_2_start": "2027-09-01", "window_2_end": "2027-10-15"]).0.first?.described == "du 1er septembre 2027 au 15 octobre 2027")
        #expect(read(["window_1_start": "2027-07-01"]).1["window_1_end"] != nil)
        #expect(read(["window_3_end": "2027-07-01"]).1["window_3_start"] != nil)
        #expect(read(["window_1_start": "2027-08-01", "window_1_end": "2027-07-01"]).1["window_1_end"] != nil)
        #expect(read(["window_1_start": "2026-07-01", "window_1_end": "2026-08-31"]).1["window_1_end"]?.contains("passée") == true)
        #expect(read(["window_1_start": "2027-01-01", "window_1_end": "2028-01-01", "window_1_every_year": "oui"]).1["window_1_end"] != nil)
        #expect(read(["window_1_start": "juillet", "window_1_end": "2027-08-31"]).1["window_1_start"] != nil)
    }

    @Test func anAdviserGivesJobsAndSeasonsEverythingTypedComesBackAndTheRecordShowsThem() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await browser.signIn("conseil@essai.test")
            let form = try await browser.get("/c/essai/candidats/nouveau")
            #expect(form.text.contains("name=\"job_1\"") && form.text.contains("name=\"window_3_every_year\""))
            let token = try #require(JobNeedWorkflowTests.formToken(form.text))
            let soon = Day(Date()).adding(days: 40)
            let typed = Self.fields([
                ("_form", token), ("job_1", "ouvrier viticole"), ("job_2", "G1803"),
                ("window_1_start", "2026-09-01"), ("window_1_end", "2026-10-15"), ("window_1_every_year", "oui"),
                ("window_2_start", soon.iso), ("window_2_end", soon.adding(days: -5).iso),
            ])
            let back = try await browser.post("/c/essai/candidats", typed)
            #expect(back.status == .unprocessableContent)
            #expect(back.text.contains("name=\"job_1_choice\" value=\"17540\""))
            #expect(back.text.contains("Ouvrier viticole / Ouvrière viticole (A1405"))
            #expect(back.text.contains("La période 2 finit avant de commencer"))
            #expect(back.text.contains("value=\"ouvrier viticole\"") && back.text.contains("value=\"G1803\""))
            #expect(back.text.contains("value=\"2026-09-01\"") && back.text.contains("value=\"\(soon.iso)\""))
            #expect(back.text.contains("name=\"window_1_every_year\" value=\"oui\" checked"))
            #expect(back.text.contains("value=\"Élise\""))
            #expect(try await database.count("candidates", tenant: centre) == 0)

            var fixed = typed.filter { $0.0 != "window_2_end" }
            fixed += [("window_2_end", soon.adding(days: 20).iso), ("job_1_choice", "17540")]
            let created = try await browser.post("/c/essai/candidats", fixed)
            #expect(created.status == .seeOther)
            let path = try #require(created.location)
            let record = try await browser.get(path)
            #expect(record.text.contains("Ouvrier viticole / Ouvrière viticole (A1405"))
            #expect(record.text.contains("G1803, Service en restauration"))
            #expect(record.text.contains("du 1er septembre au 15 octobre, chaque année"))
            #expect(try await database.count("candidate_jobs", tenant: centre) == 2)
            #expect(try await database.count("candidate_availability", tenant: centre, where: "every_year") == 1)

            // The edit form holds them; saved unchanged, they stay as they were.
            let edit = try await browser.get(path + "/modifier")
            #expect(edit.text.contains("value=\"Ouvrier viticole / Ouvrière viticole\"") && edit.text.contains("value=\"G1803\""))
            #expect(edit.text.contains("value=\"2026-09-01\"") && edit.text.contains("name=\"window_1_every_year\" value=\"oui\" checked"))
            let unchanged = try #require(HTMLForm.posting(to: path + "/modifier", in: edit.text).first).submission.filter { $0.0 != "_csrf" }
            #expect(try await browser.post(path + "/modifier", unchanged).status == .seeOther)
            #expect(try await database.count("candidate_jobs", tenant: centre, where: "position = 1 AND appellation_id = 17540") == 1)
            #expect(try await database.count("candidate_jobs", tenant: centre, where: "position = 2 AND appellation_id IS NULL AND rome_code = 'G1803'") == 1)
            #expect(try await database.count("candidate_availability", tenant: centre) == 2)

            // Emptied, they are gone.
            let emptied = unchanged.map { field in field.0.hasPrefix("job_") || field.0.hasPrefix("window_") ? (field.0, "") : field }
            #expect(try await browser.post(path + "/modifier", emptied).status == .seeOther)
            #expect(try await database.count("candidate_jobs", tenant: centre) == 0)
            #expect(try await database.count("candidate_availability", tenant: centre) == 0)
        }
    }

    @Test func aMergeGivesTheSurvivorTheListsItLacksAndAnErasureLeavesNone() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("essai")
            try await browser.signIn("conseil@essai.test")
            func create(_ email: String, _ extra: [(String, String)]) async throws -> Int64 {
                let token = try #require(JobNeedWorkflowTests.formToken(try await browser.get("/c/essai/candidats/nouveau").text))
                let created = try await browser.post("/c/essai/candidats", [
                    ("_form", token), ("first_name", "Paul"), ("last_name", email), ("email", email), ("commune_name", "Cahors"), ("source", "france_travail"),
                ] + extra)
                let location = try #require(created.location)
                return try #require(Int64(location.split(separator: "/").last ?? ""))
            }
            let withLists = try await create("paul@ancien.test", [("job_1", "G1602"), ("window_1_start", "2026-07-01"), ("window_1_end", "2026-08-31"), ("window_1_every_year", "oui")])
            let bare = try await create("paul@exemple.test", [])
            try await browser.get("/c/essai/candidats/\(withLists)/fusionner?target_id=\(bare)")
            #expect(try await browser.post("/c/essai/candidats/\(withLists)/fusionner", [("target_id", String(bare)), ("confirm", "1")]).status == .seeOther)
            #expect(try await database.count("candidate_jobs", tenant: centre, where: "candidate_id = \(bare) AND rome_code = 'G1602'") == 1)
            #expect(try await database.count("candidate_availability", tenant: centre, where: "candidate_id = \(bare)") == 1)
            #expect(try await database.count("candidate_jobs", tenant: centre, where: "candidate_id = \(withLists)") == 0)
            let survivor = try await browser.get("/c/essai/candidats/\(bare)")
            #expect(survivor.text.contains("G1602, Personnel de cuisine") && survivor.text.contains("du 1er juillet au 31 août, chaque année"))

            try await browser.get("/c/essai/candidats/\(bare)/effacer")
            let erased = try await browser.post("/c/essai/candidats/\(bare)/effacer", [("requested_on", Day(Date()).iso), ("requested_via", "letter"), ("confirm", "1")])
            #expect(erased.status == .seeOther)
            #expect(try await database.count("candidate_jobs", tenant: centre) == 0)
            #expect(try await database.count("candidate_availability", tenant: centre) == 0)
        }
    }
}
