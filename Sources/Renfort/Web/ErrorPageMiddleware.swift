import Foundation
import Hummingbird
import HTTPTypes
import Logging
import PostgresNIO

/// Turns every error into a French page with the request id, or a redirect to sign in.
/// Never shows internals: unexpected errors are logged with the request id instead.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/api/") else { return try await pageError(request, context: context, next: next) }
        do {
            return try await next(request, context)
        } catch {
            // The API answers its errors in JSON, with the same codes and messages.
            return apiError(error, context: context)
        }
    }

    /// `{"error": {"status": 401, "message": "…", "request_id": "…"}}`.
    private func apiError(_ error: any Error, context: Context) -> Response {
        var code = 500
        var message: String? = nil
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        switch error {
        case let error as AppError:
            code = Int(error.status.code)
            switch error {
            case .apiUnauthorized(let text):
                message = text
                headers[.wwwAuthenticate] = "Bearer realm=\"renfort\""
            case .forbidden(let text), .badRequest(let text): message = text
            case .tooManyRequests(let retryAfter, let text):
                message = text
                headers[.retryAfter] = String(retryAfter)
            case .notFound: break
            case .signInRequired:
                code = 401
                message = "Authentification requise : un jeton d'API (Authorization: Bearer …) ou une session."
                headers[.wwwAuthenticate] = "Bearer realm=\"renfort\""
            }
        case let error as DatabaseUnavailable:
            code = 503
            headers[.retryAfter] = String(DatabaseUnavailable.retryAfter)
            context.logger.warning("database unavailable", metadata: ["reason": "\(error.reason)"])
        case let error as any HTTPResponseError:
            code = Int(error.status.code)
            if code >= 500 { context.logger.error("server error", metadata: ["error": "\(String(reflecting: error))"]) }
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
        }
        if code == 404 { message = "Cette ressource n'existe pas, ou vous n'y avez pas accès." }
        let body = APIErrorBody(error: .init(status: code, message: message ?? Self.texts(for: code).1, request_id: context.id))
        return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())))
    }

    /// The API's error answer.
    private struct APIErrorBody: Encodable {
        struct Detail: Encodable {
            let status: Int
            let message: String
            let request_id: String
        }
        let error: Detail
    }

    private func pageError(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            switch error {
            case .apiUnauthorized(let message):
                return try page(401, message: message, context: context)
            case .signInRequired(let expired):
                var location = "/login"
                var query: [String] = []
                if request.method == .get, let path = safeLocalPath(request.uri.string), path != "/" {
                    query.append("next=\(queryEscaped(path))")
                }
                if expired { query.append("expiree=1") }
                if !query.isEmpty { location += "?" + query.joined(separator: "&") }
                return .seeOther(location)
            case .notFound:
                return try page(404, context: context)
            case .forbidden(let message):
                context.logger.info("refused", metadata: ["reason": "\(message)"])
                return try page(403, message: message, context: context)
            case .badRequest(let message):
                return try page(400, message: message, context: context)
            case .tooManyRequests(let retryAfter, let message):
                var response = try page(429, message: message, context: context)
                response.headers[.retryAfter] = String(retryAfter)
                return response
            }
        } catch let error as DatabaseUnavailable {
            context.logger.warning("database unavailable", metadata: ["reason": "\(error.reason)"])
            var response = try page(503, context: context)
            response.headers[.retryAfter] = String(DatabaseUnavailable.retryAfter)
            return response
        } catch let error as any HTTPResponseError {
            let code = Int(error.status.code)
            if code >= 500 { context.logger.error("server error", metadata: ["error": "\(String(reflecting: error))"]) }
            return try page(code, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return try page(500, context: context)
        }
    }

    private func page(_ code: Int, message: String? = nil, context: Context) throws -> Response {
        let (title, defaultMessage) = Self.texts(for: code)
        let model = ErrorPage(
            layout: Layout(title: title, session: nil, currentPath: ""),
            code: code, title: title, message: message ?? defaultMessage, requestID: context.id)
        return try renderer.render("errors/error", model, status: .init(code: code))
    }

    static func texts(for code: Int) -> (String, String) {
        switch code {
        case 401: ("Authentification requise", "Cette adresse demande une authentification.")
        case 400: ("Requête invalide", "La requête envoyée n'a pas pu être comprise.")
        case 403: ("Accès refusé", "Vous n'avez pas accès à cette action.")
        case 404: ("Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès.")
        case 405: ("Action impossible", "Cette adresse n'accepte pas cette action.")
        case 413: ("Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée : 5 Mo pour un document, 1 Mo pour un formulaire.")
        case 422: ("Données invalides", "Les données envoyées ne sont pas valides.")
        case 429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez avant de réessayer.")
        case 503: ("Service indisponible", "Le service est momentanément indisponible. Réessayez dans quelques instants.")
        default:
            code >= 500
                ? ("Erreur du serveur", "Une erreur inattendue s'est produite. L'équipe technique peut la retrouver grâce au numéro ci-dessous.")
                : ("Requête refusée", "Cette requête n'a pas pu aboutir.")
        }
    }
}

/// The model of `errors/error.mustache`.
struct ErrorPage: Sendable {
    let layout: Layout
    let code: Int
    let title: String
    let message: String
    let requestID: String
}
