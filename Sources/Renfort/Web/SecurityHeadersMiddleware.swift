import Hummingbird
import HTTPTypes

/// Adds the security headers to every response: pages, errors, redirects and static files.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let behindTLS: Bool

    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The error page middleware answers every error; this is the last resort.
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            response = Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "Erreur interne (\(context.id))")))
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if behindTLS {
            response.headers[.strictTransportSecurity] = "max-age=63072000; includeSubDomains"
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        response.headers[.xRequestID] = context.id
        return response
    }
}
