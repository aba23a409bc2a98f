import Foundation
import Hummingbird
import NIOCore

extension Response {
    /// A file to download, never shown inline: its name in ASCII and in UTF-8 (RFC 6266).
    static func attachment(filename: String, contentType: String, content: ByteBuffer) -> Response {
        let ascii = String(filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
                .cacheControl: "private, no-store",
            ],
            body: .init(byteBuffer: content))
    }
}
