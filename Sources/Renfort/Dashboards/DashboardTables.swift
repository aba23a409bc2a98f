import Foundation

/// The tables of a centre's dashboard, built from its metrics. For advisers (`links` set),
/// figures link to the lists behind them; observers get the same tables without links.
struct DashboardTables {
    /// The centre's path (`/c/cahors`) when the figures should link to its lists.
    let links: String?
    let metrics: CentreMetrics
    /// The businesses' ids, by SIRET, for the links.
    let businessIDs: [String: Int64]
    let filter: MetricsFilter
    let sort: BusinessSort
    /// The page's path and query without the sort, for the sortable headers.
    let pagePath: String
    /// The period's days as links write them, formatted once (`Day.iso` formats with
    /// `String(format:)`, slow on Linux: a twentieth of an adviser's dashboard, two links a
    /// business).
    private let from: String
    private let to: String
    /// The members' parts of the shared posts hired in the period (`SharedPostRepository.shares`).
    let sharedPosts: [SharedPostShare]

    init(
        links: String?, metrics: CentreMetrics, businessIDs: [String: Int64], filter: MetricsFilter, sort: BusinessSort, pagePath: String,
        sharedPosts: [SharedPostShare] = []
    ) {
        self.links = links
        self.sharedPosts = sharedPosts
        self.metrics = metrics
        self.businessIDs = businessIDs
        self.filter = filter
        self.sort = sort
        self.pagePath = pagePath
        from = filter.from.iso
        to = filter.to.iso
    }

    static let ids = ["indicateurs", "entreprises", "contrats-par-mois", "entonnoir", "maintien-par-cohorte", "besoins-difficiles", "motifs-difficiles", "sources", "residences", "postes-partages"]

    var all: [FigureTable] {
        [headline, businesses, sharedPostShares, monthly, funnel, cohorts, hardToFill, hardToFillReasons, sources, residences]
    }

    func table(_ id: String) -> FigureTable? { all.first { $0.id == id } }

    private func placementsHref(business: String? = nil, contract: String? = nil, from: String? = nil, to: String? = nil, hiredAgain: Bool = false) -> String? {
        guard let links else { return nil }
        var items = ["du=\(from ?? self.from)", "au=\(to ?? self.to)"]
        if let business, let id = businessIDs[business] { items.append("entreprise=\(id)") }
        if let contract = contract ?? filter.contract?.rawValue { items.append("contrat=\(contract)") }
        if hiredAgain { items.append("reembauches=1") }
        return "\(links)/embauches?" + items.joined(separator: "&")
    }

    var headline: FigureTable {
        let m = metrics
        func row(_ label: String, _ cell: FigureTable.Cell, _ base: String) -> FigureTable.Row {
            .init(cells: [.header(label), cell, .text(base)])
        }
        var rows = [
            row("Postes pérennes créés (CDI)", .count(m.permanent_posts_created, href: placementsHref(contract: "cdi")), "embauches en CDI ou CDI à temps partagé commencées sur la période"),
            row("dont créations de poste", .count(m.newly_created_permanent_posts), "postes nouveaux, hors remplacements, selon le besoin à son dépôt"),
            row("Emplois durables", .count(m.durable_jobs), "CDI, ou CDD de six mois ou plus"),
            row("Embauches, tous contrats", .count(m.placements, href: placementsHref()), "embauches commencées sur la période"),
            row("Délai médian de recrutement", .days(m.median_days_to_fill), "sur \(m.needs_counted_for_time_to_fill) besoins pourvus"),
            row("Délai de recrutement, 3e quartile", .days(m.p75_days_to_fill), "sur \(m.needs_counted_for_time_to_fill) besoins pourvus"),
            row("Taux de satisfaction des besoins", .percent(m.fill_rate), "\(m.positions_filled) postes pourvus sur \(m.positions_requested) demandés, besoins terminés sur la période"),
            row("dont besoins difficiles à pourvoir", .percent(m.fill_rate_hard_to_fill), "\(m.hard_to_fill_positions_filled) sur \(m.hard_to_fill_positions_requested)"),
        ]
        for r in m.retention {
            rows.append(row("Maintien dans l'emploi à \(r.months) mois", .percent(r.rate), r.placements == 0 ? "aucune embauche assez ancienne" : "\(r.kept) sur \(r.placements) embauches assez anciennes"))
        }
        rows.append(row("Période d'essai passée", .percent(m.trial_passed_rate), "sur \(m.trial_passed_base) embauches dont l'essai est terminé"))
        rows.append(row("Emplois terminés pendant l'essai", .percent(m.employments_ended_in_trial_rate), "\(m.employments_ended_in_trial) sur \(m.placements) embauches de la période"))
        rows.append(row("Emplois terminés après l'essai", .percent(m.employments_ended_after_trial_rate), "\(m.employments_ended_after_trial) sur \(m.placements) embauches de la période"))
        rows.append(row("Contrats courts suivis d'un emploi durable", .percent(m.fixed_term_followed_by_durable_job_rate),
                        "\(m.fixed_term_followed_by_durable_job) sur \(m.fixed_term_contracts_over) contrats à durée déterminée terminés"))
        rows.append(row("Embauches saisonnières", .count(m.seasonal_placements, href: placementsHref(contract: "seasonal_cdd")), "CDD saisonniers commencés sur la période"))
        rows.append(row("Saisonniers réembauchés", .count(m.seasonal_workers_hired_again, href: placementsHref(contract: ContractKind.seasonalCDD.rawValue, hiredAgain: true)), "personnes déjà recrutées pour une saison précédente"))
        return FigureTable(
            id: "indicateurs", title: "Indicateurs", caption: "Les indicateurs de la période",
            columns: [.init(label: "Indicateur", csvName: "indicateur", numeric: false), .init(label: "Valeur", csvName: "valeur", numeric: true),
                      .init(label: "Base de calcul", csvName: "base", numeric: false)],
            rows: rows)
    }

    var businesses: FigureTable {
        let lines = sort.apply(metrics.businesses)
        let columns: [(String, String, Bool, String)] = [
            ("Entreprise", "entreprise", false, "entreprise"), ("Secteur (NAF)", "naf", false, "secteur"), ("Commune", "commune", false, "commune"),
            ("Postes pérennes", "postes_perennes_crees", true, "postes"), ("dont créations", "dont_creations_de_poste", true, "creations"),
            ("Emplois durables", "emplois_durables", true, "durables"), ("Embauches", "embauches", true, "embauches"),
            ("Délai médian (jours)", "delai_median_jours", true, "delai"), ("Maintien à 6 mois (%)", "maintien_6_mois_pct", true, "maintien"),
        ]
        var table = FigureTable(
            id: "entreprises", title: "Postes pérennes créés par entreprise", caption: "Entreprises adhérentes, par postes pérennes créés",
            columns: [.init(label: "SIRET", csvName: "siret", numeric: false)] + columns.map { label, csvName, numeric, key in
                let current = sort.key == key
                let order = current && !sort.descending ? "desc" : (current ? "asc" : (numeric ? "desc" : "asc"))
                return FigureTable.Column(
                    label: label, csvName: csvName, numeric: numeric, sortHref: "\(pagePath)tri=\(key)&ordre=\(order)#entreprises",
                    sortState: current ? (sort.descending ? "descending" : "ascending") : nil)
            } + [.init(label: "Base du maintien", csvName: "maintien_6_mois_base", numeric: true)],
            rows: lines.map { line in
                .init(cells: [
                    .code(line.siret),
                    .header(line.name, href: links.flatMap { base in businessIDs[line.siret].map { "\(base)/entreprises/\($0)" } }),
                    .text(line.naf_code ?? ""), .text(line.commune ?? ""),
                    .count(line.permanent_posts_created, href: placementsHref(business: line.siret, contract: "cdi")),
                    .count(line.newly_created), .count(line.durable_jobs),
                    .count(line.placements, href: placementsHref(business: line.siret)),
                    .days(line.median_days_to_fill), .percent(line.retention_6_months), .count(line.retention_6_months_base),
                ])
            })
        table.foot = [.init(cells: [
            .text(""), .header("Total"), .text(""), .text(""), .count(metrics.permanent_posts_created), .count(metrics.newly_created_permanent_posts),
            .count(metrics.durable_jobs), .count(metrics.placements), .days(metrics.median_days_to_fill), .percent(metrics.retention.first { $0.months == 6 }?.rate),
            .count(metrics.retention.first { $0.months == 6 }?.placements),
        ])]
        return table
    }

    var monthly: FigureTable {
        let series = Charts.contractSeries
        var table = FigureTable(
            id: "contrats-par-mois", title: "Embauches par mois et par contrat", caption: "Embauches commencées chaque mois, par type de contrat",
            columns: [.init(label: "Mois", csvName: "mois", numeric: false)] + series.map { .init(label: $0.label, csvName: $0.key, numeric: true) }
                + [.init(label: "Total", csvName: "total", numeric: true)],
            rows: metrics.monthly_placements.map { month in
                let (start, end) = Self.monthBounds(month.month)
                return .init(cells: [.header(DashboardFormat.month(month.month))]
                    + series.map { .count(month.by_contract[$0.key] ?? 0, href: placementsHref(contract: $0.key, from: start, to: end)) }
                    + [.count(month.placements, href: placementsHref(from: start, to: end))])
            })
        table.foot = [.init(cells: [.header("Total")] + series.map { .count(metrics.placements_by_contract[$0.key] ?? 0) } + [.count(metrics.placements)])]
        table.chart = Charts.stackedColumns(
            id: "graphique-mois", title: "Embauches par mois et par contrat",
            description: "Histogramme empilé : pour chaque mois, le nombre d'embauches commencées, par type de contrat. Les mêmes nombres figurent dans le tableau.",
            labels: metrics.monthly_placements.map { DashboardFormat.month($0.month) }, values: metrics.monthly_placements.map(\.by_contract), series: series)
        return table
    }

    static func monthBounds(_ key: String) -> (String, String) {
        let start = Day(iso: key + "-01")
        let end = start.map { $0.adding(months: 1).adding(days: -1) }
        return (start?.iso ?? "", end?.iso ?? "")
    }

    var funnel: FigureTable {
        var table = FigureTable(
            id: "entonnoir", title: "Du repérage à l'embauche", caption: "Candidatures créées sur la période, par étape atteinte",
            columns: [.init(label: "Étape", csvName: "etape", numeric: false), .init(label: "Candidatures", csvName: "candidatures", numeric: true),
                      .init(label: "Passage depuis l'étape précédente (%)", csvName: "conversion_pct", numeric: true)],
            rows: metrics.funnel.map { stage in
                .init(cells: [.header(ApplicationStage(rawValue: stage.stage)?.label ?? stage.stage), .count(stage.applications), .percent(stage.conversion)])
            })
        table.chart = Charts.bars(
            id: "graphique-entonnoir", title: "Candidatures par étape atteinte",
            description: "Barres horizontales : le nombre de candidatures ayant atteint chaque étape, du repérage à l'embauche.",
            items: metrics.funnel.map { (ApplicationStage(rawValue: $0.stage)?.label ?? $0.stage, Double($0.applications), Formats.integer($0.applications)) })
        table.note = "Une candidature qui a atteint une étape compte aussi pour les étapes précédentes."
        return table
    }

    var cohorts: FigureTable {
        var columns: [FigureTable.Column] = [.init(label: "Embauches du mois", csvName: "mois", numeric: false), .init(label: "Embauches", csvName: "embauches", numeric: true)]
        for months in CentreFigures.horizons {
            columns.append(.init(label: "Maintien à \(months) mois (%)", csvName: "maintien_\(months)_mois_pct", numeric: true))
            columns.append(.init(label: "Base \(months) mois", csvName: "maintien_\(months)_mois_base", numeric: true))
        }
        var table = FigureTable(
            id: "maintien-par-cohorte", title: "Maintien dans l'emploi par mois d'embauche", caption: "Part des personnes encore en poste 3, 6 et 12 mois après leur embauche",
            columns: columns,
            rows: metrics.retention_cohorts.map { cohort in
                .init(cells: [.header(DashboardFormat.month(cohort.month)), .count(cohort.placements)]
                    + cohort.retention.flatMap { [FigureTable.Cell.percent($0.rate), .count($0.placements)] })
            })
        table.foot = [.init(cells: [.header("Ensemble"), .count(metrics.placements)] + metrics.retention.flatMap { [FigureTable.Cell.percent($0.rate), .count($0.placements)] })]
        table.chart = Charts.bars(
            id: "graphique-maintien", title: "Maintien dans l'emploi à 3, 6 et 12 mois",
            description: "Barres horizontales : la part des embauches encore en poste à chaque échéance, parmi les embauches assez anciennes.",
            items: metrics.retention.map { ("À \($0.months) mois", ($0.rate ?? 0) * 100, $0.placements == 0 ? "pas encore mesurable" : "\(DashboardFormat.percent($0.rate)) sur \($0.placements)") },
            maximum: 100)
        table.note = "Un contrat à durée déterminée arrivé à son terme compte comme maintenu ; seules comptent les embauches assez anciennes pour l'échéance."
        return table
    }

    var hardToFill: FigureTable {
        let needsHref = links.map { "\($0)/besoins?difficile=1" }
        var table = FigureTable(
            id: "besoins-difficiles", title: "Besoins difficiles à pourvoir", caption: "Besoins difficiles actifs sur la période, selon leur issue",
            columns: [.init(label: "Issue", csvName: "issue", numeric: false), .init(label: "Besoins", csvName: "besoins", numeric: true),
                      .init(label: "Postes demandés", csvName: "postes_demandes", numeric: true), .init(label: "Postes pourvus", csvName: "postes_pourvus", numeric: true)],
            rows: metrics.hard_to_fill.by_outcome.map { outcome in
                .init(cells: [.header(DashboardFormat.outcome(outcome.key)), .count(outcome.needs, href: needsHref.map { "\($0)&statut=\(outcome.key)" }),
                              .count(outcome.positions), .count(outcome.positions_filled)])
            })
        table.foot = [.init(cells: [.header("Total"), .count(metrics.hard_to_fill.needs, href: needsHref), .count(metrics.hard_to_fill.positions), .count(metrics.hard_to_fill.positions_filled)])]
        return table
    }

    var hardToFillReasons: FigureTable {
        FigureTable(
            id: "motifs-difficiles", title: "Motifs des difficultés", caption: "Besoins difficiles actifs sur la période, par motif (un besoin peut en avoir plusieurs)",
            columns: [.init(label: "Motif", csvName: "motif", numeric: false), .init(label: "Besoins", csvName: "besoins", numeric: true),
                      .init(label: "Postes demandés", csvName: "postes_demandes", numeric: true), .init(label: "Postes pourvus", csvName: "postes_pourvus", numeric: true),
                      .init(label: "Taux de satisfaction (%)", csvName: "taux_pct", numeric: true)],
            rows: metrics.hard_to_fill.by_reason.map { reason in
                .init(cells: [.header(HardToFillReason(rawValue: reason.key)?.label ?? reason.key), .count(reason.needs), .count(reason.positions),
                              .count(reason.positions_filled), .percent(CentreMetrics.rate(reason.positions_filled, reason.positions))])
            })
    }

    var sources: FigureTable {
        var table = FigureTable(
            id: "sources", title: "Origine des personnes recrutées", caption: "Embauches de la période selon l'origine de la candidature",
            columns: [.init(label: "Origine", csvName: "origine", numeric: false), .init(label: "Embauches", csvName: "embauches", numeric: true)],
            rows: metrics.sources_of_hire.map { source in
                .init(cells: [.header(CandidateSource(rawValue: source.source)?.label ?? source.source), .count(source.placements, hiddenText: "moins de 3")])
            })
        table.note = "Les effectifs inférieurs à 3 ne sont pas affichés : ils pourraient désigner des personnes."
        return table
    }
}

extension DashboardTables {
    /// Each shared post hired in the period, counted once among the permanent posts (for its
    /// employer of record), with each member business's part: its months times its hours.
    var sharedPostShares: FigureTable {
        var table = FigureTable(
            id: "postes-partages", title: "Postes partagés : la part de chaque entreprise",
            caption: "Postes partagés pourvus sur la période, entreprise par entreprise",
            columns: [
                .init(label: "Poste partagé", csvName: "poste", numeric: false), .init(label: "Employeur de rattachement", csvName: "employeur", numeric: false),
                .init(label: "Entreprise membre", csvName: "entreprise", numeric: false), .init(label: "SIRET", csvName: "siret", numeric: false),
                .init(label: "Mois", csvName: "mois", numeric: false), .init(label: "Heures par semaine", csvName: "heures", numeric: true),
                .init(label: "Part du poste", csvName: "part_pct", numeric: true),
            ],
            rows: sharedPosts.map { line in
                .init(cells: [
                    .header(line.title), .text(line.employerName), .text(line.businessName), .text(line.businessSiret), .text(line.months),
                    .text(Formats.hours(line.hoursPerWeek)), .percent(line.share),
                ])
            })
        table.note = "Un poste partagé compte une seule fois parmi les postes pérennes créés, pour son employeur de rattachement ; la part de chaque entreprise membre est ses mois multipliés par ses heures, sur le total du poste."
        return table
    }

    var residences: FigureTable {
        var table = FigureTable(
            id: "residences", title: "Commune de résidence des personnes recrutées", caption: "Embauches de la période selon la commune où vit la personne",
            columns: [.init(label: "Commune", csvName: "commune", numeric: false), .init(label: "Embauches", csvName: "embauches", numeric: true)],
            rows: metrics.residence_of_hires.map { line in
                .init(cells: [.header(line.hidden ? "Autres communes (moins de 3 embauches chacune)" : line.commune), .count(line.placements, hiddenText: "moins de 3")])
            })
        table.note = "Une commune comptant moins de 3 embauches n'est pas nommée : ces personnes sont comptées ensemble, et ce total lui-même est masqué s'il est inférieur à 3."
        return table
    }
}

/// How the per-business table is sorted (`?tri=…&ordre=asc|desc`).
struct BusinessSort: Sendable {
    static let keys = ["entreprise", "secteur", "commune", "postes", "creations", "durables", "embauches", "delai", "maintien"]
    let key: String
    let descending: Bool

    init(query: [String: String]) {
        let key = query["tri"].flatMap { Self.keys.contains($0) ? $0 : nil } ?? "postes"
        self.key = key
        self.descending = query["ordre"].map { $0 == "desc" } ?? !["entreprise", "secteur", "commune"].contains(key)
    }

    func apply(_ lines: [CentreMetrics.BusinessLine]) -> [CentreMetrics.BusinessLine] {
        func compare(_ a: CentreMetrics.BusinessLine, _ b: CentreMetrics.BusinessLine) -> Bool? {
            func order<T: Comparable>(_ x: T, _ y: T) -> Bool? { x == y ? nil : x < y }
            func optional(_ x: Double?, _ y: Double?) -> Bool? {
                switch (x, y) {
                case (nil, nil): nil
                case (nil, _): true
                case (_, nil): false
                case (let x?, let y?): order(x, y)
                }
            }
            switch key {
            case "entreprise": return order(a.name.lowercased(), b.name.lowercased())
            case "secteur": return order(a.naf_code ?? "", b.naf_code ?? "")
            case "commune": return order(a.commune ?? "", b.commune ?? "")
            case "creations": return order(a.newly_created, b.newly_created)
            case "durables": return order(a.durable_jobs, b.durable_jobs)
            case "embauches": return order(a.placements, b.placements)
            case "delai": return optional(a.median_days_to_fill, b.median_days_to_fill)
            case "maintien": return optional(a.retention_6_months, b.retention_6_months)
            default: return order(a.permanent_posts_created, b.permanent_posts_created)
            }
        }
        return lines.sorted { a, b in
            if let ascending = compare(a, b) { return descending ? !ascending : ascending }
            return a.name.lowercased() < b.name.lowercased()
        }
    }
}
