import Foundation
import Logging
import PostgresNIO

/// The centre's information notice to candidates: the page (`path`), its printable version, and
/// the e-mail every record created with an address gets at once (through the outbox, in the
/// transaction that creates it), its date kept on the record.
enum InformationNotice {
    static func path(_ slug: String) -> String { "/c/\(slug)/informations-candidats" }
    static func printPath(_ slug: String) -> String { "/c/\(slug)/informations-candidats/imprimer" }

    /// Sends the notice to a new record's address (nothing without one), once per record.
    static func send(
        candidateID: Int64, firstName: String, email: String?, centre: NotifiedCentre, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let email = email?.trimmingCharacters(in: .whitespaces), !email.isEmpty,
            let controller = try await PrivacyRepository.controller(centreID: centre.id, on: connection, logger: logger)
        else { return }
        let contact = controller.contactLine.map { "Pour exercer vos droits, écrivez-nous \($0), ou répondez à ce message." }
            ?? "Pour exercer vos droits, répondez à ce message ou adressez-vous à un conseiller du centre."
        try await Outbox.enqueue(
            dedupeKey: "information-notice:\(centre.id):\(candidateID)", kind: "information-notice", recipient: email,
            subject: "\(controller.name) : vos données personnelles",
            body: """
                Bonjour \(firstName),

                Le \(controller.name) (\(controller.territory)), centre de services RH mutualisé, vient d'enregistrer vos
                coordonnées pour vous proposer des emplois dans les entreprises du territoire et, si vous êtes embauché·e,
                pour suivre avec vous vos débuts dans le poste.

                Ce que le centre garde, qui le voit, combien de temps et vos droits :
                \(centre.url("/informations-candidats"))

                En bref : les conseillers du centre voient votre dossier ; une entreprise ne voit que ce que le centre
                lui présente ; les services de l'État ne voient que des chiffres d'ensemble. Sans votre accord, votre dossier
                est supprimé trois mois après votre dernier contact avec le centre ; avec votre accord pour être proposé·e
                pour d'autres postes, deux ans au plus après votre dernier contact.

                Vous pouvez demander à voir vos données, à les corriger, à les faire supprimer ou vous opposer à leur
                utilisation. \(contact) Vous pouvez aussi saisir la CNIL (www.cnil.fr/fr/plaintes).

                Le \(controller.name)
                """,
            replyTo: controller.contactEmail.isEmpty ? nil : controller.contactEmail, at: now, on: connection, logger: logger)
        try await PrivacyRepository.noticeSent(candidateID: candidateID, at: now, on: connection, logger: logger)
    }
}

/// The questions asked by e-mail with a single-use link (only its SHA-256 kept, as the portal's
/// links): being kept for other posts, and, a month before the purge date, whether to stay.
enum CandidateQuestions {
    /// How long a question's link answers.
    static let validity: TimeInterval = 30 * 86400

    static func path(_ slug: String, token: String) -> String { "/c/\(slug)/consentement/\(token)" }

    /// Asks record `candidateID` (which has `email`) the question; false when it was asked
    /// already (the stay question, once per purge date).
    @discardableResult
    static func ask(
        _ purpose: CandidateQuestion.Purpose, candidateID: Int64, firstName: String, email: String, purgeOn: Day?, centre: NotifiedCentre,
        centreName: String, replyTo: String?, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let token = Tokens.random()
        let expires = now.addingTimeInterval(validity)
        guard try await PrivacyRepository.addQuestion(
            candidateID: candidateID, purpose: purpose, purgeOn: purpose == .stay ? purgeOn : nil, tokenHash: Tokens.hash(token),
            tenantID: centre.id, now: now, expiresAt: expires, on: connection, logger: logger)
        else { return false }
        let link = "\(centre.baseURL)\(path(centre.slug, token: token))"
        let subject: String, body: String
        switch purpose {
        case .consent:
            subject = "\(centreName) : garder votre candidature pour d'autres postes ?"
            body = """
                Bonjour \(firstName),

                Le \(centreName) aimerait garder votre dossier pour vous proposer d'autres postes des entreprises
                du territoire. Sans votre accord, il le supprime trois mois après votre dernier contact ; avec votre
                accord, il le garde deux ans au plus après votre dernier contact, et vous pouvez changer d'avis à tout moment.

                Pour répondre oui ou non, ouvrez ce lien (il sert une fois, jusqu'au \(Day(expires).french)) :
                \(link)

                Vos données et vos droits : \(centre.url("/informations-candidats"))

                Le \(centreName)
                """
        case .stay:
            let day = (purgeOn ?? Day(now)).french
            subject = "\(centreName) : votre dossier sera supprimé le \(day)"
            body = """
                Bonjour \(firstName),

                Votre dossier au \(centreName) sera supprimé le \(day), comme le veut la règle de conservation des
                candidatures. Souhaitez-vous que le centre le garde pour vous proposer d'autres postes ? Il le garderait
                alors deux ans au plus à partir de votre réponse.

                Pour répondre oui ou non, ouvrez ce lien (il sert une fois, jusqu'au \(Day(expires).french)) :
                \(link)

                Sans réponse, votre dossier sera supprimé à la date prévue.
                Vos données et vos droits : \(centre.url("/informations-candidats"))

                Le \(centreName)
                """
        }
        try await Outbox.enqueue(
            dedupeKey: "\(purpose == .consent ? "consent-request" : "retention-question"):\(Tokens.hexHash(token))",
            kind: purpose == .consent ? "consent-request" : "retention-question", recipient: email, subject: subject, body: body,
            replyTo: replyTo, at: now, on: connection, logger: logger)
        return true
    }
}
