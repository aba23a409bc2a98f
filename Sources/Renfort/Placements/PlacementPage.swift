import Foundation
import Logging

/// A placement's page: its facts, its check-ins with their form, its timeline, and what the
/// person may do (the adviser records check-ins and the end; the employer alerts the centre).
struct PlacementPage: PageModel {
    static let template = "placements/show"

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

    /// An employer's alert as the adviser handles it.
    struct AlertRow: Sendable {
        let key: String
        let at: String
        let kind: String
        let message: String
        let handled: String?
        let action: String
    }

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
    let alerts: [AlertRow]
    let hasAlerts: Bool
    let unscheduledAction: String
    let nextCheckIn: String?
    let endAction: String
    let startAction: String
    let startValue: String
    let alertAction: String
    let today: String
    let contacted: [Option]
    let channels: [Option]
    let statuses: [Option]
    let risks: [Option]
    let actionKinds: [Option]
    let endReasons: [Option]
    let form: FormState<TypedFields>

    /// The page of placement `id` as `context`'s person may see it; nil when it is not theirs.
    static func load(
        id: Int64, in context: CentreContext, database: Database, today: Day, form: FormState<TypedFields> = .blank
    ) async throws -> PlacementPage? {
        let businessScope = try context.businessScope()
        let loaded = try await database.transaction(in: context) { connection -> (Placement, [CheckIn], [PlacementAlert])? in
            guard let placement = try await PlacementRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) else { return nil }
            return (
                placement, try await FollowUpRepository.checkIns(placementID: id, on: connection, logger: context.logger),
                try await FollowUpRepository.alerts(placementID: id, on: connection, logger: context.logger)
            )
        }
        guard let (placement, checkIns, alerts) = loaded else { return nil }
        return PlacementPage(
            placement: placement, checkIns: checkIns, alerts: alerts, isAdviser: businessScope == nil, context: context, today: today,
            form: form)
    }

    init(
        placement: Placement, checkIns: [CheckIn], alerts: [PlacementAlert], isAdviser: Bool, context: CentreContext, today: Day,
        form: FormState<TypedFields>
    ) {
        let base = context.base
        let here = "\(base)/embauches/\(placement.id)"
        let rows = checkIns.map { checkIn -> CheckInRow in
            let summary: String
            if let done = checkIn.doneOn {
                // How it goes and what was done are the centre's notes: the employer reads only that it was done.
                let actions = checkIn.actions ?? ""
                summary = isAdviser
                    ? "fait le \(done.french) : \(checkIn.status?.label ?? "")" + (actions.isEmpty ? "" : " — \(actions)")
                    : "fait le \(done.french)"
            } else if checkIn.closed {
                summary = "sans objet (emploi terminé)"
            } else {
                summary = checkIn.dueOn < today ? "en retard" : "à faire"
            }
            let open = checkIn.doneOn == nil && !checkIn.closed
            return CheckInRow(
                id: checkIn.id, label: checkIn.label, due: checkIn.dueOn.french, done: !open, summary: summary,
                overdue: open && checkIn.dueOn < today, action: "\(base)/suivis/\(checkIn.id)")
        }
        var timeline: [(Date, TimelineRow)] = [
            (placement.createdAt, TimelineRow(at: placement.startDate.french, what: "Embauche en \(placement.contractKind.label)"))
        ]
        for checkIn in checkIns {
            guard let done = checkIn.doneOn else { continue }
            let what = isAdviser ? "Suivi « \(checkIn.label) » : \(checkIn.status?.label ?? "")" : "Point de suivi « \(checkIn.label) » fait"
            timeline.append((done.date, TimelineRow(at: done.french, what: what)))
        }
        for alert in alerts {
            timeline.append(
                (alert.createdAt, TimelineRow(at: Formats.dateTime(alert.createdAt), what: "Alerte de l'employeur (\(alert.kind.label)) : \(alert.message)")))
            if let handledAt = alert.handledAt {
                // Who handled it and when, for everyone; what was done, for the centre only.
                let what = "Alerte prise en charge par \(alert.handledBy ?? "le centre")" + (isAdviser && !(alert.handledNote ?? "").isEmpty ? " : \(alert.handledNote ?? "")" : "")
                timeline.append((handledAt, TimelineRow(at: Formats.dateTime(handledAt), what: what)))
            }
        }
        if let endedOn = placement.endedOn {
            // At the end of that day: after the day's check-ins and alerts.
            let endOfDay = endedOn.date.addingTimeInterval(11 * 3600)
            timeline.append((endOfDay, TimelineRow(at: endedOn.french, what: "Fin de l'emploi : \(placement.endReason?.label ?? "")")))
        }
        var facts: [Fact] = [
            .init(label: "Entreprise", value: placement.businessName),
            .init(label: "Besoin", value: placement.needTitle),
            .init(label: "Contrat", value: placement.contractKind.label),
            .init(label: "Début", value: placement.startDate.french),
            .init(label: "Fin", value: placement.endDate?.french ?? "—"),
            .init(
                label: "Temps de travail",
                value: "\(Formats.hours(placement.hoursPerWeek)) h/semaine" + (placement.fullTime ? " (temps plein)" : " (temps partiel)")),
            .init(label: "Poste", value: placement.newlyCreated ? "Création de poste" : "Remplacement"),
        ]
        if let endedOn = placement.endedOn { facts.append(.init(label: "Emploi terminé le", value: endedOn.french)) }
        // The next check-in to do is a scheduled one (an unscheduled contact is done when recorded).
        let next = rows.first { !$0.done }
        self.layout = Layout(
            title: "Embauche de \(placement.candidateName)", session: context.session, membership: context.membership, currentPath: "\(base)/embauches")
        self.candidate = placement.candidateName
        self.candidateHref = isAdviser ? "\(base)/candidats/\(placement.candidateID)" : nil
        self.facts = facts
        self.isAdviser = isAdviser
        self.isEmployer = !isAdviser
        self.ended = placement.endedOn != nil
        // "À risque" is the centre's assessment, never shown to the employer.
        self.atRisk = isAdviser && placement.atRisk && placement.endedOn == nil
        self.checkIns = rows
        self.timeline = timeline.sorted { $0.0 < $1.0 }.map(\.1)
        self.alerts = isAdviser ? alerts.map { alert in
            AlertRow(
                key: String(alert.id), at: Formats.dateTime(alert.createdAt), kind: alert.kind.label, message: alert.message,
                handled: alert.handledAt.map { "traitée le \(Formats.dateTime($0)) par \(alert.handledBy ?? "—") : \(alert.handledNote ?? "")" },
                action: "\(here)/alertes/\(alert.id)/traitee")
        } : []
        self.hasAlerts = !self.alerts.isEmpty
        self.unscheduledAction = "\(here)/contacts"
        self.nextCheckIn = next.map { "\($0.label), le \($0.due)" }
        self.endAction = "\(here)/fin"
        self.startAction = "\(here)/debut"
        self.startValue = placement.startDate.iso
        self.alertAction = "\(here)/alerte"
        self.today = today.iso
        self.contacted = Option.all(CheckIn.Contacted.self, chosen: nil, label: \.label)
        self.channels = Option.all(CheckIn.Channel.self, chosen: nil, label: \.label)
        self.statuses = Option.all(CheckIn.Status.self, chosen: nil, label: \.label)
        self.risks = Option.all(CheckIn.Risk.self, chosen: nil, label: \.label)
        self.actionKinds = Option.all(CheckIn.ActionKind.self, chosen: nil, label: \.label)
        self.endReasons = Option.all(EndReason.self, chosen: nil, label: \.label)
        self.form = form
    }
}
