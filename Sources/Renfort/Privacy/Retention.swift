import Foundation

/// How long a candidate's record is kept (CNIL, recruitment): three months after the last
/// contact without the person's consent (to explain a decision), two years after it with their
/// consent to be proposed other posts. A month before the date, a person with an e-mail address
/// is asked whether to stay. People employed through a placement are kept for the length of the
/// employment (the purge's own rule).
enum Retention {
    static let withoutConsentDays = 90
    static let withConsentDays = 730
    /// How long before the purge date the person is asked whether to stay.
    static let questionBeforeDays = 30

    /// The latest date a record may be kept to, counted from `day` (the consent, or the last contact).
    static func limit(from day: Day, consent: Bool) -> Day {
        day.adding(days: consent ? withConsentDays : withoutConsentDays)
    }

    /// The consent's scope when the person gives it by answering the centre's e-mail.
    static let answeredScope = "Être proposé(e) pour d'autres postes des entreprises du territoire (réponse à l'e-mail du centre)"
}
