import Foundation

/// What the join request's form holds: the business and its first need, as typed.
struct JoinInput: Sendable {
    var business: BusinessInput
    var need: JobNeedInput
}

/// The public join request (`/c/{centre}/rejoindre`), and its thanks once sent.
struct JoinPage: PageModel {
    static let template = "join/form"

    let layout: Layout
    let centreName: String
    let territory: String
    let action: String
    let headcountBands: [Option]
    let needChoices: NeedFormChoices
    let sent: Bool
    let form: FormState<JoinInput>

    init(centre: PublicCentre, session: SessionInfo, form: FormState<JoinInput>, today: Day, minimumWages: MinimumWages, sent: Bool) {
        self.layout = Layout(title: "Rejoindre le centre", session: session, currentPath: "/c/\(centre.slug)/rejoindre")
        self.centreName = centre.name
        self.territory = centre.territory
        self.action = "/c/\(centre.slug)/rejoindre"
        self.headcountBands = Option.all(HeadcountBand.self, chosen: form.values.business.headcountBand, label: \.label)
        self.needChoices = NeedFormChoices(form.values.need, errors: form.fieldErrors, today: today, minimumWages: minimumWages)
        self.sent = sent
        self.form = form
    }
}

/// The join requests waiting for an adviser's answer.
struct JoinRequestsPage: PageModel {
    static let template = "join/requests"

    struct RequestRow: Sendable {
        let id: Int64
        let name: String
        let siret: String
        let commune: String
        let contact: String
        let email: String
        let phone: String
        let received: String
        let needTitle: String
        let needHref: String?
        let acceptAction: String
        let declineAction: String
        /// The decline form of this request: what was typed and its message.
        let form: FormState<TypedFields>
        /// The accept form of this request (its confirmation).
        let acceptForm: FormState<TypedFields>
    }

    let layout: Layout
    let requests: [RequestRow]
    let isEmpty: Bool
    let publicLink: String
    let form: FormState<TypedFields>

    /// `form`: an accept or decline form sent with an error, shown again beside its request.
    static func load(
        in context: CentreContext, database: Database, publicBase: String, form: FormState<TypedFields> = .blank
    ) async throws -> JoinRequestsPage {
        try context.require(.adviser)
        let base = context.base
        let rows = try await database.transaction(in: context) { connection -> [RequestRow] in
            var rows: [RequestRow] = []
            for business in try await BusinessRepository.pending(on: connection, logger: context.logger) {
                var filter = JobNeedFilter()
                filter.businessID = business.id
                let need = try await JobNeedRepository.list(filter, businessID: business.id, on: connection, logger: context.logger).needs.first
                rows.append(
                    RequestRow(
                        id: business.id, name: business.name, siret: business.siret, commune: business.communeName ?? "", contact: business.contactName ?? "",
                        email: business.email ?? "", phone: business.phone ?? "", received: Formats.dateTime(business.createdAt),
                        needTitle: need?.title ?? "—", needHref: need.map { "\(base)/besoins/\($0.id)" },
                        acceptAction: "\(base)/adhesions/\(business.id)/accepter", declineAction: "\(base)/adhesions/\(business.id)/refuser",
                        form: form.scoped(to: "\(base)/adhesions/\(business.id)/refuser").form,
                        acceptForm: form.scoped(to: "\(base)/adhesions/\(business.id)/accepter").form))
            }
            return rows
        }
        return JoinRequestsPage(
            layout: Layout(title: "Demandes d'adhésion", session: context.session, membership: context.membership, currentPath: "\(base)/adhesions"),
            requests: rows, isEmpty: rows.isEmpty, publicLink: "\(publicBase)\(base)/rejoindre",
            form: form.anchored(to: form.action) { field in
                // The summary's links: `accept-<id>` for the accept form's box, `<field>-<id>` in the decline form.
                let parts = form.action.split(separator: "/"), id = parts.dropLast().last ?? ""
                return parts.last == "accepter" ? "accept-\(id)" : "\(field)-\(id)"
            })
    }
}
