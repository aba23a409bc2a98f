import Foundation

/// An option of a select or a radio/checkbox group, ready for the template.
struct Option: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

/// The job-need form page (new and edit).
struct JobNeedFormPage: Sendable {
    let layout: Layout
    let heading: String
    let action: String
    let cancelHref: String
    let isNew: Bool
    let input: JobNeedInput
    let chooseBusiness: Bool
    let businesses: [Option]
    let businessName: String?
    let contractKinds: [Option]
    let fullTimeYes: Bool
    let fullTimeNo: Bool
    let creation: Bool
    let replacement: Bool
    let hardYes: Bool
    let hardNo: Bool
    let reasons: [Option]
    let today: String
    let minimumWage: Int
    let errors: [FieldError]
    let hasErrors: Bool
    let fieldErrors: [String: String]

    init(
        layout: Layout, heading: String, action: String, cancelHref: String, isNew: Bool, input: JobNeedInput,
        businesses: [Business]?, businessName: String?, today: Day, errors: FormErrors
    ) {
        self.layout = layout
        self.heading = heading
        self.action = action
        self.cancelHref = cancelHref
        self.isNew = isNew
        self.input = input
        self.chooseBusiness = businesses != nil
        self.businesses = (businesses ?? []).map { Option(value: String($0.id), label: $0.name, selected: String($0.id) == input.businessID) }
        self.businessName = businessName
        self.contractKinds = ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == input.contractKind) }
        self.fullTimeYes = input.fullTime == "oui"
        self.fullTimeNo = input.fullTime == "non"
        self.creation = input.newlyCreated == "creation"
        self.replacement = input.newlyCreated == "remplacement"
        self.hardYes = input.hardToFill == "oui"
        self.hardNo = input.hardToFill == "non"
        self.reasons = HardToFillReason.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: input.hardToFillReasons.contains($0.rawValue)) }
        self.today = today.iso
        self.minimumWage = MinimumWage.monthlyGross
        self.errors = errors.all
        self.hasErrors = !errors.isEmpty
        self.fieldErrors = errors.byField
    }
}

/// One need, with its history and what the person can do with it.
struct JobNeedPage: Sendable {
    struct HistoryLine: Sendable {
        let at: String
        let who: String
        let what: String
        let comment: String?
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
    let history: [HistoryLine]
    let base: String
    let canEdit: Bool
    let canCancel: Bool
    let canComment: Bool
    let commentHint: String
    let isAdviser: Bool
    let canQualify: Bool
    let moves: [Option]
    let hasMoves: Bool
    let advisers: [Option]
    let reasons: [Option]
    let romeCode: String
    let hardToFill: Bool
    let hardToFillOther: String
    let commentToken: String
    let pipelineHref: String?
    let applicationCount: Int
    let presented: [PresentedRow]
    let hasPresented: Bool
    let errors: [FieldError]
    let hasErrors: Bool
    let fieldErrors: [String: String]
}

/// A candidate presented to the employer, on the need's page.
struct PresentedRow: Sendable {
    let href: String
    let name: String
    let commune: String
    let answer: String
}

/// The needs list: filters, counts per status, one page of needs.
struct JobNeedListPage: Sendable {
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

enum Formats {
    static func dateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = Layout.parisTime
        formatter.dateFormat = "dd/MM/yyyy 'à' HH:mm"
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String { Day(date).french }

    static func hours(_ value: Double) -> String { FormReader.french(value) }

    static func euros(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.numberStyle = .decimal
        return (formatter.string(from: NSNumber(value: value)) ?? String(value)) + " €"
    }

    static func statusClass(_ status: NeedStatus) -> String { "status status--\(status.rawValue)" }

    /// A number with `digits` decimals and a point (`2.5`), rounded half away from zero;
    /// without `String(format:)`, which is slow on Linux.
    static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(scaled) }
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// `12345` → `12 345`, thousands grouped by a narrow no-break space as in French.
    static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "\u{202F}" }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
