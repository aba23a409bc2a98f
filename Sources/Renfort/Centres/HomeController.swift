import Hummingbird

/// Where each role lands: the adviser's worklist, the employer's business, the observer's
/// centres, and a chooser for people with several centres.
struct HomeController: Sendable {
    let services: AppServices
    let businesses: BusinessController

    func addRoutes(root: Router<AppRequestContext>, signedIn: RouterGroup<SignedInContext>, centre: RouterGroup<CentreContext>) {
        root.get("/", use: rootPage)
        signedIn.get("accueil", use: chooser)
        centre.get("", use: centreHome)
    }

    @Sendable func rootPage(request: Request, context: AppRequestContext) async throws -> Response {
        .seeOther(context.session?.user?.homePath ?? "/login")
    }

    struct CentreLink: Sendable {
        let href: String
        let name: String
        let roleLabel: String
    }

    struct ChooserPage: Sendable {
        let layout: Layout
        let centres: [CentreLink]
        let isEmpty: Bool
        let isAdmin: Bool
    }

    @Sendable func chooser(request: Request, context: SignedInContext) async throws -> Response {
        let page = ChooserPage(
            layout: Layout(title: "Mes centres", session: context.session, currentPath: "/accueil"),
            centres: context.user.memberships.map {
                CentreLink(href: "/c/\($0.centreSlug)", name: $0.centreName, roleLabel: $0.role.label)
            },
            isEmpty: context.user.memberships.isEmpty, isAdmin: context.user.isAdmin)
        return try services.renderer.render("home/chooser", page)
    }

    struct QueueRow: Sendable {
        let href: String
        let title: String
        let businessName: String
        let contract: String
        let positions: Int
        let submitted: String
        let hardToFill: Bool
    }

    struct AdviserHome: Sendable {
        let layout: Layout
        let centreName: String
        let businessCount: Int
        let businessesHref: String
        let queue: [QueueRow]
        let queueCount: Int
        let hasQueue: Bool
        let needsHref: String
        let pendingJoins: Int
        let joinsHref: String
        let worklist: Worklist
        let hasAwaitingEmployer: Bool
        let hasEmployerAnswers: Bool
        let hasInterviews: Bool
        let hasStale: Bool
        let hasPendingOffers: Bool
        let followUpsOverdue: Int
        let followUpsThisWeek: Int
        let followUpsAtRisk: Int
        let followUpsAlerts: Int
        let followUpsHref: String
    }

    @Sendable func centreHome(request: Request, context: CentreContext) async throws -> Response {
        let path = "/c/\(context.membership.centreSlug)"
        switch context.role {
        case .adviser:
            let now = services.clock.now()
            let (count, queue, pending, (worklist, followUps)) = try await services.database.withTransaction(tenant: context.tenantID, logger: context.logger) { connection in
                let count = try await connection.value("SELECT count(*) FROM businesses WHERE status = 'member'", as: Int.self, logger: context.logger) ?? 0
                let queue = try await JobNeedRepository.intakeQueue(limit: 25, on: connection, logger: context.logger)
                let pending = try await BusinessRepository.pending(on: connection, logger: context.logger).count
                let worklist = try await Worklist.load(now: now, base: path, on: connection, logger: context.logger)
                let today = Day(now)
                let followUps = try await connection.first(
                    """
                    SELECT count(*) FILTER (WHERE k.due_on < \(today.iso)::date),
                           count(*) FILTER (WHERE k.due_on BETWEEN \(today.iso)::date AND \(today.iso)::date + 7),
                           (SELECT count(*) FROM placements WHERE at_risk AND ended_on IS NULL),
                           (SELECT count(*) FROM placement_alerts WHERE handled_at IS NULL)
                    FROM check_ins k JOIN placements p ON p.tenant_id = k.tenant_id AND p.id = k.placement_id
                    WHERE k.done_on IS NULL AND NOT k.closed AND p.ended_on IS NULL
                    """, as: (Int.self, Int.self, Int.self, Int.self), logger: context.logger) ?? (0, 0, 0, 0)
                return (count, queue, pending, (worklist, followUps))
            }
            let page = AdviserHome(
                layout: Layout(title: "Mes suivis", session: context.session, membership: context.membership, currentPath: path),
                centreName: context.membership.centreName, businessCount: count, businessesHref: "\(path)/entreprises",
                queue: queue.map {
                    QueueRow(href: "\(path)/besoins/\($0.id)", title: $0.title, businessName: $0.businessName, contract: $0.contractKind.label,
                             positions: $0.positions, submitted: Formats.day($0.submittedAt), hardToFill: $0.hardToFill)
                },
                queueCount: queue.count, hasQueue: !queue.isEmpty, needsHref: "\(path)/besoins?statut=submitted",
                pendingJoins: pending, joinsHref: "\(path)/adhesions", worklist: worklist,
                hasAwaitingEmployer: !worklist.awaitingEmployer.isEmpty, hasEmployerAnswers: !worklist.employerAnswers.isEmpty,
                hasInterviews: !worklist.interviewsThisWeek.isEmpty, hasStale: !worklist.stale.isEmpty, hasPendingOffers: !worklist.pendingOffers.isEmpty,
                followUpsOverdue: followUps.0, followUpsThisWeek: followUps.1, followUpsAtRisk: followUps.2, followUpsAlerts: followUps.3,
                followUpsHref: "\(path)/suivis")
            return try services.renderer.render("home/adviser", page)
        case .employer:
            guard let id = context.membership.businessID else { throw AppError.notFound }
            return try await businesses.page(id: id, context: context, notice: nil, invite: ("", ""), errors: FormErrors(), status: .ok)
        case .observer:
            // The observer's centre page is its dashboard, for the last twelve months.
            return try await DashboardController(services: services).page(request: request, context: context)
        }
    }
}
