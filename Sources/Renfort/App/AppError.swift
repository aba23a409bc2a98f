import Hummingbird

/// What a handler can answer instead of a page: each becomes an error page or a redirect.
public enum AppError: Error, Sendable {
    /// Missing, or not the user's to see: the same answer for both, so that nothing leaks.
    case notFound
    /// A refused request, such as a form without its CSRF token.
    case forbidden(String)
    /// Not signed in (or the session expired): back to the sign-in page.
    case signInRequired(expired: Bool)
    /// Too many attempts: try again after this many seconds.
    case tooManyRequests(retryAfter: Int, message: String)
    /// A request no form of ours sends.
    case badRequest(String)
    /// An API call without a valid token or session: 401 with a JSON body.
    case apiUnauthorized(String)

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .signInRequired: .seeOther
        case .tooManyRequests: .tooManyRequests
        case .badRequest: .badRequest
        case .apiUnauthorized: .unauthorized
        }
    }
}
