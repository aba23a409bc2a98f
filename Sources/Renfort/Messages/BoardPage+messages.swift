/// The board's selection form, for messages: the refusal sent with « Rejeter la sélection », and
/// the templates to write to the candidates ticked.
extension BoardPage {
    static func messageOptions(boardHref: String, form: FormState<TypedFields>) -> (refusals: String, writeAction: String, templates: String) {
        let writeAction = "\(boardHref)/ecrire"
        // Both buttons send the same form: what it held is kept whichever was pressed.
        let sent = [writeAction, "\(boardHref)/rejeter"].contains(form.action) ? form.values : TypedFields()
        let refusals = PipelineMessages.refusalKinds.map {
            Option(value: $0.rawValue, label: "Envoyer «\u{00A0}\($0.label)\u{00A0}»", selected: sent.has("message", $0.rawValue))
        }
        // The free message unless another was chosen.
        let chosen = MessageKind.allCases.first { sent.has("modele", $0.rawValue) } ?? .free
        let templates = MessageKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == chosen) }
        return (HTML.options(refusals), writeAction, HTML.options(templates))
    }
}
