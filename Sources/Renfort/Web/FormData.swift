import Foundation

/// The fields of an `application/x-www-form-urlencoded` body, in order.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []
    /// The path the form was posted to (set by `CSRFMiddleware`).
    public var action = ""

    public init() {}

    /// Fields read from somewhere else (a multipart body).
    init(fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    /// The first value of a field, trimmed; nil when absent.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first value of a field exactly as sent (passwords are not trimmed).
    public func raw(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of a field (checkboxes, multiple selects).
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// An error to show beside a field and in the summary at the top of a form.
public struct FieldError: Sendable {
    public let field: String
    public let message: String
    /// The id the summary's link goes to: the field's name, unless the page names it otherwise.
    public let anchor: String

    init(field: String, message: String, anchor: String? = nil) {
        self.field = field
        self.message = message
        self.anchor = anchor ?? field
    }
}

/// The errors of one submitted form, in the order of its fields.
public struct FormErrors: Error, Sendable {
    public private(set) var all: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        guard !all.contains(where: { $0.field == field }) else { return }
        all.append(FieldError(field: field, message: message))
    }

    public var isEmpty: Bool { all.isEmpty }

    /// What the server offers to pick for a field whose typed value it could not settle alone
    /// (the job titles matching the typed words), by the field's name: `form.suggestions.…`.
    private(set) var suggestions: [String: [Option]] = [:]

    mutating func suggest(_ field: String, _ options: [Option]) {
        suggestions[field] = options
    }

    /// Adds the messages and suggestions of a part of the form read on its own.
    mutating func absorb(_ other: FormErrors) {
        for error in other.all { add(error.field, error.message) }
        suggestions.merge(other.suggestions) { _, new in new }
    }

    public subscript(_ field: String) -> String? {
        all.first { $0.field == field }?.message
    }

    /// The first message of each field, for templates (`{{#fieldErrors.title}}`).
    var byField: [String: String] {
        Dictionary(all.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
    }
}
