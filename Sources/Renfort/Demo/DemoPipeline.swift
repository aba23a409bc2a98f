import Foundation
import Logging
import PostgresNIO

/// The demo's people and hires: the story of the seeds (39 permanent posts in the eight
/// businesses between 1 October 2018 and 31 January 2019, with that season's seasonal and
/// fixed-term hires) and the present (a pool of candidates, pipelines at every stage,
/// interviews this week, offers awaiting answers, recent hires). All people are fictional.
enum DemoPipeline {
    static let firstNames = [
        "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Louis", "Camille", "Nathan", "Sarah", "Enzo", "Inès", "Théo", "Jade", "Mathis",
        "Lina", "Tom", "Zoé", "Noah", "Emma", "Jules", "Clara", "Gabriel", "Louise", "Raphaël", "Alice", "Arthur", "Julie", "Maël",
        "Anaïs", "Baptiste", "Céline", "Damien", "Élodie", "Fabien", "Gaëlle", "Hervé", "Isabelle", "Jérôme", "Karine", "Laurent",
    ]
    static let lastNames = [
        "Bessières", "Carrère", "Delmon", "Escudié", "Fournié", "Gineste", "Hébrard", "Issaly", "Jouanny", "Lacombe", "Mazet",
        "Nouvel", "Oustric", "Pélissié", "Cabanès", "Roumiguières", "Soulié", "Teulières", "Vidaillac", "Aymard", "Bouyssou",
        "Calmels", "Dufour", "Esquieu", "Falip", "Garrigou", "Labarthe", "Malbec", "Périé", "Rigal",
    ]
    static let communes = [("46042", "Cahors"), ("46224", "Pradines"), ("46182", "Luzech"), ("46156", "Lalbenque"), ("46063", "Castelnau-Montratier"), ("46225", "Prayssac"), ("46102", "Figeac"), ("46127", "Gourdon")]
    static let trades = [
        "cuisine, plonge", "service en salle", "taille de la vigne, vendanges", "menuiserie, pose", "maraîchage", "aide à domicile, toilette",
        "conduite de ligne, conditionnement", "entretien, ménage", "animation", "conduite poids lourd, permis C", "mécanique", "cueillette, tri",
    ]
    /// The ROME referential's usual title of each trade, in the same order.
    static let tradeTitles: [Int32] = [13861, 19430, 17540, 16626, 16384, 10805, 12981, 10688, 11023, 13132, 16446, 13855]
    static let sources: [CandidateSource] = [.franceTravail, .missionLocale, .spontaneous, .referral, .jobFair, .capEmploi, .franceTravail, .other]

    /// The seeds' story: permanent posts per business (39 in all), in DemoData.businesses order.
    static let storyPosts = [7, 4, 6, 3, 8, 5, 2, 4]

    static func day(_ iso: String) -> Day { Day(iso: iso)! }

    /// A fictional person, the same for the same number.
    static func draft(_ number: Int, today: Day, hired: Bool) -> CandidateDetails {
        let first = firstNames[number % firstNames.count]
        let last = lastNames[(number * 7 + number / firstNames.count) % lastNames.count]
        let commune = communes[number % communes.count]
        let consent = today.adding(days: -(number % 200))
        // A few met without being asked to stay: kept three months, their purge within 30 days.
        let unasked = !hired && number % 6 == 0
        return CandidateDetails(
            firstName: first, lastName: last, email: "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(last.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(number)@exemple.test",
            phone: String(format: "06 %02d %02d %02d %02d", 10 + number % 89, number % 97, (number * 3) % 100, (number * 7) % 100),
            communeInsee: commune.0, communeName: commune.1, birthDate: nil, drivingLicence: number % 3 != 0, ownVehicle: number % 4 != 0,
            travelKm: [10, 20, 30, 50][number % 4], skills: trades[number % trades.count], experience: number % 2 == 0 ? "Plusieurs saisons" : "",
            availableFrom: today.adding(days: number % 40), seasonalWindows: number % 5 == 0 ? "Vendanges, saison d'été" : "",
            wishedContracts: number % 3 == 0 ? [.seasonalCDD, .cdd] : [.cdi], source: sources[number % sources.count], notes: "",
            consentAt: unasked ? nil : consent, consentScope: unasked ? "" : "Être proposé(e) pour d'autres postes du centre",
            // What the candidate form allows: at most two years after the consent, three months without.
            purgeAfter: unasked ? today.adding(days: 2 + number % 28) : consent.adding(days: hired ? 730 : 700))
    }

    static func load(cahors: Int64, businessIDs: [Int64], adviserIDs: [Int64], now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let today = Day(now)
        var number = 0
        var jobs: [RomeJob] = []
        for id in tradeTitles {
            guard let job = try await JobTitles.job(appellationID: id, on: connection, logger: logger) else {
                throw ConfigurationError("the demo's ROME title \(id) is not in the referential: run `renfort migrate` first")
            }
            jobs.append(job)
        }
        // The summer and the grape harvest, every year.
        let seasons = [
            AvailabilityWindow(starts: Day(year: today.year, month: 7, day: 1), ends: Day(year: today.year, month: 8, day: 31), everyYear: true),
            AvailabilityWindow(starts: Day(year: today.year, month: 9, day: 1), ends: Day(year: today.year, month: 10, day: 15), everyYear: true),
        ]
        func candidate(hired: Bool) async throws -> Int64 {
            number += 1
            var details = draft(number, today: today, hired: hired)
            details.jobs = [jobs[number % jobs.count]]
            if number % 5 == 0 { details.windows = seasons }
            return try await CandidateRepository.insert(
                details, tenantID: cahors, actorID: adviserIDs[0],
                informing: NotifiedCentre(id: cahors, slug: "cahors", baseURL: DemoNotifications.baseURL), now: now, on: connection, logger: logger)
        }
        let adviser = adviserIDs[0]

        // The story: one closed need per business, its permanent posts all filled, hires from October 2018 to January 2019.
        let storyStarts = ["2018-10-01", "2018-10-15", "2018-11-05", "2018-11-19", "2018-12-03", "2018-12-17", "2019-01-07", "2019-01-21", "2019-01-31"]
        var storyIndex = 0
        for (index, posts) in storyPosts.enumerated() {
            let business = DemoData.businesses[index]
            let title = ["Cuisiniers et commis", "Ouvriers viticoles", "Menuisiers", "Maraîchers", "Aides à domicile", "Opérateurs de production", "Agents polyvalents", "Conducteurs"][index]
            let hard: [HardToFillReason] = [1: [.transport], 4: [.hours, .transport], 7: [.rareSkill]][index] ?? []
            let needID = try await storyNeed(title: title, business: businessIDs[index], positions: posts, contract: .cdi, start: day("2018-10-01"), end: nil, hard: hard, closedOn: day("2019-01-31"), cahors: cahors, adviser: adviser, place: business.commune, on: connection, logger: logger)
            for _ in 0..<posts {
                let start = day(storyStarts[storyIndex % storyStarts.count])
                storyIndex += 1
                try await hired(needID: needID, business: businessIDs[index], candidate: try await candidate(hired: true), contract: .cdi, start: start, end: nil, hours: 35, newlyCreated: true, cahors: cahors, adviser: adviser, at: start, on: connection, logger: logger)
            }
        }
        // That season's seasonal and fixed-term hires: the walnut harvest and the cannery's Christmas peak.
        // Five pickers were asked for, four found: a hard-to-fill need (no transport to the orchards) partly filled.
        let walnut = try await storyNeed(title: "Cueilleurs de noix (saison 2018)", business: businessIDs[3], positions: 5, filled: 4, contract: .seasonalCDD, start: day("2018-10-08"), end: day("2018-11-09"), hard: [.seasonality, .transport], closedOn: day("2018-11-09"), cahors: cahors, adviser: adviser, place: "Lalbenque", on: connection, logger: logger)
        var pickers: [Int64] = []
        for _ in 0..<4 {
            let picker = try await candidate(hired: true)
            pickers.append(picker)
            try await hired(needID: walnut, business: businessIDs[3], candidate: picker, contract: .seasonalCDD, start: day("2018-10-08"), end: day("2018-11-09"), hours: 35, newlyCreated: false, cahors: cahors, adviser: adviser, at: day("2018-10-08"), on: connection, logger: logger)
        }
        let cannery = try await storyNeed(title: "Renforts de fin d'année (2018)", business: businessIDs[5], positions: 3, contract: .cdd, start: day("2018-11-12"), end: day("2019-01-11"), closedOn: day("2019-01-11"), cahors: cahors, adviser: adviser, place: "Castelnau-Montratier", on: connection, logger: logger)
        for _ in 0..<3 {
            try await hired(needID: cannery, business: businessIDs[5], candidate: try await candidate(hired: true), contract: .cdd, start: day("2018-11-12"), end: day("2019-01-11"), hours: 35, newlyCreated: false, cahors: cahors, adviser: adviser, at: day("2018-11-12"), on: connection, logger: logger)
        }

        // The present: the current needs' filled positions are real hires (DemoNeeds' `filled`, by title).
        let planned = Dictionary(DemoNeeds.needs.map { ($0.title, $0.filled) }, uniquingKeysWith: { first, _ in first })
        let current = try await connection.all(
            """
            SELECT n.id, n.business_id, n.contract_kind, n.wished_start::text, n.end_date::text, n.hours_per_week::float8, n.newly_created, n.title
            FROM job_needs n WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.need_id = n.id) ORDER BY n.id
            """, as: (Int64.self, Int64.self, String.self, String.self, String?.self, Double.self, Bool.self, String.self), logger: logger
        ).map { ($0.0, $0.1, $0.2, $0.3, $0.4, $0.5, $0.6, planned[$0.7] ?? 0) }.filter { $0.7 > 0 }
        // Two of the 2018 walnut pickers came back for this year's seasons: seasonal workers hired again.
        var returning = Array(pickers.prefix(2))
        for (needID, business, contract, start, end, hours, created, filled) in current {
            for _ in 0..<filled {
                let startDay = Day(iso: start)!
                let person: Int64
                if contract == ContractKind.seasonalCDD.rawValue && !returning.isEmpty { person = returning.removeFirst() } else { person = try await candidate(hired: true) }
                try await hired(needID: needID, business: business, candidate: person, contract: ContractKind(rawValue: contract) ?? .cdi, start: startDay, end: end.flatMap(Day.init(iso:)), hours: hours, newlyCreated: created, cahors: cahors, adviser: adviser, at: startDay, on: connection, logger: logger)
            }
        }

        try await sharedPost(
            cahors: cahors, cannery: businessIDs[5], gardens: businessIDs[3], person: try await candidate(hired: true), adviser: adviser, today: today, now: now,
            on: connection, logger: logger)
        try await followUps(cahors: cahors, adviser: adviser, today: today, on: connection, logger: logger)

        // A pool of people not (yet) hired.
        var pool: [Int64] = []
        for _ in 0..<30 { pool.append(try await candidate(hired: false)) }

        // Pipelines at every stage on the needs being sourced.
        let open = try await connection.values(
            "SELECT id FROM job_needs WHERE status IN ('sourcing', 'qualified', 'partly_filled') ORDER BY id", as: Int64.self, logger: logger)
        let reasons = try await ApplicationRepository.rejectionReasons(tenantID: cahors, on: connection, logger: logger)
        var next = 0
        for (needIndex, needID) in open.enumerated() {
            let stages: [ApplicationStage] = [.sourced, .screening, .presented, .interview, .offer, .rejected]
            for (stageIndex, stage) in stages.enumerated() where (needIndex + stageIndex) % 2 == 0 || stage == .presented {
                let candidateID = pool[next % pool.count]
                next += 1
                let created = now.addingTimeInterval(-Double(20 - stageIndex * 3) * 86400)
                guard let application = try await ApplicationRepository.create(needID: needID, candidateID: candidateID, tenantID: cahors, actorID: adviser, now: created, on: connection, logger: logger) else { continue }
                var at = created
                let path: [ApplicationStage] = switch stage {
                case .sourced: []
                case .screening: [.screening]
                case .presented: [.screening, .presented]
                case .interview: [.screening, .presented, .interview]
                case .offer: [.screening, .presented, .interview, .offer]
                default: [.screening, .rejected]
                }
                for step in path {
                    at = at.addingTimeInterval(86400)
                    _ = try await ApplicationRepository.move(id: application, to: step, comment: "", reasonID: step == .rejected ? reasons.first?.id : nil, tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
                }
                if stage == .interview {
                    let startsAt = interviewTime(after: today, inDays: 1 + needIndex % 4, hour: 9 + needIndex % 6)
                    try await connection.execute(
                        """
                        INSERT INTO interviews (tenant_id, application_id, starts_at, duration_minutes, mode, place, attendees, created_at)
                        VALUES (\(cahors), \(application), \(startsAt), 45, 'in_person', 'Dans l''entreprise', 'Le gérant et la conseillère', \(at))
                        """, logger: logger)
                }
                if stage == .offer {
                    let need = try await JobNeedRepository.find(id: needID, businessID: nil, on: connection, logger: logger)
                    try await connection.execute(
                        """
                        INSERT INTO offers (tenant_id, application_id, contract_kind, start_date, end_date, hours_per_week, gross_pay, created_at)
                        VALUES (\(cahors), \(application), \(need?.contractKind.rawValue ?? "cdi"), \((need?.wishedStart ?? today).iso)::date,
                                \(need?.endDate?.iso)::date, \(need?.hoursPerWeek ?? 35)::numeric, \(need?.payMin?.cents)::int8 / 100.0, \(at))
                        """, logger: logger)
                }
            }
        }
    }

    /// An interview `days` after `today` at `hour` o'clock in Paris, on a working day (a
    /// Saturday or a Sunday moves to the Monday): the demo's meetings are in office hours.
    static func interviewTime(after today: Day, inDays days: Int, hour: Int) -> Date {
        var day = today.adding(days: days)
        while [1, 7].contains(Day.calendar.component(.weekday, from: day.date)) { day = day.adding(days: 1) }
        return day.date.addingTimeInterval(Double(hour - 12) * 3600)
    }

    /// The small Figeac centre: its 2018–2019 season (four permanent posts at the sawmill and
    /// the bakery) and the present (a recent CDI, a summer season already over).
    static func loadFigeac(figeac: Int64, businessIDs: [Int64], adviser: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let today = Day(now)
        var number = 500
        func candidate() async throws -> Int64 {
            number += 1
            return try await CandidateRepository.insert(
                draft(number, today: today, hired: true), tenantID: figeac, actorID: adviser,
                informing: NotifiedCentre(id: figeac, slug: "figeac", baseURL: DemoNotifications.baseURL), now: now, on: connection, logger: logger)
        }
        let sawyers = try await storyNeed(
            title: "Scieurs-affûteurs", business: businessIDs[0], positions: 3, contract: .cdi, start: day("2018-10-15"), end: nil, hard: [.rareSkill],
            closedOn: day("2019-01-14"), cahors: figeac, adviser: adviser, place: "Figeac", on: connection, logger: logger)
        for start in ["2018-11-05", "2018-12-03", "2019-01-14"] {
            try await hired(needID: sawyers, business: businessIDs[0], candidate: try await candidate(), contract: .cdi, start: day(start), end: nil, hours: 35, newlyCreated: true, cahors: figeac, adviser: adviser, at: day(start), on: connection, logger: logger)
        }
        let seller = try await storyNeed(
            title: "Vendeur ou vendeuse en boulangerie", business: businessIDs[1], positions: 1, contract: .cdi, start: day("2018-10-22"), end: nil,
            closedOn: day("2018-10-22"), newlyCreated: false, cahors: figeac, adviser: adviser, place: "Figeac", on: connection, logger: logger)
        try await hired(needID: seller, business: businessIDs[1], candidate: try await candidate(), contract: .cdi, start: day("2018-10-22"), end: nil, hours: 35, newlyCreated: false, cahors: figeac, adviser: adviser, at: day("2018-10-22"), on: connection, logger: logger)
        // The present.
        let driverStart = today.adding(days: -60)
        let driver = try await storyNeed(
            title: "Conducteur ou conductrice d'engins forestiers", business: businessIDs[0], positions: 1, contract: .cdi, start: driverStart, end: nil,
            hard: [.rareSkill, .transport], closedOn: driverStart, submitted: now.addingTimeInterval(-110 * 86400), cahors: figeac, adviser: adviser,
            place: "Figeac", on: connection, logger: logger)
        try await hired(needID: driver, business: businessIDs[0], candidate: try await candidate(), contract: .cdi, start: driverStart, end: nil, hours: 39, newlyCreated: true, cahors: figeac, adviser: adviser, at: driverStart, on: connection, logger: logger)
        let summerStart = today.adding(days: -150), summerEnd = today.adding(days: -60)
        let summer = try await storyNeed(
            title: "Renfort de vente (saison d'été)", business: businessIDs[1], positions: 2, contract: .seasonalCDD, start: summerStart, end: summerEnd,
            hard: [.seasonality], closedOn: summerStart, submitted: now.addingTimeInterval(-190 * 86400), cahors: figeac, adviser: adviser,
            place: "Figeac", on: connection, logger: logger)
        for _ in 0..<2 {
            try await hired(needID: summer, business: businessIDs[1], candidate: try await candidate(), contract: .seasonalCDD, start: summerStart, end: summerEnd, hours: 35, newlyCreated: false, cahors: figeac, adviser: adviser, at: summerStart, on: connection, logger: logger)
        }
    }

    /// Check-ins of every kind: past ones done (mostly on track), some employments ended
    /// (during the trial period and after), one placement at risk, and the present's due and overdue ones.
    static func followUps(cahors: Int64, adviser: Int64, today: Day, on connection: PostgresConnection, logger: Logger) async throws {
        let placements = try await connection.all(
            "SELECT id, start_date::text, contract_kind FROM placements ORDER BY start_date, id", as: (Int64.self, String.self, String.self), logger: logger)
        let endings: [(every: Int, afterDays: Int, reason: String)] = [(9, 20, "trial_by_employee"), (13, 35, "trial_by_employer"), (11, 150, "resignation"), (17, 260, "dismissal")]
        for (index, placement) in placements.enumerated() {
            let (id, startISO, contract) = placement
            guard let start = Day(iso: startISO) else { continue }
            var endedOn: Day? = nil
            var reason: String? = nil
            if contract == "cdi", let ending = endings.first(where: { (index + 1) % $0.every == 0 }) {
                let candidateEnd = start.adding(days: ending.afterDays)
                if candidateEnd < today { endedOn = candidateEnd; reason = ending.reason }
            }
            // Past check-ins are done; the last one before an ending says so.
            let due = try await connection.all(
                "SELECT id, due_on::text FROM check_ins WHERE placement_id = \(id) ORDER BY due_on", as: (Int64.self, String.self), logger: logger)
            for (checkIn, dueISO) in due {
                guard let dueDay = Day(iso: dueISO) else { continue }
                if let endedOn, dueDay > endedOn {
                    try await connection.execute("UPDATE check_ins SET closed = true WHERE id = \(checkIn)", logger: logger)
                    continue
                }
                // The present's check-ins stay to do (some overdue), the past ones are done.
                guard dueDay < today.adding(days: -45) else { continue }
                let atRisk = index % 7 == 3
                try await connection.execute(
                    """
                    UPDATE check_ins SET done_on = \(dueDay.iso)::date, done_by = \(adviser), contacted = 'both', channel = 'phone',
                        status = \(atRisk ? "at_risk" : "on_track"), risks = \(atRisk ? ["transport"] : [String]()),
                        action_kinds = \(atRisk ? ["mobility_help"] : [String]()), actions = \(atRisk ? "Aide au permis demandée" : "")
                    WHERE id = \(checkIn)
                    """, logger: logger)
            }
            if let endedOn, let reason {
                try await connection.execute(
                    "UPDATE placements SET ended_on = \(endedOn.iso)::date, end_reason = \(reason) WHERE id = \(id)", logger: logger)
            } else if index % 7 == 3 {
                try await connection.execute("UPDATE placements SET at_risk = true WHERE id = \(id)", logger: logger)
            }
        }
    }

    private static func storyNeed(
        title: String, business: Int64, positions: Int, filled: Int? = nil, contract: ContractKind, start: Day, end: Day?, hard: [HardToFillReason] = [],
        closedOn: Day, submitted: Date? = nil, newlyCreated: Bool? = nil, cahors: Int64, adviser: Int64, place: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let submitted = submitted ?? Day.calendar.date(from: DateComponents(year: 2018, month: 9, day: 10, hour: 10))!
        let draft = JobNeedDetails(
            title: title, romeCode: nil, description: "Besoin de la saison 2018-2019.", contractKind: contract, fullTime: true, hoursPerWeek: 35,
            positions: positions, wishedStart: start, endDate: end, seasonStart: contract == .seasonalCDD ? start : nil,
            seasonEnd: contract == .seasonalCDD ? end : nil, seasonRecurring: contract == .seasonalCDD, placeInsee: nil, placeName: place,
            payMin: nil, payMax: nil, skills: "", drivingLicence: false, otherLicences: "", certificates: "", experience: "",
            newlyCreated: newlyCreated ?? (contract == .cdi), hardToFill: !hard.isEmpty, hardToFillReasons: hard, hardToFillOther: "", housingOffered: false, notes: "")
        let id = try await JobNeedRepository.insert(draft, businessID: business, tenantID: cahors, actorID: adviser, now: submitted, on: connection, logger: logger)
        var at = submitted
        for step: NeedStatus in [.qualified, .sourcing] {
            at = at.addingTimeInterval(3 * 86400)
            _ = try await JobNeedRepository.move(id: id, to: step, comment: "", cancelReason: nil, businessID: nil, tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
        }
        // Closed, with its event, on the day of its last hire.
        let closedAt = Day.calendar.date(from: DateComponents(year: closedOn.year, month: closedOn.month, day: closedOn.day, hour: 18))!
        try await connection.execute("UPDATE job_needs SET status = 'closed', positions_filled = \(filled ?? positions) WHERE id = \(id)", logger: logger)
        try await connection.execute(
            """
            INSERT INTO job_need_events (tenant_id, need_id, at, actor_id, kind, from_status, to_status, comment)
            VALUES (\(cahors), \(id), \(closedAt), \(adviser), 'status', 'sourcing', 'closed', 'Recrutement terminé')
            """, logger: logger)
        return id
    }

    /// A hire of the demo: an application that went to "hired", and its placement.
    static func hired(
        needID: Int64, business: Int64, candidate: Int64, contract: ContractKind, start: Day, end: Day?, hours: Double, newlyCreated: Bool,
        cahors: Int64, adviser: Int64, at day: Day, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let at = Day.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 9))!.addingTimeInterval(-10 * 86400)
        guard let application = try await connection.value(
            """
            INSERT INTO applications (tenant_id, need_id, candidate_id, stage, presented_at, created_at, last_move_at, created_by)
            VALUES (\(cahors), \(needID), \(candidate), 'hired', \(at), \(at), \(at), \(adviser)) RETURNING id
            """, as: Int64.self, logger: logger)
        else { return }
        try await ApplicationRepository.addEvent(applicationID: application, tenantID: cahors, actorID: adviser, from: .offer, to: .hired, comment: "Embauche", now: at, on: connection, logger: logger)
        guard let placement = try await connection.value(
            """
            INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, application_id, contract_kind, start_date, end_date,
                hours_per_week, full_time, newly_created, created_at, created_by)
            VALUES (\(cahors), \(business), \(candidate), \(needID), \(application), \(contract.rawValue), \(start.iso)::date, \(end?.iso)::date,
                \(hours)::numeric, \(hours >= 35), \(newlyCreated), \(at), \(adviser))
            RETURNING id
            """, as: Int64.self, logger: logger)
        else { return }
        try await FollowUpSchedule.create(placementID: placement, start: start, end: end, contract: contract, tenantID: cahors, now: at, on: connection, logger: logger)
    }
}
