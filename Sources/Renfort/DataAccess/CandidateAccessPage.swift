import Foundation
import Hummingbird

/// A line of a record's access log, as pages show it.
struct AccessRow: Sendable {
    let at: String
    let who: String
    let what: String

    init(_ entry: AccessEntry) {
        self.at = Formats.dateTime(entry.at)
        self.who = entry.who
        self.what = entry.what
    }
}

/// The candidate page's block "Consultée par": the latest lines of the record's access log,
/// the link to all of them, and the export of everything held on the person.
struct ConsultationsSection: Sendable {
    let rows: [AccessRow]
    let hasRows: Bool
    let total: Int
    let allHref: String
    let exportHref: String

    static let shown = 5

    /// Read in the centre's transaction of `context`.
    static func load(candidateID: Int64, in context: CentreContext, database: Database) async throws -> ConsultationsSection {
        let (entries, total) = try await database.transaction(in: context) {
            try await AccessLog.entries(candidateID: candidateID, limit: shown, on: $0, logger: context.logger)
        }
        return ConsultationsSection(
            rows: entries.map(AccessRow.init), hasRows: !entries.isEmpty, total: total,
            allHref: "\(context.base)/candidats/\(candidateID)/consultations", exportHref: "\(context.base)/candidats/\(candidateID)/donnees.zip")
    }
}

/// Every line of one record's access log (`/c/{centre}/candidats/{id}/consultations`), the
/// latest first, 50 a page.
struct CandidateAccessPage: PageModel {
    static let template = "dataaccess/consultations"

    let layout: Layout
    let name: String
    let candidateHref: String
    let rows: [AccessRow]
    let hasRows: Bool
    let total: Int
    let page: Int
    let pages: Int
    let previousHref: String?
    let nextHref: String?

    static let pageSize = 50

    /// Record `id`'s log; nil when the record is not the centre's.
    static func load(id: Int64, request: Request, in context: CentreContext, database: Database) async throws -> CandidateAccessPage? {
        try context.require(.adviser)
        let page = min(max(request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1, 1), 100_000)
        let loaded = try await database.transaction(in: context) { connection -> (Candidate, [AccessEntry], Int)? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger) else { return nil }
            let (entries, total) = try await AccessLog.entries(
                candidateID: id, limit: pageSize, offset: (page - 1) * pageSize, on: connection, logger: context.logger)
            return (candidate, entries, total)
        }
        guard let (candidate, entries, total) = loaded else { return nil }
        let base = context.base
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let here = "\(base)/candidats/\(id)/consultations"
        return CandidateAccessPage(
            layout: Layout(title: "Consultations de la fiche", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            name: candidate.fullName, candidateHref: "\(base)/candidats/\(id)", rows: entries.map(AccessRow.init), hasRows: !entries.isEmpty,
            total: total, page: page, pages: pages, previousHref: page > 1 ? "\(here)?page=\(page - 1)" : nil,
            nextHref: page < pages ? "\(here)?page=\(page + 1)" : nil)
    }
}
