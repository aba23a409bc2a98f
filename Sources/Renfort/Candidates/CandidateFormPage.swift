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

    /// A job field, with the titles offered when its words matched several (`JobTitles`).
    struct JobRow: Sendable {
        let index: Int
        let name: String
        let choiceName: String
        let value: String
        let error: String?
        let options: [Option]
        let hasOptions: Bool
    }

    /// A seasonal window's row: its two dates and "every year".
    struct WindowRow: Sendable {
        let index: Int
        let startName: String
        let endName: String
        let everyYearName: String
        let starts: String
        let ends: String
        let everyYear: Bool
        /// A value that is not a day comes back in a text field (a date field holds only a day).
        let startNotDate: Bool
        let endNotDate: Bool
        let startError: String?
        let endError: String?
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
    let jobRows: [JobRow]
    let windowRows: [WindowRow]
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
        self.jobRows = CandidateSeasons.rows.map { row in
            let name = CandidateSeasons.jobField(row), options = form.suggestions[name] ?? []
            return JobRow(
                index: row, name: name, choiceName: JobTitles.choiceField(name), value: input.jobs[row - 1], error: form.fieldErrors[name],
                options: options, hasOptions: !options.isEmpty)
        }
        self.windowRows = CandidateSeasons.rows.map { row in
            let window = input.windows[row - 1]
            return WindowRow(
                index: row, startName: CandidateSeasons.startField(row), endName: CandidateSeasons.endField(row),
                everyYearName: CandidateSeasons.everyYearField(row), starts: window.starts, ends: window.ends, everyYear: window.everyYear,
                startNotDate: !window.starts.isEmpty && !InputKind.isDate(window.starts), endNotDate: !window.ends.isEmpty && !InputKind.isDate(window.ends),
                startError: form.fieldErrors[CandidateSeasons.startField(row)], endError: form.fieldErrors[CandidateSeasons.endField(row)])
        }
        self.form = form
    }
}
