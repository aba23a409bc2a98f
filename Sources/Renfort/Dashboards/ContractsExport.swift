import Logging
import PostgresNIO

/// What became of each contract, one line per placement started in the period (the same
/// filters as the dashboards), for DDETS/DREETS: the business, the post, the contract and
/// its end, the trial, the check-ins done. Never the person hired: no name, no contact, no
/// candidate id.
enum ContractsExport {
    struct Line: Sendable {
        let siret: String
        let business: String
        let naf: String?
        let commune: String?
        let post: String
        let romeCode: String?
        let contract: ContractKind
        let hours: Double
        let newlyCreated: Bool
        let start: Day
        let plannedEnd: Day?
        let endedOn: Day?
        let endReason: EndReason?
        /// The trial's first day after (`placements.trial_days` from the start).
        let trialOverOn: Day
        let checkInsDone: Int

        /// "passée", "non passée" (the employment ended inside it), or "en cours" on `asOf`.
        func trial(asOf: Day) -> String {
            if let endedOn, endedOn < trialOverOn { return "non passée" }
            return trialOverOn <= asOf ? "passée" : "en cours"
        }
    }

    /// The period's placements of the centre (row-level security) that the filter keeps, by start.
    static func lines(filter: MetricsFilter, on connection: PostgresConnection, logger: Logger) async throws -> [Line] {
        try await connection.rows(
            """
            SELECT b.siret, b.name, b.naf_code, b.commune_name, n.title, n.rome_code, p.contract_kind, p.hours_per_week::float8 AS hours,
                   p.newly_created, p.start_date, p.end_date, p.ended_on, p.end_reason, p.start_date + p.trial_days AS trial_over_on,
                   (SELECT count(*) FROM check_ins c WHERE c.tenant_id = p.tenant_id AND c.placement_id = p.id AND c.done_on IS NOT NULL)::int8 AS done
            FROM placements p
            JOIN businesses b ON b.tenant_id = p.tenant_id AND b.id = p.business_id
            JOIN job_needs n ON n.tenant_id = p.tenant_id AND n.id = p.need_id
            WHERE p.start_date BETWEEN \(filter.from)::date AND \(filter.to)::date
              AND (\(filter.business)::text IS NULL OR b.siret = \(filter.business))
              AND (\(filter.sector)::text IS NULL OR naf_section(b.naf_code) = \(filter.sector))
              AND (\(filter.commune)::text IS NULL OR b.commune_insee = \(filter.commune))
              AND (\(filter.contract?.rawValue)::text IS NULL OR p.contract_kind = \(filter.contract?.rawValue))
            ORDER BY p.start_date, b.name, p.id
            """, logger: logger
        ) { row in
            Line(
                siret: try row.get("siret"), business: try row.get("name"), naf: try row.get("naf_code"), commune: try row.get("commune_name"),
                post: try row.get("title"), romeCode: try row.get("rome_code"), contract: try row.get("contract_kind"), hours: try row.get("hours"),
                newlyCreated: try row.get("newly_created"), start: try row.get("start_date"), plannedEnd: try row.get("end_date"),
                endedOn: try row.get("ended_on"), endReason: try row.get("end_reason"), trialOverOn: try row.get("trial_over_on"),
                checkInsDone: Int(try row.get("done", as: Int64.self)))
        }
    }

    static let header = [
        "SIRET", "Entreprise", "Code NAF", "Commune", "Poste", "Code ROME", "Contrat", "Heures par semaine", "Création ou remplacement",
        "Début", "Fin prévue", "Fin effective", "Motif de fin", "Période d'essai", "Suivis réalisés",
    ]

    /// The CSV file (French or international variant), what it holds at its top.
    static func csv(_ lines: [Line], variant: CSV.Variant, about: [(String, String)], asOf: Day) -> String {
        let csv = CSV(variant: variant)
        func date(_ day: Day?) -> String { day.map { variant == .french ? $0.french : $0.iso } ?? "" }
        let rows: [[CSV.Value]] = lines.map { line in
            [
                .code(line.siret), .text(line.business), .text(line.naf ?? ""), .text(line.commune ?? ""), .text(line.post), .text(line.romeCode ?? ""),
                .text(line.contract.label), .text(csv.number(line.hours)), .text(line.newlyCreated ? "Création" : "Remplacement"),
                .text(date(line.start)), .text(date(line.plannedEnd)), .text(date(line.endedOn)), .text(line.endReason?.label ?? ""),
                .text(line.trial(asOf: asOf)), .text(String(line.checkInsDone)),
            ]
        }
        return csv.document(about: about, header: header, rows: rows)
    }
}
