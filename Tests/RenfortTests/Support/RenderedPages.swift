import Foundation
import Synchronization
import HTTPTypes
import HummingbirdTesting

/// Keeps the HTML pages the tests receive, for the Nu HTML Checker that `make check-html` runs
/// after `swift test`. Off unless RENFORT_RENDERED_PAGES names a folder: then the first page of
/// each kind — method, path with its ids blanked, names of its query parameters, status, names of
/// the fields it marks as wrong — is written there, one file each.
enum RenderedPages {
    static let folder: String? = {
        guard let folder = ProcessInfo.processInfo.environment["RENFORT_RENDERED_PAGES"], !folder.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    private static let seen = Mutex<Set<String>>([])

    static func keep(method: HTTPRequest.Method, uri: String, response: TestResponse) {
        guard let folder,
            let contentType = response.headers[.contentType], contentType.hasPrefix("text/html")
        else { return }
        let html = String(buffer: response.body)
        let key = kind(method: method, uri: uri, status: response.status.code) + invalidFields(html)
        guard seen.withLock({ $0.insert(key).inserted }) else { return }
        let name = key.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(120)
        let comment = "<!-- \(key.replacingOccurrences(of: "--", with: "- -")) -->\n"
        let url = URL(fileURLWithPath: folder).appendingPathComponent(String(name) + "-\(stableHash(key)).html")
        try? Data((comment + html).utf8).write(to: url)
    }

    /// " [positions, wished_start]": the names of the fields a form page marks as wrong, so that
    /// each field's wrong value is shown again in a page of its own (a date typed as text…).
    static func invalidFields(_ html: String) -> String {
        guard html.contains(#"aria-invalid="true""#) else { return "" }
        var names: Set<String> = []
        for tag in html.matches(of: /<(?:input|select|textarea)\b[^>]*>/) where tag.output.contains(#"aria-invalid="true""#) {
            if let name = tag.output.firstMatch(of: /\bname="([^"]*)"/) { names.insert(String(name.output.1)) }
        }
        return names.isEmpty ? "" : " [" + names.sorted().joined(separator: ", ") + "]"
    }

    /// "GET /c/_/besoins/_?status 200": numbers, UUIDs and other ids (any segment with a digit) blanked.
    static func kind(method: HTTPRequest.Method, uri: String, status: Int) -> String {
        let parts = uri.split(separator: "?", maxSplits: 1)
        let path = (parts.first ?? "").split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.contains(where: \.isNumber) ? "_" : String(segment)
        }.joined(separator: "/")
        let names = parts.count > 1
            ? Set(parts[1].split(separator: "&").map { String($0.split(separator: "=").first ?? "") }).sorted().joined(separator: "&")
            : ""
        return "\(method.rawValue) \(path)\(names.isEmpty ? "" : "?" + names) \(status)"
    }

    /// FNV-1a, so that two kinds whose names read alike still get two files.
    private static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
