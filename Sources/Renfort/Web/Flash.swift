import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// What a POST that changed something says on the page that follows ("Embauche enregistrée.").
/// The handler answers `Response.seeOther(location, saying:)`; `FlashMiddleware` turns the
/// message into a short-lived cookie signed with the session's secret (so no other site, and
/// no other session, can write one) and shows it once, on the next HTML page of that session.
enum Flash {
    /// How a handler hands its message to the middleware (never sent to the browser).
    static let header = HTTPField.Name("X-Renfort-Flash")!

    /// The message inside a cookie's value: the text and its HMAC, both base64url.
    static func seal(_ message: String, secret: String) -> String {
        let text = Data(message.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: text, using: SymmetricKey(data: Data(secret.utf8)))
        return base64URL(text) + "." + base64URL(Data(mac))
    }

    /// The message of a cookie's value, if it was sealed with `secret`.
    static func open(_ value: String, secret: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let text = data(base64URL: String(parts[0])), let mac = data(base64URL: String(parts[1])) else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: text, using: SymmetricKey(data: Data(secret.utf8))) else { return nil }
        return String(data: text, encoding: .utf8)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

extension Response {
    /// 303 to the page that shows the result, which says `message` once at its top.
    static func seeOther(_ location: String, saying message: String) -> Response {
        var response = Response.seeOther(location)
        response.headers[Flash.header] = Flash.base64URL(Data(message.utf8))
        return response
    }
}

/// Carries the messages of `Response.seeOther(_:saying:)` to the next page: signs them into a
/// cookie, reads them back into `session.flash` (which every page's `Layout` shows), and
/// forgets them once an HTML page has shown them.
struct FlashMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let behindTLS: Bool

    var name: String { behindTLS ? "__Host-renfort_flash" : "renfort_flash" }

    func cookie(_ value: String) -> Cookie {
        Cookie(name: name, value: value, maxAge: value.isEmpty ? 0 : 300, path: "/", secure: behindTLS, httpOnly: true, sameSite: .lax)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let sent = request.cookies[name]?.value ?? ""
        var readable = false
        if !sent.isEmpty, let secret = context.session?.csrfToken, let message = Flash.open(sent, secret: secret) {
            context.session?.flash = message
            readable = true
        }
        let secret = context.session?.csrfToken
        var response = try await next(request, context)
        if let encoded = response.headers[Flash.header] {
            response.headers[Flash.header] = nil
            if let secret, let data = Flash.data(base64URL: encoded), let message = String(data: data, encoding: .utf8) {
                response.setCookie(cookie(Flash.seal(message, secret: secret)))
                return response
            }
        }
        let shown = readable && (response.headers[.contentType]?.hasPrefix("text/html") ?? false)
        if !sent.isEmpty && (shown || !readable) { response.setCookie(cookie("")) }
        return response
    }
}

extension FormSubmissions {
    /// What a form sent twice says the second time: the first did the work.
    static let alreadyDoneMessage = "Ce formulaire était déjà enregistré : rien de plus n'a été fait."
}
