import Foundation
import Logging
import PostgresNIO

/// One function per cause, each called by its handler inside the handler's transaction:
/// it reads what the message says, finds its recipients and notifies them.
extension Notifications {
    // MARK: Employers

    /// An application moved to "presented": the employers of the need's business.
    static func candidatePresented(applicationID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.application(applicationID, on: connection, logger: logger), let person = about.person else { return }
        try await notify(
            .candidatesPresented, cause: "application-\(applicationID)",
            recipients: try await NotificationRepository.employers(businessID: about.businessID, on: connection, logger: logger),
            subject: "candidat présenté pour " + French.quoted(about.needTitle) + " — \(person)",
            body: "Le centre vous présente \(person) pour le poste " + French.quoted(about.needTitle)
                + ". Consultez son profil et dites au centre si vous souhaitez rencontrer cette personne :",
            path: "/candidatures/\(applicationID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// An interview was scheduled: the employers, with its invitation for their calendar.
    static func interviewScheduled(applicationID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.application(applicationID, on: connection, logger: logger), let person = about.person,
            let interviewID = try await NotificationRepository.lastInterview(applicationID: applicationID, on: connection, logger: logger),
            let found = try await PipelineSteps.interviewForCalendar(id: interviewID, businessID: nil, on: connection, logger: logger)
        else { return }
        let ics = InterviewCalendar.invitation(
            interview: found.interview, candidate: found.candidate, need: found.need, business: found.business,
            host: URL(string: centre.baseURL)?.host ?? "renfort", now: now)
        let place = found.interview.place.isEmpty ? "" : " Lieu : \(found.interview.place)."
        try await notify(
            .interviewScheduled, cause: "interview-\(interviewID)",
            recipients: try await NotificationRepository.employers(businessID: about.businessID, on: connection, logger: logger),
            subject: "entretien avec \(person) le \(Formats.dateTime(found.interview.startsAt))",
            body: "Un entretien est prévu avec \(person) pour le poste " + French.quoted(about.needTitle) + " le \(Formats.dateTime(found.interview.startsAt)). Modalité : "
                + found.interview.mode.label.lowercased() + "." + place + " L'invitation pour votre agenda est jointe.",
            path: "/candidatures/\(applicationID)", attachment: .calendar(ics, filename: "entretien-\(interviewID).ics"),
            centre: centre, now: now, on: connection, logger: logger)
    }

    /// A hire was recorded: the employers of the business.
    static func hireRecorded(placementID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.placement(placementID, on: connection, logger: logger), let person = about.person else { return }
        try await notify(
            .hireRecorded, cause: "placement-\(placementID)",
            recipients: try await NotificationRepository.employers(businessID: about.businessID, on: connection, logger: logger),
            subject: "embauche enregistrée — \(person)",
            body: "L'embauche de \(person) au poste " + French.quoted(about.needTitle)
                + " est enregistrée. Le centre suivra avec vous ses premières semaines ; vous pouvez lui signaler toute difficulté depuis cette page :",
            path: "/embauches/\(placementID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// A need was qualified by the centre: the employers of its business.
    static func needQualified(needID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.need(needID, on: connection, logger: logger) else { return }
        try await notify(
            .needQualified, cause: "need-\(needID)",
            recipients: try await NotificationRepository.employers(businessID: about.businessID, on: connection, logger: logger),
            subject: "besoin qualifié — " + French.quoted(about.needTitle),
            body: "Le centre a étudié votre besoin " + French.quoted(about.needTitle) + " et commence à chercher des candidats.",
            path: "/besoins/\(needID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// An adviser wrote on a need a comment shared with the employer: it waits for their answer.
    static func needQuestion(needID: Int64, text: String, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.need(needID, on: connection, logger: logger),
            let event = try await NotificationRepository.lastComment(needID: needID, on: connection, logger: logger)
        else { return }
        try await notify(
            .needQuestion, cause: "need-comment-\(event)",
            recipients: try await NotificationRepository.employers(businessID: about.businessID, on: connection, logger: logger),
            subject: "le centre vous écrit au sujet du besoin " + French.quoted(about.needTitle),
            body: "Le centre vous écrit au sujet de votre besoin " + French.quoted(about.needTitle) + " :\n\n\(text)\n\nRépondez-lui sur la page du besoin :",
            path: "/besoins/\(needID)#historique", centre: centre, now: now, on: connection, logger: logger)
    }

    // MARK: Advisers

    /// An employer submitted a need: the centre's advisers.
    static func newNeed(needID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.need(needID, on: connection, logger: logger) else { return }
        try await notify(
            .newNeed, cause: "need-\(needID)",
            recipients: try await NotificationRepository.advisers(inCharge: about.adviserID, on: connection, logger: logger),
            subject: "nouveau besoin " + French.of(about.businessName) + " — " + French.quoted(about.needTitle),
            body: "\(about.businessName) a déposé un besoin : " + French.quoted(about.needTitle) + ". Il attend d'être qualifié.",
            path: "/besoins/\(needID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// A business asked to join the centre: every adviser.
    static func joinRequest(businessID: Int64, businessName: String, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await notify(
            .joinRequest, cause: "business-\(businessID)",
            recipients: try await NotificationRepository.advisers(inCharge: nil, on: connection, logger: logger),
            subject: "demande d'adhésion " + French.of(businessName),
            body: "\(businessName) demande à adhérer au centre, avec un premier besoin. Acceptez ou refusez sa demande :",
            path: "/adhesions", centre: centre, now: now, on: connection, logger: logger)
    }

    /// Someone applied to an offer from the centre's site: the adviser in charge of the need.
    static func siteApplication(
        applicationID: Int64, needID: Int64, person: String, known: Bool, centre: NotifiedCentre, now: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard let about = try await NotificationRepository.need(needID, on: connection, logger: logger) else { return }
        try await notify(
            .siteApplication, cause: "application-\(applicationID)",
            recipients: try await NotificationRepository.advisers(inCharge: about.adviserID, on: connection, logger: logger),
            subject: "candidature par le site pour " + French.quoted(about.needTitle),
            body: "\(person) a postulé depuis le site du centre à l'offre " + French.quoted(about.needTitle) + " (\(about.businessName))"
                + (known ? " ; la personne était déjà dans le vivier, sa fiche est complétée." : " ; une nouvelle fiche est créée.")
                + " La candidature est au stade " + French.quoted("Repéré") + " :",
            path: "/candidatures/\(applicationID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// An employer answered on a presented candidate: the adviser in charge of the need.
    static func employerAnswered(applicationID: Int64, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let about = try await NotificationRepository.application(applicationID, on: connection, logger: logger), let person = about.person,
            let (answer, note) = try await NotificationRepository.employerAnswer(applicationID: applicationID, on: connection, logger: logger)
        else { return }
        let what = answer == .interview ? "souhaite un entretien avec \(person)" : "ne retient pas \(person)"
        try await notify(
            .employerAnswer, cause: "application-\(applicationID)",
            recipients: try await NotificationRepository.advisers(inCharge: about.adviserID, on: connection, logger: logger),
            subject: "\(about.businessName) \(what)",
            body: "\(about.businessName) \(what) (" + French.quoted(about.needTitle) + ")." + (note.isEmpty ? "" : "\n\n\(note)"),
            path: "/candidatures/\(applicationID)", centre: centre, now: now, on: connection, logger: logger)
    }

    /// An employer's alert on a hire: the adviser in charge, always at once.
    static func employerAlert(
        alertID: Int64, placementID: Int64, business: String, person: String, adviserID: Int64?, left: Bool, message: String,
        centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await notify(
            .employerAlert, cause: "alert-\(alertID)",
            recipients: try await NotificationRepository.advisers(inCharge: adviserID, on: connection, logger: logger),
            subject: "alerte " + French.of(business) + " au sujet " + French.of(person),
            body: "\(business) signale : \(left ? "la personne est partie" : "quelque chose ne va pas").\n\n\(message)",
            path: "/embauches/\(placementID)", centre: centre, now: now, on: connection, logger: logger)
    }
}
