import Foundation
import HummingbirdTesting
import Testing

@testable import Renfort

/// Shared posts on hand-built businesses: the form's rules, one post for a double submit, the
/// hire as one CDI with its follow-ups held with each business in turn, the dashboards
/// counting it once with each member's part, and nobody else seeing any of it.
@Suite struct SharedPostTests {
    struct World {
        let centre: Int64
        let adviser: Int64
        let camping: Int64
        let cannery: Int64
        let group: Int64
    }

    static func world(_ database: TestDatabase) async throws -> World {
        let make = Factory(database: database)
        let (centre, adviser) = try await make.centre("essai")
        let camping = try await make.business(centre: centre, name: "Camping des Berges")
        let cannery = try await make.business(centre: centre, name: "Conserverie du Causse", siret: "55210055400013")
        let group = try await make.business(centre: centre, name: "Groupement d'employeurs du Quercy", siret: Siret.completing("5521005540201"))
        return World(centre: centre, adviser: adviser, camping: camping, cannery: cannery, group: group)
    }

    static func fields(_ w: World, _ token: String, title: String = "Agent polyvalent à l'année") -> [(String, String)] {
        [
            ("_form", token), ("title", title), ("employer_id", String(w.group)), ("job", ""), ("notes", ""),
            ("member_1_business", String(w.camping)), ("member_1_from", "4"), ("member_1_to", "9"), ("member_1_hours", "35"),
            ("member_2_business", String(w.cannery)), ("member_2_from", "10"), ("member_2_to", "1"), ("member_2_hours", "28"),
        ]
    }

    @Test func theFormRefusesOverlappingMonthsAndASingleBusinessAndKeepsWhatWasTyped() {
        let businesses: Set<Int64> = [1, 2, 3]
        func read(_ pairs: [(String, String)]) -> (SharedPostDraft?, FormErrors) {
            let form = FormData(urlEncoded: pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
            let (_, draft, errors) = SharedPostForm.read(form, businesses: businesses)
            return (draft, errors)
        }
        let good: [(String, String)] = [
            ("title", "Poste"), ("employer_id", "3"), ("member_1_business", "1"), ("member_1_from", "4"), ("member_1_to", "9"), ("member_1_hours", "35"),
            ("member_2_business", "2"), ("member_2_from", "10"), ("member_2_to", "1"), ("member_2_hours", "28,5"),
        ]
        let (draft, errors) = read(good)
        #expect(errors.isEmpty)
        #expect(draft?.members.map(\.hours) == [35, 28.5] && draft?.members.map(\.firstMonth) == [4, 10])
        // September is the camping's and the cannery's: refused, the row named.
        var overlapping = good
        overlapping[7] = ("member_2_from", "9")
        let (none, refused) = read(overlapping)
        #expect(none == nil && refused.byField["member_2_from"]?.contains("septembre est déjà le mois de l'entreprise 1") == true)
        let (_, alone) = read(Array(good.prefix(6)))
        #expect(alone.byField["member_1_business"]?.contains("au moins deux entreprises") == true)
        var foreign = good
        foreign[6] = ("member_2_business", "99")
        #expect(read(foreign).1.byField["member_2_business"] != nil)
        var twice = good
        twice[6] = ("member_2_business", "1")
        #expect(read(twice).1.byField["member_2_business"]?.contains("déjà une ligne plus haut") == true)
    }

    @Test func aPostIsCreatedOnceWithItsNeedAndItsHireIsFollowedWithEachBusinessInTurn() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            try await browser.signIn("conseil@essai.test")
            let form = try await browser.get("/c/essai/postes-partages/nouveau")
            #expect(form.status == .ok)
            let token = try #require(form.text.components(separatedBy: "name=\"_form\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let created = try await browser.post("/c/essai/postes-partages", Self.fields(w, String(token)))
            #expect(created.status == .seeOther)
            let location = try #require(created.location)
            let page = try await browser.get(location)
            #expect(page.text.contains("Poste partagé créé"))
            #expect(page.text.contains("d&#39;avril à septembre") && page.text.contains("d&#39;octobre à janvier"))
            // 6 months × 35 h = 210, 4 months × 28 h = 112: 65 % and 35 %.
            #expect(page.text.contains("65\u{202F}%") && page.text.contains("35\u{202F}%"))
            #expect(page.text.contains("Mois sans entreprise : février, mars"))
            let again = try await browser.post("/c/essai/postes-partages", Self.fields(w, String(token)))
            #expect(again.location == location)
            #expect(try await database.count("shared_posts", tenant: w.centre) == 1)
            let need = try #require(try await make.ids(w.centre, "SELECT need_id FROM shared_posts").first)
            #expect(try await make.ids(w.centre, "SELECT business_id FROM job_needs WHERE id = \(need) AND contract_kind = 'shared_time' AND status = 'qualified'") == [w.group])

            // The hire on 1 April: its check-ins are held with the camping until September, then the
            // cannery (which has its own at the arrival) until January; in February and March, which
            // nobody has, with the camping, next in turn.
            let person = try await make.candidate(centre: w.centre, firstName: "Inès", email: "ines@exemple.test")
            let start = Day(year: Day(Date()).year + 1, month: 4, day: 1)
            let placement = try await make.placement(centre: w.centre, need: need, candidate: person, actor: w.adviser, contract: .sharedTime, start: start)
            let held = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: w.centre, logger: TestEnvironment.logger) { connection in
                    try await connection.all(
                        "SELECT due_on, business_id FROM check_ins WHERE placement_id = \(placement) ORDER BY due_on", as: (Day.self, Int64.self), logger: TestEnvironment.logger)
                }
            }
            #expect(!held.isEmpty)
            for (due, business) in held {
                #expect(business == ((2...9).contains(due.month) ? w.camping : w.cannery), "\(due)")
            }
            #expect(held.contains { $0.0 == Day(year: start.year, month: 10, day: 15) && $0.1 == w.cannery })
            let shown = try await browser.get(location)
            #expect(shown.text.contains("Inès Martin") && shown.text.contains("Arrivée chez Conserverie du Causse : point à deux semaines"))

            // The dashboards: one permanent post, each member's part; /indicateurs says how.
            let period = "du=\(start.year)-01-01&au=\(start.year)-12-31"
            let dashboard = try await browser.get("/c/essai/tableau-de-bord?\(period)")
            #expect(dashboard.text.contains("Postes partagés : la part de chaque entreprise"))
            #expect(dashboard.text.contains("Camping des Berges") && dashboard.text.contains("65\u{202F}%"))
            let csvPath = "/c/essai/tableau-de-bord/export/postes-partages?\(period)"
            let csvBefore = try await browser.get(csvPath)
            #expect(csvBefore.status == .ok && csvBefore.text.contains("Conserverie du Causse"))
            #expect(try await browser.get(csvPath).text == csvBefore.text)
            // The dashboard's tables are kept beside the centre's version: a change of the shares
            // alone raises it (schema 0261), and the page shows the new parts at once.
            try await make.inCentre(w.centre) { connection in
                _ = try await connection.query("UPDATE shared_post_members SET hours_per_week = 35 WHERE position = 2", logger: TestEnvironment.logger)
            }
            let changed = try await browser.get("/c/essai/tableau-de-bord?\(period)")
            #expect(changed.text.contains("60\u{202F}%") && changed.text.contains("40\u{202F}%") && !changed.text.contains("65\u{202F}%"))
            // So is each CSV file: the new hours and parts at once too.
            let csv = try await browser.get(csvPath)
            #expect(csv.status == .ok && csv.text.contains("Conserverie du Causse"))
            #expect(csv.text != csvBefore.text)
            #expect(try await browser.get(csvPath).text == csv.text)
            // Filtered by a business: the posts it is a member of, and no other.
            let member = try await browser.get("\(csvPath)&entreprise=55210055400013")
            #expect(member.status == .ok && member.text.contains("Camping des Berges"))
            let another = try await browser.get("\(csvPath)&entreprise=\(Siret.completing("4420000000001"))")
            #expect(another.status == .ok && !another.text.contains("Conserverie du Causse") && !another.text.contains("Camping des Berges"))
            let api = try await database.asOwner { client in
                try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: w.centre, logger: TestEnvironment.logger) { connection in
                    try await connection.value(
                        "SELECT count(*)::int8 FROM placements WHERE contract_kind IN ('cdi', 'shared_time')", as: Int64.self, logger: TestEnvironment.logger)
                }
            }
            #expect(api == 1)
            let headline = try #require(dashboard.text.components(separatedBy: "Postes pérennes créés (CDI)</th>").dropFirst().first?.prefix(300))
            #expect(headline.contains(">1</a>"), "\(headline)")
            #expect(try await browser.get("/indicateurs").text.contains("Postes partagés"))

            // An employer and another centre's adviser: no such pages, and nothing created.
            let employer = browser.fresh()
            try await make.employer("patron@camping.test", centre: w.centre, business: w.camping)
            try await employer.signIn("patron@camping.test")
            for path in ["/c/essai/postes-partages", "/c/essai/postes-partages/nouveau", location] {
                #expect(try await employer.get(path).status == .notFound, "\(path)")
            }
            try await employer.get("/c/essai")
            #expect(try await employer.post("/c/essai/postes-partages", Self.fields(w, Tokens.random())).status == .notFound)
            let (_, _) = try await make.centre("figeac")
            let outsider = browser.fresh()
            try await outsider.signIn("conseil@figeac.test")
            let id = location.split(separator: "/").last.map(String.init) ?? ""
            #expect(try await outsider.get("/c/figeac/postes-partages/\(id)").status == .notFound)
            #expect(!(try await outsider.get("/c/figeac/postes-partages").text.contains("Agent polyvalent")))
            try await outsider.get("/c/figeac")
            let theirs = try await outsider.post("/c/figeac/postes-partages", Self.fields(w, Tokens.random()))
            #expect(theirs.status == .unprocessableContent)
            #expect(try await database.count("shared_posts", tenant: w.centre) == 1)
        }
    }

    /// The hire's page, list and alerts for each member's employers: the check-ins held with
    /// their business, the alerts they raised; the employer of record sees every check-in; the
    /// adviser's worklist names the member that has the person; any other business sees nothing.
    @Test func eachMemberEmployerFollowsTheHireWithTheirOwnBusiness() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let today = Day(Date())
            func month(_ after: Int) -> Int { (today.month - 1 + after) % 12 + 1 }
            // The camping has the person from this month for six months, then the cannery for four.
            let (_, need) = try await make.sharedPost(
                centre: w.centre, actor: w.adviser, employer: w.group,
                members: [(w.camping, today.month, month(5), 35), (w.cannery, month(6), month(9), 28)])
            let person = try await make.candidate(centre: w.centre, firstName: "Inès", email: "ines@exemple.test")
            let placement = try await make.placement(centre: w.centre, need: need, candidate: person, actor: w.adviser, contract: .sharedTime, start: today)
            let bakery = try await make.business(centre: w.centre, name: "Boulangerie du Lot", siret: Siret.completing("4420000000001"))
            try await make.employer("patron@camping.test", centre: w.centre, business: w.camping)
            try await make.employer("chef@conserverie.test", centre: w.centre, business: w.cannery)
            try await make.employer("rh@groupement.test", centre: w.centre, business: w.group)
            try await make.employer("mitron@boulangerie.test", centre: w.centre, business: bakery)
            let page = "/c/essai/embauches/\(placement)"
            let arrival = "Arrivée chez Conserverie du Causse : point à deux semaines"

            let camping = browser.fresh()
            try await camping.signIn("patron@camping.test")
            let theirs = try await camping.get(page)
            #expect(theirs.status == .ok && theirs.text.contains("Une semaine") && !theirs.text.contains(arrival))
            #expect(theirs.text.contains("Poste partagé</dt><dd>Camping des Berges d") && theirs.text.contains("h), Conserverie du Causse d"))
            #expect(try await camping.get("/c/essai/embauches").text.contains("Inès Martin"))
            #expect(try await camping.get("/c/essai/entreprises/\(w.camping)").text.contains("Inès Martin"))
            let sent = try await camping.post("\(page)/alerte", [("kind", "problem"), ("message", "Elle n'a plus de voiture depuis lundi.")])
            #expect(sent.status == .seeOther)
            #expect(try await camping.get(page).text.contains("plus de voiture"))

            let cannery = browser.fresh()
            try await cannery.signIn("chef@conserverie.test")
            let held = try await cannery.get(page)
            #expect(held.status == .ok && held.text.contains(arrival))
            #expect(!held.text.contains("Une semaine") && !held.text.contains("plus de voiture"), "the camping's check-ins and alert are not the cannery's")
            #expect(try await cannery.get("/c/essai/embauches").text.contains("Inès Martin"))

            let group = browser.fresh()
            try await group.signIn("rh@groupement.test")
            let all = try await group.get(page)
            #expect(all.status == .ok && all.text.contains("Une semaine</strong> (chez Camping des Berges)") && all.text.contains(arrival))

            let bakers = browser.fresh()
            try await bakers.signIn("mitron@boulangerie.test")
            #expect(try await bakers.get(page).status == .notFound)
            #expect(!(try await bakers.get("/c/essai/embauches").text.contains("Inès Martin")))
            try await bakers.get("/c/essai")
            #expect(try await bakers.post("\(page)/alerte", [("kind", "problem"), ("message", "x")]).status == .notFound)
            #expect(try await database.count("placement_alerts", tenant: w.centre) == 1)

            // The adviser's worklist: the week's check-in and the alert under the camping's name.
            try await browser.signIn("conseil@essai.test")
            let worklist = try await browser.get("/c/essai/suivis")
            let rows = worklist.text.components(separatedBy: "<li>").filter { $0.contains("Inès Martin") }
            #expect(rows.contains { $0.contains("Camping des Berges · Une semaine") }, "\(rows)")
            #expect(rows.contains { $0.contains("Camping des Berges : <q>Elle n&#39;a plus de voiture") }, "\(rows)")
            #expect(!rows.contains { $0.contains("Groupement") }, "\(rows)")
            #expect(try await browser.get("/c/essai/suivis?entreprise=\(w.camping)").text.contains("Inès Martin"))
            #expect(!(try await browser.get("/c/essai/suivis?entreprise=\(w.group)").text.contains("Inès Martin")))
        }
    }

    /// The annual report carries the shares table too, as the dashboard does.
    @Test func theAnnualReportShowsEachMembersShare() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let start = Day(year: Day(Date()).year, month: 1, day: 5)
            let (_, need) = try await make.sharedPost(
                centre: w.centre, actor: w.adviser, employer: w.group, members: [(w.camping, 4, 9, 35), (w.cannery, 10, 1, 28)], start: start)
            let person = try await make.candidate(centre: w.centre, firstName: "Inès", email: "ines@exemple.test")
            try await make.placement(centre: w.centre, need: need, candidate: person, actor: w.adviser, contract: .sharedTime, start: start)
            try await browser.signIn("conseil@essai.test")
            let report = try await browser.get("/c/essai/tableau-de-bord/rapport?annee=\(start.year)")
            #expect(report.status == .ok)
            let table = try #require(report.text.components(separatedBy: "Postes partagés : la part de chaque entreprise").dropFirst().first)
            #expect(table.contains("Conserverie du Causse") && table.contains("65\u{202F}%") && table.contains("35\u{202F}%"))
        }
    }

    @Test func aCombinationOfTheCalendarStartsTheForm() async throws {
        try await TestApp.run { browser, database in
            let w = try await Self.world(database)
            let make = Factory(database: database)
            let today = Day(Date())
            var ids: [Int64] = []
            for (business, month, length) in [(w.camping, 4, 152), (w.cannery, 10, 110)] {
                let start = DemoNeeds.season(month: month, day: 1, lasting: length, around: today)
                ids.append(try await make.need(centre: w.centre, business: business, title: "Saison \(month)", contract: .seasonalCDD, start: start, end: start.adding(days: length)))
            }
            try await browser.signIn("conseil@essai.test")
            let form = try await browser.get("/c/essai/postes-partages/nouveau?besoins=\(ids.map(String.init).joined(separator: ","))")
            #expect(form.status == .ok)
            #expect(form.text.contains("Poste à l&#39;année : Saison 4, Saison 10") || form.text.contains("Poste à l&#39;année : Saison 10, Saison 4"))
            #expect(form.text.contains("<option value=\"\(w.camping)\" selected>") && form.text.contains("<option value=\"\(w.cannery)\" selected>"))
        }
    }
}
