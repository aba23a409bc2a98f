/// The board's selection form, for messages: the refusal sent with « Rejeter la sélection », and
/// the templates to write to the candidates ticked.
extension BoardPage {
    static func messageOptions(boardHref: String, form: FormState<TypedFields>) -> (refusals: String, writeAction: String, templates: String) {
        let writeAction = "\(boardHref)/ecrire"
        let rejected = form.scoped(to: "\(boardHref)/rejeter").form.values, written = form.scoped(to: writeAction).form.values
        let refusals = PipelineMessages.refusalKinds.map {
            Option(value: $0.rawValue, label: "Envoyer «\u{00A0}\($0.label)\u{00A0}»", selected: rejected.has("message", $0.rawValue))
        }
        let templates = MessageKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: written.has("modele", $0.rawValue)) }
        return (HTML.options(refusals), writeAction, HTML.options(templates))
    }
}
