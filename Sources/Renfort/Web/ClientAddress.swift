import Hummingbird

/// The address a request came from: the socket's peer, or the first `X-Forwarded-For` hop
/// when the server runs behind our own proxy (`RENFORT_TRUST_FORWARDED_FOR`).
enum ClientAddress {
    static func of(_ request: Request, peer: String?, trustForwardedFor: Bool) -> String {
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor] {
            let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty { return first }
        }
        return peer ?? "unknown"
    }
}
