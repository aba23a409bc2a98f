import Foundation
import Testing

@testable import Renfort

/// The demo's data obeys the rules its forms enforce: every record with an edit form, opened
/// and saved unchanged by its adviser, is saved (a purge date two years past the consent, a
/// salary under the SMIC, a code in the wrong format would be refused).
@Suite struct DemoRecordsTests {
    /// An edit form read as the browser shows it, sent back as it stands: the answer is a redirect to the record.
    func saveUnchanged(_ browser: Browser, _ path: String, action: String? = nil) async throws -> String? {
        let page = try await browser.get(path)
        guard page.status == .ok else { return "GET \(path): \(page.status)" }
        let target = action ?? path
        guard let form = HTMLForm.posting(to: target, in: page.text).first else { return "\(path): no form posting to \(target)" }
        let answer = try await browser.post(target, form.submission.filter { $0.0 != "_csrf" })
        guard answer.status == .seeOther else {
            let messages = answer.text.matches(of: /<li><a href="#[^"]*">([^<]*)<\/a><\/li>/).map { HTMLForm.decode(String($0.output.1)) }
            return "POST \(target) unchanged: \(answer.status) \(messages)"
        }
        return nil
    }

    @Test func everyDemoRecordSavedUnchangedIsSaved() async throws {
        try await TestApp.run(demo: true) { browser, database in  // the demo itself is what is checked
            let lookup = DemoLookup(database: database)
            var refused: [String] = []
            var saved = 0
            for (slug, adviser) in [("cahors", "conseiller1@cahors.renfort.test"), ("figeac", "conseiller1@figeac.renfort.test")] {
                let person = browser.fresh()
                try await person.signIn(adviser, password: DemoData.password)
                let base = "/c/\(slug)"
                let candidates = try await lookup.ids(slug, "SELECT id FROM candidates WHERE merged_into IS NULL ORDER BY id")
                let businesses = try await lookup.ids(slug, "SELECT id FROM businesses WHERE status = 'member' ORDER BY id")
                // Advisers edit a need while it is open (`JobNeedPage.mayEdit`).
                let open = NeedStatus.allCases.filter(\.isOpen).map { "'\($0.rawValue)'" }.joined(separator: ", ")
                let needs = try await lookup.ids(slug, "SELECT id FROM job_needs WHERE status IN (\(open)) ORDER BY id")
                #expect(!candidates.isEmpty && !businesses.isEmpty, "\(slug)")
                let paths = candidates.map { "\(base)/candidats/\($0)/modifier" } + businesses.map { "\(base)/entreprises/\($0)/modifier" }
                    + needs.map { "\(base)/besoins/\($0)/modifier" }
                for path in paths {
                    if let problem = try await saveUnchanged(person, path) { refused.append(problem) } else { saved += 1 }
                }
                // The centre's settings are records too: the trial periods, saved as they are.
                if let problem = try await saveUnchanged(person, "\(base)/parametres/suivis", action: "\(base)/parametres/suivis/essai") {
                    refused.append(problem)
                } else {
                    saved += 1
                }
            }
            let report = "\(refused.count) refused of \(refused.count + saved):\n" + refused.prefix(20).joined(separator: "\n")
            #expect(refused.isEmpty, "\(report)")
            #expect(saved > 100)
        }
    }
}
