import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A file sent with a `multipart/form-data` form.
struct UploadedFile: Sendable {
    let field: String
    let filename: String
    let contentType: String
    let data: [UInt8]
}

/// A `multipart/form-data` body (RFC 7578) read as it arrives with MultipartKit's parser.
///
/// Nothing past the CSRF token is parsed before the token is proven: it comes in the
/// `X-CSRF-Token` header, or else it must be the body's first part, `_csrf` (our forms put
/// it first, and browsers send the fields in the order of the page). Until then the parser
/// is fed a small slice at a time, so it stops right after that part.
struct MultipartUpload {
    var fields: [(String, String)] = []
    var files: [UploadedFile] = []

    enum Failure: Error {
        /// No session token where it must be, or a wrong one: nothing else was read.
        case unproven
        /// The body is larger than the limit.
        case tooLarge
        /// Not a multipart body our forms send.
        case malformed
    }

    /// The token must be found within this many bytes of the start of the body.
    static let tokenWindow = 4096
    /// How much of the body the parser is given at a time until the token is proven.
    static let sliceBeforeToken = 256
    static let maximumParts = 50

    /// The `boundary` parameter of a `multipart/form-data` content type (1 to 70 characters, RFC 2046).
    static func boundary(of contentType: String) -> String? {
        guard let boundary = parameters(of: contentType)["boundary"], (1...70).contains(boundary.count) else { return nil }
        return boundary
    }

    /// Reads the whole body. `token`: the session's CSRF token that the first part must carry
    /// (nil when the header already proved it).
    static func read(_ body: RequestBody, boundary: String, limit: Int, token: String?) async throws -> MultipartUpload {
        let parser = MultipartParser(boundary: boundary)
        let parts = Parts()
        parser.onHeader = { name, value in
            parts.headers.append((name, value))
            parts.open = true
        }
        parser.onBody = { chunk in
            parts.body.writeBuffer(&chunk)
            parts.open = true
        }
        parser.onPartComplete = { parts.completePart() }

        var proven = token == nil
        /// Whether the first part, once complete, is the session's token.
        func firstPartIsToken() -> Bool? {
            guard let token, let first = parts.complete.first else { return nil }
            return first.name == "_csrf" && first.filename == nil
                && Tokens.constantTimeEqual(token, String(buffer: first.body))
        }
        var fed = 0
        var received = 0
        for try await var chunk in body {
            received += chunk.readableBytes
            while !proven, let slice = chunk.readSlice(length: min(sliceBeforeToken, chunk.readableBytes)), slice.readableBytes > 0 {
                fed += slice.readableBytes
                do {
                    try parser.execute(slice)
                } catch {
                    // A syntax error right after a good token is a malformed body; before it, a refusal.
                    throw firstPartIsToken() == true ? Failure.malformed : Failure.unproven
                }
                switch firstPartIsToken() {
                case true?: proven = true
                case false?: throw Failure.unproven
                case nil: if fed > tokenWindow { throw Failure.unproven }
                }
            }
            guard received <= limit else { throw Failure.tooLarge }
            if chunk.readableBytes > 0 {
                do { try parser.execute(chunk) } catch { throw Failure.malformed }
            }
            guard parts.complete.count <= maximumParts else { throw Failure.malformed }
        }
        guard proven else { throw Failure.unproven }
        // A body cut in the middle of a part, or without any, is not a form.
        guard !parts.open, !parts.complete.isEmpty else { throw Failure.malformed }

        var upload = MultipartUpload()
        for part in parts.complete {
            guard let name = part.name else { throw Failure.malformed }
            if let filename = part.filename {
                upload.files.append(
                    UploadedFile(field: name, filename: filename, contentType: part.contentType, data: Array(part.body.readableBytesView)))
            } else {
                upload.fields.append((name, String(buffer: part.body)))
            }
        }
        return upload
    }

    /// One part as the parser delivered it.
    struct Part {
        let name: String?
        let filename: String?
        let contentType: String
        let body: ByteBuffer

        init(headers: [(String, String)], body: ByteBuffer) {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }.map { MultipartUpload.parameters(of: $0.1) } ?? [:]
            self.name = disposition["name"]
            self.filename = disposition["filename"].map(MultipartUpload.browserUnescaped)
            self.contentType = headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "application/octet-stream"
            self.body = body
        }
    }

    /// What the parser's callbacks delivered so far.
    private final class Parts {
        var complete: [Part] = []
        var headers: [(String, String)] = []
        var body = ByteBuffer()
        /// A part has begun and is not complete yet.
        var open = false

        func completePart() {
            complete.append(Part(headers: headers, body: body))
            headers = []
            body = ByteBuffer()
            open = false
        }
    }

    /// The parameters after the first `;` of a header value (`form-data; name="a"; filename="b.pdf"`),
    /// keys in lower case. A quoted value may hold `;` and `=`.
    static func parameters(of header: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(header)
        guard let start = rest.firstIndex(of: ";") else { return result }
        rest = rest[rest.index(after: start)...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let key = rest.prefix { $0 != "=" && $0 != ";" }
            rest = rest[key.endIndex...]
            var value: Substring? = nil
            if rest.first == "=" {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    let quoted = rest.prefix { $0 != "\"" }
                    value = quoted
                    rest = rest[quoted.endIndex...].dropFirst()
                }
                let unquoted = rest.prefix { $0 != ";" }
                if value == nil { value = Substring(unquoted.trimmingCharacters(in: .whitespaces)) }
                rest = rest[unquoted.endIndex...]
            }
            rest = rest.drop { $0 == ";" }
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if let value, !name.isEmpty, result[name] == nil { result[name] = String(value) }
        }
        return result
    }

    /// A file name as browsers write it in a form (HTML: `"`, CR and LF percent-encoded), as it was.
    static func browserUnescaped(_ filename: String) -> String {
        filename.replacingOccurrences(of: "%22", with: "\"")
            .replacingOccurrences(of: "%0D", with: "\r")
            .replacingOccurrences(of: "%0A", with: "\n")
    }
}
