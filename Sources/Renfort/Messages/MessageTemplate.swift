import Foundation
import PostgresNIO

/// The messages a centre sends to candidates, each with a template the advisers may edit.
enum MessageKind: String, CaseIterable, Sendable, PostgresDecodable {
    case invitation = "entretien"
    case refusalWithReason = "refus-motif"
    case refusal = "refus"
    case offer = "proposition"
    case season = "saison"
    case rehire = "reembauche"
    case free = "libre"

    var label: String {
        switch self {
        case .invitation: "Invitation à un entretien"
        case .refusalWithReason: "Candidature non retenue, avec le motif"
        case .refusal: "Candidature non retenue, sans le motif"
        case .offer: "Proposition d'embauche"
        case .season: "Êtes-vous disponible cette saison ?"
        case .rehire: "Une nouvelle saison (anciens saisonniers)"
        case .free: "Message libre"
        }
    }

    /// The fields its text may use: those every message knows, and its own.
    var placeholders: [Placeholder] {
        let common: [Placeholder] = [.firstName, .lastName, .commune, .adviser, .centre]
        switch self {
        case .invitation: return common + [.job, .business, .interviewDate, .place]
        case .refusalWithReason: return common + [.job, .business, .reason]
        case .refusal, .offer, .rehire: return common + [.job, .business]
        case .season, .free: return common
        }
    }

    /// The French text every centre starts with.
    var defaultText: MessageText {
        switch self {
        case .invitation:
            MessageText(
                subject: "Entretien pour le poste de {poste}",
                body: """
                    Bonjour {prénom},

                    Nous avons le plaisir de vous inviter à un entretien pour le poste de {poste} chez {entreprise}, le {date_entretien}, {lieu}.

                    Vous trouverez l'invitation en pièce jointe, à ajouter à votre agenda. Si vous ne pouvez pas venir, répondez simplement à ce message.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, entretien pour le poste de {poste} chez {entreprise} le {date_entretien}, {lieu}. Empêchement ? Appelez-nous. {conseiller}, {centre}")
        case .refusalWithReason:
            MessageText(
                subject: "Votre candidature au poste de {poste}",
                body: """
                    Bonjour {prénom},

                    Merci de l'intérêt que vous avez porté au poste de {poste} chez {entreprise}. Nous ne pouvons pas retenir votre candidature cette fois-ci, pour la raison suivante : {motif}.

                    Votre profil reste dans notre vivier si vous nous y avez autorisés : nous reviendrons vers vous dès qu'un poste vous correspondra.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, votre candidature au poste de {poste} n'est pas retenue ({motif}). Nous vous recontacterons pour d'autres postes. {conseiller}, {centre}")
        case .refusal:
            MessageText(
                subject: "Votre candidature au poste de {poste}",
                body: """
                    Bonjour {prénom},

                    Merci de l'intérêt que vous avez porté au poste de {poste} chez {entreprise}. Nous ne pouvons pas retenir votre candidature cette fois-ci.

                    Votre profil reste dans notre vivier si vous nous y avez autorisés : nous reviendrons vers vous dès qu'un poste vous correspondra.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, votre candidature au poste de {poste} n'est pas retenue cette fois-ci. Nous vous recontacterons pour d'autres postes. {conseiller}, {centre}")
        case .offer:
            MessageText(
                subject: "Une proposition d'embauche pour le poste de {poste}",
                body: """
                    Bonjour {prénom},

                    Bonne nouvelle : {entreprise} souhaite vous proposer le poste de {poste}. Je vous appelle très vite pour vous en donner les conditions ; vous pouvez aussi répondre à ce message.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, bonne nouvelle : {entreprise} vous propose le poste de {poste}. Je vous appelle très vite. {conseiller}, {centre}")
        case .season:
            MessageText(
                subject: "Êtes-vous disponible cette saison ?",
                body: """
                    Bonjour {prénom},

                    La saison approche et des entreprises de notre territoire recrutent. Êtes-vous disponible cette saison ? Dites-nous en répondant à ce message à partir de quand et pour quels postes.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, êtes-vous disponible cette saison ? Des entreprises recrutent près de {commune}. Répondez-nous ou appelez-nous. {conseiller}, {centre}")
        case .rehire:
            MessageText(
                subject: "Une nouvelle saison chez {entreprise} ?",
                body: """
                    Bonjour {prénom},

                    Vous avez travaillé une saison avec nous et tout s'était bien passé. {entreprise} recrute de nouveau pour la saison qui vient : {poste}. Seriez-vous disponible ? Répondez à ce message ou appelez-nous : nous vous dirons les dates et les conditions.

                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, {entreprise} recrute de nouveau pour la saison : {poste}. Êtes-vous disponible ? Répondez-nous. {conseiller}, {centre}")
        case .free:
            MessageText(
                subject: "Un message de {centre}",
                body: """
                    Bonjour {prénom},



                    Bien cordialement,
                    {conseiller}
                    {centre}
                    """,
                sms: "Bonjour {prénom}, … {conseiller}, {centre}")
        }
    }
}

/// A field of a message's text, written `{prénom}` (the accents may be left out: `{prenom}`).
enum Placeholder: String, CaseIterable, Sendable {
    case firstName = "prénom"
    case lastName = "nom"
    case job = "poste"
    case business = "entreprise"
    case commune
    case interviewDate = "date_entretien"
    case place = "lieu"
    case reason = "motif"
    case adviser = "conseiller"
    case centre

    var written: String { "{\(rawValue)}" }

    var label: String {
        switch self {
        case .firstName: "le prénom du candidat"
        case .lastName: "son nom"
        case .job: "l'intitulé du poste"
        case .business: "l'entreprise"
        case .commune: "la commune du candidat"
        case .interviewDate: "la date et l'heure de l'entretien"
        case .place: "le lieu (ou «\u{00A0}par téléphone\u{00A0}»)"
        case .reason: "le motif de la fin de candidature"
        case .adviser: "le nom du conseiller qui envoie"
        case .centre: "le nom du centre"
        }
    }

    /// The placeholder a name written between braces stands for, accents and case aside.
    static func named(_ name: String) -> Placeholder? {
        let folded = fold(name)
        return allCases.first { fold($0.rawValue) == folded }
    }

    private static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
    }

    /// An example of each, for the preview of a template.
    static let examples: [Placeholder: String] = [
        .firstName: "Camille", .lastName: "Martin", .job: "Cuisinier ou cuisinière", .business: "Auberge du Causse", .commune: "Cahors",
        .interviewDate: "mardi 8 décembre 2026 à 14 h 30", .place: "12 rue du Château, Cahors", .reason: "Profil ne correspondant pas au poste",
    ]
}

/// A message's words: the subject and body of a mail, and the text of an SMS.
struct MessageText: Sendable, Equatable {
    var subject: String
    var body: String
    var sms: String

    /// The longest SMS sent: two messages' worth. A longer one is refused where it is typed and,
    /// at a step that sends by itself, cut after its last whole word.
    static let smsLimit = 320

    /// A field between braces: letters (accented too), digits and `_`.
    private static var field: Regex<(Substring, Substring)> { /\{\s*([\p{L}\p{N}_]{1,40})\s*\}/ }

    /// The fields a text uses, in order, and the names between braces that are no field.
    static func placeholders(in text: String) -> (known: [Placeholder], unknown: [String]) {
        var known: [Placeholder] = [], unknown: [String] = []
        for match in text.matches(of: field) {
            let name = String(match.output.1)
            if let placeholder = Placeholder.named(name) {
                if !known.contains(placeholder) { known.append(placeholder) }
            } else if !unknown.contains(name) {
                unknown.append(name)
            }
        }
        return (known, unknown)
    }

    /// `text` with each field replaced by its value (fields without one stay as written:
    /// callers check `missing` first).
    static func render(_ text: String, _ values: [Placeholder: String]) -> String {
        text.replacing(field) { match in
            Placeholder.named(String(match.output.1)).flatMap { values[$0] } ?? String(match.output.0)
        }
    }

    /// Why `text` cannot be a template of `kind`: a name that is no field, or a field this kind
    /// of message has no value for. Nil when it can.
    static func problem(in text: String, kind: MessageKind) -> String? {
        let (known, unknown) = placeholders(in: text)
        if let name = unknown.first {
            return "{\(name)} n'est pas un champ connu. Les champs possibles sont : "
                + kind.placeholders.map(\.written).joined(separator: ", ") + "."
        }
        if let field = known.first(where: { !kind.placeholders.contains($0) }) {
            return "\(field.written) n'a pas de valeur dans le modèle «\u{00A0}\(kind.label)\u{00A0}». Les champs possibles sont : "
                + kind.placeholders.map(\.written).joined(separator: ", ") + "."
        }
        return nil
    }

    /// An SMS no longer than the limit: cut after the last whole word that fits, with "…".
    static func fittingSMS(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > smsLimit else { return flat }
        let head = flat.prefix(smsLimit - 1)
        let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
        return cut.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters)) + "…"
    }
}

/// A centre's template of one kind: its text, edited or the default one.
struct MessageTemplate: Sendable {
    let kind: MessageKind
    let text: MessageText
    let edited: Bool
    let updatedAt: Date?
}
