import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The documents kept on a candidate's record (CVs, certificates): their SQL.
extension CandidateRepository {
    static func documents(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [CandidateDocument] {
        try await connection.rows(
            "SELECT id, filename, size, uploaded_at FROM candidate_documents WHERE candidate_id = \(candidateID) ORDER BY uploaded_at DESC",
            logger: logger
        ) { row in
            CandidateDocument(id: try row.get("id"), filename: try row.get("filename"), size: try row.get("size"), uploadedAt: try row.get("uploaded_at"))
        }
    }

    /// A document's name and bytes, if it is this candidate's.
    static func documentContent(id: Int64, candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws
        -> (filename: String, content: ByteBuffer)?
    {
        try await connection.first(
            "SELECT filename, content FROM candidate_documents WHERE id = \(id) AND candidate_id = \(candidateID)",
            as: (String.self, ByteBuffer.self), logger: logger
        ).map { (filename: $0.0, content: $0.1) }
    }

    /// Keeps a document on the record, with its SHA-256, and says so in the record's history.
    static func addDocument(
        candidateID: Int64, filename: String, data: [UInt8], tenantID: Int64, actorID: Int64?, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let digest = SHA256.hash(data: Data(data)).map { String(format: "%02x", $0) }.joined()
        try await connection.execute(
            """
            INSERT INTO candidate_documents (tenant_id, candidate_id, filename, content, size, sha256, uploaded_by, uploaded_at)
            VALUES (\(tenantID), \(candidateID), \(filename), \(ByteBuffer(bytes: data)), \(data.count), \(digest), \(actorID), \(now))
            """, logger: logger)
        try await addEvent(candidateID: candidateID, tenantID: tenantID, actorID: actorID, kind: .document, detail: filename, now: now, on: connection, logger: logger)
    }
}
