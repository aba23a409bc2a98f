import Foundation
import Hummingbird
import Logging
import Mustache
import NIOConcurrencyHelpers

/// Renders the mustache templates of `templates/` into HTML responses.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    public init(directory: String) async throws {
        EscapedHTML.register()
        self.library = try await MustacheLibrary(directory: directory)
    }

    /// The page `template` filled from `model`, as a complete HTML response.
    func render(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(MustacheModel.box(model), withTemplate: template) else {
            throw RenderError(template: template)
        }
        var buffer = ByteBuffer()
        buffer.writeString(html)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: buffer))
    }

    /// A page model drawn by its own template.
    func render<Page: PageModel>(_ page: Page, status: HTTPResponse.Status = .ok) throws -> Response {
        try render(Page.template, page, status: status)
    }

    struct RenderError: Error, CustomStringConvertible {
        let template: String
        var description: String { "no template named \(template)" }
    }
}

/// The model of one page, built by its loader and drawn by its one template.
protocol PageModel: Sendable {
    /// The template's path under `templates/`, without `.mustache`.
    static var template: String { get }
}

/// A label and its value, as the facts lists of the pages show them.
struct Fact: Sendable {
    let label: String
    let value: String
}

/// One link of the navigation bar.
struct NavItem: Sendable {
    let label: String
    let href: String
    let current: Bool
}

/// What the layout shows around every page: who is signed in, the navigation for their
/// role, the CSRF token for the sign-out and extend forms, and when the session ends.
struct Layout: Sendable {
    let title: String
    let signedIn: Bool
    let userName: String
    let roleLabel: String?
    let centreName: String?
    /// The navigation's links, as markup (the same on every page of a person: written in
    /// Swift, each label and address escaped, rather than looked up item by item by mustache).
    let navLinks: String
    let csrfToken: String
    let sessionExpiresAt: String
    let sessionExpiresAtISO: String
    let currentPath: String
    let flash: String?

    static func links(_ items: [NavItem]) -> String {
        var html = ""
        html.reserveCapacity(items.count * 80)
        for item in items {
            html += "<li><a href=\"\(HTML.escape(item.href))\"\(item.current ? " aria-current=\"page\"" : "")>\(HTML.escape(item.label))</a></li>"
        }
        return html
    }

    /// The layout of a page seen by `session`'s person, inside `membership`'s centre if any.
    init(title: String, session: SessionInfo?, membership: Membership? = nil, currentPath: String, flash: String? = nil) {
        self.title = title
        self.currentPath = currentPath
        self.flash = flash ?? session?.flash
        self.csrfToken = session?.csrfToken ?? ""
        guard let session, let user = session.user else {
            self.signedIn = false
            self.userName = ""
            self.roleLabel = nil
            self.centreName = nil
            self.navLinks = ""
            self.sessionExpiresAt = ""
            self.sessionExpiresAtISO = ""
            return
        }
        self.signedIn = true
        self.userName = user.displayName
        self.roleLabel = membership?.role.label ?? (user.isAdmin ? "Administrateur" : nil)
        self.centreName = membership?.centreName
        var items: [(String, String)] = []
        if let membership {
            let base = "/c/\(membership.centreSlug)"
            switch membership.role {
            case .adviser:
                items.append(("Mes suivis", base))
                items.append(("Besoins", "\(base)/besoins"))
                items.append(("Candidats", "\(base)/candidats"))
                items.append(("Embauches", "\(base)/embauches"))
                items.append(("Suivis", "\(base)/suivis"))
                items.append(("Entreprises", "\(base)/entreprises"))
                items.append(("Adhésions", "\(base)/adhesions"))
                items.append(("Tableau de bord", "\(base)/tableau-de-bord"))
                items.append(("Données personnelles", "\(base)/donnees"))
                items.append(("Réglages", "\(base)/parametres/suivis"))
                items.append(("Mes notifications", "\(base)/notifications"))
            case .employer:
                items.append(("Mon entreprise", base))
                items.append(("Mes besoins", "\(base)/besoins"))
                items.append(("Mes embauches", "\(base)/embauches"))
                items.append(("Mes notifications", "\(base)/notifications"))
            case .observer:
                items.append(("Tableau de bord", base))
            }
        }
        if user.memberships.count > 1 {
            let observerOnly = user.memberships.allSatisfy { $0.role == .observer }
            items.append(observerOnly ? ("Mes centres", "/observateur") : ("Mes centres", "/accueil"))
        }
        items.append(("Mon profil", "/profil"))
        if user.isAdmin {
            items.append(("Administration", "/admin"))
            items.append(("Boîte d'envoi", "/admin/envois"))
        }
        self.navLinks = Self.links(items.map { NavItem(label: $0.0, href: $0.1, current: $0.1 == currentPath) })
        let expiry = session.expiresAt
        // Written by hand: creating date formatters on every page was a visible cost.
        let paris = Day.calendar.dateComponents([.hour, .minute], from: expiry)
        self.sessionExpiresAt = Formats.twoDigits(paris.hour ?? 0) + ":" + Formats.twoDigits(paris.minute ?? 0)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let t = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: expiry)
        self.sessionExpiresAtISO = "\(t.year ?? 1970)-\(Formats.twoDigits(t.month ?? 1))-\(Formats.twoDigits(t.day ?? 1))T"
            + "\(Formats.twoDigits(t.hour ?? 0)):\(Formats.twoDigits(t.minute ?? 0)):\(Formats.twoDigits(t.second ?? 0))Z"
    }
}

/// The page models as mustache reads them fastest. swift-mustache looks up a struct's
/// property by reflecting the struct at every lookup, and climbs the whole context stack
/// — reflecting every parent — when a property is nil: a table of 2 000 cells cost hundreds
/// of milliseconds. `box` reflects each value once into dictionaries and arrays, and turns
/// nil into a null that renders as nothing and stops the climb (a template never relies on
/// a nil property showing a parent's value of the same name).
enum MustacheModel {
    struct Null: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
    }

    /// A string or a number as mustache writes it: already in text, so that mustache takes it
    /// as custom-rendered at once (a plain value goes through several failed casts and
    /// `String(describing:)` at each use); a section over it looks no name up in it.
    struct Text: MustacheCustomRenderable, MustacheParent, CustomStringConvertible {
        let renderText: String
        var isNull: Bool { false }
        var description: String { renderText }
        func child(named: String) -> Any? { nil }
    }

    /// What `box` does with a value of a given type, decided once per type.
    enum Kind {
        case string, number, bool, optional, array, fields, reflected
    }

    private static let kinds = NIOLockedValueBox([ObjectIdentifier: Kind]())

    static func kind(of value: Any) -> Kind {
        let type = ObjectIdentifier(Swift.type(of: value))
        if let kind = kinds.withLockedValue({ $0[type] }) { return kind }
        // Optionals first: `is String` also matches an optional string.
        let kind: Kind =
            switch value {
            case is any MustacheOptional: .optional
            case is String: .string
            case is Int, is Double, is Int64: .number
            case is Bool: .bool
            case is any MustacheArray: .array
            case is any MustacheFields: .fields
            default: .reflected
            }
        kinds.withLockedValue { $0[type] = kind }
        return kind
    }

    static func box(_ value: Any) -> Any {
        // The common cases without a Mirror (building one reflects the type's fields each
        // time), recognised by the value's type once.
        switch kind(of: value) {
        case .string: return Text(renderText: value as? String ?? "")
        case .number: return Text(renderText: String(describing: value))
        case .bool: return value
        case .optional: return (value as? any MustacheOptional)?.mustacheWrapped.map(box) ?? Null()
        case .array: return (value as? any MustacheArray)?.mustacheElements.map(box) ?? []
        case .fields: if let fields = (value as? any MustacheFields)?.mustacheFields { return fields.mapValues(box) }
        case .reflected: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { box($0.value) } ?? Null()
        case .collection, .set:
            return mirror.children.map { box($0.value) }
        case .dictionary:
            var result: [String: Any] = [:]
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                guard pair.count == 2, let key = pair[0] as? String else { return value }
                result[key] = box(pair[1])
            }
            return result
        case .struct:
            // Values that print themselves (Date, Day, Decimal…) stay as they are.
            if value is CustomStringConvertible { return value }
            var result: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label { result[label] = box(child.value) }
            }
            return result
        default:
            return value
        }
    }
}

/// Optionals and arrays, recognised by `MustacheModel.box` without reflecting them.
protocol MustacheOptional {
    var mustacheWrapped: Any? { get }
}

extension Optional: MustacheOptional {
    var mustacheWrapped: Any? { self.map { $0 } }
}

protocol MustacheArray {
    var mustacheElements: [Any] { get }
}

extension Array: MustacheArray {
    var mustacheElements: [Any] { map { $0 } }
}

/// A model that gives its fields itself, for the small types on every page (the layout, its
/// links, the options of a select): a Mirror per value was most of `box`'s time. Each list of
/// fields is checked against the Mirror's by `MustacheModelTests`.
protocol MustacheFields {
    var mustacheFields: [String: Any] { get }
}

extension Fact: MustacheFields {
    var mustacheFields: [String: Any] { ["label": label, "value": value] }
}

extension Option: MustacheFields {
    var mustacheFields: [String: Any] { ["value": value, "label": label, "selected": selected] }
}

extension Layout: MustacheFields {
    var mustacheFields: [String: Any] {
        [
            "title": title, "signedIn": signedIn, "userName": userName, "roleLabel": roleLabel as Any, "centreName": centreName as Any,
            "navLinks": navLinks, "csrfToken": csrfToken, "sessionExpiresAt": sessionExpiresAt, "sessionExpiresAtISO": sessionExpiresAtISO,
            "currentPath": currentPath, "flash": flash as Any,
        ]
    }
}
