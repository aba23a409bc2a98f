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

    init(_ values: Values, errors: FormErrors = FormErrors()) {
        self.values = values
        self.errors = errors.all
        self.hasErrors = !errors.isEmpty
        self.fieldErrors = errors.byField
    }
}

/// The fields of a form that has no input type of its own, as sent: the first value of each
/// (trimmed) by name, and every value of a field sent several times (ticked boxes).
struct TypedFields: Sendable {
    let text: [String: String]
    let ticked: [String: [String: Bool]]

    /// Fields given one by one (never a password: what a page shows again is what it holds).
    init(text: [String: String]) {
        self.text = text
        self.ticked = [:]
    }

    init(_ form: FormData = FormData()) {
        var text: [String: String] = [:]
        var ticked: [String: [String: Bool]] = [:]
        for (name, value) in form.fields {
            if text[name] == nil { text[name] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
            ticked[name, default: [:]][value] = true
        }
        self.text = text
        self.ticked = ticked
    }
}

extension FormState where Values == TypedFields {
    /// The state of a form without an input type: what was sent, and the errors found.
    init(sent form: FormData, errors: FormErrors) {
        self.init(TypedFields(form), errors: errors)
    }

    /// A form seen for the first time.
    static var blank: FormState<TypedFields> { FormState(TypedFields()) }
}

extension FormState: MustacheFields {
    var mustacheFields: [String: Any] {
        ["values": values, "errors": errors, "hasErrors": hasErrors, "fieldErrors": fieldErrors]
    }
}
