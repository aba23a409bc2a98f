import Hummingbird
import Logging
import NIOCore

/// The context of every request: the session (if any) and the decoded form of a POST.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SessionMiddleware` from the cookie.
    public var session: SessionInfo?
    /// Set by `CSRFMiddleware` for a POST: the form's fields, its token already checked.
    public var form: FormData
    /// Files of a multipart POST, already read.
    var files: [UploadedFile] = []
    /// The request carried a session cookie that has expired.
    public var sessionExpired: Bool
    /// Whose that expired session was, when someone had signed in with it.
    var expiredUserID: Int64?
    /// A visitor's form sent from a page that outlived its session (`FormRecovery`): its
    /// handler shows it again, filled, and does nothing else.
    var formUnproven = false
    /// The peer's address as the socket saw it (tests have none).
    public let peerAddress: String?
    /// Set by `APIAuthMiddleware` for an API call: who calls, by token or session.
    public var apiCaller: APICaller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.session = nil
        self.form = FormData()
        self.sessionExpired = false
        self.apiCaller = nil
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// A request from a signed-in person: handlers under it cannot be reached without one.
public struct SignedInContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let session: SessionInfo
    public let user: CurrentUser
    public let form: FormData
    let files: [UploadedFile]

    public init(context: AppRequestContext) throws {
        guard let session = context.session, let user = session.user else {
            throw AppError.signInRequired(expired: context.sessionExpired)
        }
        self.coreContext = context.coreContext
        self.session = session
        self.user = user
        self.form = context.form
        self.files = context.files
    }
}

/// A request inside one centre (`/c/{centre}/…`): the tenant, resolved once from the
/// signed-in person's memberships. Someone with no role in that centre gets a 404.
public struct CentreContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let session: SessionInfo
    public let user: CurrentUser
    public let form: FormData
    let files: [UploadedFile]
    public let membership: Membership

    public init(context: SignedInContext) throws {
        guard let slug = context.parameters.get("centre"),
            let membership = context.user.memberships.first(where: { $0.centreSlug == slug })
        else { throw AppError.notFound }
        self.coreContext = context.coreContext
        self.session = context.session
        self.user = context.user
        self.form = context.form
        self.files = context.files
        self.membership = membership
    }

    /// The centre's id, the tenant of every query made for this request.
    public var tenantID: Int64 { membership.centreID }
    public var role: Role { membership.role }

    /// A page for some roles only: to anyone else it does not exist.
    func require(_ roles: Role...) throws {
        guard roles.contains(membership.role) else { throw AppError.notFound }
    }
}

/// A request from a platform admin: to anyone else the admin pages do not exist.
public struct AdminContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let session: SessionInfo
    public let user: CurrentUser
    public let form: FormData

    public init(context: SignedInContext) throws {
        guard context.user.isAdmin else { throw AppError.notFound }
        self.coreContext = context.coreContext
        self.session = context.session
        self.user = context.user
        self.form = context.form
    }
}
