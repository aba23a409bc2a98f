/// The raw counts behind the figures of one centre, or of several added together: every
/// part adds up, so the figures of all an observer's centres are computed from the sum,
/// never by averaging rates or medians.
struct Figures: Sendable {
    struct Count: Sendable {
        var needs = 0
        var positions = 0
        var filled = 0
        mutating func add(_ other: Count) {
            needs += other.needs
            positions += other.positions
            filled += other.filled
        }
    }

    /// Retention of one start month: kept and counted at 3, 6 and 12 months, and the trial.
    struct Cohort: Sendable {
        var placements = 0
        var kept = [0, 0, 0]
        var base = [0, 0, 0]
        var trialPassed = 0
        var trialBase = 0
        mutating func add(_ other: Cohort) {
            placements += other.placements
            for i in 0..<3 {
                kept[i] += other.kept[i]
                base[i] += other.base[i]
            }
            trialPassed += other.trialPassed
            trialBase += other.trialBase
        }
    }

    /// One business's line: a class, shared rather than copied by the totals of several
    /// centres, the sorts and the figures kept (a thousand lines for five centres).
    final class Business: Sendable {
        let centre: String
        let id: Int64
        let siret: String
        let name: String
        let naf: String?
        let communeInsee: String?
        let commune: String?
        let permanent: Int
        let newlyCreated: Int
        let durable: Int
        let placements: Int
        let kept6: Int
        let base6: Int
        let fillDays: [Int]

        init(
            centre: String, id: Int64, siret: String, name: String, naf: String?, communeInsee: String?, commune: String?, permanent: Int,
            newlyCreated: Int, durable: Int, placements: Int, kept6: Int, base6: Int, fillDays: [Int] = []
        ) {
            self.centre = centre
            self.id = id
            self.siret = siret
            self.name = name
            self.naf = naf
            self.communeInsee = communeInsee
            self.commune = commune
            self.permanent = permanent
            self.newlyCreated = newlyCreated
            self.durable = durable
            self.placements = placements
            self.kept6 = kept6
            self.base6 = base6
            self.fillDays = fillDays
        }
    }

    var permanent = 0
    var newlyCreated = 0
    var durable = 0
    var placements = 0
    var seasonal = 0
    var seasonalAgain = 0
    /// Placements of the period whose employment ended inside its trial period, or after it.
    var endedInTrial = 0
    var endedAfterTrial = 0
    /// Fixed-term contracts of the period over at the day of the figures, and those of them
    /// followed by the same person's durable job within `CentreFigures.followedWithinDays`.
    var fixedTermOver = 0
    var fixedTermFollowed = 0
    /// Placements per start month (`YYYY-MM`) and contract kind.
    var monthly: [String: [ContractKind: Int]] = [:]
    /// Days from submission to first placement, one per need first filled in the period.
    var fillDays: [Int] = []
    var ended = Count()
    var endedHardToFill = Count()
    var cohorts: [String: Cohort] = [:]
    /// Applications created in the period that reached sourced … hired.
    var reached = [Int](repeating: 0, count: 6)
    var sources: [CandidateSource: Int] = [:]
    /// Placements by the person's commune of residence.
    var residences: [String: Int] = [:]
    var hardToFillByOutcome: [NeedStatus: Count] = [:]
    var hardToFillByReason: [HardToFillReason: Count] = [:]
    var businesses: [Business] = []

    mutating func add(_ other: Figures) {
        permanent += other.permanent
        newlyCreated += other.newlyCreated
        durable += other.durable
        placements += other.placements
        seasonal += other.seasonal
        seasonalAgain += other.seasonalAgain
        endedInTrial += other.endedInTrial
        endedAfterTrial += other.endedAfterTrial
        fixedTermOver += other.fixedTermOver
        fixedTermFollowed += other.fixedTermFollowed
        for (month, kinds) in other.monthly {
            for (kind, count) in kinds { monthly[month, default: [:]][kind, default: 0] += count }
        }
        fillDays += other.fillDays
        ended.add(other.ended)
        endedHardToFill.add(other.endedHardToFill)
        for (month, cohort) in other.cohorts { cohorts[month, default: Cohort()].add(cohort) }
        for i in 0..<reached.count { reached[i] += other.reached[i] }
        for (source, count) in other.sources { sources[source, default: 0] += count }
        for (commune, count) in other.residences { residences[commune, default: 0] += count }
        for (key, count) in other.hardToFillByOutcome { hardToFillByOutcome[key, default: Count()].add(count) }
        for (key, count) in other.hardToFillByReason { hardToFillByReason[key, default: Count()].add(count) }
        businesses += other.businesses
    }

    /// The figures of several centres added together.
    static func sum(_ figures: [Figures]) -> Figures {
        figures.reduce(into: Figures()) { $0.add($1) }
    }

    var total: Cohort {
        cohorts.values.reduce(into: Cohort()) { $0.add($1) }
    }

    /// A percentile as PostgreSQL's `percentile_cont` computes it (linear interpolation).
    static func percentile(_ values: [Int], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return Double(sorted[lower]) + (position - Double(lower)) * Double(sorted[upper] - sorted[lower])
    }
}
