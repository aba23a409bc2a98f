/// What a person does in one centre.
public enum Role: String, Sendable, CaseIterable {
    case adviser
    case employer
    case observer

    var label: String {
        switch self {
        case .adviser: "Conseiller RH"
        case .employer: "Employeur"
        case .observer: "Observateur (État)"
        }
    }
}

/// A person's role in one centre, with the business it is tied to for an employer.
public struct Membership: Sendable, Equatable {
    public let centreID: Int64
    public let centreSlug: String
    public let centreName: String
    public let role: Role
    public let businessID: Int64?
}

/// The signed-in person.
public struct CurrentUser: Sendable {
    public let id: Int64
    public let email: String
    public let displayName: String
    public let isAdmin: Bool
    public let memberships: [Membership]

    /// The page a person lands on after signing in.
    var homePath: String {
        if isAdmin && memberships.isEmpty { return "/admin" }
        if memberships.count == 1 { return "/c/\(memberships[0].centreSlug)" }
        if !memberships.isEmpty && memberships.allSatisfy({ $0.role == .observer }) { return "/observateur" }
        return "/accueil"
    }
}
