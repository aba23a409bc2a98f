import Hummingbird

/// What becomes of a form whose token does not prove it (`CSRFMiddleware`), when it was sent
/// from one of our own pages (the browser says so: `Sec-Fetch-Site: same-origin`, or an
/// `Origin` equal to the host) — nothing is done with it, and nothing typed is lost:
/// - sent after its session expired, it is kept for the person whose session it was
///   (`KeptForms`), and the sign-in page leads them back to it (`/reprise/{token}`);
/// - sent by someone signed in from a page older than their session (a second tab left open
///   while they signed in again), it is kept for them and they are led to it at once;
/// - a visitor's form (the join request: a business and its first need, long to type) whose
///   page outlived its visitor's session is shown again, filled, by its handler
///   (`AppRequestContext.formUnproven`), with a fresh session.
/// On `/reprise/{token}` the form is sent again with the current session, so its handler
/// checks again what the person may do. Anything else is refused, as before.
struct FormRecovery: Sendable {
    let database: Database
    let clock: any AppClock

    /// Forms that are not kept: signing in and out, and what a visitor sends.
    static func isKept(path: String) -> Bool {
        !["/login", "/logout", "/session/prolonger", "/mot-de-passe-oublie"].contains(path) && !path.hasPrefix("/mot-de-passe/")
            && !path.hasSuffix("/rejoindre") && !path.hasPrefix("/api/")
    }

    /// A visitor's form that its handler shows again, filled, when its page outlived its session:
    /// the join request, and a candidate's request for the link to their page.
    static func isShownAgain(path: String) -> Bool {
        path.hasPrefix("/c/") && (path.hasSuffix("/rejoindre") || path.hasSuffix("/mon-espace/lien"))
    }

    /// Whether the browser says the form was sent from one of our pages (a form another site
    /// makes a browser send says otherwise, and is refused as before).
    static func sentFromOurPages(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite] { return site == "same-origin" }
        guard let origin = request.headers[.origin], let host = request.head.authority else { return false }
        return origin == "https://" + host || origin == "http://" + host
    }

    /// The answer to an urlencoded `form` sent to `request`'s path without a token that proves it.
    func unproven(
        _ request: Request, form: FormData, context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard request.method == .post, Self.sentFromOurPages(request) else { throw CSRFMiddleware.refused }
        if Self.isShownAgain(path: path) {
            var context = context
            context.form = form
            context.form.action = path
            context.formUnproven = true
            return try await next(request, context)
        }
        guard Self.isKept(path: path) else { throw CSRFMiddleware.refused }
        let signedIn = context.session?.user?.id
        guard let userID = signedIn ?? context.expiredUserID else { throw CSRFMiddleware.refused }
        let now = clock.now()
        let token = try await database.withTransaction(logger: context.logger) { connection in
            try await KeptForms.keep(form, action: path, userID: userID, now: now, on: connection, logger: context.logger)
        }
        context.logger.info("unproven form kept", metadata: ["action": "\(path)", "signedIn": "\(signedIn != nil)"])
        if signedIn != nil { return .seeOther("/reprise/\(token)") }
        return .seeOther("/login?expiree=1&formulaire=1&next=" + queryEscaped("/reprise/\(token)"))
    }
}
