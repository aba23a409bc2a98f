import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Placements: the hires, for advisers (all) and employers (their business's).
struct PlacementController: Sendable {
    let services: AppServices
    static let pageSize = 50

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("embauches", use: list)
        centre.get("embauches/{id}", use: show)
    }

    private func scope(_ context: CentreContext) throws -> Int64? {
        try context.require(.adviser, .employer)
        guard context.role == .employer else { return nil }
        guard let business = context.membership.businessID else { throw AppError.notFound }
        return business
    }

    struct Row: Sendable {
        let href: String
        let candidate: String
        let business: String
        let need: String
        let contract: String
        let start: String
        let end: String
    }

    struct ListPage: Sendable {
        let layout: Layout
        let rows: [Row]
        let isEmpty: Bool
        let isAdviser: Bool
        let businesses: [Option]
        let contractKinds: [Option]
        let from: String
        let to: String
        let page: Int
        let nextHref: String?
        let previousHref: String?
    }

    @Sendable func list(request: Request, context: CentreContext) async throws -> Response {
        let businessScope = try scope(context)
        let query = request.uri.queryParameters
        let business = businessScope ?? query["entreprise"].flatMap { Int64(String($0)) }
        let contract = query["contrat"].flatMap { ContractKind(rawValue: String($0)) }
        let from = query["du"].flatMap { Day(iso: String($0)) }
        let to = query["au"].flatMap { Day(iso: String($0)) }
        let page = min(max(query["page"].flatMap { Int(String($0)) } ?? 1, 1), 10_000)
        let (placements, businesses) = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            (try await PipelineSteps.placements(
                businessID: business, contract: contract, from: from, to: to, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize,
                on: connection, logger: context.logger),
             businessScope == nil ? try await BusinessRepository.members(on: connection, logger: context.logger) : [])
        }
        let base = "/c/\(context.membership.centreSlug)"
        func pageLink(_ number: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(queryEscaped(String($0.value)))" }
            items.append("page=\(number)")
            return "\(base)/embauches?" + items.joined(separator: "&")
        }
        let shown = placements.prefix(Self.pageSize)
        let model = ListPage(
            layout: Layout(title: "Embauches", session: context.session, membership: context.membership, currentPath: "\(base)/embauches"),
            rows: shown.map {
                Row(href: "\(base)/embauches/\($0.id)", candidate: $0.candidateName, business: $0.businessName, need: $0.needTitle,
                    contract: $0.contractKind.label, start: $0.startDate.french, end: $0.endDate?.french ?? "—")
            },
            isEmpty: shown.isEmpty, isAdviser: businessScope == nil,
            businesses: businesses.map { Option(value: String($0.id), label: $0.name, selected: $0.id == business) },
            contractKinds: ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == contract) },
            from: from?.iso ?? "", to: to?.iso ?? "", page: page,
            nextHref: placements.count > Self.pageSize ? pageLink(page + 1) : nil, previousHref: page > 1 ? pageLink(page - 1) : nil)
        return try services.renderer.render("placements/list", model)
    }

    struct CheckInRow: Sendable {
        let id: Int64
        let label: String
        let due: String
        let done: Bool
        let summary: String
        let overdue: Bool
        let action: String
    }

    struct TimelineRow: Sendable {
        let at: String
        let what: String
    }

    struct ShowPage: Sendable {
        let layout: Layout
        let candidate: String
        let candidateHref: String?
        let facts: [Fact]
        let isAdviser: Bool
        let isEmployer: Bool
        let ended: Bool
        let atRisk: Bool
        let checkIns: [CheckInRow]
        let timeline: [TimelineRow]
        let nextCheckIn: String?
        let endAction: String
        let startAction: String
        let startValue: String
        let alertAction: String
        let alertSent: Bool
        let today: String
        let contacted: [Option]
        let channels: [Option]
        let statuses: [Option]
        let risks: [Option]
        let actionKinds: [Option]
        let endReasons: [Option]
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    @Sendable func show(request: Request, context: CentreContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return try await page(id: id, context: context, errors: FormErrors(), status: .ok, alertSent: request.uri.queryParameters["alerte"] == "envoyee")
    }

    /// The placement's page: its facts, its check-ins with their form, its timeline.
    func page(id: Int64, context: CentreContext, errors: FormErrors, status: HTTPResponse.Status, alertSent: Bool = false) async throws -> Response {
        let businessScope = try scope(context)
        let isAdviser = businessScope == nil
        let loaded = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection -> (Placement, [(Int64, String, String, String?, String?, Bool, String?)], [(String, String, Date)], (String?, String?, Date, Bool))? in
            guard let placement = try await PipelineSteps.placement(id: id, businessID: businessScope, on: connection, logger: context.logger) else { return nil }
            let checkIns = try await connection.all(
                "SELECT id, label, due_on::text, done_on::text, status, closed, actions FROM check_ins WHERE placement_id = \(id) ORDER BY due_on, id",
                as: (Int64.self, String.self, String.self, String?.self, String?.self, Bool.self, String?.self), logger: context.logger)
            let alerts = try await connection.all(
                "SELECT kind, message, created_at FROM placement_alerts WHERE placement_id = \(id) ORDER BY created_at", as: (String.self, String.self, Date.self), logger: context.logger)
            let end = try await connection.first(
                "SELECT ended_on::text, end_reason, created_at, at_risk FROM placements WHERE id = \(id)", as: (String?.self, String?.self, Date.self, Bool.self), logger: context.logger)
            return (placement, checkIns, alerts, end ?? (nil, nil, Date(), false))
        }
        guard let (placement, checkIns, alerts, end) = loaded else { throw AppError.notFound }
        let base = "/c/\(context.membership.centreSlug)"
        let today = Day(services.clock.now())
        let endedOn = end.0.flatMap(Day.init(iso:))
        let atRisk = end.3
        let statusLabels = Dictionary(uniqueKeysWithValues: FollowUpController.Status.allCases.map { ($0.rawValue, $0.label) })
        let rows = checkIns.map { row -> CheckInRow in
            let due = Day(iso: row.2) ?? today
            let summary: String
            if let done = row.3.flatMap(Day.init(iso:)) {
                summary = "fait le \(done.french) : \(row.4.flatMap { statusLabels[$0] } ?? "")" + ((row.6 ?? "").isEmpty ? "" : " — \(row.6 ?? "")")
            } else if row.5 {
                summary = "sans objet (emploi terminé)"
            } else {
                summary = due < today ? "en retard" : "à faire"
            }
            return CheckInRow(id: row.0, label: row.1, due: due.french, done: row.3 != nil || row.5, summary: summary,
                              overdue: row.3 == nil && !row.5 && due < today, action: "\(base)/suivis/\(row.0)")
        }
        var timeline: [(Date, TimelineRow)] = [(end.2, TimelineRow(at: placement.startDate.french, what: "Embauche en \(placement.contractKind.label)"))]
        for row in checkIns where row.3 != nil {
            let day = Day(iso: row.3!) ?? today
            let date = Day.calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) ?? Date()
            timeline.append((date, TimelineRow(at: day.french, what: "Suivi « \(row.1) » : \(row.4.flatMap { statusLabels[$0] } ?? "")")))
        }
        for alert in alerts {
            timeline.append((alert.2, TimelineRow(at: Formats.dateTime(alert.2), what: "Alerte de l'employeur (\(alert.0 == "left" ? "départ" : "difficulté")) : \(alert.1)")))
        }
        if let endedOn {
            let label = end.1.flatMap { FollowUpController.EndReason(rawValue: $0)?.label } ?? ""
            let date = Day.calendar.date(from: DateComponents(year: endedOn.year, month: endedOn.month, day: endedOn.day, hour: 23)) ?? Date()
            timeline.append((date, TimelineRow(at: endedOn.french, what: "Fin de l'emploi : \(label)")))
        }
        var facts: [Fact] = [
            .init(label: "Entreprise", value: placement.businessName),
            .init(label: "Besoin", value: placement.needTitle),
            .init(label: "Contrat", value: placement.contractKind.label),
            .init(label: "Début", value: placement.startDate.french),
            .init(label: "Fin", value: placement.endDate?.french ?? "—"),
            .init(label: "Temps de travail", value: "\(Formats.hours(placement.hoursPerWeek)) h/semaine" + (placement.fullTime ? " (temps plein)" : " (temps partiel)")),
            .init(label: "Poste", value: placement.newlyCreated ? "Création de poste" : "Remplacement"),
        ]
        if let endedOn { facts.append(.init(label: "Emploi terminé le", value: endedOn.french)) }
        let next = rows.first { !$0.done }
        let model = ShowPage(
            layout: Layout(title: "Embauche de \(placement.candidateName)", session: context.session, membership: context.membership, currentPath: "\(base)/embauches"),
            candidate: placement.candidateName, candidateHref: isAdviser ? "\(base)/candidats/\(placement.candidateID)" : nil,
            facts: facts, isAdviser: isAdviser, isEmployer: !isAdviser, ended: endedOn != nil, atRisk: atRisk, checkIns: rows,
            timeline: timeline.sorted { $0.0 < $1.0 }.map(\.1), nextCheckIn: next.map { "\($0.label), le \($0.due)" },
            endAction: "\(base)/embauches/\(id)/fin", startAction: "\(base)/embauches/\(id)/debut", startValue: placement.startDate.iso, alertAction: "\(base)/embauches/\(id)/alerte", alertSent: alertSent, today: today.iso,
            contacted: FollowUpController.Contacted.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            channels: FollowUpController.Channel.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            statuses: FollowUpController.Status.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            risks: FollowUpController.Risk.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            actionKinds: FollowUpController.ActionKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            endReasons: FollowUpController.EndReason.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            errors: errors.all, hasErrors: !errors.isEmpty, fieldErrors: errors.byField)
        return try services.renderer.render("placements/show", model, status: status)
    }
}
