import Hummingbird

/// What every value sent to Renfort must be before any handler reads it, in the query string
/// as in a form: no control character (PostgreSQL refuses NUL in text, and no field of ours
/// takes another one but tab and line breaks in a text area), and not absurdly long. A value
/// that breaks these rules is refused with a 400 and a French message, never stripped: no form
/// of ours sends one, so whatever sent it is not a person typing.
enum InputRules {
    /// The longest value of the query string (searches and filters are a few words).
    static let longestQueryValue = 1000
    /// The most parameters a query string may carry.
    static let mostQueryParameters = 100

    static let refusedForm = AppError.badRequest("Le formulaire contient des caractères non valides.")
    static let refusedQuery = AppError.badRequest("L'adresse contient des caractères non valides ou une valeur trop longue.")

    /// A field's name or value with a control character other than tab, line feed and carriage return.
    static func hasControlCharacter(_ text: some StringProtocol, allowingLineBreaks: Bool) -> Bool {
        text.unicodeScalars.contains { scalar in
            guard scalar.value < 0x20 else { return false }
            return !(allowingLineBreaks && (scalar == "\t" || scalar == "\n" || scalar == "\r"))
        }
    }

    /// Refuses a form with a control character in a name, or in a value other than tab and line breaks.
    static func check(_ form: FormData) throws {
        for field in form.fields {
            if hasControlCharacter(field.name, allowingLineBreaks: false) || hasControlCharacter(field.value, allowingLineBreaks: true) {
                throw refusedForm
            }
        }
    }

    /// Refuses a query string with a control character (once percent-decoded), a value over
    /// `longestQueryValue` code points or more than `mostQueryParameters` parameters.
    /// `query`: the parameters as Hummingbird reads them (values decoded, names as sent).
    static func check(query parameters: [(name: Substring, value: Substring)]) throws {
        guard parameters.count <= mostQueryParameters else { throw refusedQuery }
        for (name, value) in parameters {
            // Hummingbird decodes the values, not the names: a name is decoded here for the check.
            let decodedName = name.removingPercentEncoding ?? String(name)
            if hasControlCharacter(decodedName, allowingLineBreaks: false) || hasControlCharacter(value, allowingLineBreaks: true)
                || value.unicodeScalars.count > longestQueryValue || decodedName.unicodeScalars.count > 100
            {
                throw refusedQuery
            }
        }
    }
}

/// Applies `InputRules` to the query string of every request, before any handler reads it.
struct QueryStringMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.query != nil {
            try InputRules.check(query: request.uri.queryParameters.map { (name: $0.key, value: $0.value) })
        }
        return try await next(request, context)
    }
}
