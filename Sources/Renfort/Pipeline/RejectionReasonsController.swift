import Foundation
import Hummingbird
import Logging

/// The centre's list of reasons an application ends: advisers add reasons and retire
/// those they no longer use (retired reasons stay on the applications that carry them).
struct RejectionReasonsController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("parametres/motifs", use: page)
        centre.post("parametres/motifs", use: add)
        centre.post("parametres/motifs/{id}/retirer", use: retire)
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await RejectionReasonsPage.load(in: context, database: services.database))
    }

    @Sendable func add(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        var reader = FormReader(context.form)
        let label = reader.text("label", "Motif", required: true, max: 80)
        guard reader.errors.isEmpty else {
            let page = try await RejectionReasonsPage.load(in: context, database: services.database, form: FormState(sent: context.form, errors: reader.errors))
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        try await services.database.transaction(in: context) { connection in
            try await ApplicationRepository.addRejectionReason(label, tenantID: context.tenantID, on: connection, logger: context.logger)
        }
        return .seeOther("\(context.base)/parametres/motifs", saying: "Motif «\u{00A0}\(label)\u{00A0}» ajouté.")
    }

    @Sendable func retire(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let found = try await services.database.transaction(in: context) { connection in
            try await ApplicationRepository.retireRejectionReason(id: id, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther("\(context.base)/parametres/motifs", saying: "Motif retiré de la liste.")
    }
}

/// The centre's reasons, with the form to add one.
struct RejectionReasonsPage: PageModel {
    static let template = "pipeline/reasons"

    struct Row: Sendable {
        let label: String
        let retireAction: String
    }

    let layout: Layout
    let reasons: [Row]
    let action: String
    let form: FormState<TypedFields>

    static func load(in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank) async throws -> RejectionReasonsPage {
        try context.require(.adviser)
        let base = "\(context.base)/parametres/motifs"
        let reasons = try await database.transaction(in: context) { connection in
            try await ApplicationRepository.rejectionReasons(tenantID: context.tenantID, on: connection, logger: context.logger)
        }
        return RejectionReasonsPage(
            layout: Layout(title: "Motifs de fin de candidature", session: context.session, membership: context.membership, currentPath: base),
            reasons: reasons.map { Row(label: $0.label, retireAction: "\(base)/\($0.id)/retirer") }, action: base, form: form)
    }
}
