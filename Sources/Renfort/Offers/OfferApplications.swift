import Foundation
import Logging
import PostgresNIO

/// An application sent from an offer, checked.
struct OfferApplicationDraft: Sendable {
    let firstName: String
    let lastName: String
    let email: String?
    let phone: String?
    let communeName: String
    let message: String
    let keepForOtherPosts: Bool
    /// The CV, checked (a PDF of 5 MB at most), with its cleaned name.
    let cv: (filename: String, data: [UInt8])?
}

/// The rules of the application form, and what an application does: the person found in
/// the pool or added to it, the CV on their record, the application on the need's board at
/// « Repéré », and the acknowledgement queued — all in the caller's transaction.
enum OfferApplications {
    /// Applications accepted from one address per hour (the join request's limit).
    static let hourlyLimit = JoinController.hourlyLimit
    /// The name of the form's file field.
    static let fileField = "cv"

    static func read(_ form: FormData, files: [UploadedFile]) -> (ApplyInput, OfferApplicationDraft?, FormErrors) {
        var input = ApplyInput()
        input.firstName = form["first_name"] ?? ""
        input.lastName = form["last_name"] ?? ""
        input.email = form["email"] ?? ""
        input.phone = form["phone"] ?? ""
        input.communeName = form["commune_name"] ?? ""
        input.message = form["message"] ?? ""
        input.token = form["_form"] ?? input.token
        var reader = FormReader(form)
        input.keepForOtherPosts = reader.flag("keep_for_other_posts")
        let first = reader.text("first_name", "Prénom", required: true, max: 100)
        let last = reader.text("last_name", "Nom", required: true, max: 100)
        let email = reader.email("email", "Adresse e-mail")
        let phone = reader.formatted("phone", "Téléphone", pattern: "\\+?[0-9][0-9 .-]{8,18}[0-9]", example: "06 12 34 56 78")
        let commune = reader.text("commune_name", "Commune où vous habitez", max: 100)
        let message = reader.personalText("message", "Votre message", max: 5000)
        if email == nil && phone == nil && reader.errors["email"] == nil && reader.errors["phone"] == nil {
            reader.errors.add("email", "Donnez au moins une adresse e-mail ou un numéro de téléphone, pour que le centre puisse vous répondre.")
        }
        // The CV is optional; given, it must be a PDF (the candidate documents' own checks).
        var cv: (filename: String, data: [UInt8])?
        if let file = files.first(where: { $0.field == fileField }), !file.filename.isEmpty {
            let chosen = String((file.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "").prefix(200))
            input.chosenFile = chosen.isEmpty ? nil : chosen
            if file.data.isEmpty {
                reader.errors.add(fileField, "Ce fichier est vide.")
            } else if file.data.count > CandidateDocument.maximumSize {
                reader.errors.add(fileField, "Ce fichier dépasse 5 Mo (\(file.data.count / 1024) Ko).")
            } else if !CandidateDocument.isPDF(file.data) {
                reader.errors.add(fileField, "Ce fichier n'est pas un PDF : seuls les PDF sont acceptés.")
            } else {
                cv = (CandidateDocument.cleanFilename(file.filename), file.data)
            }
        }
        guard reader.errors.isEmpty else { return (input, nil, reader.errors) }
        return (input, OfferApplicationDraft(
            firstName: first, lastName: last, email: email, phone: phone, communeName: commune, message: message,
            keepForOtherPosts: input.keepForOtherPosts, cv: cv), reader.errors)
    }

    /// What the candidate's record says of their consent: kept two years with it (to be
    /// proposed other posts), three months without (to explain the decision).
    static func details(_ draft: OfferApplicationDraft, today: Day) -> CandidateDetails {
        CandidateDetails(
            firstName: draft.firstName, lastName: draft.lastName, email: draft.email, phone: draft.phone, communeInsee: nil,
            communeName: draft.communeName, birthDate: nil, drivingLicence: false, ownVehicle: false, travelKm: nil, skills: "",
            experience: "", availableFrom: nil, seasonalWindows: "", wishedContracts: [], source: .centreSite, notes: "",
            consentAt: draft.keepForOtherPosts ? today : nil, consentScope: draft.keepForOtherPosts ? consentScope : "",
            purgeAfter: today.adding(days: draft.keepForOtherPosts ? 730 : 90))
    }

    static let consentScope = "Être proposé(e) pour d'autres postes (case cochée en candidatant sur le site du centre)"

    /// The person of the pool this application is from, if the pool's duplicate rule finds
    /// one: a record with the same e-mail or phone first, else the same name and commune.
    static func existing(_ details: CandidateDetails, on connection: PostgresConnection, logger: Logger) async throws -> Suspect? {
        let suspects = try await CandidateRepository.duplicates(of: details, excluding: nil, on: connection, logger: logger)
        return suspects.first { $0.reasons.contains("e-mail") || $0.reasons.contains("téléphone") } ?? suspects.first
    }

    /// The outcome of an application, for the page that thanks the candidate.
    struct Outcome: Sendable {
        let candidateID: Int64
        let applicationID: Int64
        /// Why the person was recognised in the pool; nil: a new record.
        let matched: String?
    }

    /// Records the application to `offer` (open: the caller checked it, under the lock of its need).
    /// `token`: the form's one-time token, which names the acknowledgement (sent once per form).
    static func record(
        _ draft: OfferApplicationDraft, offer: PublishedOffer, centre: PublicCentre, token: String, baseURL: String, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Outcome {
        let today = Day(now)
        let details = details(draft, today: today)
        let candidateID: Int64
        let matched: String?
        if let suspect = try await existing(details, on: connection, logger: logger) {
            candidateID = suspect.candidate.id
            matched = suspect.reasons
            try await CandidateRepository.applied(
                id: candidateID, email: draft.email, phone: draft.phone, consentAt: details.consentAt, consentScope: details.consentScope,
                purgeAfter: details.purgeAfter, on: connection, logger: logger)
        } else {
            candidateID = try await CandidateRepository.insert(
                details, tenantID: centre.id, actorID: nil, informing: NotifiedCentre(id: centre.id, slug: centre.slug, baseURL: baseURL), now: now,
                on: connection, logger: logger)
            matched = nil
        }
        // An application is the person's action: a new last contact (`Privacy/`).
        try await PrivacyRepository.contact(candidateID: candidateID, at: now, on: connection, logger: logger)
        try await CandidateRepository.addEvent(
            candidateID: candidateID, tenantID: centre.id, actorID: nil, kind: .applied, detail: offer.details.title, now: now, on: connection, logger: logger)
        if let cv = draft.cv {
            try await CandidateRepository.addDocument(
                candidateID: candidateID, filename: cv.filename, data: cv.data, tenantID: centre.id, actorID: nil, now: now, on: connection, logger: logger)
        }
        let applicationID: Int64
        if let created = try await ApplicationRepository.create(
            needID: offer.needID, candidateID: candidateID, tenantID: centre.id, actorID: nil, now: now, on: connection, logger: logger)
        {
            applicationID = created
            try await ApplicationRepository.addEvent(
                applicationID: created, tenantID: centre.id, actorID: nil, from: nil, to: nil,
                comment: "Candidature reçue par le site du centre" + (matched.map { " ; déjà dans le vivier (\($0))" } ?? ""), now: now,
                on: connection, logger: logger)
        } else {
            // Already on this need: the application stays where it is, and says the person wrote again.
            guard let existing = try await ApplicationRepository.id(needID: offer.needID, candidateID: candidateID, on: connection, logger: logger)
            else { throw OfferError.notCreated }
            applicationID = existing
            try await ApplicationRepository.addEvent(
                applicationID: existing, tenantID: centre.id, actorID: nil, from: nil, to: nil,
                comment: "Nouvelle candidature reçue par le site du centre" + (draft.message.isEmpty ? "" : " : \(draft.message)"), now: now,
                on: connection, logger: logger)
        }
        try await PublishedOfferRepository.recordApplication(
            offerID: offer.id, applicationID: applicationID, message: draft.message, keepForOtherPosts: draft.keepForOtherPosts, matched: matched,
            tenantID: centre.id, now: now, on: connection, logger: logger)
        try await acknowledge(draft, offer: offer, centre: centre, token: token, baseURL: baseURL, now: now, on: connection, logger: logger)
        return Outcome(candidateID: candidateID, applicationID: applicationID, matched: matched)
    }

    /// The acknowledgement: by e-mail, or by SMS to a person who gave only a phone.
    static func acknowledge(
        _ draft: OfferApplicationDraft, offer: PublishedOffer, centre: PublicCentre, token: String, baseURL: String, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let link = "\(baseURL)/c/\(centre.slug)/offres/\(offer.id)"
        let notice = "\(baseURL)/c/\(centre.slug)/informations-candidats"
        let key = "offer-application:\(centre.id):\(token)"
        let title = French.quoted(offer.details.title)
        let kept = draft.keepForOtherPosts
            ? "Vous avez accepté que le centre garde votre candidature pour vous proposer d'autres postes : il la garde deux ans au plus."
            : "Le centre garde votre candidature trois mois au plus, le temps de vous répondre."
        if let email = draft.email {
            // A reply reaches the need's adviser.
            let adviser = try await PublishedOfferRepository.adviserEmail(needID: offer.needID, on: connection, logger: logger)
            try await Outbox.enqueue(
                dedupeKey: key, kind: "offer_application", recipient: email,
                subject: "Votre candidature : \(offer.details.title)",
                body: """
                    Bonjour \(draft.firstName),

                    Le \(centre.name) a bien reçu votre candidature à l'offre \(title).
                    Un conseiller du centre l'étudie et vous recontacte.

                    L'offre : \(link)
                    Où en est votre candidature : \(baseURL)/c/\(centre.slug)/mon-espace
                    (le lien de votre espace vous y est envoyé à cette adresse)

                    \(kept)
                    Vos données et vos droits : \(notice)

                    Le \(centre.name)
                    """,
                replyTo: adviser, at: now, on: connection, logger: logger)
        } else if let phone = draft.phone {
            try await Outbox.enqueue(
                dedupeKey: key, kind: "offer_application", channel: .sms, recipient: phone, subject: "",
                body: "\(centre.name) : nous avons bien reçu votre candidature à l'offre \(title). Un conseiller vous recontacte. Vos droits : \(notice)",
                at: now, on: connection, logger: logger)
        }
    }
}
