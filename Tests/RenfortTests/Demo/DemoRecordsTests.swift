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
    /// The demo looks like a real centre's week: every full-time need pays at least the SMIC in
    /// force on its start (the edit form would otherwise save it only with "below the SMIC"
    /// confirmed), and every interview is on a working day, in office hours, Paris time.
    @Test func demoPaysAndInterviewsAreRealistic() async throws {
        try await TestApp.run(demo: true) { _, database in  // the demo itself is what is checked
            var needs: [(String, String, Double, String)] = []
            var interviews: [Date] = []
            let lookup = DemoLookup(database: database)
            for slug in ["cahors", "figeac"] {
                let centre = try await lookup.centre(slug)
                let (someNeeds, someInterviews) = try await database.asOwner { client in
                    try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) { connection in
                        var needs: [(String, String, Double, String)] = []
                        for try await row in try await connection.query(
                            "SELECT title, wished_start::text, pay_min::float8, contract_kind FROM job_needs WHERE full_time AND pay_min IS NOT NULL AND wished_start IS NOT NULL",
                            logger: TestEnvironment.logger)
                        {
                            needs.append(try row.decode((String, String, Double, String).self))
                        }
                        let interviews = try await connection.values("SELECT starts_at FROM interviews", as: Date.self, logger: TestEnvironment.logger)
                        return (needs, interviews)
                    }
                }
                needs += someNeeds
                interviews += someInterviews
            }
            let wages = MinimumWages.repository
            #expect(needs.count > 10)
            for (title, start, pay, contract) in needs {
                let day = try #require(Day(iso: start))
                guard let kind = ContractKind(rawValue: contract), !kind.allowsPayBelowMinimumWage else { continue }
                #expect(pay >= wages.monthlyGross(on: day), "\(title) starts on \(start) at \(pay) €")
            }
            #expect(!interviews.isEmpty)
            for startsAt in interviews {
                let parts = Day.calendar.dateComponents([.weekday, .hour], from: startsAt)
                #expect(![1, 7].contains(parts.weekday ?? 0) && (8...18).contains(parts.hour ?? 0), "interview at \(Formats.dateTime(startsAt))")
            }
        }
    }
}
