import Foundation

/// On a candidate's record: the centre's open needs that fit them (`Matching.needs`), each
/// with its reasons and the button that puts them on its board.
struct FittingNeedsSection: Sendable {
    struct Row: Sendable {
        let title: String
        let href: String
        let business: String
        let reasons: String
        let flags: [String]
        let onBoard: Bool
        let addAction: String
    }

    let candidateID: Int64
    let hasJobs: Bool
    let rows: [Row]
    let hasRows: Bool

    static func load(candidate: Candidate, in context: CentreContext, database: Database) async throws -> FittingNeedsSection {
        let base = context.base
        let needs = candidate.jobs.isEmpty || candidate.mergedInto != nil ? [] : try await database.transaction(in: context) { connection in
            try await Matching.needs(candidateID: candidate.id, on: connection, logger: context.logger)
        }
        let rows = needs.map { need in
            Row(
                title: need.title, href: "\(base)/besoins/\(need.needID)", business: need.businessName, reasons: need.reasons.joined(separator: " ; "),
                flags: need.flags, onBoard: need.onBoard, addAction: "\(base)/besoins/\(need.needID)/candidatures")
        }
        return FittingNeedsSection(candidateID: candidate.id, hasJobs: !candidate.jobs.isEmpty, rows: rows, hasRows: !rows.isEmpty)
    }
}
