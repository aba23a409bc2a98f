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
        case .expired(let userID):
            staleCookie = true
            context.sessionExpired = userID != nil
            context.expiredUserID = userID
        case .none: staleCookie = true
        }
        var response = try await next(request, context)
        if staleCookie && !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(cookie.name + "=") }) {
            response.setCookie(cookie.cleared())
        }
        return response
    }
}

/// Checks the synchronizer token of every POST against the session's, before any handler
/// runs: a POST without a valid one gets 403 and changes nothing. Also decodes the form;
/// an upload's files are read only once its token is proven (`MultipartUpload`).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// What becomes of an urlencoded form its token does not prove.
    let recovery: FormRecovery
    static let maximumFormSize = 1024 * 1024
    /// A document of 5 MB and the form around it.
    static let maximumUploadSize = 5 * 1024 * 1024 + 64 * 1024
    static let refused = AppError.forbidden(
        "Ce formulaire a expiré ou n'a pas été envoyé depuis Renfort. Revenez à la page précédente, rechargez-la, puis envoyez-le de nouveau.")

    /// The one form a visitor sends with a file: an application to an offer, with its CV.
    static func visitorsUpload(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[1] == "c" && parts[3] == "offres" && parts[5] == "candidater"
    }

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
            try InputRules.check(context.form)
            sentToken = sentToken ?? context.form.raw("_csrf")
        } else if contentType.hasPrefix("multipart/form-data") {
            // Only signed-in people upload, and visitors applying to an offer (with the session its
            // page gave them): without one, or with a wrong token in the header, not a byte of the
            // body is read (MultipartKit's parser spends about 0.9 s on 5 MB of CR bytes).
            guard let session = context.session, session.user != nil || Self.visitorsUpload(request.uri.path),
                sentToken.map({ Tokens.constantTimeEqual(session.csrfToken, $0) }) ?? true
            else { throw Self.refused }
            let expected = session.csrfToken
            guard let boundary = MultipartUpload.boundary(of: contentType) else { throw AppError.badRequest("Envoi de fichier mal formé.") }
            let upload: MultipartUpload
            do {
                upload = try await MultipartUpload.read(
                    request.body, boundary: boundary, limit: Self.maximumUploadSize, token: sentToken == nil ? expected : nil)
            } catch let failure as MultipartUpload.Failure {
                switch failure {
                case .unproven: throw Self.refused
                case .tooLarge: throw HTTPError(.contentTooLarge)
                case .malformed: throw AppError.badRequest("Envoi de fichier mal formé.")
                }
            }
            context.form = FormData(fields: upload.fields)
            try InputRules.check(context.form)
            context.files = upload.files
            sentToken = sentToken ?? context.form.raw("_csrf")
        }
        guard let expected = context.session?.csrfToken, let sentToken,
            Tokens.constantTimeEqual(expected, sentToken)
        else {
            guard contentType.hasPrefix("application/x-www-form-urlencoded") else { throw Self.refused }
            return try await recovery.unproven(request, form: context.form, context: context, next: next)
        }
        context.form.action = request.uri.path
        return try await next(request, context)
    }
}
