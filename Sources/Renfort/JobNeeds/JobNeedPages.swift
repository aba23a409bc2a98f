import Foundation

/// The job-need form page (new and edit).
struct JobNeedFormPage: PageModel {
    static let template = "needs/form"

    let layout: Layout
    let heading: String
    let action: String
    let cancelHref: String
    let isNew: Bool
    let chooseBusiness: Bool
    let businesses: [Option]
    let businessName: String?
    let choices: NeedFormChoices
    let form: FormState<JobNeedInput>

    /// The form for a new need (`editing` nil: an adviser chooses the business, an employer's
    /// is theirs) or for `editing`.
    static func load(
        editing: JobNeedRecord?, form: FormState<JobNeedInput>, in context: CentreContext, database: Database, today: Day,
        minimumWages: MinimumWages
    ) async throws -> JobNeedFormPage {
        let businessScope = try context.businessScope()
        let (businesses, ownName) = try await database.transaction(in: context) { connection in
            if let businessScope {
                let own = try await BusinessRepository.find(id: businessScope, on: connection, logger: context.logger)
                return ([Business]?.none, own?.name)
            }
            return (try await BusinessRepository.members(on: connection, logger: context.logger), String?.none)
        }
        return JobNeedFormPage(
            editing: editing, form: form, businesses: editing == nil ? businesses : nil, businessName: editing?.businessName ?? ownName,
            context: context, today: today, minimumWages: minimumWages)
    }

    init(
        editing: JobNeedRecord?, form: FormState<JobNeedInput>, businesses: [Business]?, businessName: String?, context: CentreContext, today: Day,
        minimumWages: MinimumWages
    ) {
        let base = context.base
        let input = form.values
        let isNew = editing == nil
        self.layout = Layout(
            title: isNew ? "Nouveau besoin" : "Modifier le besoin", session: context.session, membership: context.membership,
            currentPath: "\(base)/besoins/nouveau")
        self.heading = isNew ? "Déposer un besoin de recrutement" : "Modifier le besoin «\u{00A0}\(editing?.title ?? "")\u{00A0}»"
        self.action = editing.map { "\(base)/besoins/\($0.id)/modifier" } ?? "\(base)/besoins"
        self.cancelHref = editing.map { "\(base)/besoins/\($0.id)" } ?? "\(base)/besoins"
        self.isNew = isNew
        self.chooseBusiness = businesses != nil
        self.businesses = (businesses ?? []).map { Option(value: String($0.id), label: $0.name, selected: String($0.id) == input.businessID) }
        self.businessName = businessName
        self.choices = NeedFormChoices(input, errors: form.fieldErrors, today: today, minimumWages: minimumWages)
        self.form = form
    }
}

/// The choices of the need's fields (`needs/fields`), as typed: shared by the need form and
/// the join request, whose templates open them around the fields.
struct NeedFormChoices: Sendable {
    let contractKinds: [Option]
    let fullTimeYes: Bool
    let fullTimeNo: Bool
    let creation: Bool
    let replacement: Bool
    let hardYes: Bool
    let hardNo: Bool
    let reasons: [Option]
    /// The date fields holding a value that is not a day, shown as typed in a text field.
    let notDate: [String: Bool]
    let today: String
    /// The full-time SMIC in force on the start typed (today's without one), as the checkbox says it.
    let minimumWage: String
    /// The optional sections, folded until needed: open when one of their fields holds a value
    /// or an error (the end date and the season also for a fixed-term contract).
    let datesOpen: Bool
    let payOpen: Bool
    let profileOpen: Bool
    let extrasOpen: Bool

    init(_ input: JobNeedInput, errors: [String: String] = [:], today: Day, minimumWages: MinimumWages) {
        self.contractKinds = Option.all(ContractKind.self, chosen: input.contractKind, label: \.label)
        self.fullTimeYes = input.fullTime == "oui"
        self.fullTimeNo = input.fullTime == "non"
        self.creation = input.newlyCreated == "creation"
        self.replacement = input.newlyCreated == "remplacement"
        self.hardYes = input.hardToFill == "oui"
        self.hardNo = input.hardToFill == "non"
        self.reasons = HardToFillReason.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: input.hardToFillReasons.contains($0.rawValue)) }
        self.notDate = ["wished_start": input.wishedStart, "end_date": input.endDate, "season_start": input.seasonStart, "season_end": input.seasonEnd]
            .filter { !InputKind.isDate($0.value) }.mapValues { _ in true }
        self.today = today.iso
        let start = Day(iso: input.wishedStart) ?? today
        self.minimumWage = "\(minimumWages.monthlyGrossText(on: start)) au \(start.french)"
        func holds(_ texts: [String], _ ticks: [Bool], errorsOn fields: [String]) -> Bool {
            texts.contains { !$0.isEmpty } || ticks.contains(true) || fields.contains { errors[$0] != nil }
        }
        let fixedTerm = [ContractKind.cdd.rawValue, ContractKind.seasonalCDD.rawValue].contains(input.contractKind)
        self.datesOpen = fixedTerm || holds([input.endDate, input.seasonStart, input.seasonEnd], [input.seasonRecurring], errorsOn: ["end_date", "season_start", "season_end"])
        self.payOpen = holds([input.payMin, input.payMax], [], errorsOn: ["pay_min", "pay_max", "confirm_low_pay"])
        self.profileOpen = holds(
            [input.skills, input.otherLicences, input.certificates, input.experience], [input.drivingLicence],
            errorsOn: ["skills", "other_licences", "certificates", "experience"])
        self.extrasOpen = holds([input.notes], [input.housingOffered], errorsOn: ["notes"])
    }
}

/// One need, with its history and what the person can do with it.
struct JobNeedPage: PageModel {
    static let template = "needs/show"

    struct HistoryLine: Sendable {
        let at: String
        let who: String
        let what: String
        let comment: String?
        /// For advisers: who may read the comment ("visible de l'employeur" or "interne").
        let audience: String?
    }

    let layout: Layout
    let title: String
    let businessName: String
    let businessHref: String?
    let statusLabel: String
    let statusClass: String
    let positionsText: String
    let facts: [Fact]
    let description: String
    let notes: String?
    let cancelReason: String?
    let cancelReasonAudience: String
    let history: [HistoryLine]
    let base: String
    let canEdit: Bool
    let canCancel: Bool
    let canComment: Bool
    let commentHint: String
    let isAdviser: Bool
    let canQualify: Bool
    let qualifyForm: FormScope
    let moves: [Option]
    let hasMoves: Bool
    let moveForm: FormScope
    let advisers: [Option]
    let reasons: [Option]
    let commentForm: FormScope
    let cancelForm: FormScope
    let commentToken: String
    let pipelineHref: String?
    let applicationCount: Int
    let presented: [PresentedRow]
    let hasPresented: Bool
    let form: FormState<TypedFields>
}

/// A candidate presented to the employer, on the need's page.
struct PresentedRow: Sendable {
    let href: String
    let name: String
    let commune: String
    /// Where the application stands (`PresentedCandidate.stateLabel`).
    let state: String
}

/// The needs list: filters, counts per status, one page of needs.
struct JobNeedListPage: PageModel {
    static let template = "needs/list"

    struct Row: Sendable {
        let href: String
        let title: String
        let businessName: String
        let contract: String
        let positions: String
        let start: String
        let statusLabel: String
        let statusClass: String
        let hardToFill: Bool
        let seasonal: Bool
        let adviserName: String?
        let submitted: String
    }

    struct Count: Sendable {
        let label: String
        let count: Int
        let href: String
        let current: Bool
    }

    let layout: Layout
    let heading: String
    let isAdviser: Bool
    let newHref: String
    let seasonsHref: String
    let sharedPostsHref: String
    let rows: [Row]
    let isEmpty: Bool
    let total: Int
    let counts: [Count]
    let statuses: [Option]
    let businesses: [Option]
    let contractKinds: [Option]
    let advisers: [Option]
    let text: String
    let hardToFillChecked: Bool
    let seasonalChecked: Bool
    let page: Int
    let pages: Int
    let previousHref: String?
    let nextHref: String?
}
