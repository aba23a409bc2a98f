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
        /// "de la fiche n° 12 fusionnée" when it stayed on a record merged into this one.
        let from: String?
    }

    /// A record that may be the same person, with the link to compare them before merging.
    struct SuspectRow: Sendable {
        let href: String
        let name: String
        let commune: String
        let reasons: String
        let compareHref: String
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
    /// The confirmation before erasing the person's data at their request.
    let eraseHref: String
    let suspects: [SuspectRow]
    let hasSuspects: Bool
    let history: [Fact]
    /// The messages sent to the candidate, and the form that starts a new one.
    let messages: CandidateMessagesSection
    /// Information and consent (`Privacy/`): the notice, the last contact, the consent asked.
    let privacy: CandidatePrivacySection?
    /// Who consulted the record (the latest), and the export of everything held on the person.
    let consultations: ConsultationsSection
    /// The open needs that fit the person (`Jobs/`).
    let fits: FittingNeedsSection
    let form: FormState<TypedFields>

    /// Record `id` of the centre's pool; nil when it is not the centre's.
    static func load(
        id: Int64, in context: CentreContext, database: Database, form: FormState<TypedFields> = .blank
    ) async throws -> CandidatePage? {
        try context.require(.adviser)
        let base = context.base
        let loaded = try await database.transaction(in: context) {
            connection -> (Candidate, [ApplicationRow], [DocumentRow], [Fact], [CandidateContact], [Suspect], [SentMessage], CandidatePrivacy?)? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger) else { return nil }
            let applications = try await CandidateRepository.applications(candidateID: id, on: connection, logger: context.logger).map {
                ApplicationRow(
                    href: "\(base)/candidatures/\($0.id)", need: $0.need, business: $0.business, stage: $0.stage.label,
                    from: $0.fromCandidateID.map { "de la fiche n° \($0), fusionnée" })
            }
            let documents = try await CandidateRepository.documents(candidateID: id, on: connection, logger: context.logger).map {
                DocumentRow($0, href: "\(base)/candidats/\(id)/documents/\($0.id)")
            }
            let history = try await CandidateRepository.events(candidateID: id, on: connection, logger: context.logger).map {
                Fact(label: "\(Formats.dateTime($0.at)) · \($0.who)", value: $0.description)
            }
            let contacts = try await CandidateRepository.contacts(candidateID: id, on: connection, logger: context.logger)
            let suspects = candidate.mergedInto != nil ? [] : try await CandidateRepository.duplicates(
                of: candidate.details, excluding: id, on: connection, logger: context.logger)
            let messages = try await MessageRepository.history(candidateID: id, on: connection, logger: context.logger)
            let privacy = try await PrivacyRepository.status(candidateID: id, on: connection, logger: context.logger)
            return (candidate, applications, documents, history, contacts, suspects, messages, privacy)
        }
        guard let (candidate, applications, documents, history, contacts, suspects, messages, privacy) = loaded else { return nil }
        var facts: [Fact] = []
        if let email = candidate.email { facts.append(.init(label: "E-mail", value: email)) }
        if let phone = candidate.phone { facts.append(.init(label: "Téléphone", value: phone)) }
        // The contacts of the records merged into this one.
        let otherEmails = contacts.filter { $0.kind == "email" }.map(\.value), otherPhones = contacts.filter { $0.kind == "phone" }.map(\.value)
        if !otherEmails.isEmpty { facts.append(.init(label: "Autres e-mails", value: otherEmails.joined(separator: ", "))) }
        if !otherPhones.isEmpty { facts.append(.init(label: "Autres téléphones", value: otherPhones.joined(separator: ", "))) }
        facts.append(.init(label: "Commune", value: candidate.communeName))
        if let birth = candidate.birthDate { facts.append(.init(label: "Date de naissance", value: birth.french)) }
        let mobility = candidate.mobility
        facts.append(.init(label: "Mobilité", value: (mobility.isEmpty ? "ni permis ni véhicule" : mobility) + (candidate.travelKm.map { ", jusqu'à \($0) km" } ?? "")))
        if !candidate.jobs.isEmpty { facts.append(.init(label: "Métiers recherchés", value: candidate.jobs.map(\.described).joined(separator: " ; "))) }
        if !candidate.windows.isEmpty { facts.append(.init(label: "Libre pour une saison", value: candidate.windows.map(\.described).joined(separator: " ; "))) }
        if !candidate.skills.isEmpty { facts.append(.init(label: "Compétences", value: candidate.skills)) }
        if !candidate.experience.isEmpty { facts.append(.init(label: "Expérience", value: candidate.experience)) }
        if let available = candidate.availableFrom { facts.append(.init(label: "Disponible à partir du", value: available.french)) }
        if !candidate.seasonalWindows.isEmpty { facts.append(.init(label: "Disponibilités saisonnières (note)", value: candidate.seasonalWindows)) }
        if !candidate.wishedContracts.isEmpty {
            facts.append(.init(label: "Contrats souhaités", value: candidate.wishedContracts.map(\.label).joined(separator: ", ")))
        }
        facts.append(.init(label: "Origine", value: candidate.source.label))
        facts.append(.init(label: "Consentement", value: candidate.consentAt.map { "le \($0.french) : \(candidate.consentScope)" } ?? "aucun"))
        facts.append(.init(label: "À supprimer après le", value: candidate.purgeAfter.french))
        let consultations = try await ConsultationsSection.load(candidateID: id, in: context, database: database)
        let fits = try await FittingNeedsSection.load(candidate: candidate, in: context, database: database)
        return CandidatePage(
            layout: Layout(title: candidate.fullName, session: context.session, membership: context.membership, currentPath: "\(base)/candidats"),
            name: candidate.fullName, merged: candidate.mergedInto != nil, mergedHref: candidate.mergedInto.map { "\(base)/candidats/\($0)" },
            facts: facts, notes: candidate.notes.isEmpty ? nil : candidate.notes, editHref: "\(base)/candidats/\(id)/modifier",
            applications: applications, hasApplications: !applications.isEmpty, documents: documents, hasDocuments: !documents.isEmpty,
            uploadAction: "\(base)/candidats/\(id)/documents", uploadToken: FormSubmissions.newToken(), mergeAction: "\(base)/candidats/\(id)/fusionner",
            eraseHref: "\(base)/candidats/\(id)/effacer",
            suspects: suspects.map {
                SuspectRow(
                    href: "\(base)/candidats/\($0.candidate.id)", name: $0.candidate.name, commune: $0.candidate.communeName, reasons: $0.reasons,
                    compareHref: "\(base)/candidats/\(id)/fusionner?target_id=\($0.candidate.id)")
            }, hasSuspects: !suspects.isEmpty, history: history,
            messages: CandidateMessagesSection(messages, candidate: candidate, writeAction: "\(base)/candidats/\(id)/messages"),
            privacy: candidate.mergedInto != nil ? nil : privacy.map {
                CandidatePrivacySection($0, slug: context.membership.centreSlug, base: base, id: id, today: Day(Date()))
            },
            consultations: consultations, fits: fits, form: form)
    }
}
