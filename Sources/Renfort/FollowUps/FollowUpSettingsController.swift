import Foundation
import Hummingbird
import Logging
import PostgresNIO

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

    struct StepRow: Sendable {
        let label: String
        let when: String
        let retireAction: String
    }

    struct Page: Sendable {
        let layout: Layout
        let steps: [StepRow]
        let base: String
        let cdiDays: String
        let longFixedDays: String
        let shortFixedMaxDays: String
        let label: String
        let offset: String
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    private func render(context: CentreContext, errors: FormErrors, typed: [String: String] = [:], status: HTTPResponse.Status) async throws -> Response {
        try context.require(.adviser)
        let base = "/c/\(context.membership.centreSlug)/parametres/suivis"
        let (rows, periods) = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            _ = try await FollowUpSchedule.steps(tenantID: context.tenantID, on: connection, logger: context.logger)
            let rows = try await connection.all(
                "SELECT id, kind, offset_days, label FROM followup_steps WHERE active ORDER BY coalesce(offset_days, 0), position, id",
                as: (Int64.self, String.self, Int?.self, String.self), logger: context.logger)
            return (rows, try await FollowUpSchedule.trialPeriods(on: connection, logger: context.logger))
        }
        let model = Page(
            layout: Layout(title: "Calendrier des suivis", session: context.session, membership: context.membership, currentPath: base),
            steps: rows.map { StepRow(label: $0.3, when: $0.1 == "trial_end" ? "à la fin de la période d'essai" : "\($0.2 ?? 0) jours après le début", retireAction: "\(base)/etapes/\($0.0)/retirer") },
            base: base, cdiDays: typed["cdi_days"] ?? String(periods.cdiDays), longFixedDays: typed["long_fixed_days"] ?? String(periods.longFixedDays),
            shortFixedMaxDays: typed["short_fixed_max_days"] ?? String(periods.shortFixedMaxDays), label: typed["label"] ?? "", offset: typed["offset_days"] ?? "",
            errors: errors.all, hasErrors: !errors.isEmpty, fieldErrors: errors.byField)
        return try services.renderer.render("followups/settings", model, status: status)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        try await render(context: context, errors: FormErrors(), status: .ok)
    }

    @Sendable func addStep(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let label = reader.text("label", "Libellé", required: true, max: 80)
        let offset = reader.integer("offset_days", "Jours après le début", range: 1...1100, required: true)
        guard let offset, reader.errors.isEmpty else {
            return try await render(context: context, errors: reader.errors, typed: ["label": label, "offset_days": context.form["offset_days"] ?? ""], status: .unprocessableContent)
        }
        try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            _ = try await FollowUpSchedule.steps(tenantID: context.tenantID, on: connection, logger: context.logger)
            try await connection.execute(
                "INSERT INTO followup_steps (tenant_id, kind, offset_days, label, position) VALUES (\(context.tenantID), 'offset', \(offset), \(label), \(offset))",
                logger: context.logger)
        }
        return .seeOther("/c/\(context.membership.centreSlug)/parametres/suivis")
    }

    @Sendable func retireStep(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        let found = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await connection.value("UPDATE followup_steps SET active = false WHERE id = \(id) RETURNING id", as: Int64.self, logger: context.logger) != nil
        }
        guard found else { throw AppError.notFound }
        return .seeOther("/c/\(context.membership.centreSlug)/parametres/suivis")
    }

    @Sendable func saveTrial(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let cdi = reader.integer("cdi_days", "Période d'essai d'un CDI (jours)", range: 1...240, required: true)
        let long = reader.integer("long_fixed_days", "Contrat de plus de six mois (jours)", range: 1...120, required: true)
        let short = reader.integer("short_fixed_max_days", "Contrat de six mois au plus : plafond (jours)", range: 1...60, required: true)
        guard let cdi, let long, let short, reader.errors.isEmpty else {
            let typed = ["cdi_days": context.form["cdi_days"] ?? "", "long_fixed_days": context.form["long_fixed_days"] ?? "", "short_fixed_max_days": context.form["short_fixed_max_days"] ?? ""]
            return try await render(context: context, errors: reader.errors, typed: typed, status: .unprocessableContent)
        }
        try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await connection.execute(
                """
                INSERT INTO followup_settings (tenant_id, cdi_trial_days, long_fixed_trial_days, short_fixed_max_days)
                VALUES (\(context.tenantID), \(cdi), \(long), \(short))
                ON CONFLICT (tenant_id) DO UPDATE SET cdi_trial_days = EXCLUDED.cdi_trial_days,
                    long_fixed_trial_days = EXCLUDED.long_fixed_trial_days, short_fixed_max_days = EXCLUDED.short_fixed_max_days
                """, logger: context.logger)
        }
        return .seeOther("/c/\(context.membership.centreSlug)/parametres/suivis")
    }
}
