import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One part of what the centre holds on a person, as PostgreSQL wrote it: every column of the
/// rows (but the keys the database computes for its own searches), as a JSON text.
struct PersonalDataSection: Sendable {
    /// The JSON file's key: `record`, `applications`, `access_log`…
    let key: String
    /// The HTML page's heading.
    let title: String
    /// A JSON object (the record) or array (every other section).
    let json: String
}

/// A document kept on the person's record, with its bytes.
struct PersonalDocument: Sendable {
    let id: Int64
    let filename: String
    let content: [UInt8]

    /// Where it is in the ZIP: `documents/12-cv.pdf`.
    var path: String { "documents/\(id)-\(filename)" }
}

/// All the SQL of the right of access, in the caller's transaction (centre set): the record
/// and the records merged into it, and everything that names them.
enum PersonalDataRepository {
    /// The sections, in the page's order, and their headings. Each query reads the rows of the
    /// person's records (`ids`: the record and those merged into it).
    private static let sections: [(key: String, title: String)] = [
        ("record", "Votre fiche"),
        ("notes", "Les notes des conseillers"),
        ("merged_records", "Les fiches fusionnées dans la vôtre"),
        ("contacts", "Vos autres coordonnées"),
        ("jobs", "Les métiers que vous recherchez"),
        ("availability", "Vos périodes libres pour une saison"),
        ("applications", "Vos candidatures"),
        ("application_events", "L'historique de vos candidatures"),
        ("offer_applications", "Vos candidatures envoyées depuis une offre publique"),
        ("interviews", "Vos entretiens"),
        ("offers", "Les propositions d'embauche"),
        ("placements", "Vos embauches"),
        ("check_ins", "Le suivi de vos embauches"),
        ("placement_alerts", "Les alertes sur vos embauches"),
        ("messages", "Les messages que le centre vous a envoyés"),
        ("documents", "Vos documents"),
        ("record_history", "L'historique de votre fiche"),
        ("access_log", "Qui a consulté votre fiche"),
    ]

    /// Keys the database computes from other columns for its searches: not data of the person.
    private static let computed = "ARRAY['tenant_id', 'email_key', 'phone_key', 'name_key', 'commune_key', 'contact_key', 'furthest_rank']"

    /// Everything held on record `candidateID`, nil when it is not the centre's.
    static func sections(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [PersonalDataSection]? {
        let rows = try await connection.rows(
            """
            WITH ids AS (SELECT c.id FROM candidates c WHERE c.id = \(candidateID) OR c.merged_into = \(candidateID)),
                 apps AS (SELECT a.* FROM applications a WHERE a.candidate_id IN (SELECT id FROM ids)),
                 jobs AS (SELECT p.* FROM placements p WHERE p.candidate_id IN (SELECT id FROM ids))
            SELECT
              (SELECT to_jsonb(c) - \(unescaped: computed) - 'notes' FROM candidates c WHERE c.id = \(candidateID))::text AS record,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('candidate_id', c.id, 'notes', c.notes) ORDER BY c.id), '[]')
                 FROM candidates c WHERE c.id IN (SELECT id FROM ids) AND c.notes <> '')::text AS notes,
              (SELECT coalesce(jsonb_agg(to_jsonb(c) - \(unescaped: computed) - 'notes' ORDER BY c.id), '[]')
                 FROM candidates c WHERE c.merged_into = \(candidateID))::text AS merged_records,
              (SELECT coalesce(jsonb_agg(to_jsonb(k) - \(unescaped: computed) ORDER BY k.id), '[]')
                 FROM candidate_contacts k WHERE k.candidate_id IN (SELECT id FROM ids))::text AS contacts,
              (SELECT coalesce(jsonb_agg(to_jsonb(k) - \(unescaped: computed) || jsonb_build_object('title', t.label, 'rome_label', r.label) ORDER BY k.candidate_id, k.position), '[]')
                 FROM candidate_jobs k JOIN rome_jobs r ON r.code = k.rome_code LEFT JOIN rome_appellations t ON t.id = k.appellation_id
                 WHERE k.candidate_id IN (SELECT id FROM ids))::text AS jobs,
              (SELECT coalesce(jsonb_agg(to_jsonb(w) - \(unescaped: computed) ORDER BY w.candidate_id, w.position), '[]')
                 FROM candidate_availability w WHERE w.candidate_id IN (SELECT id FROM ids))::text AS availability,
              (SELECT coalesce(jsonb_agg(to_jsonb(a) - \(unescaped: computed)
                        || jsonb_build_object('need_title', n.title, 'business_name', b.name, 'rejection_reason', r.label) ORDER BY a.created_at, a.id), '[]')
                 FROM apps a JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
                 JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
                 LEFT JOIN rejection_reasons r ON r.tenant_id = a.tenant_id AND r.id = a.rejection_reason_id)::text AS applications,
              (SELECT coalesce(jsonb_agg(to_jsonb(e) - \(unescaped: computed) || jsonb_build_object('by', u.display_name) ORDER BY e.at, e.id), '[]')
                 FROM application_events e LEFT JOIN users u ON u.id = e.actor_id
                 WHERE e.application_id IN (SELECT id FROM apps))::text AS application_events,
              (SELECT coalesce(jsonb_agg(to_jsonb(o) - \(unescaped: computed) ORDER BY o.id), '[]')
                 FROM offer_applications o WHERE o.application_id IN (SELECT id FROM apps))::text AS offer_applications,
              (SELECT coalesce(jsonb_agg(to_jsonb(i) - \(unescaped: computed) ORDER BY i.starts_at, i.id), '[]')
                 FROM interviews i WHERE i.application_id IN (SELECT id FROM apps))::text AS interviews,
              (SELECT coalesce(jsonb_agg(to_jsonb(o) - \(unescaped: computed) ORDER BY o.id), '[]')
                 FROM offers o WHERE o.application_id IN (SELECT id FROM apps))::text AS offers,
              (SELECT coalesce(jsonb_agg(to_jsonb(p) - \(unescaped: computed) || jsonb_build_object('business_name', b.name) ORDER BY p.start_date, p.id), '[]')
                 FROM jobs p JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id)::text AS placements,
              (SELECT coalesce(jsonb_agg(to_jsonb(k) - \(unescaped: computed) ORDER BY k.due_on, k.id), '[]')
                 FROM check_ins k WHERE k.placement_id IN (SELECT id FROM jobs))::text AS check_ins,
              (SELECT coalesce(jsonb_agg(to_jsonb(l) - \(unescaped: computed) ORDER BY l.created_at, l.id), '[]')
                 FROM placement_alerts l WHERE l.placement_id IN (SELECT id FROM jobs))::text AS placement_alerts,
              (SELECT coalesce(jsonb_agg(to_jsonb(m) - \(unescaped: computed) - 'dedupe_key' ORDER BY m.sent_at, m.id), '[]')
                 FROM candidate_messages m WHERE m.candidate_id IN (SELECT id FROM ids))::text AS messages,
              (SELECT coalesce(jsonb_agg(to_jsonb(d) - \(unescaped: computed) - 'content' || jsonb_build_object('file', 'documents/' || d.id || '-' || d.filename) ORDER BY d.uploaded_at, d.id), '[]')
                 FROM candidate_documents d WHERE d.candidate_id IN (SELECT id FROM ids))::text AS documents,
              (SELECT coalesce(jsonb_agg(to_jsonb(e) - \(unescaped: computed)
                        || jsonb_build_object('by', CASE WHEN e.by_candidate THEN 'la personne elle-même' ELSE u.display_name END) ORDER BY e.at, e.id), '[]')
                 FROM candidate_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.candidate_id IN (SELECT id FROM ids))::text AS record_history,
              (SELECT coalesce(jsonb_agg(to_jsonb(l) - \(unescaped: computed)
                        || jsonb_build_object('by', CASE WHEN l.by_candidate THEN 'la personne elle-même' ELSE u.display_name END) ORDER BY l.at, l.id), '[]')
                 FROM candidate_access_log l LEFT JOIN users u ON u.id = l.user_id WHERE l.candidate_id IN (SELECT id FROM ids))::text AS access_log
            """, logger: logger
        ) { row in
            try sections.map { PersonalDataSection(key: $0.key, title: $0.title, json: try row.get($0.key, as: String?.self) ?? "null") }
        }
        guard let found = rows.first, found.first?.json != "null" else { return nil }
        return found
    }

    /// The documents of the person's records, with their bytes.
    static func documents(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [PersonalDocument] {
        try await connection.rows(
            """
            SELECT d.id, d.filename, d.content FROM candidate_documents d
            WHERE d.candidate_id IN (SELECT c.id FROM candidates c WHERE c.id = \(candidateID) OR c.merged_into = \(candidateID))
            ORDER BY d.uploaded_at, d.id
            """, logger: logger
        ) { row in
            var content = try row.get("content", as: ByteBuffer.self)
            return PersonalDocument(id: try row.get("id"), filename: try row.get("filename"), content: content.readBytes(length: content.readableBytes) ?? [])
        }
    }
}
