/// The three job fields and the three windows' rows of a form as a page shows them — the
/// advisers' record form and the candidate's own page (`partials/season-fields`): what was
/// typed, its message, and the referential's titles when a job's words matched several.
struct SeasonFields: Sendable {
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

    let jobRows: [JobRow]
    let windowRows: [WindowRow]

    /// The rows of `jobs` and `windows` as typed (one per `CandidateSeasons.rows`), with the
    /// form's messages and suggestions.
    init(jobs: [String], windows: [AvailabilityWindowInput], fieldErrors: [String: String], suggestions: [String: [Option]]) {
        jobRows = CandidateSeasons.rows.map { row in
            let name = CandidateSeasons.jobField(row), options = suggestions[name] ?? []
            return JobRow(
                index: row, name: name, choiceName: JobTitles.choiceField(name), value: jobs[row - 1], error: fieldErrors[name], options: options,
                hasOptions: !options.isEmpty)
        }
        windowRows = CandidateSeasons.rows.map { row in
            let window = windows[row - 1]
            return WindowRow(
                index: row, startName: CandidateSeasons.startField(row), endName: CandidateSeasons.endField(row),
                everyYearName: CandidateSeasons.everyYearField(row), starts: window.starts, ends: window.ends, everyYear: window.everyYear,
                startNotDate: !window.starts.isEmpty && !InputKind.isDate(window.starts), endNotDate: !window.ends.isEmpty && !InputKind.isDate(window.ends),
                startError: fieldErrors[CandidateSeasons.startField(row)], endError: fieldErrors[CandidateSeasons.endField(row)])
        }
    }
}
