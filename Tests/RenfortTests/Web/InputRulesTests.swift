import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Renfort

/// The rules every value meets before a handler reads it, and those of the form reader.
@Suite struct InputRulesTests {
    func form(_ fields: [(String, String)]) -> FormData { FormData(fields: fields) }

    /// A query string's parameters as Hummingbird reads them: values decoded, names as sent.
    func query(_ text: String) -> [(name: Substring, value: Substring)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? parts[1] : ""
            return (name: parts[0], value: Substring(value.removingPercentEncoding ?? String(value)))
        }
    }

    @Test func limitsCountWhatPostgreSQLCounts() {
        // 80 graphemes, 160 code points: over a limit of 80 for the database.
        let accents = String(repeating: "e\u{301}", count: 80)
        #expect(accents.count == 80)
        #expect(accents.storedLength == 160)
        var reader = FormReader(form([("name", accents)]))
        _ = reader.text("name", "Nom du jeton", required: true, max: 80)
        #expect(reader.errors["name"]?.contains("160 saisis") == true)
        let family = String(repeating: "👨‍👩‍👧", count: 41)
        var emoji = FormReader(form([("name", family)]))
        _ = emoji.text("name", "Nom du centre", max: 200)
        #expect(emoji.errors["name"] != nil)
        var exact = FormReader(form([("name", String(repeating: "é", count: 80))]))
        _ = exact.text("name", "Nom du jeton", max: 80)
        #expect(exact.errors.isEmpty)
    }

    @Test func codesAreReadInASCIIDigitsAndLetters() {
        for value in ["๔๖๐๔๒", "٤٦٠٤٢", "４６０４２"] {
            var reader = FormReader(form([("commune_insee", value)]))
            #expect(reader.formatted("commune_insee", "Code INSEE", pattern: "[0-9][0-9AB][0-9]{3}", example: "46042") == nil, "\(value)")
            #expect(reader.errors["commune_insee"] != nil)
        }
        // The Kelvin sign folds to k in a case-insensitive match, then fails the database's [A-Z].
        var kelvin = FormReader(form([("rome_code", "\u{212A}1602")]))
        #expect(kelvin.formatted("rome_code", "Code ROME", pattern: "[A-N][0-9]{4}", example: "G1602") == nil)
        var good = FormReader(form([("rome_code", "k1602")]))
        #expect(good.formatted("rome_code", "Code ROME", pattern: "[A-N][0-9]{4}", example: "G1602")?.uppercased() == "K1602")
        // A SIRET in Thai digits has a valid Luhn sum, and is still refused.
        let valid = Siret.completing("9001000010001")
        #expect(Siret.isValid(valid))
        let thai = String(valid.unicodeScalars.map { Character(Unicode.Scalar(0x0E50 + $0.value - 48)!) })
        #expect(!Siret.isValid(thai))
        #expect(!Siret.isValid("๔" + valid.dropFirst()))
    }

    @Test func datesAreCheckedAgainstWhatTheyMean() {
        let today = Day(iso: "2026-12-01")!
        var reader = FormReader(form([("date", "1970-01-01")]))
        #expect(reader.day("date", "Date de l'entretien", range: today.within(yearsBack: 1, yearsAhead: 2)) == nil)
        #expect(reader.errors["date"]?.contains("comprise entre le 01/12/2025 et le 01/12/2028") == true)
        // A purge date before the record exists.
        let fields: [(String, String)] = [
            ("first_name", "Camille"), ("last_name", "Martin"), ("email", "camille@example.org"), ("commune_name", "Cahors"),
            ("source", CandidateSource.allCases[0].rawValue), ("purge_after", "1970-01-01"),
        ]
        let (_, draft, errors) = CandidateForm.read(form(fields), today: today)
        #expect(draft == nil)
        #expect(errors["purge_after"]?.contains("passée") == true)
        let (_, kept, none) = CandidateForm.read(form(fields.dropLast() + [("purge_after", "2027-02-01")]), today: today)
        #expect(none.isEmpty)
        #expect(kept?.purgeAfter == Day(iso: "2027-02-01"))
    }

    @Test func controlCharactersAreRefusedInNamesValuesAndTheAddress() throws {
        #expect(throws: AppError.self) { try InputRules.check(form([("comment", "a\u{0}b")])) }
        #expect(throws: AppError.self) { try InputRules.check(form([("comm\u{0}ent", "ab")])) }
        #expect(throws: AppError.self) { try InputRules.check(form([("comment", "a\u{1B}b")])) }
        try InputRules.check(form([("comment", "deux lignes\r\net\tune tabulation")]))
        #expect(throws: AppError.self) { try InputRules.check(query: query("q=a%00b")) }
        #expect(throws: AppError.self) { try InputRules.check(query: query("q%00=a")) }
        #expect(throws: AppError.self) { try InputRules.check(query: query("q=" + String(repeating: "a", count: 1001))) }
        try InputRules.check(query: query("q=cuisini%C3%A8re%20Cahors&statut=submitted"))
        try InputRules.check(query: query("q=%zz"))
    }

    @Test func aNULInTheNeedsSearchIsA400AndReachesNoDatabase() async throws {
        try await TestApp.run(demo: false) { browser, database in
            let world = try await FuzzWorld.make(database)
            _ = world
            try await browser.signIn(FuzzWorld.adviser, password: Factory.password)
            let answer = try await browser.get("/c/fuzz/besoins?q=cuisi%00nier")
            #expect(answer.status == .badRequest)
            #expect(answer.text.contains("caractères non valides"))
            #expect(try await browser.get("/c/fuzz/besoins?q=cuisinier").status == .ok)
        }
    }

    @Test func aHugeEMailAtSignInIsRefusedBeforeTheDatabase() async throws {
        try await TestApp.run(demo: false) { browser, database in
            _ = try await Factory(database: database).centre("fuzz")
            try await browser.get("/login")
            let before = try await database.count("sign_in_failures")
            let answer = try await browser.post("/login", [("email", String(repeating: "a", count: 250_000) + "@example.org"), ("password", "x")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("254 caractères"))
            #expect(try await database.count("sign_in_failures") == before)
            let long = try await browser.post("/login", [("email", FuzzWorld.adviser), ("password", String(repeating: "p", count: 100))])
            #expect(long.status == .unprocessableContent)
            #expect(try await database.count("sign_in_failures") == before)
        }
    }
}
