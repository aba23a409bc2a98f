/// What a form's page shows of it: the values as typed, each field's message, and the
/// summary. Every page model with a form holds one as `form`: templates read
/// `form.values.…` and `form.fieldErrors.…`, and the summary partial reads `form`.
struct FormState<Values: Sendable>: Sendable {
    /// What the person typed, or on a first view what the form starts with.
    let values: Values
    /// The messages in the order of the form's fields, for the summary.
    let errors: [FieldError]
    let hasErrors: Bool
    /// The first message of each field, by the field's name.
    let fieldErrors: [String: String]
    /// The choices offered for fields the server could not settle alone (`FormErrors.suggest`).
    let suggestions: [String: [Option]]
    /// The fields with such choices, for the template's wrapper (`{{#form.suggesting.job}}`).
    let suggesting: [String: Bool]
    /// Where the form was sent ("" on a first view): on a page of several forms, the one that
    /// shows again what was typed and its messages.
    let action: String

    init(_ values: Values, errors: FormErrors = FormErrors(), action: String = "") {
        self.values = values
        self.errors = errors.all
        self.hasErrors = !errors.isEmpty
        self.fieldErrors = errors.byField
        self.suggestions = errors.suggestions
        self.suggesting = Self.offered(errors.suggestions)
        self.action = action
    }

    private init(values: Values, errors: [FieldError], suggestions: [String: [Option]], action: String) {
        self.values = values
        self.errors = errors
        self.hasErrors = !errors.isEmpty
        self.fieldErrors = Dictionary(errors.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        self.suggestions = suggestions
        self.suggesting = Self.offered(suggestions)
        self.action = action
    }

    private static func offered(_ suggestions: [String: [Option]]) -> [String: Bool] {
        suggestions.filter { !$0.value.isEmpty }.mapValues { _ in true }
    }

    /// The same state, the summary's links pointing at the ids the page gives the fields of the
    /// form that was sent (`id(field)`), when that form is the one posted to `action`.
    func anchored(to action: String, _ id: (String) -> String) -> FormState {
        guard action == self.action else { return self }
        return FormState(values: values, errors: errors.map { FieldError(field: $0.field, message: $0.message, anchor: id($0.field)) }, suggestions: suggestions, action: self.action)
    }
}

/// The fields of a form that has no input type of its own, as sent: the first value of each
/// (trimmed) by name, and every value of a field sent several times (ticked boxes).
struct TypedFields: Sendable {
    let text: [String: String]
    let ticked: [String: [String: Bool]]
    /// The fields whose value is not a day (`YYYY-MM-DD`) or not a time (`HH:MM`): a date or time
    /// field shows such a value again as a text field (`type="text"`), since HTML allows only a
    /// valid value in a date or time field's `value`.
    let notDate: [String: Bool]
    let notTime: [String: Bool]

    /// Fields given one by one (never a password: what a page shows again is what it holds).
    init(text: [String: String]) {
        self.text = text
        self.ticked = text.mapValues { [$0: true] }
        (notDate, notTime) = Self.malformed(text)
    }

    init(_ form: FormData = FormData()) {
        var text: [String: String] = [:]
        var ticked: [String: [String: Bool]] = [:]
        // What a page never shows again: the tokens are its own, a password is retyped.
        for (name, value) in form.fields where !TypedFields.neverShown.contains(name) {
            if text[name] == nil { text[name] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
            ticked[name, default: [:]][value] = true
        }
        self.text = text
        self.ticked = ticked
        (notDate, notTime) = Self.malformed(text)
    }

    private static func malformed(_ text: [String: String]) -> (notDate: [String: Bool], notTime: [String: Bool]) {
        (text.filter { !InputKind.isDate($0.value) }.mapValues { _ in true },
         text.filter { !InputKind.isTime($0.value) }.mapValues { _ in true })
    }

    static let neverShown: Set<String> = ["_csrf", "password", "confirmation"]

    /// Whether `value` was sent for `name` (a ticked box, the chosen radio button or option).
    func has(_ name: String, _ value: String) -> Bool {
        ticked[name]?[value] == true
    }
}

extension FormState where Values == TypedFields {
    /// The state of a form without an input type: what was sent, and the errors found.
    init(sent form: FormData, errors: FormErrors) {
        self.init(TypedFields(form), errors: errors, action: form.action)
    }

    /// A form seen for the first time.
    static var blank: FormState<TypedFields> { FormState(TypedFields()) }

    /// The state of the page's form posted to `action`: this one if it was sent there,
    /// else that form as it starts (`defaults`), without messages.
    func scoped(to action: String, defaults: [String: String] = [:]) -> FormScope {
        FormScope(form: action == self.action ? self : FormState(TypedFields(text: defaults)))
    }
}

/// One form of a page that holds several: inside `{{#scope}}…{{/scope}}` the template's
/// `form.values…` and `form.fieldErrors…` are that form's alone.
struct FormScope: Sendable {
    let form: FormState<TypedFields>
}

extension Option {
    /// Every case of a closed list, those sent for `name` selected (radio buttons, options, ticked boxes).
    static func all<Choice: CaseIterable & RawRepresentable>(
        _ type: Choice.Type, sent values: TypedFields, name: String, label: (Choice) -> String
    ) -> [Option] where Choice.RawValue == String {
        Choice.allCases.map { Option(value: $0.rawValue, label: label($0), selected: values.has(name, $0.rawValue)) }
    }

    /// The same options, those sent for `name` selected instead.
    static func marking(_ options: [Option], sent values: TypedFields, name: String) -> [Option] {
        options.map { Option(value: $0.value, label: $0.label, selected: values.has(name, $0.value)) }
    }
}

extension FormState: MustacheFields {
    var mustacheFields: [String: Any] {
        ["values": values, "errors": errors, "hasErrors": hasErrors, "fieldErrors": fieldErrors, "suggestions": suggestions,
         "suggesting": suggesting, "action": action]
    }
}
