import Foundation
import Hummingbird

/// The session cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`; behind TLS also `Secure`
/// with the `__Host-` prefix, so that no other site or path can set it.
struct SessionCookie: Sendable {
    let behindTLS: Bool

    var name: String { behindTLS ? "__Host-renfort_session" : "renfort_session" }

    func make(_ token: String) -> Cookie {
        Cookie(name: name, value: token, path: "/", secure: behindTLS, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget the session.
    func cleared() -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: behindTLS, httpOnly: true, sameSite: .lax)
    }
}
