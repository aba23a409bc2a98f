/// The candidate form, new or edit, with the possible duplicates found before saving.
struct CandidateFormPage: PageModel {
    static let template = "candidates/form"

    struct DuplicateRow: Sendable {
        let href: String
        let name: String
        let commune: String
        /// Why it is suspected ("même nom et même commune").
        let reasons: String
        let cdi: String?
    }

    let layout: Layout
    let heading: String
    let action: String
    let cancelHref: String
    let isNew: Bool
    let contractKinds: [Option]
    let sources: [Option]
    let duplicates: [DuplicateRow]
    let hasDuplicates: Bool
    /// The jobs' and the windows' rows (`partials/season-fields`).
    let seasons: SeasonFields
    let form: FormState<CandidateInput>

    /// The form for a new record (`editing` nil) or for record `editing`.
    init(editing: Int64?, form: FormState<CandidateInput>, duplicates: [Suspect] = [], context: CentreContext) {
        let base = context.base
        let input = form.values
        self.layout = Layout(
            title: editing == nil ? "Nouveau candidat" : "Modifier la fiche", session: context.session, membership: context.membership,
            currentPath: "\(base)/candidats")
        self.heading = editing == nil ? "Nouveau candidat" : "Modifier «\u{00A0}\(input.firstName) \(input.lastName)\u{00A0}»"
        self.action = editing.map { "\(base)/candidats/\($0)/modifier" } ?? "\(base)/candidats"
        self.cancelHref = editing.map { "\(base)/candidats/\($0)" } ?? "\(base)/candidats"
        self.isNew = editing == nil
        self.contractKinds = ContractKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: input.wishedContracts.contains($0.rawValue)) }
        self.sources = Option.all(CandidateSource.self, chosen: input.source, label: \.label)
        self.duplicates = duplicates.map {
            DuplicateRow(
                href: "\(base)/candidats/\($0.candidate.id)", name: $0.candidate.name, commune: $0.candidate.communeName, reasons: $0.reasons,
                cdi: $0.candidate.cdiLabel)
        }
        self.hasDuplicates = !duplicates.isEmpty
        self.seasons = SeasonFields(jobs: input.jobs, windows: input.windows, fieldErrors: form.fieldErrors, suggestions: form.suggestions)
        self.form = form
    }
}
