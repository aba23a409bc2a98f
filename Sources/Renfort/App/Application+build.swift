import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

/// Builds the whole server: the same function serves `renfort serve` and the tests.
public func buildApplication(
    configuration: AppConfiguration, clock: any AppClock = SystemClock(), logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "renfort")
    logger.logLevel = configuration.logLevel
    let client = PostgresClient(
        configuration: configuration.databaseURL.clientConfiguration(maximumConnections: configuration.maximumDatabaseConnections),
        backgroundLogger: logger)
    let database = Database(client: client, connectionWait: configuration.databaseWait)
    let replicaClients = configuration.replicaURLs.map {
        PostgresClient(configuration: $0.clientConfiguration(maximumConnections: configuration.maximumDatabaseConnections), backgroundLogger: logger)
    }
    let router = try await buildRouter(configuration: configuration, client: client, replicaClients: replicaClients, clock: clock)
    var services: [any Service] = [client] + replicaClients
    if configuration.followUpReminders {
        services.append(FollowUpReminders(database: database, clock: clock, baseURL: configuration.baseURL, logger: logger))
        services.append(NotificationDigests(database: database, clock: clock, baseURL: configuration.baseURL, logger: logger))
        services.append(PersonalDataPurge(database: database, clock: clock, logger: logger))
        services.append(RetentionQuestions(database: database, clock: clock, baseURL: configuration.baseURL, logger: logger))
        services.append(AccessLogRetention(database: database, clock: clock, logger: logger))
    }
    if configuration.mail != nil || configuration.sms != nil {
        services.append(OutboxDelivery(database: database, mail: configuration.mail, sms: configuration.sms, clock: clock, logger: logger))
    }
    if configuration.mail == nil { logger.notice("no RENFORT_SENDMAIL: e-mails wait in the outbox (admins see them at /admin/envois)") }
    if configuration.sms == nil { logger.notice("no RENFORT_SMS_COMMAND: text messages wait in the outbox (admins see them at /admin/envois)") }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.hostname, port: configuration.port), serverName: nil),
        services: services,
        logger: logger)
}

/// The router with every route and middleware; tests read its route list.
func buildRouter(configuration: AppConfiguration, client: PostgresClient, replicaClients: [PostgresClient] = [], clock: any AppClock) async throws
    -> Router<AppRequestContext>
{
    AppMetrics.bootstrap()
    AppMetrics.connectionsMaximum.set(configuration.maximumDatabaseConnections)
    let database = Database(client: client, connectionWait: configuration.databaseWait)
    let renderer = try await PageRenderer(directory: configuration.templatesDirectory)
    let services = AppServices(
        configuration: configuration, database: database, renderer: renderer, clock: clock,
        sessions: SessionStore(database: database, clock: clock),
        cookie: SessionCookie(behindTLS: configuration.behindTLS),
        hasher: PasswordHasher(cost: configuration.bcryptCost),
        throttle: SignInThrottle(database: database, clock: clock, slowdown: configuration.signInSlowdown),
        apiLimiter: APIRateLimiter(perMinute: configuration.apiRequestsPerMinute),
        figures: FigureStore(database: database, concurrentComputations: configuration.concurrentFigureComputations),
        matches: MatchStore(),
        searches: CandidateSearchStore(),
        reads: ReadReplicas(
            primary: database,
            // A replica that gives no connection within a second (or the probe's time, when longer) is left for the primary.
            replicas: zip(configuration.replicaURLs, replicaClients).map {
                .init(name: "\($0.host):\($0.port)", database: Database(client: $1, connectionWait: max(.seconds(1), configuration.replicaProbeTimeout)))
            },
            maxLag: configuration.replicaMaxLag, clock: clock, probeTimeout: configuration.replicaProbeTimeout),
        minimumWages: try MinimumWages.load(directory: configuration.schemaDirectory + "/data"))

    let staticFiles = try StaticFilesMiddleware<AppRequestContext>(directory: configuration.templatesDirectory + "/static")
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        MetricsMiddleware()
        RequestLogMiddleware()
        SecurityHeadersMiddleware(behindTLS: configuration.behindTLS)
        ErrorPageMiddleware(renderer: renderer)
        QueryStringMiddleware()
        staticFiles
        SessionMiddleware(sessions: services.sessions, cookie: services.cookie)
        FlashMiddleware(behindTLS: configuration.behindTLS)
        CSRFMiddleware(recovery: FormRecovery(database: database, clock: clock))
    }
    HealthController(database: database).addRoutes(to: router)
    MetricsController(database: database, token: configuration.metricsToken, clock: clock).addRoutes(to: router)
    SignInController(services: services).addRoutes(to: router)
    AccessibilityController(services: services).addRoutes(to: router)

    let signedIn = router.group(context: SignedInContext.self)
    let centre = signedIn.group("c/{centre}", context: CentreContext.self)
    HomeController(services: services).addRoutes(root: router, signedIn: signedIn, centre: centre)
    BusinessController(services: services).addRoutes(to: centre)
    JobNeedController(services: services).addRoutes(to: centre)
    JoinController(services: services).addRoutes(root: router, centre: centre)
    PortalController(services: services).addRoutes(to: router)
    OfferController(services: services).addRoutes(root: router, centre: centre)
    CandidateController(services: services).addRoutes(to: centre)
    ErasureController(services: services).addRoutes(to: centre)
    ConsentController(services: services).addRoutes(root: router, centre: centre)
    PipelineController(services: services).addRoutes(to: centre)
    MatchingController(services: services).addRoutes(to: centre)
    RehireController(services: services).addRoutes(to: centre)
    SeasonsController(services: services).addRoutes(to: centre)
    SharedPostController(services: services).addRoutes(to: centre)
    PlacementController(services: services).addRoutes(to: centre)
    RejectionReasonsController(services: services).addRoutes(to: centre)
    FollowUpController(services: services).addRoutes(to: centre)
    FollowUpSettingsController(services: services).addRoutes(to: centre)
    NotificationSettingsController(services: services).addRoutes(to: centre)
    MessageTemplatesController(services: services).addRoutes(to: centre)
    MessagesController(services: services).addRoutes(to: centre)
    DataAccessController(services: services).addRoutes(to: centre)
    DashboardController(services: services).addRoutes(root: router, signedIn: signedIn, centre: centre)
    try APIController(services: services).addRoutes(root: router)
    ProfileController(services: services).addRoutes(to: signedIn)
    KeptFormController(services: services).addRoutes(to: signedIn)
    AdminController(services: services).addRoutes(to: signedIn.group("admin", context: AdminContext.self))
    return router
}
