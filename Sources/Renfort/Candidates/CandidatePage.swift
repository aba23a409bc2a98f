import Foundation

/// A candidate's record: what the centre holds, the needs they are on, their documents, the
/// record's history, and the forms to add a document or merge a duplicate.
struct CandidatePage: PageModel {
    static let template = "candidates/show"

    struct ApplicationRow: Sendable {
        let href: String
        let need: String
        let business: String
        let stage: String
    }

    let layout: Layout
    let name: String
    let merged: Bool
    let mergedHref: String?
    let facts: [Fact]
    let notes: String?
    let editHref: String
    let applications: [ApplicationRow]
    let hasApplications: Bool
    let documents: [DocumentRow]
    let hasDocuments: Bool
    let uploadAction: String
    /// The upload form's one-time token (a double submit keeps one document).
    let uploadToken: String
    let mergeAction: String
    let history: [Fact]
    let form: FormState<TypedFields>

    /// Record `id` of the centre's pool; nil when it is not the centre's.
    static func load(
        id: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> CandidatePage? {
        try context.require(.adviser)
        let base = context.base
        let loaded = try await database.transaction(in: context) { connection -> (Candidate, [ApplicationRow], [DocumentRow], [Fact])? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger) else { return nil }
            let applications = try await CandidateRepository.applications(candidateID: id, on: connection, logger: context.logger).map {
                ApplicationRow(href: "\(base)/candidatures/\($0.id)", need: $0.need, business: $0.business, stage: $0.stage.label)
            }
            let documents = try await CandidateRepository.documents(candidateID: id, on: connection, logger: context.logger).map {
                DocumentRow($0, href: "\(base)/candidats/\(id)/documents/\($0.id)")
            }
            let history = try await CandidateRepository.events(candidateID: id, on: connection, logger: context.logger).map {
                Fact(label: "\(Formats.dateTime($0.at)) · \($0.who)", value: $0.description)
            }
            return (candidate, applications, documents, history)
        }
        guard let (candidate, applications, documents, history) = loaded else { return nil }
        var facts: [Fact] = []
        if let email = candidate.email { facts.append(.init(label: "E-mail", value: email)) }
        if let phone = candidate.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        facts.append(.init(label: "Commune", value: candidate.communeName))
        if let birth = candidate.birthDate { facts.append(.init(label: "Date de naissance", value: birth.french)) }
        let mobility = candidate.mobility
        facts.append(.init(label: "Mobilité", value: (mobility.isEmpty ? "ni permis ni véhicule" : mobility) + (candidate.travelKm.map { ", jusqu'à \($0) km" } ?? "")))
        if !candidate.skills.isEmpty { facts.append(.init(label: "Compétences", value: candidate.skills)) }
        if !candidate.experience.isEmpty { facts.append(.init(label: "Expérience", value: candidate.experience)) }
        if let available = candidate.availableFrom { facts.append(.init(label: "Disponible à partir du", value: available.french)) }
        if !candidate.seasonalWindows.isEmpty { facts.append(.init(label: "Disponibilités saisonnières", value: candidate.seasonalWindows)) }
        if !candidate.wishedContracts.isEmpty {
            facts.append(.init(label: "Contrats souhaités", value: candidate.wishedContracts.map(\.label).joined(separator: ", ")))
        }
        facts.append(.init(label: "Origine", value: candidate.source.label))
        facts.append(.init(label: "Consentement", value: candidate.consentAt.map { "le \($0.french) : \(candidate.consentScope)" } ?? "aucun"))
        facts.append(.init(label: "À supprimer après le", value: candidate.purgeAfter.french))
        return CandidatePage(
            layout: Layout(title: candidate.fullName, session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            name: candidate.fullName, merged: candidate.mergedInto != nil, mergedHref: candidate.mergedInto.map { "\(base)/candidats/\($0)" },
            facts: facts, notes: candidate.notes.isEmpty ? nil : candidate.notes, editHref: "\(base)/candidats/\(id)/modifier",
            applications: applications, hasApplications: !applications.isEmpty, documents: documents, hasDocuments: !documents.isEmpty,
            uploadAction: "\(base)/candidats/\(id)/documents", uploadToken: FormSubmissions.newToken(), mergeAction: "\(base)/candidats/\(id)/fusionner", history: history,
            form: form)
    }
}
