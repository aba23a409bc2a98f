import Hummingbird

/// Loads the session named by the cookie into the context. An expired or unknown
/// cookie is cleared; static files and health checks skip the database.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let cookie: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        if path.hasPrefix("/static/") || path.hasPrefix("/health/") { return try await next(request, context) }
        guard let token = request.cookies[cookie.name]?.value, !token.isEmpty else {
            return try await next(request, context)
        }
        var context = context
        var staleCookie = false
        switch try await sessions.load(token: token, logger: context.logger) {
        case .active(let session): context.session = session
        case .expired(let wasSignedIn):
            staleCookie = true
            context.sessionExpired = wasSignedIn
        case .none: staleCookie = true
        }
        var response = try await next(request, context)
        if staleCookie && !response.headers.contains(.setCookie) {
            response.setCookie(cookie.cleared())
        }
        return response
    }
}

/// Checks the synchronizer token of every POST against the session's, before any handler
/// runs: a POST without a valid one gets 403 and changes nothing. Also decodes the form.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let maximumFormSize = 1024 * 1024
    /// A document of 5 MB and the form around it.
    static let maximumUploadSize = 5 * 1024 * 1024 + 64 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .post || request.method == .put || request.method == .patch || request.method == .delete
        else { return try await next(request, context) }
        var request = request
        var context = context
        let contentType = request.headers[.contentType] ?? ""
        var sentToken = request.headers[.xCSRFToken]
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            let body = try await request.collectBody(upTo: Self.maximumFormSize)
            context.form = FormData(urlEncoded: String(buffer: body))
            // PostgreSQL refuses NUL in text; no form of ours sends control characters but tab and newlines.
            if context.form.fields.contains(where: { $0.value.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" } }) {
                throw AppError.badRequest("Le formulaire contient des caractères non valides.")
            }
            sentToken = sentToken ?? context.form.raw("_csrf")
        } else if contentType.hasPrefix("multipart/form-data") {
            guard let boundary = Multipart.boundary(of: contentType) else { throw AppError.badRequest("Envoi de fichier mal formé.") }
            let body = try await request.collectBody(upTo: Self.maximumUploadSize)
            guard let (fields, files) = try? Multipart.parse(body, boundary: boundary) else {
                throw AppError.badRequest("Envoi de fichier mal formé.")
            }
            context.form = FormData(fields: fields)
            context.files = files
            sentToken = sentToken ?? context.form.raw("_csrf")
        }
        guard let expected = context.session?.csrfToken, let sentToken,
            Tokens.constantTimeEqual(expected, sentToken)
        else {
            throw AppError.forbidden(
                "Ce formulaire a expiré ou n'a pas été envoyé depuis Renfort. Revenez à la page précédente, rechargez-la, puis envoyez-le de nouveau.")
        }
        return try await next(request, context)
    }
}
