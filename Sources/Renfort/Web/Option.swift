/// An option of a select or a radio/checkbox group, ready for the template.
struct Option: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

extension Option {
    /// Every case of a closed list, the one whose raw value is `chosen` selected.
    static func all<Choice: CaseIterable & RawRepresentable>(
        _ type: Choice.Type, chosen: String?, label: (Choice) -> String
    ) -> [Option] where Choice.RawValue == String {
        Choice.allCases.map { Option(value: $0.rawValue, label: label($0), selected: $0.rawValue == chosen) }
    }
}
