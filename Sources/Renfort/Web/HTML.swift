import Mustache

/// HTML escaping, for every value mustache writes with `{{…}}` (through `EscapedHTML`) and for
/// the markup written in Swift rather than by mustache: the navigation of every page, the
/// selects' options and the applications list's rows (mustache looks each name of each item
/// up through several dynamic casts; these repeated parts were most of its lookups).
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by their entities: the five characters
    /// mustache's own HTML escaping replaces, looked for byte by byte. Mustache compares whole
    /// characters, so a quote followed by a combining accent (one character) went through
    /// unescaped and could close an attribute; here every such byte is escaped.
    static func escape(_ text: String) -> String {
        // Most texts have nothing to escape: return them as they are.
        guard text.utf8.contains(where: isSpecial) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: amp)
            case UInt8(ascii: "<"): bytes.append(contentsOf: lt)
            case UInt8(ascii: ">"): bytes.append(contentsOf: gt)
            case UInt8(ascii: "\""): bytes.append(contentsOf: quot)
            case UInt8(ascii: "'"): bytes.append(contentsOf: apos)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `<option>`s of a select, each value and label escaped; the selected one marked.
    static func options(_ options: [Option]) -> String {
        var html = ""
        html.reserveCapacity(options.count * 48)
        for option in options {
            html += "<option value=\"\(escape(option.value))\"\(option.selected ? " selected" : "")>\(escape(option.label))</option>"
        }
        return html
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    private static let amp = Array("&amp;".utf8)
    private static let lt = Array("&lt;".utf8)
    private static let gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8)
    private static let apos = Array("&#39;".utf8)
}

/// Mustache's HTML content type with `HTML.escape` in place of the library's escaping (which
/// looks every character up in a dictionary: a twentieth of a page's time). Registered under
/// the name `HTML` before the templates are read; the layout and every partial begin with
/// `{{% CONTENT_TYPE: HTML}}` to use it (mustache starts each template with its own).
struct EscapedHTML: MustacheContentType {
    func escapeText(_ text: String) -> String { HTML.escape(text) }

    static func register() {
        MustacheContentTypes.register(EscapedHTML(), named: "HTML")
    }
}
