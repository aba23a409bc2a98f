import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// French typography in what we write: "d'Anaïs", « … » with no-break spaces inside,
/// "1 802 €" with a narrow no-break space between thousands and a no-break space before the sign.
@Suite struct FrenchTypographyTests {
    @Test(arguments: [
        ("Anaïs", "d'Anaïs"), ("Éloïse", "d'Éloïse"), ("Hélène", "d'Hélène"), ("Yves", "d'Yves"), ("Ousmane", "d'Ousmane"),
        ("Sarah", "de Sarah"), ("Yann", "de Yann"), ("Léa", "de Léa"), ("Auberge du Causse", "d'Auberge du Causse"), ("Transports Cadurciens", "de Transports Cadurciens"),
    ])
    func aNameAfterDeIsElidedBeforeAVowelOrAMuteH(name: String, written: String) {
        #expect(French.of(name) == written)
    }

    @Test func amountsAndPercentagesAreWrittenWithTheirSpaces() {
        #expect(Formats.euros(1802) == "1\u{202F}802\u{00A0}€")
        #expect(Formats.euros(950) == "950\u{00A0}€")
        #expect(Amount(cents: 180_250).french == "1\u{202F}802,50\u{00A0}€")
        #expect(DashboardFormat.percent(0.456) == "46\u{202F}%")
        #expect(DashboardFormat.days(12) == "12\u{00A0}j")
        #expect(French.quoted("Cuisinier") == "«\u{00A0}Cuisinier\u{00A0}»")
    }

    @Test func aHiresPageAndItsHistoryElideTheNameAfterDe() async throws {
        try await TestApp.run(demo: false) { desk, database in
            let make = Factory(database: database)
            let (centre, adviser) = try await make.centre("essai")
            let business = try await make.business(centre: centre)
            let need = try await make.need(centre: centre, business: business)
            let anais = try await make.candidate(centre: centre, firstName: "Anaïs", lastName: "Delmas", email: "anais@example.org")
            let placement = try await make.placement(centre: centre, need: need, candidate: anais, actor: adviser)
            try await desk.signIn("conseil@essai.test")
            let page = try await desk.get("/c/essai/embauches/\(placement)").text
            #expect(page.contains("<title>Embauche d&#39;Anaïs Delmas · Renfort</title>"))
            #expect(page.contains("<h1>Embauche d&#39;<a href="))
            #expect(!page.contains("Embauche de Anaïs"))
            let history = try await desk.get("/c/essai/besoins/\(need)").text
            #expect(history.contains("Embauche d'Anaïs Delmas") || history.contains("Embauche d&#39;Anaïs Delmas"))
        }
    }

    /// What we write (templates, and Swift outside comments) puts no-break spaces inside
    /// guillemets, and one kind of apostrophe: the straight one, as the whole house does.
    @Test func ourTextPutsNoBreakSpacesInsideGuillemetsAndStraightApostrophes() throws {
        let root = TestEnvironment.repositoryRoot
        var files: [String] = []
        for folder in ["templates", "Sources"] {
            files += try FileManager.default.subpathsOfDirectory(atPath: root + "/" + folder)
                .filter { $0.hasSuffix(".mustache") || $0.hasSuffix(".swift") }.map { folder + "/" + $0 }
        }
        #expect(files.count > 100)
        var wrong: [String] = []
        for file in files {
            let lines = try String(contentsOfFile: root + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                if line.contains("« ") || line.contains(" »") || line.contains("’") { wrong.append("\(file):\(number + 1)") }
            }
        }
        #expect(wrong.isEmpty, "ordinary spaces inside « » or a typographic apostrophe: \(wrong)")
    }
}
