import Testing

@testable import Renfort

/// The SMIC is the one in force on the day, read from the dated table of `schema/data/smic.csv`.
@Suite struct MinimumWagesTests {
    let table = MinimumWages.repository

    @Test func theValueInForceIsTheLastOneBeforeTheDay() {
        // 11,88 € from 1 November 2024, 12,02 € from 1 January 2026, 12,31 € from 1 June 2026.
        #expect(table.value(on: Day(iso: "2025-12-31")!).hourlyCents == 1188)
        #expect(table.value(on: Day(iso: "2026-01-01")!).hourlyCents == 1202)
        #expect(table.value(on: Day(iso: "2026-05-31")!).hourlyCents == 1202)
        #expect(table.value(on: Day(iso: "2026-06-01")!).hourlyCents == 1231)
        #expect(table.value(on: Day(iso: "2026-06-01")!).legalText == "Arrêté du 22/05/2026")
        // 151,67 hours a month.
        #expect(table.monthlyGrossCents(on: Day(iso: "2025-06-15")!) == 180_184)
        #expect(table.monthlyGrossCents(on: Day(iso: "2026-06-15")!) == 186_706)
        #expect(table.monthlyGrossText(on: Day(iso: "2025-06-15")!) == "1\u{202F}801,84\u{00A0}€")
    }

    @Test func aMalformedTableIsRefusedAtStart() {
        #expect(throws: MinimumWages.Malformed.self) { try MinimumWages(csv: "depuis;smic_horaire_brut;texte\n2026-01-01;12.02;Décret\n") }
        #expect(throws: MinimumWages.Malformed.self) {
            try MinimumWages(csv: "depuis;smic_horaire_brut;texte\n2026-06-01;12,31;A\n2026-01-01;12,02;B\n")
        }
        #expect(throws: MinimumWages.Malformed.self) { try MinimumWages(csv: "depuis;smic_horaire_brut;texte\n") }
    }

    /// A full-time pay of 1 850 € is above the SMIC of May 2026 (1 823,07 €) and below June's (1 867,06 €).
    @Test func theNeedFormChecksThePayAgainstTheSMICOfItsStart() {
        let today = Day(iso: "2026-04-20")!
        func errors(start: String, pay: String) -> FormErrors {
            let fields = [
                "title": "Cuisinier", "description": "Cuisine du marché", "contract_kind": "cdi", "full_time": "oui", "hours_per_week": "35",
                "positions": "1", "wished_start": start, "place_name": "Cahors", "newly_created": "creation", "hard_to_fill": "non", "pay_min": pay,
            ]
            let body = fields.map { "\($0.key)=\(Browser.escape($0.value))" }.joined(separator: "&")
            return JobNeedForm.read(FormData(urlEncoded: body), today: today, isNew: true, minimumWages: table).2
        }
        #expect(errors(start: "2026-05-31", pay: "1850").isEmpty)
        let june = errors(start: "2026-06-01", pay: "1850")
        #expect(june["pay_min"]?.contains("SMIC en vigueur au 01/06/2026") == true)
        #expect(june["pay_min"]?.contains("1\u{202F}867,06\u{00A0}€") == true)
        #expect(errors(start: "2026-06-01", pay: "1868").isEmpty)
    }
}
