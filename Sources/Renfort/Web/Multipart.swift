import Foundation
import NIOCore

/// A file sent with a `multipart/form-data` form.
struct UploadedFile: Sendable {
    let field: String
    let filename: String
    let contentType: String
    let data: [UInt8]
}

/// A small `multipart/form-data` reader (RFC 7578): text fields and files, nothing else.
enum Multipart {
    struct Malformed: Error {}

    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            if pair.lowercased().hasPrefix("boundary=") {
                var value = String(pair.dropFirst("boundary=".count))
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: ByteBuffer, boundary: String) throws -> (fields: [(String, String)], files: [UploadedFile]) {
        let bytes = Array(body.readableBytesView)
        let delimiter = Array(("--" + boundary).utf8)
        var fields: [(String, String)] = []
        var files: [UploadedFile] = []
        guard var position = find(delimiter, in: bytes, from: 0) else { throw Malformed() }
        while true {
            position += delimiter.count
            // "--" after the delimiter closes the body.
            if position + 1 < bytes.count, bytes[position] == 45, bytes[position + 1] == 45 { break }
            guard position + 1 < bytes.count, bytes[position] == 13, bytes[position + 1] == 10 else { throw Malformed() }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: position) else { throw Malformed() }
            let headers = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: bytes, from: contentStart) else { throw Malformed() }
            let content = Array(bytes[contentStart..<next])
            var name: String?
            var filename: String?
            var type = "application/octet-stream"
            for line in headers.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { throw Malformed() }
            if let filename {
                files.append(UploadedFile(field: name, filename: filename, contentType: type, data: content))
            } else {
                fields.append((name, String(decoding: content, as: UTF8.self)))
            }
            position = next + 2
        }
        return (fields, files)
    }

    private static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(key + "=") else { continue }
            var value = String(trimmed.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
