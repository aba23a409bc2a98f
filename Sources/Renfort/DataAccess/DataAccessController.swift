import Foundation
import Hummingbird
import Logging
import NIOCore

/// Who looked and the right of access, for a centre's advisers: a record's whole access log,
/// the export of everything held on a person (ZIP), and the centre's data-protection page and
/// its CSV file. Employers and observers get a 404, as does another centre's adviser.
struct DataAccessController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("candidats/{id}/consultations", use: consultations)
        centre.get("candidats/{id}/donnees.zip", use: export)
        centre.get("donnees", use: page)
        centre.get("donnees/export.csv", use: csv)
    }

    @Sendable func consultations(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let page = try await CandidateAccessPage.load(id: try context.id(), request: request, in: context, database: services.database)
        else { throw AppError.notFound }
        return try services.renderer.render(page)
    }

    /// Everything the centre holds on the person, as one ZIP; the export is logged.
    @Sendable func export(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        guard let archive = try await PersonalDataExport.make(
            candidateID: try context.id(), tenantID: context.tenantID, centreName: context.membership.centreName, by: .user(context.user.id),
            place: .record, database: services.database, now: services.clock.now(), logger: context.logger)
        else { throw AppError.notFound }
        return archive.response
    }

    @Sendable func page(request: Request, context: CentreContext) async throws -> Response {
        let (page, ok) = try await DataProtectionPage.load(request: request, in: context, database: services.database, today: Day(services.clock.now()))
        return try services.renderer.render(page, status: ok ? .ok : .unprocessableContent)
    }

    /// The period's lines as CSV (French or `format=international`); a wrong filter shows the
    /// page with its messages (422).
    @Sendable func csv(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let (filter, errors) = DataProtectionPage.filter(request, today: Day(services.clock.now()))
        guard errors.isEmpty else { return try await page(request: request, context: context) }
        let events = try await services.database.transaction(in: context) {
            try await DataProtectionRepository.events(filter, page: nil, on: $0, logger: context.logger).events
        }
        let international = request.uri.queryParameters["format"] == "international"
        let text = DataProtectionPage.csv(events, filter: filter, centre: context.membership.centreName, variant: international ? .international : .french)
        let file = "registre-donnees-\(context.membership.centreSlug)-du-\(filter.from.iso)-au-\(filter.to.iso)\(international ? "-international" : "").csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\"", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
