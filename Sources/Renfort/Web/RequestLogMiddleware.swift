import Hummingbird
import Logging

/// Logs each request once it is answered (method, route, status, time); `MetricsMiddleware` counts it.
/// Logs the route pattern, not the raw path, so that tokens in links never reach the logs.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? (request.uri.path.hasPrefix("/static/") ? "/static" : "unmatched")
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)",
                "status": "\(response.status.code)", "ms": "\(Int(milliseconds.rounded()))",
            ])
        return response
    }
}
