import Foundation

/// Two records of the pool side by side before a merge: record `id` (merged, it disappears)
/// and the one kept, their fields in two columns, what the merge does, and the confirmation.
struct CandidateMergePage: PageModel {
    static let template = "candidates/merge"

    /// A field of both records; `differs` when they do not say the same.
    struct Row: Sendable {
        let label: String
        let merged: String
        let kept: String
        let differs: Bool
    }

    let layout: Layout
    let mergedNumber: Int64
    let keptNumber: Int64
    let mergedName: String
    let keptName: String
    let mergedHref: String
    let keptHref: String
    let rows: [Row]
    /// The same two records, the other one kept.
    let swapHref: String
    let action: String
    let cancelHref: String
    let form: FormState<TypedFields>

    /// What the comparison shows of a record.
    private struct Side {
        let candidate: Candidate
        let contacts: [CandidateContact]
        let applications: [String]
        let documents: Int
    }

    /// Records `id` and `target` of the centre's pool, both active; nil otherwise.
    static func load(
        id: Int64, target: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> CandidateMergePage? {
        try context.require(.adviser)
        let logger = context.logger
        let sides = try await database.transaction(in: context) { connection -> (Side, Side)? in
            func side(_ id: Int64) async throws -> Side? {
                guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: logger), candidate.mergedInto == nil, candidate.erasedAt == nil else { return nil }
                return Side(
                    candidate: candidate, contacts: try await CandidateRepository.contacts(candidateID: id, on: connection, logger: logger),
                    applications: try await CandidateRepository.applications(candidateID: id, on: connection, logger: logger).map {
                        "\($0.need) (\($0.business)) : \($0.stage.label)"
                    },
                    documents: try await CandidateRepository.documents(candidateID: id, on: connection, logger: logger).count)
            }
            guard let merged = try await side(id), let kept = try await side(target) else { return nil }
            return (merged, kept)
        }
        guard let (merged, kept) = sides else { return nil }
        let base = context.base
        func contacts(_ side: Side, _ kind: String, own: String?) -> String {
            ([own].compactMap { $0 } + side.contacts.filter { $0.kind == kind }.map(\.value)).joined(separator: ", ")
        }
        func fields(_ side: Side) -> [(String, String)] {
            let candidate = side.candidate
            return [
                ("Nom", candidate.fullName),
                ("E-mail", contacts(side, "email", own: candidate.email)),
                ("Téléphone", contacts(side, "phone", own: candidate.phone)),
                ("Commune", candidate.communeName),
                ("Date de naissance", candidate.birthDate?.french ?? ""),
                ("Compétences", candidate.skills),
                ("Expérience", candidate.experience),
                ("Métiers recherchés", candidate.jobs.map(\.described).joined(separator: " ; ")),
                ("Libre pour une saison", candidate.windows.map(\.described).joined(separator: " ; ")),
                ("Disponibilités saisonnières (note)", candidate.seasonalWindows),
                ("Origine", candidate.source.label),
                ("Candidatures", side.applications.isEmpty ? "aucune" : side.applications.joined(separator: " ; ")),
                ("Documents", side.documents == 0 ? "aucun" : "\(side.documents)"),
                ("Fiche créée le", Formats.dateTime(candidate.createdAt)),
            ]
        }
        let rows = zip(fields(merged), fields(kept)).map { left, right in
            Row(label: left.0, merged: left.1.isEmpty ? "—" : left.1, kept: right.1.isEmpty ? "—" : right.1, differs: left.1 != right.1)
        }
        return CandidateMergePage(
            layout: Layout(title: "Fusionner deux fiches", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            mergedNumber: id, keptNumber: target, mergedName: merged.candidate.fullName, keptName: kept.candidate.fullName,
            mergedHref: "\(base)/candidats/\(id)", keptHref: "\(base)/candidats/\(target)", rows: rows,
            swapHref: "\(base)/candidats/\(target)/fusionner?target_id=\(id)", action: "\(base)/candidats/\(id)/fusionner",
            cancelHref: "\(base)/candidats/\(id)", form: form)
    }
}
