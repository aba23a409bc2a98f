import Foundation
import Logging

/// A placement's page: its facts, its check-ins with their form, its timeline, and what the
/// person may do (the adviser records check-ins and the end; the employer alerts the centre).
struct PlacementPage: PageModel {
    static let template = "placements/show"

    struct CheckInRow: Sendable {
        let id: Int64
        let label: String
        /// "chez …": on a shared post, the member business it is held with.
        let heldWith: String?
        let due: String
        let done: Bool
        let summary: String
        let overdue: Bool
        let action: String
        /// This check-in's form: what was typed in it and its messages (its panel open then).
        let form: FormState<TypedFields>
        let contacted: [Option]
        let channels: [Option]
        let statuses: [Option]
        let risks: [Option]
        let actionKinds: [Option]
        let endReasons: [Option]
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
        /// Its "handled" form, as sent when it came back with an error.
        let form: FormState<TypedFields>
    }

    let layout: Layout
    let candidate: String
    /// "de " or "d'", before the person's name in the heading.
    let ofCandidate: String
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
    let endForm: FormScope
    let startAction: String
    let startForm: FormScope
    let alertAction: String
    let today: String
    let contacted: [Option]
    let channels: [Option]
    let statuses: [Option]
    let risks: [Option]
    let actionKinds: [Option]
    let alertForm: FormScope
    /// The unscheduled contact's form (its choices are the page's `contacted`, `channels`…).
    let unscheduledForm: FormScope
    let endReasons: [Option]
    let contactEndReasons: [Option]
    let form: FormState<TypedFields>

    /// The page of placement `id` as `context`'s person may see it; nil when it is not theirs.
    static func load(
        id: Int64, in context: CentreContext, database: Database, today: Day, form: FormState<TypedFields> = .blank
    ) async throws -> PlacementPage? {
        let businessScope = try context.businessScope()
        let loaded = try await database.transaction(in: context) { connection -> (Placement, [CheckIn], [PlacementAlert], SharedPost?)? in
            guard let placement = try await PlacementRepository.find(id: id, businessID: businessScope, on: connection, logger: context.logger) else { return nil }
            return (
                placement, try await FollowUpRepository.checkIns(placementID: id, businessID: businessScope, on: connection, logger: context.logger),
                try await FollowUpRepository.alerts(placementID: id, businessID: businessScope, on: connection, logger: context.logger),
                placement.contractKind == .sharedTime ? try await SharedPostRepository.find(needID: placement.needID, on: connection, logger: context.logger) : nil
            )
        }
        guard let (placement, checkIns, alerts, post) = loaded else { return nil }
        return PlacementPage(
            placement: placement, checkIns: checkIns, alerts: alerts, sharedPost: post, isAdviser: businessScope == nil, context: context,
            today: today, form: form)
    }

    init(
        placement: Placement, checkIns: [CheckIn], alerts: [PlacementAlert], sharedPost: SharedPost? = nil, isAdviser: Bool, context: CentreContext,
        today: Day, form: FormState<TypedFields>
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
            let action = "\(base)/suivis/\(checkIn.id)"
            let sent = form.scoped(to: action, defaults: ["done_on": today.iso]).form
            return CheckInRow(
                id: checkIn.id, label: checkIn.label, heldWith: checkIn.heldWith.map { "chez \($0)" }, due: checkIn.dueOn.french, done: !open, summary: summary,
                overdue: open && checkIn.dueOn < today, action: action, form: sent,
                contacted: Option.all(CheckIn.Contacted.self, sent: sent.values, name: "contacted", label: \.label),
                channels: Option.all(CheckIn.Channel.self, sent: sent.values, name: "channel", label: \.label),
                statuses: Option.all(CheckIn.Status.self, sent: sent.values, name: "status", label: \.label),
                risks: Option.all(CheckIn.Risk.self, sent: sent.values, name: "risks", label: \.label),
                actionKinds: Option.all(CheckIn.ActionKind.self, sent: sent.values, name: "action_kinds", label: \.label),
                endReasons: Option.all(EndReason.self, sent: sent.values, name: "end_reason", label: \.label))
        }
        var timeline: [(Date, TimelineRow)] = [
            (placement.createdAt, TimelineRow(at: placement.startDate.french, what: "Embauche en \(placement.contractKind.label)"))
        ]
        for checkIn in checkIns {
            guard let done = checkIn.doneOn else { continue }
            let what = isAdviser ? "Suivi «\u{00A0}\(checkIn.label)\u{00A0}» : \(checkIn.status?.label ?? "")" : "Point de suivi «\u{00A0}\(checkIn.label)\u{00A0}» fait"
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
        if let sharedPost {
            // The year's turn, member by member: who has the person when, and for how many hours.
            let turn = sharedPost.members.map { "\($0.businessName) \($0.monthsLabel) (\(Formats.hours($0.hoursPerWeek)) h)" }
            facts.append(.init(label: "Poste partagé", value: turn.joined(separator: ", ")))
        }
        // The next check-in to do is a scheduled one (an unscheduled contact is done when recorded).
        let next = rows.first { !$0.done }
        self.layout = Layout(
            title: "Embauche " + French.of(placement.candidateName), session: context.session, membership: context.membership, currentPath: "\(base)/embauches")
        self.candidate = placement.candidateName
        self.ofCandidate = French.de(placement.candidateName)
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
                action: "\(here)/alertes/\(alert.id)/traitee", form: form.scoped(to: "\(here)/alertes/\(alert.id)/traitee").form)
        } : []
        self.hasAlerts = !self.alerts.isEmpty
        self.unscheduledAction = "\(here)/contacts"
        self.nextCheckIn = next.map { "\($0.label), le \($0.due)" }
        self.endAction = "\(here)/fin"
        self.endForm = form.scoped(to: endAction)
        self.startAction = "\(here)/debut"
        self.startForm = form.scoped(to: startAction, defaults: ["start_date": placement.startDate.iso])
        self.alertAction = "\(here)/alerte"
        self.today = today.iso
        let unscheduled = form.scoped(to: "\(here)/contacts", defaults: ["done_on": today.iso])
        let contact = unscheduled.form.values
        self.unscheduledForm = unscheduled
        self.contacted = Option.all(CheckIn.Contacted.self, sent: contact, name: "contacted", label: \.label)
        self.channels = Option.all(CheckIn.Channel.self, sent: contact, name: "channel", label: \.label)
        self.statuses = Option.all(CheckIn.Status.self, sent: contact, name: "status", label: \.label)
        self.risks = Option.all(CheckIn.Risk.self, sent: contact, name: "risks", label: \.label)
        self.actionKinds = Option.all(CheckIn.ActionKind.self, sent: contact, name: "action_kinds", label: \.label)
        self.contactEndReasons = Option.all(EndReason.self, sent: contact, name: "end_reason", label: \.label)
        self.alertForm = form.scoped(to: alertAction)
        self.endReasons = Option.all(EndReason.self, sent: endForm.form.values, name: "end_reason", label: \.label)
        // The summary's links go to the fields of the check-in that was sent.
        var anchored = form
        for checkIn in checkIns {
            anchored = anchored.anchored(to: "\(base)/suivis/\(checkIn.id)") { "\($0)-\(checkIn.id)" }
        }
        anchored = anchored.anchored(to: "\(here)/contacts") { "\($0)-contact" }
        for alert in alerts {
            anchored = anchored.anchored(to: "\(here)/alertes/\(alert.id)/traitee") { _ in "handled-\(alert.id)" }
        }
        self.form = anchored
    }
}
