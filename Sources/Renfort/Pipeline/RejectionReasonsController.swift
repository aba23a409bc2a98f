import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The centre's list of reasons an application ends: advisers add reasons and retire
/// those they no longer use (retired reasons stay on the applications that carry them).
struct RejectionReasonsController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("parametres/motifs", use: page)
        centre.post("parametres/motifs", use: add)
        centre.post("parametres/motifs/{id}/retirer", use: retire)
    }

    struct Row: Sendable {
        let label: String
        let retireAction: String
    }

    struct Page: Sendable {
        let layout: Layout
        let reasons: [Row]
        let action: String
        let label: String
        let errors: [FieldError]
        let hasErrors: Bool
        let fieldErrors: [String: String]
    }

    private func render(context: CentreContext, label: String, errors: FormErrors, status: HTTPResponse.Status) async throws -> Response {
        try context.require(.adviser)
        let base = "/c/\(context.membership.centreSlug)/parametres/motifs"
        let reasons = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
        }
        let model = Page(
            layout: Layout(title: "Motifs de fin de candidature", session: context.session, membership: context.membership, currentPath: base),
            reasons: reasons.map { Row(label: $0.label, retireAction: "\(base)/\($0.id)/retirer") }, action: base, label: label,
            errors: errors.all, hasErrors: !errors.isEmpty,
            fieldErrors: errors.byField)
        return try services.renderer.render("pipeline/reasons", model, status: status)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        try await render(context: context, label: "", errors: FormErrors(), status: .ok)
    }

    @Sendable func add(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let label = reader.text("label", "Motif", required: true, max: 80)
        guard reader.errors.isEmpty else { return try await render(context: context, label: label, errors: reader.errors, status: .unprocessableContent) }
        try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            _ = try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
            try await connection.execute(
                """
                INSERT INTO rejection_reasons (tenant_id, label, position)
                VALUES (\(context.tenantID), \(label), (SELECT coalesce(max(position), 0) + 1 FROM rejection_reasons))
                ON CONFLICT ON CONSTRAINT rejection_reasons_label_key DO UPDATE SET active = true
                """, logger: context.logger)
        }
        return .seeOther("/c/\(context.membership.centreSlug)/parametres/motifs")
    }

    @Sendable func retire(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        let found = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
            try await connection.value("UPDATE rejection_reasons SET active = false WHERE id = \(id) RETURNING id", as: Int64.self, logger: context.logger) != nil
        }
        guard found else { throw AppError.notFound }
        return .seeOther("/c/\(context.membership.centreSlug)/parametres/motifs")
    }
}
