import Foundation

/// A PDF kept on a candidate's record (a CV, a certificate).
struct CandidateDocument: Sendable {
    let id: Int64
    let filename: String
    let size: Int
    let uploadedAt: Date

    static let maximumSize = 5 * 1024 * 1024

    /// A PDF by its content, whatever its name says.
    static func isPDF(_ data: [UInt8]) -> Bool {
        data.count >= 5 && Array(data.prefix(5)) == Array("%PDF-".utf8)
    }

    /// The last path component, without control or quoting characters, ending in .pdf.
    static func cleanFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && !"\"<>:|?*;".unicodeScalars.contains($0) }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        if cleaned.isEmpty { cleaned = "document" }
        cleaned = String(cleaned.prefix(120))
        return cleaned.lowercased().hasSuffix(".pdf") ? cleaned : cleaned + ".pdf"
    }
}

/// A document as the candidate's and the application's pages list it.
struct DocumentRow: Sendable {
    let href: String
    let filename: String
    let size: String
    let uploaded: String

    init(_ document: CandidateDocument, href: String) {
        self.href = href
        self.filename = document.filename
        self.size = "\(max(1, document.size / 1024)) Ko"
        self.uploaded = Formats.dateTime(document.uploadedAt)
    }
}
