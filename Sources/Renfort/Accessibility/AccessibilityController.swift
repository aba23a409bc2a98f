import Hummingbird

/// `/accessibilite`: the accessibility statement (RGAA 4.1), open to everyone, signed in or not,
/// and linked from every page's footer.
struct AccessibilityController: Sendable {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/accessibilite") { _, context in
            let page = AccessibilityStatementPage(session: context.session, contact: services.configuration.accessibilityContact)
            return try services.renderer.render(page)
        }
    }
}

/// The statement's page: its text is the template's; the contact comes from the configuration.
struct AccessibilityStatementPage: PageModel {
    static let template = "accessibility/statement"

    let layout: Layout
    /// The address to write to, when one is configured (`RENFORT_ACCESSIBILITY_CONTACT`).
    let contact: String?
    let contactHref: String?

    init(session: SessionInfo?, contact: String?) {
        self.layout = Layout(title: "Déclaration d'accessibilité", session: session, membership: session?.user.flatMap { $0.memberships.count == 1 ? $0.memberships.first : nil }, currentPath: "/accessibilite")
        self.contact = contact
        self.contactHref = contact.map { $0.contains("@") && !$0.hasPrefix("mailto:") ? "mailto:\($0)" : $0 }
    }
}
