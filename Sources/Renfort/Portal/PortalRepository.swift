import Foundation
import Logging
import PostgresNIO

/// A candidate's application as their own page shows it: the post, and where it stands in
/// words for them (`PortalApplication.state`), never the centre's notes or reasons.
struct PortalApplication: Sendable {
    let id: Int64
    let needTitle: String
    let placeName: String
    let contractKind: ContractKind
    /// The business, named once the candidate was presented to it (before, the centre has not
    /// told them whom it is for).
    let businessName: String?
    let stage: ApplicationStage
    /// The next interview not yet held, with its place and mode.
    let interviewAt: Date?
    let interviewMode: String?
    let interviewPlace: String?
    let lastMoveAt: Date

    /// Where it stands, as the candidate is told.
    var state: String {
        switch stage {
        case .sourced, .screening: "En cours d'examen par le centre"
        case .presented: "Présentée à l'employeur, en attente de sa réponse"
        case .interview:
            if let interviewAt {
                "Entretien le \(Formats.dateTime(interviewAt))" + (interviewWhere.map { " (\($0))" } ?? "")
            } else {
                "Entretien à organiser : le centre vous contactera"
            }
        case .offer: "Proposition d'embauche en cours"
        case .hired: "Retenue : vous êtes embauché·e"
        case .rejected: "Non retenue"
        case .withdrawn: "Retirée à votre demande"
        }
    }

    private var interviewWhere: String? {
        let mode: String? =
            switch interviewMode {
            case "phone": "par téléphone"
            case "video": "en visioconférence"
            case "in_person": interviewPlace.flatMap { $0.isEmpty ? nil : $0 } ?? "sur place"
            default: nil
            }
        return mode
    }

    /// Whether the candidate may still withdraw it: the pipeline's own `withdraw` transition.
    var mayWithdraw: Bool { ApplicationTransition.withdraw.allows(from: stage) }
}

/// What a candidate changes on their page: their contact details and availability.
struct PortalContact: Sendable {
    let email: String?
    let phone: String?
    let communeName: String
    let availableFrom: Day?
    let seasonalWindows: String
    /// The seasons free, and the jobs looked for once read against the referential.
    let windows: [AvailabilityWindow]
    var jobs: [RomeJob] = []
}

/// The SQL of the candidate's own page: its sessions, the public form's rate limit, and what
/// the page reads and writes of the candidate's record, in the caller's transaction (centre set).
enum PortalRepository {
    /// A candidate session lasts at most this long after the link was opened.
    static let sessionLifetime: TimeInterval = 3600
    /// Link requests accepted from one client address per hour (as the join form's).
    static let hourlyPerAddress = 10

    // MARK: Sessions

    static func startSession(sessionID: Int64, candidateID: Int64, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            INSERT INTO candidate_sessions (tenant_id, session_id, candidate_id, started_at, expires_at)
            VALUES (\(tenantID), \(sessionID), \(candidateID), \(now), \(now.addingTimeInterval(sessionLifetime)))
            """, logger: logger)
    }

    /// The candidate a session opened in the centre set (never a merged record), and whether
    /// that candidate session is still on.
    static func candidate(sessionID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> (id: Int64, active: Bool)? {
        try await connection.first(
            """
            SELECT s.candidate_id, s.expires_at > \(now) AND c.merged_into IS NULL
            FROM candidate_sessions s JOIN candidates c ON c.tenant_id = s.tenant_id AND c.id = s.candidate_id
            WHERE s.session_id = \(sessionID)
            """, as: (Int64.self, Bool.self), logger: logger
        ).map { (id: $0.0, active: $0.1) }
    }

    // MARK: The public form's rate limit

    static func requests(from address: String, since: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            "SELECT count(*) FROM public_form_posts WHERE form = 'portal' AND client_address = \(address) AND at > \(since)",
            as: Int.self, logger: logger) ?? 0
    }

    static func recordRequest(from address: String, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "INSERT INTO public_form_posts (form, client_address, at) VALUES ('portal', \(address), \(now))", logger: logger)
    }

    // MARK: The page

    /// The record's applications and those that stayed on a record merged into it, the latest move first.
    static func applications(candidateID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> [PortalApplication] {
        try await connection.rows(
            """
            SELECT a.id, n.title, n.place_name, n.contract_kind, a.stage, a.last_move_at,
                   CASE WHEN a.presented_at IS NOT NULL THEN b.name END AS business_name,
                   i.starts_at AS interview_at, i.mode AS interview_mode, i.place AS interview_place
            FROM applications a
            JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
            JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            LEFT JOIN LATERAL (
                SELECT starts_at, mode, place FROM interviews
                WHERE tenant_id = a.tenant_id AND application_id = a.id AND outcome IS NULL AND starts_at > \(now) - interval '2 hours'
                ORDER BY starts_at LIMIT 1) i ON a.stage = 'interview'
            WHERE a.candidate_id = ANY (ARRAY(SELECT m.id FROM candidates m WHERE m.merged_into = \(candidateID)) || \(candidateID)::bigint)
            ORDER BY a.last_move_at DESC, a.id DESC
            """, logger: logger
        ) { row in
            PortalApplication(
                id: try row.get("id"), needTitle: try row.get("title"), placeName: try row.get("place_name"),
                contractKind: try row.get("contract_kind"), businessName: try row.get("business_name"), stage: try row.get("stage"),
                interviewAt: try row.get("interview_at"), interviewMode: try row.get("interview_mode"),
                interviewPlace: try row.get("interview_place"), lastMoveAt: try row.get("last_move_at"))
        }
    }

    /// When the record was last changed.
    static func updatedAt(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Date? {
        try await connection.value("SELECT updated_at FROM candidates WHERE id = \(candidateID)", as: Date.self, logger: logger)
    }

    /// The candidate's own change of their contact details and availability, kept in the
    /// record's history as theirs (`by_candidate`), with the fields it changed. Nothing is
    /// written when nothing changed; returns the labels of what did.
    static func updateContact(
        candidateID: Int64, _ contact: PortalContact, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String] {
        guard let current = try await CandidateRepository.find(id: candidateID, on: connection, logger: logger) else { return [] }
        var changed: [String] = []
        if current.email != contact.email { changed.append("e-mail") }
        if current.phone != contact.phone { changed.append("téléphone") }
        if current.communeName != contact.communeName { changed.append("commune") }
        if current.availableFrom != contact.availableFrom { changed.append("disponible à partir du") }
        if current.seasonalWindows != contact.seasonalWindows { changed.append("disponibilités saisonnières") }
        let seasonsChanged = current.jobs != contact.jobs || current.windows != contact.windows
        if current.jobs != contact.jobs { changed.append("métiers recherchés") }
        if current.windows != contact.windows { changed.append("périodes libres pour une saison") }
        guard !changed.isEmpty else { return [] }
        if seasonsChanged {
            try await CandidateSeasons.save(candidateID: candidateID, tenantID: tenantID, jobs: contact.jobs, windows: contact.windows, on: connection, logger: logger)
        }
        try await connection.execute(
            """
            UPDATE candidates SET email = \(contact.email), phone = \(contact.phone), commune_name = \(contact.communeName),
                commune_insee = CASE WHEN commune_name = \(contact.communeName) THEN commune_insee END,
                available_from = \(contact.availableFrom?.iso)::date, seasonal_windows = \(contact.seasonalWindows), updated_at = \(now)
            WHERE id = \(candidateID)
            """, logger: logger)
        try await connection.execute(
            """
            INSERT INTO candidate_events (tenant_id, candidate_id, at, actor_id, kind, detail, by_candidate)
            VALUES (\(tenantID), \(candidateID), \(now), NULL, \(CandidateEvent.Kind.edited.rawValue),
                    \("par la personne, depuis son espace : " + changed.joined(separator: ", ")), true)
            """, logger: logger)
        return changed
    }

    /// Whether application `id` is one of the candidate's (their record's or a merged one's).
    static func owns(applicationID: Int64, candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value(
            """
            SELECT count(*) FROM applications
            WHERE id = \(applicationID)
              AND candidate_id = ANY (ARRAY(SELECT m.id FROM candidates m WHERE m.merged_into = \(candidateID)) || \(candidateID)::bigint)
            """, as: Int.self, logger: logger) == 1
    }
}
