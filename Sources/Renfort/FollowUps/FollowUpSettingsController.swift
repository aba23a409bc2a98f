import Foundation
import Hummingbird
import Logging

/// The centre's follow-up schedule and trial periods. A change applies to the placements
/// created afterwards; existing check-ins are never rewritten.
struct FollowUpSettingsController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("parametres/suivis", use: page)
        centre.post("parametres/suivis/etapes", use: addStep)
        centre.post("parametres/suivis/etapes/{id}/retirer", use: retireStep)
        centre.post("parametres/suivis/essai", use: saveTrial)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await FollowUpSettingsPage.load(in: context, database: services.database))
    }

    private func invalid(_ errors: FormErrors, _ context: CentreContext) async throws -> Response {
        let page = try await FollowUpSettingsPage.load(in: context, database: services.database, form: FormState(sent: context.form, errors: errors))
        return try services.renderer.render(page, status: .unprocessableContent)
    }

    @Sendable func addStep(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let label = reader.text("label", "Libellé", required: true, max: 80)
        let offset = reader.integer("offset_days", "Jours après le début", range: 1...1100, required: true)
        guard let offset, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        try await services.database.transaction(in: context) { connection in
            try await FollowUpSchedule.addStep(label: label, offsetDays: offset, tenantID: context.tenantID, on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/parametres/suivis", saying: "Étape «\u{00A0}\(label)\u{00A0}» ajoutée au calendrier des suivis.")
    }

    @Sendable func retireStep(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let found = try await services.database.transaction(in: context) { connection in
            try await FollowUpSchedule.retireStep(id: id, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(context.base)/parametres/suivis", saying: "Étape retirée du calendrier des suivis.")
    }

    @Sendable func saveTrial(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let cdi = reader.integer("cdi_days", "Période d'essai d'un CDI (jours)", range: 1...240, required: true)
        let long = reader.integer("long_fixed_days", "Contrat de plus de six mois (jours)", range: 1...120, required: true)
        let short = reader.integer("short_fixed_max_days", "Contrat de six mois au plus : plafond (jours)", range: 1...60, required: true)
        guard let cdi, let long, let short, reader.errors.isEmpty else { return try await invalid(reader.errors, context) }
        try await services.database.transaction(in: context) { connection in
            try await FollowUpSchedule.save(
                TrialPeriods(cdiDays: cdi, longFixedDays: long, shortFixedMaxDays: short), tenantID: context.tenantID, on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/parametres/suivis", saying: "Périodes d'essai enregistrées.")
    }
}

/// The schedule's steps and the trial periods, with their forms.
struct FollowUpSettingsPage: PageModel {
    static let template = "followups/settings"

    struct StepRow: Sendable {
        let label: String
        let when: String
        let retireAction: String
    }

    let layout: Layout
    let steps: [StepRow]
    let base: String
    let cdiDays: String
    let longFixedDays: String
    let shortFixedMaxDays: String
    let form: FormState<TypedFields>

    static func load(in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank) async throws -> FollowUpSettingsPage {
        try context.require(.adviser)
        let base = "\(context.base)/parametres/suivis"
        let (steps, periods) = try await database.transaction(in: context) { connection in
            (
                try await FollowUpSchedule.activeSteps(tenantID: context.tenantID, on: connection, logger: context.logger),
                try await FollowUpSchedule.trialPeriods(on: connection, logger: context.logger)
            )
        }
        let typed = form.values.text
        return FollowUpSettingsPage(
            layout: Layout(title: "Calendrier des suivis", session: context.session, membership: context.membership, currentPath: base),
            steps: steps.map {
                StepRow(
                    label: $0.label, when: $0.kind == .trialEnd ? "à la fin de la période d'essai" : "\($0.offsetDays ?? 0) jours après le début",
                    retireAction: "\(base)/etapes/\($0.id)/retirer")
            },
            base: base, cdiDays: typed["cdi_days"] ?? String(periods.cdiDays), longFixedDays: typed["long_fixed_days"] ?? String(periods.longFixedDays),
            shortFixedMaxDays: typed["short_fixed_max_days"] ?? String(periods.shortFixedMaxDays), form: form)
    }
}
