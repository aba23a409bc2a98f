import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// On a phone: tables become lists whose cells say what they are, wide tables of figures
/// scroll inside a focusable region with a name, the need form folds its optional sections
/// until needed, the alert form is reachable from the top of a hire's page, and the small
/// time field looks like the others. (That no page scrolls sideways at 390 px is measured
/// in a browser by `ops/narrow-check.py`.)
@Suite struct PhonePagesTests {
    @Test func everyCellOfEveryEmployerTableSaysWhatItIs() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            let boss = desk.fresh()
            try await boss.signIn(PhoneWorld.employerEmail)
            let pages = try await boss.crawl(from: world.employerStarts, under: "/c/essai")
            #expect(pages.allSatisfy { $0.status == 200 }, "\(pages.filter { $0.status != 200 }.map { "\($0.path) \($0.status)" })")
            var cells = 0
            for page in pages {
                for table in PageHTML.tables(in: page.text) where table.region == nil {
                    for row in table.rows {
                        for (index, cell) in row.enumerated() where cell.tag == "td" {
                            cells += 1
                            #expect(index < table.headers.count && cell.label == table.headers[index], "\(page.path): a cell of column \(index) (\(table.headers)) is labelled \(cell.label ?? "nothing")")
                        }
                    }
                }
            }
            // The business page's needs and hires, the lists of needs and hires, the people presented.
            #expect(cells >= 15, "only \(cells) cells seen")
        }
    }

    @Test func theAdvisersAndAdminsTablesAreLabelledAndTheWideOnesScrollWithTheKeyboard() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            try await desk.signIn("conseil@essai.test")
            var pages = try await desk.crawl(from: world.adviserStarts, under: "/c/essai/besoins/\(world.need)")
            let observer = desk.fresh()
            try await observer.signIn(PhoneWorld.observerEmail)
            pages += try await observer.crawl(from: ["/observateur", "/c/essai/tableau-de-bord", "/indicateurs"], under: "/observateur")
            let admin = desk.fresh()
            try await admin.signIn(PhoneWorld.adminEmail)
            pages += try await admin.crawl(from: ["/admin", "/admin/envois"], under: "/admin")
            var regions = 0, lists = 0
            for page in pages where page.status == 200 {
                for table in PageHTML.tables(in: page.text) {
                    if let region = table.region {
                        regions += 1
                        #expect(region["tabindex"] == "0" && region["role"] == "region", "\(page.path): a wide table's container is not a focusable region: \(region)")
                        let name = region["aria-label"] ?? region["aria-labelledby"].flatMap { id in
                            PageHTML.matches(#"id="\#(id)"[^>]*>(.*?)</"#, in: page.text).first.map { PageHTML.text($0[1]) }
                        }
                        #expect(!(name ?? "").isEmpty, "\(page.path): a wide table's region has no name: \(region)")
                    } else {
                        lists += 1
                        for row in table.rows {
                            for (index, cell) in row.enumerated() where cell.tag == "td" {
                                #expect(index < table.headers.count && cell.label == table.headers[index], "\(page.path): column \(index) of \(table.headers) labelled \(cell.label ?? "nothing")")
                            }
                        }
                    }
                }
            }
            #expect(regions >= 10, "the dashboards' tables of figures: \(regions) seen")
            #expect(lists >= 6, "\(lists) tables seen")
        }
    }

    @Test func theNeedFormFoldsItsOptionalSectionsUntilTheyHoldSomething() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            let boss = desk.fresh()
            try await boss.signIn(PhoneWorld.employerEmail)
            let sections = ["need-dates", "need-pay", "need-profile", "need-extras"]
            // A new need: every optional section folded.
            let blank = try await boss.get("/c/essai/besoins/nouveau").text
            for id in sections {
                let details = try #require(PageHTML.details(id, in: blank), "no <details> \(id)")
                #expect(details["open"] == nil, "\(id) is open on a blank form")
                #expect(details["class"] == "optional")
            }
            // Sent with the title missing, a pay and a skill typed: those two come back open, and what was typed.
            let form = try #require(HTMLForm.posting(to: "/c/essai/besoins", in: blank).first)
            let sent = try await boss.post("/c/essai/besoins", form.submission.filter { !["_csrf", "title", "pay_min", "skills", "contract_kind"].contains($0.0) } + [
                ("title", ""), ("pay_min", "1 950"), ("skills", "cuisine du marché"), ("contract_kind", "cdi"),
            ])
            #expect(sent.status == .unprocessableContent)
            #expect(PageHTML.details("need-pay", in: sent.text)?["open"] != nil)
            #expect(PageHTML.details("need-profile", in: sent.text)?["open"] != nil)
            #expect(PageHTML.details("need-dates", in: sent.text)?["open"] == nil)
            #expect(PageHTML.details("need-extras", in: sent.text)?["open"] == nil)
            #expect(sent.text.contains("cuisine du marché"))
            // A seasonal need's edit form: its season is kept, so its section is open.
            let seasonal = try await boss.get("/c/essai/besoins/\(world.seasonal)/modifier").text
            #expect(PageHTML.details("need-dates", in: seasonal)?["open"] != nil)
            #expect(PageHTML.details("need-pay", in: seasonal)?["open"] == nil)
        }
    }

    @Test func aSectionOpensForAnErrorOnOneOfItsFields() {
        let today = Day(year: 2026, month: 12, day: 1)
        let blank = NeedFormChoices(JobNeedInput(), today: today, minimumWages: .repository)
        #expect(!blank.datesOpen && !blank.payOpen && !blank.profileOpen && !blank.extrasOpen)
        let errors = NeedFormChoices(JobNeedInput(), errors: ["experience": "Trop long", "confirm_low_pay": "Confirmez", "season_end": "Avant le début", "notes": "Trop long"], today: today, minimumWages: .repository)
        #expect(errors.datesOpen && errors.payOpen && errors.profileOpen && errors.extrasOpen)
        var fixedTerm = JobNeedInput()
        fixedTerm.contractKind = "cdd"
        #expect(NeedFormChoices(fixedTerm, today: today, minimumWages: .repository).datesOpen)
    }

    @Test func anEmployerReachesTheAlertFormFromTheTopOfAHiresPage() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            let boss = desk.fresh()
            try await boss.signIn(PhoneWorld.employerEmail)
            let page = try await boss.get("/c/essai/embauches/\(world.placement)").text
            let link = try #require(page.range(of: "href=\"#signaler\""), "no link to the alert form")
            let checkIns = try #require(page.range(of: "id=\"suivis\""))
            let form = try #require(page.range(of: "id=\"signaler\""))
            #expect(link.lowerBound < checkIns.lowerBound && checkIns.lowerBound < form.lowerBound)
            // The adviser has no such form, nor its link.
            try await desk.signIn("conseil@essai.test")
            #expect(!(try await desk.get("/c/essai/embauches/\(world.placement)").text.contains("href=\"#signaler\"")))
        }
    }

    @Test func theInterviewsTimeFieldIsATimeInputStyledAsTheOthersWithItsLabel() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let world = try await PhoneWorld.make(database)
            try await desk.signIn("conseil@essai.test")
            let page = try await desk.get("/c/essai/candidatures/\(world.presented)").text
            let time = try #require(PageHTML.matches(#"<input\b([^>]*name="time"[^>]*)>"#, in: page).first.map { HTMLForm.attributes($0[1]) })
            #expect(time["type"] == "time")
            let id = try #require(time["id"])
            #expect(page.contains("<label for=\"\(id)\">Heure"))
            // The stylesheet gives the time input the same box as the text, date and number inputs.
            let css = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/templates/static/renfort.css", encoding: .utf8)
            let rule = try #require(css.split(separator: "\n").first { $0.hasPrefix("input[type=\"text\"]") && $0.contains("{") })
            for type in ["date", "number", "time"] { #expect(rule.contains("input[type=\"\(type)\"]"), "\(type) is not styled as a text input") }
        }
    }
}
