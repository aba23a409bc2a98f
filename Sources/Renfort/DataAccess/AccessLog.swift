import Foundation
import Logging
import PostgresNIO

/// What was done with a candidate's file: the kind of a row of `candidate_access_log`.
enum AccessKind: String, Sendable, CaseIterable, PostgresDecodable {
    case view
    case document
    case export

    var label: String {
        switch self {
        case .view: "Consultation de la fiche"
        case .document: "Téléchargement d'un document"
        case .export: "Export de toutes les données"
        }
    }
}

/// Where the file was seen.
enum AccessPlace: String, Sendable, CaseIterable, PostgresDecodable {
    case record
    case edit
    case merge
    case application
    case portal

    var label: String {
        switch self {
        case .record: "fiche du candidat"
        case .edit: "modification de la fiche"
        case .merge: "comparaison avant fusion"
        case .application: "page d'une candidature"
        case .portal: "espace de la personne"
        }
    }
}

/// Who looked: a person of the centre (by id), or the candidate themself on their own page.
enum AccessActor: Sendable {
    case user(Int64)
    case candidate
}

/// One row of the log as pages show it: the person's name is read from `users` (staff, not
/// candidates), the candidate is an id.
struct AccessEntry: Sendable {
    let at: Date
    let candidateID: Int64
    /// The adviser's or employer's name; "la personne elle-même" for the candidate.
    let who: String
    let kind: AccessKind
    let place: AccessPlace
    let applicationID: Int64?
    let documentID: Int64?

    /// "Consultation de la fiche (page d'une candidature n° 4)", "Téléchargement d'un document (n° 7)".
    var what: String {
        var details = [place.label + (applicationID.map { " n°\u{00A0}\($0)" } ?? "")]
        if let documentID { details.append("document n°\u{00A0}\(documentID)") }
        return "\(kind.label) (\(details.joined(separator: ", ")))"
    }
}

/// All the SQL of `candidate_access_log`, in the caller's transaction (centre set). The
/// server's role can only add rows and read them.
enum AccessLog {
    /// Records that `actor` did `kind` with candidate `candidateID`'s file at `place`. A record
    /// that is not the centre's (row-level security hides it) records nothing: returns false.
    @discardableResult
    static func record(
        _ kind: AccessKind, candidateID: Int64, by actor: AccessActor, place: AccessPlace, applicationID: Int64? = nil, documentID: Int64? = nil,
        tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let userID: Int64?
        switch actor {
        case .user(let id): userID = id
        case .candidate: userID = nil
        }
        return try await connection.execute(
            """
            INSERT INTO candidate_access_log (tenant_id, candidate_id, at, user_id, by_candidate, kind, place, application_id, document_id)
            SELECT \(tenantID), c.id, \(now), \(userID), \(userID == nil), \(kind.rawValue), \(place.rawValue), \(applicationID), \(documentID)
            FROM candidates c WHERE c.id = \(candidateID)
            RETURNING 1
            """, logger: logger) == 1
    }

    /// Records a view of application `applicationID`'s page (its candidate's file, as the
    /// adviser or the employer it was presented to sees it).
    static func recordApplicationView(
        applicationID: Int64, by userID: Int64, tenantID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO candidate_access_log (tenant_id, candidate_id, at, user_id, kind, place, application_id)
            SELECT \(tenantID), a.candidate_id, \(now), \(userID), 'view', 'application', a.id
            FROM applications a WHERE a.id = \(applicationID)
            """, logger: logger)
    }

    private static let select = """
        SELECT l.at, l.candidate_id, CASE WHEN l.by_candidate THEN 'la personne elle-même' ELSE coalesce(u.display_name, '') END AS who,
               l.kind, l.place, l.application_id, l.document_id
        FROM candidate_access_log l LEFT JOIN users u ON u.id = l.user_id
        """

    private static func entry(_ row: PostgresRandomAccessRow) throws -> AccessEntry {
        AccessEntry(
            at: try row.get("at"), candidateID: try row.get("candidate_id"), who: try row.get("who"), kind: try row.get("kind"),
            place: try row.get("place"), applicationID: try row.get("application_id"), documentID: try row.get("document_id"))
    }

    /// The log of one candidate's file (and of the records merged into it), the latest first:
    /// `limit` rows from `offset`, and how many there are in all.
    static func entries(candidateID: Int64, limit: Int, offset: Int = 0, on connection: PostgresConnection, logger: Logger) async throws
        -> (entries: [AccessEntry], total: Int)
    {
        let total = try await connection.value(
            """
            SELECT count(*)::bigint FROM candidate_access_log
            WHERE candidate_id = ANY (ARRAY(SELECT m.id FROM candidates m WHERE m.merged_into = \(candidateID)) || \(candidateID)::bigint)
            """, as: Int.self, logger: logger) ?? 0
        let entries = try await connection.rows(
            """
            \(unescaped: select)
            WHERE l.candidate_id = ANY (ARRAY(SELECT m.id FROM candidates m WHERE m.merged_into = \(candidateID)) || \(candidateID)::bigint)
            ORDER BY l.at DESC, l.id DESC LIMIT \(limit) OFFSET \(offset)
            """, logger: logger, entry)
        return (entries, total)
    }

    /// Deletes the centre's rows that are more than a year old (the owner's function decides
    /// what is a year old, by the database's clock); returns how many went.
    static func purgeExpired(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        Int(try await connection.value("SELECT purge_candidate_access_log()", as: Int32.self, logger: logger) ?? 0)
    }
}

extension Database {
    /// Records, in a transaction of its own, that the request's person saw candidate `id`'s
    /// file at `place` (nothing for a record that is not the centre's).
    func recordView(of id: Int64, at place: AccessPlace, in context: CentreContext, now: Date) async throws {
        _ = try await transaction(in: context) {
            try await AccessLog.record(
                .view, candidateID: id, by: .user(context.user.id), place: place, tenantID: context.tenantID, now: now, on: $0, logger: context.logger)
        }
    }
}
