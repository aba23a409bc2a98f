import Foundation

/// The POST forms of a page as a browser sees them: each control with its name, kind and
/// value, read from the markup our templates write (double-quoted attributes). A control
/// outside a form with `form="id"` belongs to that form, as in a browser.
struct HTMLForm {
    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Control {
        /// `text`, `date`, `hidden`, `radio`, `checkbox`, `file`, `select`, `textarea`…
        let kind: String
        let name: String
        let value: String
        let checked: Bool
        let options: [Option]
        let attributes: [String: String]

        /// A field a person fills (not the page's hidden ones, nor a button).
        var isTyped: Bool { !["hidden", "submit", "button", "reset", "image"].contains(kind) }
    }

    let action: String
    let method: String
    let id: String?
    let enctype: String?
    var controls: [Control]

    /// What the browser sends for the form as it stands: checked boxes, selected options.
    var submission: [(String, String)] {
        var fields: [(String, String)] = []
        for control in controls where !["submit", "button", "reset", "image", "file"].contains(control.kind) {
            switch control.kind {
            case "radio", "checkbox": if control.checked { fields.append((control.name, control.value)) }
            case "select":
                let chosen = control.options.filter(\.selected)
                if chosen.isEmpty, let first = control.options.first, control.attributes["multiple"] == nil {
                    fields.append((control.name, first.value))
                } else {
                    fields += chosen.map { (control.name, $0.value) }
                }
            default: fields.append((control.name, control.value))
            }
        }
        return fields
    }

    /// Every POST form of `html`.
    static func all(in html: String) -> [HTMLForm] {
        var forms: [HTMLForm] = []
        var current: Int? = nil
        var loose: [(formID: String, control: Control)] = []
        var select: (name: String, attributes: [String: String], options: [Option], form: Int?)? = nil
        let tags = html.matches(of: /<(\/?)(form|input|select|option|textarea)\b([^>]*)>/)
        var index = 0
        while index < tags.count {
            let tag = tags[index]
            let closing = !tag.output.1.isEmpty
            let name = String(tag.output.2)
            let attributes = Self.attributes(String(tag.output.3))
            func add(_ control: Control) {
                if let owner = attributes["form"] {
                    loose.append((owner, control))
                } else if let current {
                    forms[current].controls.append(control)
                }
            }
            switch (name, closing) {
            case ("form", false):
                if (attributes["method"] ?? "get").lowercased() == "post" {
                    forms.append(HTMLForm(action: decode(attributes["action"] ?? ""), method: "post", id: attributes["id"], enctype: attributes["enctype"], controls: []))
                    current = forms.count - 1
                } else {
                    current = nil
                }
            case ("form", true): current = nil
            case ("input", false):
                guard let field = attributes["name"] else { break }
                add(Control(kind: (attributes["type"] ?? "text").lowercased(), name: decode(field), value: decode(attributes["value"] ?? (attributes["type"] == "checkbox" || attributes["type"] == "radio" ? "on" : "")),
                            checked: attributes["checked"] != nil, options: [], attributes: attributes))
            case ("select", false): select = (decode(attributes["name"] ?? ""), attributes, [], current)
            case ("option", false):
                // The label runs to the next tag.
                let rest = html[tag.range.upperBound...]
                let label = rest.prefix { $0 != "<" }
                let value = attributes["value"].map(decode) ?? decode(String(label))
                select?.options.append(Option(value: value, label: decode(String(label)), selected: attributes["selected"] != nil))
            case ("select", true):
                if let open = select, !open.name.isEmpty {
                    let control = Control(kind: "select", name: open.name, value: "", checked: false, options: open.options, attributes: open.attributes)
                    if let owner = open.attributes["form"] { loose.append((owner, control)) } else if let form = open.form { forms[form].controls.append(control) }
                }
                select = nil
            case ("textarea", false):
                let rest = html[tag.range.upperBound...]
                let content = rest.range(of: "</textarea>").map { rest[..<$0.lowerBound] } ?? ""
                if let field = attributes["name"] {
                    add(Control(kind: "textarea", name: decode(field), value: decode(String(content)), checked: false, options: [], attributes: attributes))
                }
            default: break
            }
            index += 1
        }
        for (owner, control) in loose {
            if let form = forms.firstIndex(where: { $0.id == owner }) { forms[form].controls.append(control) }
        }
        return forms
    }

    /// The POST forms of `html` sent to `action`.
    static func posting(to action: String, in html: String) -> [HTMLForm] {
        all(in: html).filter { $0.action == action }
    }

    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for match in text.matches(of: /([a-zA-Z_:-]+)(?:="([^"]*)")?/) {
            result[String(match.output.1).lowercased()] = match.output.2.map(String.init) ?? ""
        }
        return result
    }

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&#x27;", with: "'")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
