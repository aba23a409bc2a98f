/// Irreversible actions (a merge, a hire, the end of an employment, an account disabled, a
/// join request answered) are confirmed by a box ticked beside their button: a plain form
/// field, so it works without JavaScript, and without it the action does nothing (422).
extension FormReader {
    /// The name of the box every confirmed form sends.
    static let confirmField = "confirm"

    /// True when the box was ticked; otherwise the message beside it, and false.
    mutating func confirmed(_ message: String) -> Bool {
        guard flag(Self.confirmField) else {
            errors.add(Self.confirmField, message)
            return false
        }
        return true
    }
}
