import Foundation
import Testing

@testable import Renfort

/// Amounts are read as people write them — cents, either decimal mark, spaces of any kind —
/// and kept exactly, to the cent.
@Suite struct AmountTests {
    @Test(arguments: [
        ("1900", 190_000), ("1 900", 190_000), ("1 900,50", 190_050), ("1900.50", 190_050), ("1900,5", 190_050), ("1 900,05 €", 190_005),
        ("1\u{202F}900,50", 190_050), ("1\u{00A0}900,50", 190_050), ("1\u{00A0}900,50\u{00A0}€", 190_050), ("1.900,50", 190_050),
        ("1,900.50", 190_050), ("12 345 678,99", 1_234_567_899), ("0,99", 99), ("1800 euros", 180_000), (" 2 100 ", 210_000),
    ])
    func readsWhatPeopleWrite(_ typed: String, _ cents: Int) {
        #expect(Amount.parse(typed)?.cents == cents, "\(typed.debugDescription)")
    }

    @Test(arguments: ["", "abc", "1,900", "1.900", "19,005", "1900,505", "12.5.5", "1e309", "-3", "1 9OO", "๑๙๐๐", "1,900,50", ",50", "1900,", "9999999999"])
    func refusesWhatIsNotAnAmount(_ typed: String) {
        #expect(Amount.parse(typed) == nil, "\(typed.debugDescription)")
    }

    @Test func writesFrench() {
        #expect(Amount(cents: 190_050).french == "1\u{202F}900,50\u{00A0}€")
        #expect(Amount(cents: 190_000).french == "1\u{202F}900\u{00A0}€")
        #expect(Amount(cents: 190_005).field == "1900,05")
        #expect(Amount.parse(Amount(cents: 190_050).field) == Amount(cents: 190_050))
    }

    @Test func aSalaryWithCentsIsKeptToTheCent() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let factory = Factory(database: database)
            let (centre, adviserID) = try await factory.centre("test")
            let business = try await factory.business(centre: centre)
            let need = try await factory.need(centre: centre, business: business)
            let candidate = try await factory.candidate(centre: centre)
            let application = try await factory.application(centre: centre, need: need, candidate: candidate, stage: .interview, actor: adviserID)
            try await browser.signIn("conseil@test.test", password: Factory.password)
            let lookup = DemoLookup(database: database)

            // The need's pay, in French typography (narrow no-break space, decimal comma).
            let edit = "/c/test/besoins/\(need)/modifier"
            let form = try #require(HTMLForm.posting(to: edit, in: try await browser.get(edit).text).first)
            let fields = form.submission.filter { !["_csrf", "pay_min", "pay_max"].contains($0.0) } + [("pay_min", "1\u{202F}900,50"), ("pay_max", "2 100.75 €")]
            #expect(try await browser.post(edit, fields).status == .seeOther)
            #expect(try await lookup.ids("test", "SELECT id FROM job_needs WHERE pay_min = 1900.50 AND pay_max = 2100.75") == [need])
            #expect(try await browser.get("/c/test/besoins/\(need)").text.contains("1\u{202F}900,50\u{00A0}€ à 2\u{202F}100,75\u{00A0}€"))
            // Shown again in its form as it reads back, and saved unchanged it stays the same.
            let again = try #require(HTMLForm.posting(to: edit, in: try await browser.get(edit).text).first)
            #expect(again.controls.first { $0.name == "pay_min" }?.value == "1900,50")
            #expect(try await browser.post(edit, again.submission.filter { $0.0 != "_csrf" }).status == .seeOther)
            #expect(try await lookup.ids("test", "SELECT id FROM job_needs WHERE pay_min = 1900.50 AND pay_max = 2100.75") == [need])

            // An offer's salary, with a decimal point; a wrong one is refused with a message and kept.
            let offers = "/c/test/candidatures/\(application)/propositions"
            try await browser.get("/c/test/candidatures/\(application)")
            let terms = [("contract_kind", "cdi"), ("start_date", Day(Date()).adding(days: 30).iso), ("hours_per_week", "35")]
            let wrong = try await browser.post(offers, terms + [("gross_pay", "1,900")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("doit être un montant en euros"))
            #expect(HTMLForm.posting(to: offers, in: wrong.text).first?.controls.first { $0.name == "gross_pay" }?.value == "1,900")
            #expect(try await browser.post(offers, terms + [("gross_pay", "1\u{00A0}950.25")]).status == .seeOther)
            #expect(try await lookup.ids("test", "SELECT id FROM offers WHERE gross_pay = 1950.25").count == 1)
            #expect(try await browser.get("/c/test/candidatures/\(application)").text.contains("1\u{202F}950,25\u{00A0}€ brut par mois"))
        }
    }
}
