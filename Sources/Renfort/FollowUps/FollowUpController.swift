import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The retention work: the check-ins worklist, the check-in form, the end of an employment,
/// and the employer's alert.
struct FollowUpController: Sendable {
    let services: AppServices

    enum Contacted: String, CaseIterable { case employee, employer, both
        var label: String { switch self { case .employee: "La personne recrutée"; case .employer: "L'employeur"; case .both: "Les deux" } }
    }
    enum Channel: String, CaseIterable { case phone, visit, email, centre
        var label: String { switch self { case .phone: "Téléphone"; case .visit: "Visite"; case .email: "E-mail"; case .centre: "Au centre" } }
    }
    enum Status: String, CaseIterable { case onTrack = "on_track", atRisk = "at_risk", ended
        var label: String { switch self { case .onTrack: "Tout va bien"; case .atRisk: "À risque"; case .ended: "L'emploi a pris fin" } }
    }
    enum Risk: String, CaseIterable { case transport, housing, childcare, hours, relations, skills, health, pay, other
        var label: String {
            switch self {
            case .transport: "Transport"; case .housing: "Logement"; case .childcare: "Garde d'enfants"; case .hours: "Horaires"
            case .relations: "Relations au travail"; case .skills: "Compétences, formation"; case .health: "Santé"; case .pay: "Rémunération"; case .other: "Autre"
            }
        }
    }
    enum ActionKind: String, CaseIterable { case mobility = "mobility_help", housing = "housing_help", training, mediation, referral
        var label: String {
            switch self {
            case .mobility: "Aide à la mobilité"; case .housing: "Aide au logement"; case .training: "Formation"
            case .mediation: "Médiation avec l'employeur"; case .referral: "Orientation vers un partenaire"
            }
        }
    }
    enum EndReason: String, CaseIterable { case resignation, dismissal
        case trialByEmployer = "trial_by_employer", trialByEmployee = "trial_by_employee"
        case fixedTermEnd = "fixed_term_end", mutualAgreement = "mutual_agreement", other
        var label: String {
            switch self {
            case .resignation: "Démission"; case .dismissal: "Licenciement"; case .trialByEmployer: "Fin de la période d'essai (employeur)"
            case .trialByEmployee: "Fin de la période d'essai (salarié)"; case .fixedTermEnd: "Fin du contrat à durée déterminée"
            case .mutualAgreement: "Rupture conventionnelle"; case .other: "Autre"
            }
        }
    }

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("suivis", use: worklist)
        centre.post("suivis/{id}", use: record)
        centre.post("embauches/{id}/fin", use: endEmployment)
        centre.post("embauches/{id}/alerte", use: alert)
        centre.post("embauches/{id}/debut", use: moveStart)
    }

    // MARK: The worklist

    struct Row: Sendable {
        let href: String
        let person: String
        let business: String
        let label: String
        let due: String
        let atRisk: Bool
    }

    struct AlertRow: Sendable {
        let href: String
        let person: String
        let business: String
        let message: String
        let at: String
    }

    struct WorklistPage: Sendable {
        let layout: Layout
        let overdue: [Row]
        let thisWeek: [Row]
        let upcoming: [Row]
        let atRisk: [Row]
        let alerts: [AlertRow]
        let overdueCount: Int
        let thisWeekCount: Int
        let upcomingCount: Int
        let atRiskCount: Int
        let alertCount: Int
        let businesses: [Option]
        let advisers: [Option]
        let onlyAtRisk: Bool
    }

    @Sendable func worklist(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let query = request.uri.queryParameters
        let business = query["entreprise"].flatMap { Int64(String($0)) }
        let adviser = query["conseiller"].flatMap { Int64(String($0)) }
        let onlyAtRisk = query["statut"] == "risque"
        let today = Day(services.clock.now())
        let weekEnd = CandidateForm.adding(days: 7, to: today)
        let monthEnd = CandidateForm.adding(days: 30, to: today)
        let base = "/c/\(context.membership.centreSlug)"
        let (rows, alerts, businesses, advisers) = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            let rows = try await connection.all(
                """
                SELECT p.id, c.first_name || ' ' || c.last_name, b.name, k.label, k.due_on::text, p.at_risk
                FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
                JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
                JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
                JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
                WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL AND k.due_on <= \(monthEnd.iso)::date
                  AND (\(business)::bigint IS NULL OR p.business_id = \(business))
                  AND (\(adviser)::bigint IS NULL OR n.adviser_id = \(adviser))
                  AND (NOT \(onlyAtRisk) OR p.at_risk)
                ORDER BY k.due_on, k.id LIMIT 500
                """, as: (Int64.self, String.self, String.self, String.self, String.self, Bool.self), logger: context.logger)
            let alerts = try await connection.all(
                """
                SELECT p.id, c.first_name || ' ' || c.last_name, b.name, a.message, a.created_at
                FROM placement_alerts a JOIN placements p ON p.tenant_id = a.tenant_id AND p.id = a.placement_id
                JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
                JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
                WHERE a.handled_at IS NULL AND (\(business)::bigint IS NULL OR p.business_id = \(business))
                ORDER BY a.created_at LIMIT 100
                """, as: (Int64.self, String.self, String.self, String.self, Date.self), logger: context.logger)
            return (rows, alerts, try await BusinessRepository.members(on: connection, logger: context.logger), try await BusinessRepository.advisers(on: connection, logger: context.logger))
        }
        let all = rows.map { row in
            (Day(iso: row.4) ?? today, Row(href: "\(base)/embauches/\(row.0)", person: row.1, business: row.2, label: row.3, due: (Day(iso: row.4) ?? today).french, atRisk: row.5))
        }
        let overdue = all.filter { $0.0 < today }.map(\.1)
        let thisWeek = all.filter { $0.0 >= today && $0.0 <= weekEnd }.map(\.1)
        let upcoming = all.filter { $0.0 > weekEnd }.map(\.1)
        var seen = Set<String>()
        let atRisk = all.map(\.1).filter { $0.atRisk && seen.insert($0.href).inserted }
        let page = WorklistPage(
            layout: Layout(title: "Suivis dans l'emploi", session: context.session, membership: context.membership, currentPath: "\(base)/suivis"),
            overdue: overdue, thisWeek: thisWeek, upcoming: upcoming, atRisk: atRisk,
            alerts: alerts.map { AlertRow(href: "\(base)/embauches/\($0.0)", person: $0.1, business: $0.2, message: $0.3, at: Formats.dateTime($0.4)) },
            overdueCount: overdue.count, thisWeekCount: thisWeek.count, upcomingCount: upcoming.count, atRiskCount: atRisk.count, alertCount: alerts.count,
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: $0.id == business) },
            advisers: advisers.map { Option(value: String($0.id), label: $0.name, selected: $0.id == adviser) }, onlyAtRisk: onlyAtRisk)
        return try services.renderer.render("followups/worklist", page)
    }

    // MARK: A check-in

    @Sendable func record(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let done = reader.day("done_on", "Date du point", required: true)
        let contacted = reader.choice("contacted", "Personne contactée", as: Contacted.self)
        let channel = reader.choice("channel", "Moyen", as: Channel.self)
        let status = reader.choice("status", "Comment ça va", as: Status.self)
        let risks = reader.choices("risks", "Risques", as: Risk.self)
        let kinds = reader.choices("action_kinds", "Actions", as: ActionKind.self)
        let actions = reader.text("actions", "Actions menées", max: 5000)
        let next = reader.day("next_contact", "Prochain contact")
        let endReason = reader.choice("end_reason", "Motif de la fin", as: EndReason.self, required: status == .ended)
        let today = Day(services.clock.now())
        if let done, done > today { reader.errors.add("done_on", "Le point ne peut pas être daté dans le futur.") }
        if status == .atRisk && risks.isEmpty { reader.errors.add("risks", "Indiquez au moins un risque.") }
        if let next, let done, next <= done { reader.errors.add("next_contact", "Le prochain contact doit suivre le point.") }
        let placement = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await connection.value("SELECT placement_id FROM check_ins WHERE id = \(id)", as: Int64.self, logger: context.logger)
        }
        guard let placement else { throw AppError.notFound }
        guard let done, let contacted, let channel, let status, reader.errors.isEmpty else {
            return try await PlacementController(services: services).page(id: placement, context: context, errors: reader.errors, status: .unprocessableContent)
        }
        let now = services.clock.now()
        try await services.database.withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger) { connection in
            try await connection.execute(
                """
                UPDATE check_ins SET done_on = \(done.iso)::date, done_by = \(context.user.id), contacted = \(contacted.rawValue), channel = \(channel.rawValue),
                    status = \(status.rawValue), risks = \(risks.map(\.rawValue)), action_kinds = \(kinds.map(\.rawValue)), actions = \(actions),
                    next_contact = \(next?.iso)::date
                WHERE id = \(id)
                """, logger: context.logger)
            // An "at risk" check-in keeps the placement on the at-risk list until one says it is back on track.
            try await connection.execute("UPDATE placements SET at_risk = \(status == .atRisk) WHERE id = \(placement)", logger: context.logger)
            // A sooner contact than the schedule's becomes a check-in of its own.
            if let next {
                let sooner = try await connection.value(
                    "SELECT count(*) FROM check_ins WHERE placement_id = \(placement) AND done_on IS NULL AND NOT closed AND due_on <= \(next.iso)::date",
                    as: Int.self, logger: context.logger) ?? 0
                if sooner == 0 {
                    try await connection.execute(
                        "INSERT INTO check_ins (tenant_id, placement_id, due_on, label, created_at) VALUES (\(context.tenantID), \(placement), \(next.iso)::date, 'Contact rapproché', \(now))",
                        logger: context.logger)
                }
            }
            if status == .ended, let endReason {
                try await Self.end(placement: placement, on: done, reason: endReason, on: connection, logger: context.logger)
            }
        }
        return .seeOther("/c/\(context.membership.centreSlug)/embauches/\(placement)")
    }

    /// The end of an employment: recorded once, it closes the remaining check-ins.
    static func end(placement: Int64, on day: Day, reason: EndReason, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "UPDATE placements SET ended_on = \(day.iso)::date, end_reason = \(reason.rawValue), at_risk = false WHERE id = \(placement) AND ended_on IS NULL",
            logger: logger)
        try await connection.execute(
            "UPDATE check_ins SET closed = true WHERE placement_id = \(placement) AND done_on IS NULL", logger: logger)
    }

    @Sendable func endEmployment(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let day = reader.day("ended_on", "Date de fin", required: true)
        let reason = reader.choice("end_reason", "Motif", as: EndReason.self)
        guard let day, let reason, reader.errors.isEmpty else {
            return try await PlacementController(services: services).page(id: id, context: context, errors: reader.errors, status: .unprocessableContent)
        }
        let found: Bool
        do {
            found = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection -> Bool in
                guard let start = try await connection.value("SELECT start_date::text FROM placements WHERE id = \(id)", as: String.self, logger: context.logger) else { return false }
                if let startDay = Day(iso: start), day < startDay { throw EndBeforeStart() }
                try await Self.end(placement: id, on: day, reason: reason, on: connection, logger: context.logger)
                return true
            }
        } catch is EndBeforeStart {
            var errors = FormErrors()
            errors.add("ended_on", "La fin de l'emploi ne peut pas précéder son début.")
            return try await PlacementController(services: services).page(id: id, context: context, errors: errors, status: .unprocessableContent)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("/c/\(context.membership.centreSlug)/embauches/\(id)")
    }

    struct EndBeforeStart: Error {}

    /// A new start date moves the placement's open check-ins by the same number of days.
    @Sendable func moveStart(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let start = reader.day("start_date", "Nouvelle date de début", required: true)
        guard let start, reader.errors.isEmpty else {
            return try await PlacementController(services: services).page(id: id, context: context, errors: reader.errors, status: .unprocessableContent)
        }
        let outcome = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection -> String? in
            guard let row = try await connection.first(
                "SELECT start_date::text, end_date::text, ended_on IS NOT NULL FROM placements WHERE id = \(id) FOR UPDATE", as: (String.self, String?.self, Bool.self), logger: context.logger)
            else { throw AppError.notFound }
            if row.2 { return "Cet emploi est terminé : sa date de début ne change plus." }
            if let end = row.1.flatMap(Day.init(iso:)), start > end { return "La date de début ne peut pas suivre la fin du contrat." }
            guard let old = Day(iso: row.0) else { return nil }
            let shift = FollowUpSchedule.days(from: old, to: start)
            try await connection.execute("UPDATE placements SET start_date = \(start.iso)::date WHERE id = \(id)", logger: context.logger)
            try await connection.execute(
                "UPDATE check_ins SET due_on = due_on + \(shift)::integer WHERE placement_id = \(id) AND done_on IS NULL AND NOT closed", logger: context.logger)
            return nil
        }
        if let message = outcome {
            var errors = FormErrors()
            errors.add("start_date", message)
            return try await PlacementController(services: services).page(id: id, context: context, errors: errors, status: .unprocessableContent)
        }
        return .seeOther("/c/\(context.membership.centreSlug)/embauches/\(id)")
    }

    // MARK: The employer's alert

    @Sendable func alert(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.employer)
        guard let id = context.parameters.get("id", as: Int64.self), let business = context.membership.businessID else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let kind = context.form["kind"] == "left" ? "left" : (context.form["kind"] == "problem" ? "problem" : nil)
        if kind == nil { reader.errors.add("kind", "Dites si quelque chose ne va pas ou si la personne est partie.") }
        let message = reader.text("message", "Message", required: true, max: 2000)
        guard let kind, reader.errors.isEmpty else {
            return try await PlacementController(services: services).page(id: id, context: context, errors: reader.errors, status: .unprocessableContent)
        }
        let now = services.clock.now()
        let baseURL = services.configuration.baseURL
        let slug = context.membership.centreSlug
        let found = try await services.database.withTransaction(tenant: context.tenantID, user: context.user.id, logger: context.logger) { connection -> Bool in
            guard let row = try await connection.first(
                """
                SELECT c.first_name || ' ' || c.last_name, b.name, n.adviser_id FROM placements p
                JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id
                JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
                JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
                WHERE p.id = \(id) AND p.business_id = \(business)
                """, as: (String.self, String.self, Int64?.self), logger: context.logger)
            else { return false }
            guard let alertID = try await connection.value(
                "INSERT INTO placement_alerts (tenant_id, placement_id, kind, message, created_at, created_by) VALUES (\(context.tenantID), \(id), \(kind), \(message), \(now), \(context.user.id)) RETURNING id",
                as: Int64.self, logger: context.logger)
            else { return false }
            // The adviser in charge of the need (or every adviser of the centre) hears of it.
            let advisers = try await BusinessRepository.advisers(on: connection, logger: context.logger)
            let recipients = try await connection.all(
                "SELECT u.email FROM users u WHERE u.id = ANY(\(row.2.map { [$0] } ?? advisers.map(\.id)))", as: (String.self), logger: context.logger)
            for email in recipients {
                try await Outbox.enqueue(
                    dedupeKey: "alert:\(context.tenantID):\(alertID):\(email)", kind: "employer-alert", recipient: email,
                    subject: "Renfort : alerte de \(row.1) au sujet de \(row.0)",
                    body: "\(row.1) signale : \(kind == "left" ? "la personne est partie" : "quelque chose ne va pas").\n\n\(message)\n\n\(baseURL)/c/\(slug)/embauches/\(id)",
                    at: now, on: connection, logger: context.logger)
            }
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther("/c/\(slug)/embauches/\(id)?alerte=envoyee")
    }
}
