/// What controllers need, built once in `buildApplication` and passed to each.
struct AppServices: Sendable {
    let configuration: AppConfiguration
    let database: Database
    let renderer: PageRenderer
    let clock: any AppClock
    let sessions: SessionStore
    let cookie: SessionCookie
    let hasher: PasswordHasher
    let throttle: SignInThrottle
    let apiLimiter: APIRateLimiter
    let figures: FigureStore
    /// The pool's ranking of each need, kept while its centre's data does not change.
    let matches: MatchStore
    /// The pool's searches, each page kept while its centre's data does not change.
    let searches: CandidateSearchStore
    /// Where read-only traffic reads: a replica when one is set and current enough.
    let reads: ReadReplicas
    /// The SMIC by the day it came into force (`schema/data/smic.csv`, read at start).
    let minimumWages: MinimumWages
}
