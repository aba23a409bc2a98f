/// A path inside this site to go back to after a form: anything else becomes nil,
/// so that `?next=` can never send someone to another site.
func safeLocalPath(_ candidate: String?) -> String? {
    guard let path = candidate, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
        !path.contains("\n"), !path.contains("\r"), path.count < 500
    else { return nil }
    return path
}

/// Percent-encodes a value for a query string.
func queryEscaped(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

import Foundation
