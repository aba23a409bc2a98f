import Foundation

/// The confirmation before erasing a person's record at their request: what goes, what stays,
/// the day and the way they asked, and the box that confirms it.
struct ErasurePage: PageModel {
    static let template = "personal-data/erase"

    let layout: Layout
    let name: String
    let number: Int64
    let recordHref: String
    let action: String
    /// The person holds a placement that has not ended: its follow-up can no longer reach them.
    let employed: Bool
    let channels: [Option]
    let today: String
    let form: FormState<TypedFields>

    /// Record `id` of the centre's pool, not erased nor merged; nil otherwise.
    static func load(
        id: Int64, in context: CentreContext, database: Database, today: Day, form: FormState<TypedFields> = .blank
    ) async throws -> ErasurePage? {
        try context.require(.adviser)
        let loaded = try await database.transaction(in: context) { connection -> (Candidate, Bool)? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger),
                candidate.mergedInto == nil, candidate.erasedAt == nil
            else { return nil }
            return (candidate, try await ErasureRepository.isEmployed(candidateID: id, on: today, on: connection, logger: context.logger))
        }
        guard let (candidate, employed) = loaded else { return nil }
        let base = context.base
        return ErasurePage(
            layout: Layout(title: "Effacer les données de \(candidate.fullName)", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            name: candidate.fullName, number: id, recordHref: "\(base)/candidats/\(id)", action: "\(base)/candidats/\(id)/effacer",
            employed: employed,
            channels: Option.all(ErasureChannel.self, chosen: form.values.text["requested_via"], label: { $0.label.prefix(1).uppercased() + $0.label.dropFirst() }),
            today: today.iso, form: form)
    }
}

/// What is left of a record once erased: its number, when and why, and its applications
/// (what the figures count), without identity.
struct ErasedCandidatePage: PageModel {
    static let template = "personal-data/erased"

    let layout: Layout
    let number: Int64
    let what: String
    let applications: [CandidatePage.ApplicationRow]
    let hasApplications: Bool

    /// Record `id` when it was erased; nil when it was not (or is not the centre's).
    static func load(id: Int64, in context: CentreContext, database: Database) async throws -> ErasedCandidatePage? {
        try context.require(.adviser)
        let base = context.base
        let loaded = try await database.transaction(in: context) { connection -> (ErasureRecord, [CandidatePage.ApplicationRow])? in
            guard let erasure = try await ErasureRepository.erasure(candidateID: id, on: connection, logger: context.logger) else { return nil }
            let applications = try await CandidateRepository.applications(candidateID: id, on: connection, logger: context.logger).map {
                CandidatePage.ApplicationRow(href: "\(base)/candidatures/\($0.id)", need: $0.need, business: $0.business, stage: $0.stage.label, from: nil)
            }
            return (erasure, applications)
        }
        guard let (erasure, applications) = loaded else { return nil }
        var what = "Les données de cette personne ont été \(erasure.kind.label) le \(Formats.dateTime(erasure.doneAt))"
        if let asked = erasure.requestedOn {
            what += " (demande reçue le \(asked.french)\(erasure.channel.map { " \($0.label)" } ?? "")\(erasure.doneBy.map { ", effacement confirmé par \($0)" } ?? ""))"
        }
        what += "."
        return ErasedCandidatePage(
            layout: Layout(title: "Fiche n° \(id) : personne effacée", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            number: id, what: what, applications: applications, hasApplications: !applications.isEmpty)
    }
}

/// The records whose date comes within 30 days, for advisers to see the purges coming (and to
/// ask the people concerned, or record a consent, before their date).
struct UpcomingPurgesPage: PageModel {
    static let template = "personal-data/upcoming"

    struct Row: Sendable {
        let href: String
        let name: String
        let commune: String
        let date: String
        let consent: String
        /// "conservée tant que son emploi dure", or nil.
        let kept: String?
    }

    let layout: Layout
    let rows: [Row]
    let hasRows: Bool
    let count: Int
    let days: Int
    let poolHref: String

    static let days = 30

    static func load(in context: CentreContext, database: Database, today: Day) async throws -> UpcomingPurgesPage {
        try context.require(.adviser)
        let base = context.base
        let upcoming = try await database.transaction(in: context) {
            try await ErasureRepository.upcoming(from: today, days: days, on: $0, logger: context.logger)
        }
        let rows = upcoming.map { line in
            Row(
                href: "\(base)/candidats/\(line.id)", name: line.name, commune: line.communeName,
                date: line.purgeAfter < today ? "dépassée (\(line.purgeAfter.french))" : line.purgeAfter.french,
                consent: line.consentAt.map { "le \($0.french)" } ?? "aucun",
                kept: line.employed ? "Conservée tant que son emploi dure" : nil)
        }
        return UpcomingPurgesPage(
            layout: Layout(title: "Suppressions à venir", session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            rows: rows, hasRows: !rows.isEmpty, count: rows.count, days: days, poolHref: "\(base)/candidats")
    }
}
