import Foundation

/// The figures of a centre (or of several together) for a filter: what the pages, the CSV
/// files and the JSON API show. Built from `Figures`, the raw counts computed in SQL.
/// Field names are the API's (snake case); rates are fractions between 0 and 1.
struct CentreMetrics: Sendable, Codable, Equatable {
    struct Filters: Sendable, Codable, Equatable {
        let business: String?
        let sector: String?
        let commune: String?
        let contract: String?
    }

    struct BusinessLine: Sendable, Codable, Equatable {
        let centre: String
        let siret: String
        let name: String
        let sector: String?
        let naf_code: String?
        let commune: String?
        let permanent_posts_created: Int
        let newly_created: Int
        let durable_jobs: Int
        let placements: Int
        let median_days_to_fill: Double?
        let retention_6_months: Double?
        let retention_6_months_base: Int
    }

    struct Retention: Sendable, Codable, Equatable {
        let months: Int
        let rate: Double?
        let kept: Int
        let placements: Int
    }

    struct Month: Sendable, Codable, Equatable {
        let month: String
        let placements: Int
        let by_contract: [String: Int]
    }

    struct FunnelStage: Sendable, Codable, Equatable {
        let stage: String
        let applications: Int
        /// Share of the previous stage's applications that reached this one.
        let conversion: Double?
    }

    struct Cohort: Sendable, Codable, Equatable {
        let month: String
        let placements: Int
        let retention: [Retention]
    }

    struct Source: Sendable, Codable, Equatable {
        let source: String
        /// Null when fewer than 3: a count of people broken down by their attributes is hidden.
        let placements: Int?
        let hidden: Bool
    }

    struct Residence: Sendable, Codable, Equatable {
        let commune: String
        /// Null when fewer than 3 (hidden), like the sources.
        let placements: Int?
        let hidden: Bool
    }

    struct NeedCount: Sendable, Codable, Equatable {
        let key: String
        let needs: Int
        let positions: Int
        let positions_filled: Int
    }

    struct HardToFill: Sendable, Codable, Equatable {
        let needs: Int
        let positions: Int
        let positions_filled: Int
        let by_outcome: [NeedCount]
        let by_reason: [NeedCount]
    }

    let from: String
    let to: String
    let filters: Filters
    let permanent_posts_created: Int
    let newly_created_permanent_posts: Int
    let durable_jobs: Int
    let placements: Int
    let placements_by_contract: [String: Int]
    let median_days_to_fill: Double?
    let p75_days_to_fill: Double?
    let needs_counted_for_time_to_fill: Int
    let fill_rate: Double?
    let fill_rate_hard_to_fill: Double?
    let positions_requested: Int
    let positions_filled: Int
    let hard_to_fill_positions_requested: Int
    let hard_to_fill_positions_filled: Int
    let retention: [Retention]
    let trial_passed_rate: Double?
    let trial_passed_base: Int
    /// Placements of the period whose employment ended inside its trial period, after it, and
    /// each as a share of the period's placements.
    let employments_ended_in_trial: Int
    let employments_ended_in_trial_rate: Double?
    let employments_ended_after_trial: Int
    let employments_ended_after_trial_rate: Double?
    /// Fixed-term contracts of the period that are over, and those followed by the same
    /// person's next placement on a durable job within 90 days.
    let fixed_term_contracts_over: Int
    let fixed_term_followed_by_durable_job: Int
    let fixed_term_followed_by_durable_job_rate: Double?
    let monthly_placements: [Month]
    let funnel: [FunnelStage]
    let retention_cohorts: [Cohort]
    let sources_of_hire: [Source]
    /// Hires by the person's commune of residence, the largest first; communes under 3 are
    /// hidden one by one (their names too) and counted together in one hidden line.
    let residence_of_hires: [Residence]
    let seasonal_placements: Int
    let seasonal_workers_hired_again: Int
    let hard_to_fill: HardToFill
    let businesses: [BusinessLine]

    static func rate(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    init(_ figures: Figures, filter: MetricsFilter) {
        from = filter.from.iso
        to = filter.to.iso
        filters = .init(business: filter.business, sector: filter.sector, commune: filter.commune, contract: filter.contract?.rawValue)
        permanent_posts_created = figures.permanent
        newly_created_permanent_posts = figures.newlyCreated
        durable_jobs = figures.durable
        placements = figures.placements
        var byContract: [String: Int] = [:]
        for kind in ContractKind.allCases { byContract[kind.rawValue] = 0 }
        for kinds in figures.monthly.values { for (kind, count) in kinds { byContract[kind.rawValue, default: 0] += count } }
        placements_by_contract = byContract
        median_days_to_fill = Figures.percentile(figures.fillDays, 0.5)
        p75_days_to_fill = Figures.percentile(figures.fillDays, 0.75)
        needs_counted_for_time_to_fill = figures.fillDays.count
        fill_rate = Self.rate(figures.ended.filled, figures.ended.positions)
        fill_rate_hard_to_fill = Self.rate(figures.endedHardToFill.filled, figures.endedHardToFill.positions)
        positions_requested = figures.ended.positions
        positions_filled = figures.ended.filled
        hard_to_fill_positions_requested = figures.endedHardToFill.positions
        hard_to_fill_positions_filled = figures.endedHardToFill.filled
        func retentions(_ cohort: Figures.Cohort) -> [Retention] {
            CentreFigures.horizons.enumerated().map {
                Retention(months: $0.element, rate: Self.rate(cohort.kept[$0.offset], cohort.base[$0.offset]), kept: cohort.kept[$0.offset], placements: cohort.base[$0.offset])
            }
        }
        let total = figures.total
        retention = retentions(total)
        trial_passed_rate = Self.rate(total.trialPassed, total.trialBase)
        trial_passed_base = total.trialBase
        employments_ended_in_trial = figures.endedInTrial
        employments_ended_in_trial_rate = Self.rate(figures.endedInTrial, figures.placements)
        employments_ended_after_trial = figures.endedAfterTrial
        employments_ended_after_trial_rate = Self.rate(figures.endedAfterTrial, figures.placements)
        fixed_term_contracts_over = figures.fixedTermOver
        fixed_term_followed_by_durable_job = figures.fixedTermFollowed
        fixed_term_followed_by_durable_job_rate = Self.rate(figures.fixedTermFollowed, figures.fixedTermOver)
        monthly_placements = filter.months.map { month in
            let kinds = figures.monthly[month] ?? [:]
            return Month(
                month: month, placements: kinds.values.reduce(0, +),
                by_contract: Dictionary(uniqueKeysWithValues: kinds.map { ($0.key.rawValue, $0.value) }))
        }
        funnel = CentreFigures.funnelStages.enumerated().map { index, stage in
            FunnelStage(
                stage: stage.rawValue, applications: figures.reached[index],
                conversion: index == 0 ? nil : Self.rate(figures.reached[index], figures.reached[index - 1]))
        }
        retention_cohorts = filter.months.compactMap { month in
            guard let cohort = figures.cohorts[month] else { return nil }
            return Cohort(month: month, placements: cohort.placements, retention: retentions(cohort))
        }
        sources_of_hire = CandidateSource.allCases.map { source in
            let count = figures.sources[source] ?? 0
            let hidden = count > 0 && count < CentreFigures.smallestShownCount
            return Source(source: source.rawValue, placements: hidden ? nil : count, hidden: hidden)
        }
        let shown = figures.residences.filter { $0.value >= CentreFigures.smallestShownCount }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let hiddenTotal = figures.residences.values.filter { $0 < CentreFigures.smallestShownCount }.reduce(0, +)
        residence_of_hires = shown.map { Residence(commune: $0.key, placements: $0.value, hidden: false) }
            + (hiddenTotal == 0 ? [] : [Residence(commune: "", placements: hiddenTotal >= CentreFigures.smallestShownCount ? hiddenTotal : nil, hidden: true)])
        seasonal_placements = figures.seasonal
        seasonal_workers_hired_again = figures.seasonalAgain
        let outcomes = NeedStatus.allCases.compactMap { status -> NeedCount? in
            figures.hardToFillByOutcome[status].map { NeedCount(key: status.rawValue, needs: $0.needs, positions: $0.positions, positions_filled: $0.filled) }
        }
        hard_to_fill = HardToFill(
            needs: outcomes.reduce(0) { $0 + $1.needs }, positions: outcomes.reduce(0) { $0 + $1.positions },
            positions_filled: outcomes.reduce(0) { $0 + $1.positions_filled }, by_outcome: outcomes,
            by_reason: HardToFillReason.allCases.compactMap { reason in
                figures.hardToFillByReason[reason].map { NeedCount(key: reason.rawValue, needs: $0.needs, positions: $0.positions, positions_filled: $0.filled) }
            })
        businesses = figures.businesses.map {
            BusinessLine(
                centre: $0.centre, siret: $0.siret, name: $0.name, sector: $0.naf.flatMap(NAFSection.code(of:)), naf_code: $0.naf, commune: $0.commune,
                permanent_posts_created: $0.permanent, newly_created: $0.newlyCreated, durable_jobs: $0.durable, placements: $0.placements,
                median_days_to_fill: Figures.percentile($0.fillDays, 0.5), retention_6_months: Self.rate($0.kept6, $0.base6), retention_6_months_base: $0.base6)
        }
    }
}
