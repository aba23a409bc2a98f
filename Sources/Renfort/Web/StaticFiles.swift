import Crypto
import Foundation
import Hummingbird

/// Serves `templates/static/` (our CSS, a little JavaScript), read once at start.
struct StaticFilesMiddleware<Context: RequestContext>: RouterMiddleware {
    struct File: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    let files: [String: File]

    init(directory: String) throws {
        var files: [String: File] = [:]
        let root = URL(fileURLWithPath: directory)
        if let enumerator = FileManager.default.enumerator(atPath: directory) {
            for case let relative as String in enumerator {
                let url = root.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let data = try Data(contentsOf: url)
                let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
                files["/static/" + relative] = File(
                    body: ByteBuffer(bytes: data), contentType: Self.contentType(of: relative), etag: "\"\(digest)\"")
            }
        }
        self.files = files
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard path.hasPrefix("/static/"), request.method == .get || request.method == .head else {
            return try await next(request, context)
        }
        guard let file = files[path] else { throw AppError.notFound }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .cacheControl: "public, max-age=3600",
        ]
        if request.headers[.ifNoneMatch] == file.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.body.readableBytes)
        return Response(status: .ok, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: file.body))
    }
}
