import Foundation
import Logging
import PostgresNIO

/// What the data-protection page lists: the access log's kinds, and the erasures.
enum DataProtectionKind: String, Sendable, CaseIterable, PostgresDecodable {
    case view
    case document
    case export
    /// An erasure at the person's request.
    case request
    /// A record purged because its date had passed.
    case purge

    var label: String {
        switch self {
        case .view: "Consultations"
        case .document: "Téléchargements de documents"
        case .export: "Exports des données d'une personne"
        case .request: "Effacements à la demande"
        case .purge: "Purges à échéance"
        }
    }
}

/// One line of the centre's data-protection page: a view, a download, an export, an erasure
/// or a purge, and the record's number (its name too, on the page, while it has one).
struct DataProtectionEvent: Sendable {
    let at: Date
    let candidateID: Int64
    /// The record's name today; nil once erased or purged.
    let candidateName: String?
    let who: String
    let kind: DataProtectionKind
    let place: AccessPlace?
    let applicationID: Int64?
    let documentID: Int64?
    let requestedOn: Day?
    let requestedVia: String

    var what: String {
        switch kind {
        case .view, .document, .export:
            let access = AccessEntry(
                at: at, candidateID: candidateID, who: who, kind: AccessKind(rawValue: kind.rawValue) ?? .view, place: place ?? .record,
                applicationID: applicationID, documentID: documentID)
            return access.what
        case .request:
            var text = "Effacement à la demande de la personne"
            if let requestedOn { text += ", demandé le \(requestedOn.french)" }
            if !requestedVia.isEmpty { text += " (\(requestedVia))" }
            return text
        case .purge: return "Purge : la date de conservation était passée"
        }
    }
}

/// The period, the kind and the page the data-protection page shows.
struct DataProtectionFilter: Sendable {
    var from: Day
    var to: Day
    var kind: DataProtectionKind?
    var page = 1
    static let pageSize = 50
}

/// The SQL of the data-protection page, in the caller's transaction (centre set).
enum DataProtectionRepository {
    /// The events of the filter's period, the latest first: one page of them (all when `page`
    /// is nil: the CSV file), and how many there are in all.
    static func events(_ filter: DataProtectionFilter, page: Int?, on connection: PostgresConnection, logger: Logger) async throws
        -> (events: [DataProtectionEvent], total: Int)
    {
        // From midnight of the first day to midnight after the last, in Paris.
        let start = Day.calendar.startOfDay(for: filter.from.date)
        let end = Day.calendar.startOfDay(for: filter.to.adding(days: 1).date)
        let limit = page == nil ? Int(Int32.max) : DataProtectionFilter.pageSize
        let offset = ((page ?? 1) - 1) * DataProtectionFilter.pageSize
        var total = 0
        let events = try await connection.rows(
            """
            WITH events AS (
                SELECT l.at, l.candidate_id, CASE WHEN l.by_candidate THEN 'la personne elle-même' ELSE coalesce(u.display_name, '') END AS who,
                       l.kind, l.place, l.application_id, l.document_id, NULL::date AS requested_on, '' AS requested_via, l.id AS sort_id
                FROM candidate_access_log l LEFT JOIN users u ON u.id = l.user_id
                WHERE l.at >= \(start) AND l.at < \(end)
                UNION ALL
                SELECT e.done_at, e.candidate_id, coalesce(u.display_name, 'Renfort (purge automatique)'), e.kind, NULL, NULL, NULL,
                       e.requested_on, e.requested_via, e.id
                FROM candidate_erasures e LEFT JOIN users u ON u.id = e.done_by
                WHERE e.done_at >= \(start) AND e.done_at < \(end)
            )
            SELECT ev.*, count(*) OVER () AS total,
                   CASE WHEN c.erased_at IS NULL THEN c.first_name || ' ' || c.last_name END AS candidate_name
            FROM events ev JOIN candidates c ON c.id = ev.candidate_id
            WHERE (\(filter.kind?.rawValue)::text IS NULL OR ev.kind = \(filter.kind?.rawValue))
            ORDER BY ev.at DESC, ev.sort_id DESC
            LIMIT \(limit) OFFSET \(offset)
            """, logger: logger
        ) { row in
            total = try row.get("total")
            return DataProtectionEvent(
                at: try row.get("at"), candidateID: try row.get("candidate_id"), candidateName: try row.get("candidate_name"), who: try row.get("who"),
                kind: try row.get("kind"), place: try row.get("place"), applicationID: try row.get("application_id"),
                documentID: try row.get("document_id"), requestedOn: try row.get("requested_on"), requestedVia: try row.get("requested_via"))
        }
        return (events, total)
    }
}
