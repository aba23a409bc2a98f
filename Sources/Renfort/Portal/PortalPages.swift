import Foundation
import Logging

/// A candidate's own page, opened by a link: the centre and the record it is limited to, and
/// the session that carries it (an anonymous session: it opens no other page).
struct PortalVisit: Sendable {
    let centre: PublicCentre
    let candidateID: Int64
    let session: SessionInfo

    var base: String { "/c/\(centre.slug)/mon-espace" }
}

/// The contact details and availability form as typed: with the jobs looked for and the
/// seasons free, the same three rows of each as the advisers' record form.
struct PortalContactInput: Sendable {
    var email = ""
    var phone = ""
    var communeName = ""
    var availableFrom = ""
    var seasonalWindows = ""
    var jobs = Array(repeating: "", count: CandidateSeasons.rows.count)
    var windows = Array(repeating: AvailabilityWindowInput(), count: CandidateSeasons.rows.count)
    /// The form's one-time token: sent twice, it is saved once.
    var token = FormSubmissions.newToken()

    init() {}

    init(_ candidate: Candidate) {
        email = candidate.email ?? ""
        phone = candidate.phone ?? ""
        communeName = candidate.communeName
        availableFrom = candidate.availableFrom?.iso ?? ""
        seasonalWindows = candidate.seasonalWindows
        for (index, job) in candidate.jobs.prefix(jobs.count).enumerated() { jobs[index] = job.typed }
        for (index, window) in candidate.windows.prefix(windows.count).enumerated() {
            windows[index] = AvailabilityWindowInput(starts: window.starts.iso, ends: window.ends.iso, everyYear: window.everyYear)
        }
    }
}

/// The rules of the candidate's own form, the same as the advisers' record form for these
/// fields. The jobs are read against the referential afterwards (`CandidateSeasons.readJobs`).
enum PortalContactForm {
    static func read(_ form: FormData, today: Day) -> (PortalContactInput, PortalContact?, FormErrors) {
        var input = PortalContactInput()
        input.email = form["email"] ?? ""
        input.phone = form["phone"] ?? ""
        input.communeName = form["commune_name"] ?? ""
        input.availableFrom = form["available_from"] ?? ""
        input.seasonalWindows = form["seasonal_windows"] ?? ""
        input.token = form["_form"] ?? input.token
        input.jobs = CandidateSeasons.rows.map { form[CandidateSeasons.jobField($0)] ?? "" }
        var reader = FormReader(form)
        let seasons: [AvailabilityWindow]
        (input.windows, seasons) = CandidateSeasons.readWindows(&reader, today: today)
        let email = reader.email("email", "Adresse e-mail")
        let phone = reader.formatted("phone", "Téléphone", pattern: "\\+?[0-9][0-9 .-]{8,18}[0-9]", example: "06 12 34 56 78")
        let commune = reader.text("commune_name", "Commune", required: true, max: 100)
        let available = reader.day("available_from", "Disponible à partir du", range: today.within(yearsBack: 30, yearsAhead: 3))
        let windows = reader.personalText("seasonal_windows", "Disponibilités saisonnières", max: 500)
        if email == nil && phone == nil && reader.errors["email"] == nil && reader.errors["phone"] == nil {
            reader.errors.add("email", "Gardez au moins une adresse e-mail ou un téléphone : c'est ainsi que le centre vous recontacte.")
        }
        guard reader.errors.isEmpty else { return (input, nil, reader.errors) }
        return (
            input,
            PortalContact(email: email, phone: phone, communeName: commune, availableFrom: available, seasonalWindows: windows, windows: seasons),
            reader.errors
        )
    }
}

/// The public page that asks for the e-mail address (`/c/{centre}/mon-espace`), its "sent"
/// answer, and what a used or expired link or an ended session says above it.
struct PortalRequestPage: PageModel {
    static let template = "portal/request"

    let layout: Layout
    let centreName: String
    let action: String
    let sent: Bool
    let signedOut: Bool
    /// Why the person is here again: a link used or expired, a session ended.
    let problem: String?
    let problemTitle: String?
    let minutes: Int
    /// The form's one-time token (a second click sends no second link), kept when it comes back.
    let token: String
    let form: FormState<TypedFields>

    init(
        centre: PublicCentre, session: SessionInfo, form: FormState<TypedFields> = .blank, sent: Bool = false, signedOut: Bool = false,
        problemTitle: String? = nil, problem: String? = nil
    ) {
        self.layout = Layout(title: problemTitle ?? "Mon espace candidat", session: session, currentPath: "/c/\(centre.slug)/mon-espace")
        self.centreName = centre.name
        self.action = "/c/\(centre.slug)/mon-espace/lien"
        self.sent = sent
        self.signedOut = signedOut
        self.problemTitle = problemTitle
        self.problem = problem
        self.minutes = Int(CandidateLinks.validity / 60)
        self.token = form.values.text["_form"] ?? FormSubmissions.newToken()
        self.form = form
    }
}

/// The page a link opens: one button that uses it (a mail client's preview, which fetches
/// the link, does not use it up).
struct PortalLinkPage: PageModel {
    static let template = "portal/link"

    let layout: Layout
    let centreName: String
    let action: String

    init(centre: PublicCentre, session: SessionInfo, token: String) {
        self.layout = Layout(title: "Ouvrir mon espace", session: session, currentPath: "/c/\(centre.slug)/mon-espace")
        self.centreName = centre.name
        self.action = "/c/\(centre.slug)/mon-espace/lien/\(token)"
    }
}

/// The candidate's own page: their applications and where each stands, the form of their
/// contact details and availability, and what the centre holds about them.
struct PortalPage: PageModel {
    static let template = "portal/page"

    struct ApplicationRow: Sendable {
        let title: String
        let details: String
        let state: String
        let since: String
        let mayWithdraw: Bool
        let withdrawAction: String
        let confirmID: String
        /// This row's withdrawal form: its message when it was sent without the box ticked.
        let scope: FormScope
    }

    let layout: Layout
    let centreName: String
    let firstName: String
    let fullName: String
    let signOutAction: String
    let sessionEnds: String
    let applications: [ApplicationRow]
    let hasApplications: Bool
    let contactAction: String
    let facts: [Fact]
    let dates: [Fact]
    let documents: [DocumentRow]
    let hasDocuments: Bool
    /// What the centre wrote to them through Renfort, newest first.
    let messages: [MessageRow]
    let hasMessages: Bool
    /// Everything the centre holds on the person, as one ZIP (the right of access).
    let exportHref: String

    struct MessageRow: Sendable {
        let at: String
        let channel: String
        let title: String
        let body: String
        let attachment: Bool
    }
    /// The summary of a withdrawal's errors, when one was sent without its box.
    let withdrawSummary: FormScope?
    let form: FormState<PortalContactInput>
    /// The jobs' and the windows' rows of the form (`partials/season-fields`).
    let seasons: SeasonFields
    /// `date`, or `text` for a value typed that is not a day (HTML allows only a day in a date field).
    let availableFromKind: String

    /// The page of `visit`'s candidate; `form`: the contact form as sent with its errors,
    /// `withdrawal`: a withdrawal form sent without its confirmation.
    static func load(
        _ visit: PortalVisit, database: Database, now: Date, logger: Logger, form: FormState<PortalContactInput>? = nil,
        withdrawal: FormState<TypedFields> = .blank
    ) async throws -> PortalPage? {
        let loaded = try await database.withTransaction(tenant: visit.centre.id, logger: logger) {
            connection -> (Candidate, [PortalApplication], [CandidateDocument], [CandidateContact], Date?, [SentMessage])? in
            guard let candidate = try await CandidateRepository.find(id: visit.candidateID, on: connection, logger: logger) else { return nil }
            return (
                candidate,
                try await PortalRepository.applications(candidateID: visit.candidateID, now: now, on: connection, logger: logger),
                try await CandidateRepository.documents(candidateID: visit.candidateID, on: connection, logger: logger),
                try await CandidateRepository.contacts(candidateID: visit.candidateID, on: connection, logger: logger),
                try await PortalRepository.updatedAt(candidateID: visit.candidateID, on: connection, logger: logger),
                try await MessageRepository.history(candidateID: visit.candidateID, on: connection, logger: logger)
            )
        }
        guard let (candidate, applications, documents, contacts, updatedAt, sent) = loaded else { return nil }
        let base = visit.base
        let rows = applications.map { application in
            let action = "\(base)/candidatures/\(application.id)/retrait"
            let confirmID = "confirm-\(application.id)"
            let details = [application.contractKind.label, application.placeName, application.businessName].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: " · ")
            return ApplicationRow(
                title: application.needTitle, details: details, state: application.state, since: Formats.day(application.lastMoveAt),
                mayWithdraw: application.mayWithdraw, withdrawAction: action, confirmID: confirmID,
                scope: withdrawal.anchored(to: action) { _ in confirmID }.scoped(to: action))
        }
        let contact = form ?? FormState(PortalContactInput(candidate))
        let summary = rows.first { withdrawal.hasErrors && $0.withdrawAction == withdrawal.action }.map(\.scope)
        return PortalPage(
            layout: Layout(title: "Mon espace", session: visit.session, currentPath: base),
            centreName: visit.centre.name, firstName: candidate.firstName, fullName: candidate.fullName,
            signOutAction: "\(base)/deconnexion", sessionEnds: Formats.time(visit.session.expiresAt),
            applications: rows, hasApplications: !rows.isEmpty, contactAction: "\(base)/coordonnees",
            facts: facts(candidate, contacts: contacts), dates: dates(candidate, updatedAt: updatedAt),
            documents: documents.map { DocumentRow($0, href: "\(base)/documents/\($0.id)") }, hasDocuments: !documents.isEmpty,
            messages: sent.map {
                MessageRow(
                    at: Formats.dateTime($0.at), channel: $0.channel == .sms ? "par SMS au \($0.recipient)" : "par e-mail à \($0.recipient)",
                    title: $0.subject.isEmpty ? $0.kind.label : $0.subject, body: $0.body, attachment: $0.hasAttachment)
            }, hasMessages: !sent.isEmpty, exportHref: "\(base)/mes-donnees.zip",
            withdrawSummary: summary, form: contact,
            seasons: SeasonFields(jobs: contact.values.jobs, windows: contact.values.windows, fieldErrors: contact.fieldErrors, suggestions: contact.suggestions),
            availableFromKind: InputKind.date(contact.values.availableFrom))
    }

    /// Every field of the record but the advisers' notes (their working notes on the person,
    /// internal as on every page outside the centre).
    static func facts(_ candidate: Candidate, contacts: [CandidateContact]) -> [Fact] {
        var facts: [Fact] = [
            Fact(label: "Nom", value: candidate.fullName),
            Fact(label: "E-mail", value: candidate.email ?? "aucun"),
            Fact(label: "Téléphone", value: candidate.phone ?? "aucun"),
        ]
        let otherEmails = contacts.filter { $0.kind == "email" }.map(\.value), otherPhones = contacts.filter { $0.kind == "phone" }.map(\.value)
        if !otherEmails.isEmpty { facts.append(Fact(label: "Autres e-mails", value: otherEmails.joined(separator: ", "))) }
        if !otherPhones.isEmpty { facts.append(Fact(label: "Autres téléphones", value: otherPhones.joined(separator: ", "))) }
        facts.append(Fact(label: "Commune", value: candidate.communeName + (candidate.communeInsee.map { " (code INSEE \($0))" } ?? "")))
        facts.append(Fact(label: "Date de naissance", value: candidate.birthDate?.french ?? "non renseignée"))
        let mobility = candidate.mobility
        facts.append(Fact(label: "Mobilité", value: (mobility.isEmpty ? "ni permis ni véhicule" : mobility) + (candidate.travelKm.map { ", jusqu'à \($0) km" } ?? "")))
        facts.append(Fact(label: "Compétences", value: candidate.skills.isEmpty ? "non renseignées" : candidate.skills))
        facts.append(Fact(label: "Expérience", value: candidate.experience.isEmpty ? "non renseignée" : candidate.experience))
        facts.append(Fact(label: "Disponible à partir du", value: candidate.availableFrom?.french ?? "non renseigné"))
        facts.append(Fact(label: "Métiers recherchés", value: candidate.jobs.isEmpty ? "non renseignés" : candidate.jobs.map(\.described).joined(separator: " ; ")))
        facts.append(Fact(label: "Libre pour une saison", value: candidate.windows.isEmpty ? "non renseigné" : candidate.windows.map(\.described).joined(separator: " ; ")))
        facts.append(Fact(label: "Disponibilités saisonnières (note)", value: candidate.seasonalWindows.isEmpty ? "non renseignées" : candidate.seasonalWindows))
        facts.append(Fact(
            label: "Contrats souhaités",
            value: candidate.wishedContracts.isEmpty ? "non renseignés" : candidate.wishedContracts.map(\.label).joined(separator: ", ")))
        facts.append(Fact(label: "Comment le centre vous a connu·e", value: candidate.source.label))
        facts.append(Fact(
            label: "Votre consentement",
            value: candidate.consentAt.map { "donné le \($0.french) : \(candidate.consentScope)" } ?? "aucun : votre fiche sert aux seules candidatures en cours"))
        return facts
    }

    static func dates(_ candidate: Candidate, updatedAt: Date?) -> [Fact] {
        var dates = [Fact(label: "Fiche créée le", value: Formats.day(candidate.createdAt))]
        if let updatedAt { dates.append(Fact(label: "Dernière modification le", value: Formats.day(updatedAt))) }
        dates.append(Fact(label: "Fiche supprimée après le", value: candidate.purgeAfter.french))
        return dates
    }
}
