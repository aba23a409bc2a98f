import Foundation
import Hummingbird
import Logging
import NIOCore

/// An API request: who calls (token or session), resolved by `APIAuthMiddleware`.
struct APIContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let caller: APICaller

    init(context: AppRequestContext) throws {
        guard let caller = context.apiCaller else {
            throw AppError.apiUnauthorized("Authentification requise : un jeton d'API (Authorization: Bearer …) ou une session.")
        }
        self.coreContext = context.coreContext
        self.caller = caller
    }

    /// The centres whose figures the caller may read: those they observe or advise.
    var readableCentres: [Membership] {
        caller.user.memberships.filter { $0.role == .observer || $0.role == .adviser }
    }
}

/// Authenticates API calls by a personal token (`Authorization: Bearer …`) or the signed-in
/// session, limits their rate per caller, and logs each one with the token's name.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: APITokens
    let limiter: APIRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let caller: APICaller
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let found = try await tokens.authenticate(token: parts[1].trimmingCharacters(in: .whitespaces), logger: context.logger)
            else {
                context.logger.notice("api token refused", metadata: ["path": "\(request.uri.path)"])
                throw AppError.apiUnauthorized("Jeton d'API inconnu, révoqué ou mal formé.")
            }
            caller = found
        } else if let user = context.session?.user {
            caller = APICaller(user: user, tokenID: nil, tokenName: nil)
        } else {
            throw AppError.apiUnauthorized("Authentification requise : un jeton d'API (Authorization: Bearer …) ou une session.")
        }
        context.apiCaller = caller
        let key = caller.tokenID.map { "token:\($0)" } ?? "user:\(caller.user.id)"
        var logger = context.logger
        logger[metadataKey: "api_token"] = "\(caller.tokenName ?? "(session)")"
        logger[metadataKey: "user_id"] = "\(caller.user.id)"
        if let retry = await limiter.take(key) {
            logger.notice("api rate limited", metadata: ["path": "\(request.uri.path)"])
            throw AppError.tooManyRequests(retryAfter: retry, message: "Trop de requêtes : \(limiter.perMinute) par minute au plus. Réessayez dans \(retry) s.")
        }
        do {
            let response = try await next(request, context)
            logger.info("api request", metadata: ["path": "\(request.uri.path)", "status": "\(response.status.code)"])
            return response
        } catch {
            logger.info("api request", metadata: ["path": "\(request.uri.path)", "status": "\((error as? AppError)?.status.code ?? (error is DatabaseUnavailable ? 503 : 500))"])
            throw error
        }
    }
}

/// The pull API: `/api/v1/centres`, a centre's metrics, all the caller's centres together,
/// and its OpenAPI description.
struct APIController: Sendable {
    let services: AppServices
    let openAPI: ByteBuffer

    init(services: AppServices) throws {
        self.services = services
        let path = services.configuration.templatesDirectory + "/api/openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw APIError.missingDocument(path) }
        self.openAPI = ByteBuffer(bytes: data)
    }

    enum APIError: Error { case missingDocument(String) }

    func addRoutes(root: Router<AppRequestContext>) {
        root.get("api/v1/openapi.json", use: document)
        let api = root.group("api/v1")
            .add(middleware: APIAuthMiddleware(tokens: APITokens(database: services.database, clock: services.clock), limiter: services.apiLimiter))
            .group(context: APIContext.self)
        api.get("centres", use: centres)
        api.get("centres/{centre}/metrics", use: centreMetrics)
        api.get("metrics", use: allMetrics)
        api.get("centres/{centre}/stage-durations", use: centreStageDurations)
    }

    /// An answer's JSON: keys sorted (answers are stable, dictionaries included), slashes not
    /// escaped, absent optionals left out.
    static func encoded(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    static func json(asOf: Date? = nil, _ value: some Encodable) throws -> Response {
        answer(try encoded(value), asOf: asOf)
    }

    @Sendable func document(request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: openAPI))
    }

    struct CentreRef: Codable, Sendable {
        let slug: String
        let name: String
        let role: String
    }

    struct CentreList: Codable, Sendable {
        let centres: [CentreRef]
    }

    static func reference(_ membership: Membership) -> CentreRef {
        CentreRef(slug: membership.centreSlug, name: membership.centreName, role: membership.role.rawValue)
    }

    @Sendable func centres(request: Request, context: APIContext) async throws -> Response {
        try Self.json(CentreList(centres: context.readableCentres.map(Self.reference)))
    }

    /// A centre and its metrics in one object: `{"centre": {…}, "permanent_posts_created": …}`.
    struct CentreAnswer: Encodable, Sendable {
        let centre: CentreRef
        let metrics: CentreMetrics

        enum Keys: String, CodingKey { case centre }

        func encode(to encoder: any Encoder) throws {
            try metrics.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(centre, forKey: .centre)
        }
    }

    struct AllAnswer: Encodable, Sendable {
        let from: String
        let to: String
        let centres: [CentreAnswer]
        let total: CentreMetrics
    }

    /// What an answer shows besides the figures (each centre's reference with the caller's
    /// role): the same for the same answer, whose bytes are kept beside the figures
    /// (`FigureStore.answer`).
    static func kind(_ name: String, _ centres: [Membership]) -> String {
        ([name] + centres.map { "\($0.centreSlug)\u{1F}\($0.centreName)\u{1F}\($0.role.rawValue)" }).joined(separator: "\u{1E}")
    }

    /// The answer's bytes; read from a replica, with `Renfort-Data-As-Of` saying how current
    /// its figures are (ISO 8601, UTC).
    static func answer(_ bytes: ByteBuffer, asOf: Date? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let asOf { headers[.renfortDataAsOf] = asOf.formatted(.iso8601) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    @Sendable func centreMetrics(request: Request, context: APIContext) async throws -> Response {
        guard let slug = context.parameters.get("centre"), let centre = context.readableCentres.first(where: { $0.centreSlug == slug }) else {
            throw AppError.notFound
        }
        let today = Day(services.clock.now())
        let filter = try MetricsFilter(request: request, today: today)
        return try await services.reads.read(logger: context.logger) { reading in
            Self.answer(
                try await services.figures.answer(
                    Self.kind("centre", [centre]), centres: [centre], filter: filter, asOf: today, on: reading.database, logger: context.logger
                ) {
                    try Self.encoded(CentreAnswer(centre: Self.reference(centre), metrics: CentreMetrics($0[0], filter: filter)))
                }, asOf: reading.asOf)
        }
    }

    /// Median days in each stage of the pipeline, overall and per need (`StageDurations`).
    struct StageDurationsAnswer: Encodable, Sendable {
        let centre: CentreRef
        let from: String
        let to: String
        let stage_durations: StageDurations.Result
    }

    @Sendable func centreStageDurations(request: Request, context: APIContext) async throws -> Response {
        guard let slug = context.parameters.get("centre"), let centre = context.readableCentres.first(where: { $0.centreSlug == slug }) else {
            throw AppError.notFound
        }
        let filter = try MetricsFilter(request: request, today: Day(services.clock.now()))
        let (result, asOf) = try await services.reads.read(logger: context.logger) { reading in
            (try await reading.database.withTransaction(tenant: centre.centreID, user: context.caller.user.id, logger: context.logger) { connection in
                try await StageDurations.compute(filter: filter, on: connection, logger: context.logger)
            }, reading.asOf)
        }
        return try Self.json(asOf: asOf, StageDurationsAnswer(centre: Self.reference(centre), from: filter.from.iso, to: filter.to.iso, stage_durations: result))
    }

    @Sendable func allMetrics(request: Request, context: APIContext) async throws -> Response {
        let centres = context.readableCentres
        guard !centres.isEmpty else { throw AppError.notFound }
        let today = Day(services.clock.now())
        let filter = try MetricsFilter(request: request, today: today)
        return try await services.reads.read(logger: context.logger) { reading in
            Self.answer(
                try await services.figures.answer(
                    Self.kind("all", centres), centres: centres, filter: filter, asOf: today, on: reading.database, logger: context.logger
                ) { figures in
                    try Self.encoded(AllAnswer(
                        from: filter.from.iso, to: filter.to.iso,
                        centres: zip(centres, figures).map { CentreAnswer(centre: Self.reference($0), metrics: CentreMetrics($1, filter: filter)) },
                        total: CentreMetrics(Figures.sum(figures), filter: filter)))
                }, asOf: reading.asOf)
        }
    }
}
