import Foundation
import Mustache
import Testing

@testable import Renfort

/// Page models reach mustache as dictionaries, arrays and plain values; nil renders nothing.
@Suite struct MustacheModelTests {
    /// The text of a boxed string or number.
    func text(_ value: Any?) -> String? { (value as? MustacheModel.Text)?.renderText }

    struct Item: Sendable {
        let name: String
        let note: String?
        let count: Int
    }

    struct Page: Sendable {
        let title: String
        let subtitle: String?
        let missing: String?
        let items: [Item]
        let maybe: [Item]?
        let nested: Int??
        let flags: [Bool]
        let day: Day
        let ratio: Double
    }

    @Test func boxesEveryKindOfValueTheSameWayEveryTime() throws {
        let page = Page(
            title: "Titre", subtitle: "Sous-titre", missing: nil,
            items: [Item(name: "a", note: "n", count: 1), Item(name: "b", note: nil, count: 2)],
            maybe: nil, nested: .some(.some(3)), flags: [true, false], day: Day(iso: "2026-11-26")!, ratio: 0.5)
        // Twice: the second time, each type's kind comes from the cache.
        for _ in 0..<2 {
            let boxed = try #require(MustacheModel.box(page) as? [String: Any])
            #expect(text(boxed["title"]) == "Titre")
            #expect(text(boxed["subtitle"]) == "Sous-titre")
            #expect(boxed["missing"] is MustacheModel.Null)
            #expect(boxed["maybe"] is MustacheModel.Null)
            #expect(text(boxed["nested"]) == "3")
            #expect(boxed["flags"] as? [Any] != nil && (boxed["flags"] as? [Any])?.count == 2)
            #expect(text(boxed["ratio"]) == "0.5")
            #expect(boxed["day"] as? Day == Day(iso: "2026-11-26")!)
            let items = try #require(boxed["items"] as? [Any])
            let second = try #require(items[1] as? [String: Any])
            #expect(text(second["name"]) == "b")
            #expect(second["note"] is MustacheModel.Null)
            #expect(text(second["count"]) == "2")
            #expect(text((items[0] as? [String: Any])?["note"]) == "n")
        }
        // An optional seen first as nil, then with a value.
        let none: String? = nil
        #expect(MustacheModel.box(none as Any) is MustacheModel.Null)
        #expect(text(MustacheModel.box(Optional("x") as Any)) == "x")

        let template = try MustacheTemplate(string: "{{title}}|{{missing}}|{{#items}}{{name}}:{{note}}:{{count}};{{/items}}|{{^maybe}}none{{/maybe}}|{{nested}}|{{day}}")
        #expect(template.render(MustacheModel.box(page)) == "Titre||a:n:1;b::2;|none|3|2026-11-26")
    }
}

extension MustacheModelTests {
    /// A boxed value written with its dictionaries' keys in order, to compare two boxings.
    func canonical(_ value: Any) -> String {
        switch value {
        case let fields as [String: Any]: "{" + fields.keys.sorted().map { "\($0): \(canonical(fields[$0]!))" }.joined(separator: ", ") + "}"
        case let array as [Any]: "[" + array.map(canonical).joined(separator: ", ") + "]"
        default: String(describing: value)
        }
    }

    /// The types that list their fields by hand list all of them, under their own names.
    @Test func handWrittenFieldsMatchTheTypesFields() throws {
        func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label).sorted() }
        let session = SessionInfo(
            id: 1, csrfToken: "t", user: CurrentUser(id: 1, email: "a@b.c", displayName: "A", isAdmin: true, memberships: []),
            createdAt: Date(), lastSeenAt: Date())
        var errors = FormErrors()
        errors.add("ids", "m")
        let values: [any MustacheFields] = [
            Fact(label: "l", value: "v"), Option(value: "v", label: "l", selected: false),
            Layout(title: "T", session: session, currentPath: "/", flash: "f"), Layout(title: "T", session: nil, currentPath: "/"),
            BoardPage(
                layout: Layout(title: "T", session: session, currentPath: "/"), needTitle: "Besoin", businessName: "Entreprise",
                needHref: "/b", columns: [], endedCount: 2, listView: true, rows: "<tr></tr>", boardHref: "/t", listHref: "/l",
                addAction: "/a", matchesHref: "/v", rehireHref: "/s", bulkAction: "/r", reasonOptions: "<option value=\"1\">Motif</option>",
                refusalOptions: "<option value=\"refus\">Refus</option>", writeAction: "/e", templateOptions: "<option value=\"libre\">Libre</option>", search: "q",
                found: [BoardPage.FoundCandidate(id: 1, name: "N", commune: "C", cdi: "En CDI chez E")], searched: true, total: 3, more: false,
                stageOptions: "", page: 1, pages: 1, previousHref: nil, nextHref: "/n",
                form: FormState(sent: FormData(urlEncoded: "ids=1&q=x"), errors: errors)),
            FormState(sent: FormData(urlEncoded: "ids=1&q=x"), errors: errors),
            CandidateListPage(
                layout: Layout(title: "T", session: session, currentPath: "/"),
                rows: "<tr></tr>",
                isEmpty: false, caption: "1 candidat(s)", byNameNote: "Plus de 1 000", text: "vigne", commune: "Cahors", licenceChecked: true,
                vehicleChecked: false, availableBy: "2026-03-01", contractKinds: [Option(value: "cdi", label: "CDI", selected: true)], sources: [],
                previousHref: nil, nextHref: "/n", newHref: "/new", purgesHref: "/p"),
            NeedMatchesPage(
                layout: Layout(title: "T", session: session, currentPath: "/"), needTitle: "Besoin", businessName: "Entreprise", needHref: "/b",
                boardHref: "/t", editHref: "/e", rehireHref: "/s", job: "K1304",
                rows: "<tr></tr>",
                hasRows: true, count: 1, limit: 50, action: "/v", form: FormState(sent: FormData(urlEncoded: "ids=1"), errors: errors)),
            AdviserHomePage(
                layout: Layout(title: "T", session: session, currentPath: "/"), centreName: "Cahors", businessCount: 8, businessesHref: "/e",
                queue: "<tr></tr>", queueCount: 1, hasQueue: true, needsHref: "/b", pendingJoins: 2, joinsHref: "/a", awaitingEmployer: "<li></li>",
                employerAnswers: "", interviewsThisWeek: "<li></li>", stale: "", pendingOffers: "", hasAwaitingEmployer: true, hasEmployerAnswers: false,
                hasInterviews: true, hasStale: false, hasPendingOffers: false, followUpsOverdue: 1, followUpsThisWeek: 2, followUpsAtRisk: 3,
                followUpsAlerts: 4, followUpsHref: "/s"),
        ]
        for value in values {
            #expect(value.mustacheFields.keys.sorted() == labels(value), "\(type(of: value))")
            // Boxed the same way as through the Mirror.
            let boxed = try #require(MustacheModel.box(value) as? [String: Any])
            for child in Mirror(reflecting: value).children {
                let label = try #require(child.label)
                #expect(canonical(boxed[label]!) == canonical(MustacheModel.box(child.value)), "\(type(of: value)).\(label)")
            }
        }
    }
}
