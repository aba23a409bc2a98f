import Foundation
import Hummingbird
import Logging
import NIOCore
import ZIPFoundation

/// The right of access: everything the centre holds on a person, as one ZIP — a French page
/// to read or print (`donnees.html`, self-contained), the same as data (`donnees.json`), and
/// the documents themselves (`documents/`). Every export is logged in the record's access log.
struct PersonalDataExport: Sendable {
    let filename: String
    let data: Data

    var response: Response {
        .attachment(filename: filename, contentType: "application/zip", content: ByteBuffer(bytes: data))
    }

    /// The export of record `candidateID` of centre `tenantID` by `actor`, logged in the same
    /// transaction as it is read; nil when the record is not the centre's.
    static func make(
        candidateID: Int64, tenantID: Int64, centreName: String, by actor: AccessActor, place: AccessPlace, database: Database, now: Date,
        logger: Logger
    ) async throws -> PersonalDataExport? {
        let userID: Int64?
        switch actor {
        case .user(let id): userID = id
        case .candidate: userID = nil
        }
        let loaded = try await database.withTransaction(tenant: tenantID, user: userID, logger: logger) {
            connection -> ([PersonalDataSection], [PersonalDocument])? in
            guard try await AccessLog.record(.export, candidateID: candidateID, by: actor, place: place, tenantID: tenantID, now: now, on: connection, logger: logger)
            else { return nil }
            guard let sections = try await PersonalDataRepository.sections(candidateID: candidateID, on: connection, logger: logger) else { return nil }
            return (sections, try await PersonalDataRepository.documents(candidateID: candidateID, on: connection, logger: logger))
        }
        guard let (sections, documents) = loaded else { return nil }
        let day = Day(now)
        let json = Self.json(sections, candidateID: candidateID, centreName: centreName, now: now)
        let html = PersonalDataPage.html(sections, candidateID: candidateID, centreName: centreName, now: now)
        let archive = try Archive(data: Data(), accessMode: .create)
        try add("donnees.html", Data(html.utf8), to: archive, at: now, compressed: true)
        try add("donnees.json", Data(json.utf8), to: archive, at: now, compressed: true)
        for document in documents {
            // A PDF is compressed already.
            try add(document.path, Data(document.content), to: archive, at: now, compressed: false)
        }
        guard let data = archive.data else { throw PersonalDataExportError.noArchive }
        return PersonalDataExport(filename: "donnees-personnelles-\(candidateID)-\(day.iso).zip", data: data)
    }

    private static func add(_ path: String, _ content: Data, to archive: Archive, at date: Date, compressed: Bool) throws {
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(content.count), modificationDate: date,
            compressionMethod: compressed ? .deflate : .none
        ) { position, size in
            content.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    /// The JSON file: what it is, then each section under its key, in the page's order, each as
    /// PostgreSQL wrote its rows (the columns' own names and values).
    static func json(_ sections: [PersonalDataSection], candidateID: Int64, centreName: String, now: Date) -> String {
        let about: [String: Any] = [
            "centre": centreName, "candidate_id": candidateID, "exported_at": ISO8601DateFormatter().string(from: now),
            "contents": "Toutes les données que le centre détient sur la personne : sa fiche, les fiches fusionnées dans la sienne, ses candidatures et leur historique, entretiens, propositions, embauches et leur suivi, messages, documents (dans le dossier documents/ de cette archive), notes des conseillers, et qui a consulté sa fiche.",
        ]
        let head = (try? JSONSerialization.data(withJSONObject: about, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var text = "{\n  \"export\": \(head)"
        for section in sections { text += ",\n  \"\(section.key)\": \(section.json)" }
        return text + "\n}\n"
    }
}

enum PersonalDataExportError: Error {
    /// The in-memory archive gave no bytes.
    case noArchive
}
