import Hummingbird

/// A form posted after its session expired is not lost: it is kept for the person whose
/// session it was (`KeptForms`), and the sign-in page leads them back to it
/// (`/reprise/{token}`), where it is sent again with their new session — so the handler checks
/// again what they may do. Runs before `CSRFMiddleware`, which would refuse it.
struct FormRecoveryMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let database: Database
    let clock: any AppClock

    /// Forms that are not kept: signing in and out, and what a visitor sends.
    static func isKept(path: String) -> Bool {
        !["/login", "/logout", "/session/prolonger", "/mot-de-passe-oublie"].contains(path) && !path.hasPrefix("/mot-de-passe/")
            && !path.hasSuffix("/rejoindre") && !path.hasPrefix("/api/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only urlencoded forms: an upload's body is never read for someone not signed in.
        guard request.method == .post, context.session?.user == nil, let userID = context.expiredUserID,
            (request.headers[.contentType] ?? "").hasPrefix("application/x-www-form-urlencoded"), Self.isKept(path: request.uri.path)
        else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: CSRFMiddleware.maximumFormSize)
        let form = FormData(urlEncoded: String(buffer: body))
        try InputRules.check(form)
        let now = clock.now()
        let path = request.uri.path
        let token = try await database.withTransaction(logger: context.logger) { connection in
            try await KeptForms.keep(form, action: path, userID: userID, now: now, on: connection, logger: context.logger)
        }
        context.logger.info("form kept after the session expired", metadata: ["action": "\(path)"])
        return .seeOther("/login?expiree=1&formulaire=1&next=" + queryEscaped("/reprise/\(token)"))
    }
}
