import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The retention work: the check-ins worklist, the check-in form, the end of an employment,
/// a new start date, and the employer's alert. A form with errors shows the placement's page again.
struct FollowUpController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("suivis", use: worklist)
        centre.post("suivis/{id}", use: record)
        centre.post("embauches/{id}/fin", use: endEmployment)
        centre.post("embauches/{id}/alerte", use: alert)
        centre.post("embauches/{id}/debut", use: moveStart)
        centre.post("embauches/{id}/contacts", use: recordUnscheduled)
        centre.post("embauches/{id}/alertes/{alert}/traitee", use: handleAlert)
    }

    private var today: Day { Day(services.clock.now()) }

    @Sendable func worklist(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await FollowUpWorklistPage.load(request: request, in: context, database: services.database, today: today))
    }

    /// The placement's page again, with the form as it was sent and its errors (422).
    private func invalid(placement: Int64, _ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        guard let page = try await PlacementPage.load(
            id: placement, in: context, database: services.database, today: today, form: FormState(sent: context.form, errors: errors))
        else { throw AppError.notFound }
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    private func invalid(placement: Int64, field: String, _ message: String, _ context: CentreContext) async throws -> Response {
        var errors = FormErrors()
        errors.add(field, message)
        return try await invalid(placement: placement, errors, context)
    }

    // MARK: A check-in

    /// The check-in form's fields, checked together (a scheduled check-in's or an unscheduled contact's).
    private func readReport(_ reader: inout FormReader) -> FollowUpRepository.Report? {
        let done = reader.day("done_on", "Date du point", required: true, range: today.within(yearsBack: 30, yearsAhead: 0))
        let contacted = reader.choice("contacted", "Personne contactée", as: CheckIn.Contacted.self)
        let channel = reader.choice("channel", "Moyen", as: CheckIn.Channel.self)
        let status = reader.choice("status", "Comment ça va", as: CheckIn.Status.self)
        let risks = reader.choices("risks", "Risques", as: CheckIn.Risk.self)
        let kinds = reader.choices("action_kinds", "Actions", as: CheckIn.ActionKind.self)
        let actions = reader.personalText("actions", "Actions menées", max: 5000)
        let next = reader.day("next_contact", "Prochain contact", range: today.within(yearsBack: 30, yearsAhead: 3))
        let endReason = reader.choice("end_reason", "Motif de la fin", as: EndReason.self, required: status == .ended)
        if let done, done > today { reader.errors.add("done_on", "Le point ne peut pas être daté dans le futur.") }
        if status == .atRisk && risks.isEmpty { reader.errors.add("risks", "Indiquez au moins un risque.") }
        if let next, let done, next <= done { reader.errors.add("next_contact", "Le prochain contact doit suivre le point.") }
        guard let done, let contacted, let channel, let status, reader.errors.isEmpty else { return nil }
        return FollowUpRepository.Report(
            doneOn: done, contacted: contacted, channel: channel, status: status, risks: risks, actionKinds: kinds, actions: actions,
            nextContact: next, endReason: endReason)
    }

    @Sendable func record(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let report = readReport(&reader)
        guard let placement = try await services.database.transaction(in: context, { connection in
            try await FollowUpRepository.placementOf(checkIn: id, on: connection, logger: context.logger)
        }) else { throw AppError.notFound }
        guard let report else { return try await invalid(placement: placement, reader.errors, context) }
        let now = services.clock.now()
        try await services.database.transaction(in: context) { connection in
            try await FollowUpRepository.record(
                report, checkIn: id, placement: placement, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/embauches/\(placement)", saying: "Point de suivi enregistré : «\u{00A0}\(report.status.label)\u{00A0}».")
    }

    /// A contact outside the schedule: recorded as such, the next scheduled check-in stays to do.
    @Sendable func recordUnscheduled(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let report = readReport(&reader)
        guard let report else { return try await invalid(placement: id, reader.errors, context) }
        let now = services.clock.now()
        let found = try await services.database.transaction(in: context) { connection -> Bool in
            guard let dates = try await FollowUpRepository.dates(placement: id, forUpdate: true, on: connection, logger: context.logger), !dates.ended else { return false }
            try await FollowUpRepository.recordUnscheduled(
                report, placement: id, tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(context.base)/embauches/\(id)", saying: "Contact hors calendrier enregistré : le prochain point prévu reste à faire.")
    }

    /// An adviser marks an employer's alert handled, saying what was done: it leaves the worklist.
    @Sendable func handleAlert(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let alert = try context.id("alert")
        var reader = FormReader(context.form)
        let note = reader.personalText("handled_note", "Ce qui a été fait", required: true, max: 2000)
        guard reader.errors.isEmpty else { return try await invalid(placement: id, reader.errors, context) }
        let now = services.clock.now()
        let handled = try await services.database.transaction(in: context) { connection in
            try await FollowUpRepository.handleAlert(id: alert, placement: id, note: note, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard handled else { throw AppError.notFound }
        return .seeOther("\(context.base)/embauches/\(id)", saying: "Alerte marquée comme traitée : elle quitte la liste des suivis.")
    }

    // MARK: The employment's dates

    @Sendable func endEmployment(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let day = reader.day("ended_on", "Date de fin", required: true, range: today.within(yearsBack: 30, yearsAhead: 3))
        let reason = reader.choice("end_reason", "Motif", as: EndReason.self)
        _ = reader.confirmed("Cochez la case pour confirmer la fin de l'emploi : les points de suivi restants seront clos.")
        guard let day, let reason, reader.errors.isEmpty else { return try await invalid(placement: id, reader.errors, context) }
        let ended = try await services.database.transaction(in: context) { connection -> Bool? in
            guard let dates = try await FollowUpRepository.dates(placement: id, forUpdate: true, on: connection, logger: context.logger) else { return nil }
            guard day >= dates.start else { return false }
            try await FollowUpRepository.end(placement: id, on: day, reason: reason, on: connection, logger: context.logger)
            return true
        }
        guard let ended else { throw AppError.notFound }
        guard ended else { return try await invalid(placement: id, field: "ended_on", "La fin de l'emploi ne peut pas précéder son début.", context) }
        return .seeOther("\(context.base)/embauches/\(id)", saying: "Fin de l'emploi enregistrée au \(day.french).")
    }

    /// A new start date moves the placement's open check-ins by the same number of days.
    @Sendable func moveStart(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        var reader = FormReader(context.form)
        let start = reader.day("start_date", "Nouvelle date de début", required: true, range: today.within(yearsBack: 30, yearsAhead: 3))
        guard let start, reader.errors.isEmpty else { return try await invalid(placement: id, reader.errors, context) }
        let refusal = try await services.database.transaction(in: context) { connection -> String? in
            guard let dates = try await FollowUpRepository.dates(placement: id, forUpdate: true, on: connection, logger: context.logger) else { throw AppError.notFound }
            if dates.ended { return "Cet emploi est terminé : sa date de début ne change plus." }
            if let end = dates.end, start > end { return "La date de début ne peut pas suivre la fin du contrat." }
            try await FollowUpRepository.moveStart(placement: id, from: dates.start, to: start, on: connection, logger: context.logger)
            return nil
        }
        if let refusal { return try await invalid(placement: id, field: "start_date", refusal, context) }
        return .seeOther("\(context.base)/embauches/\(id)", saying: "Date de début changée : les points de suivi à venir sont décalés.")
    }

    // MARK: The employer's alert

    @Sendable func alert(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.employer)
        let id = try context.id()
        guard let business = context.membership.businessID else { throw AppError.notFound }
        var reader = FormReader(context.form)
        let kind = reader.choice("kind", "Que se passe-t-il", as: PlacementAlert.Kind.self, required: false)
        if kind == nil && reader.errors["kind"] == nil { reader.errors.add("kind", "Dites si quelque chose ne va pas ou si la personne est partie.") }
        let message = reader.personalText("message", "Message", required: true, max: 2000)
        guard let kind, reader.errors.isEmpty else { return try await invalid(placement: id, reader.errors, context) }
        let now = services.clock.now()
        let found = try await services.database.transaction(in: context) { connection -> Bool in
            guard let subject = try await FollowUpRepository.alertSubject(placement: id, businessID: business, on: connection, logger: context.logger),
                let alertID = try await FollowUpRepository.addAlert(
                    placement: id, kind: kind, message: message, businessID: business, tenantID: context.tenantID, actorID: context.user.id, now: now,
                    on: connection, logger: context.logger)
            else { return false }
            // The adviser in charge of the need (or every adviser of the centre) hears of it, at once.
            try await Notifications.employerAlert(
                alertID: alertID, placementID: id, business: subject.business, person: subject.person, adviserID: subject.adviserID, left: kind == .left,
                message: message, centre: services.notified(context), now: now, on: connection, logger: context.logger)
            return true
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(context.base)/embauches/\(id)", saying: "Votre message est transmis au centre.")
    }
}
