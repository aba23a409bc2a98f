import Logging
import PostgresNIO

/// Time spent in each stage of the pipeline (median days), overall and per need: the
/// applications created in the period (the funnel's), to the needs the filters keep; each
/// stay in a stage runs from the move into it (the creation, for "repéré") to the next move.
/// A stay not over yet is not counted. Computed on demand (the annual report, the API's
/// `stage-durations`), apart from the dashboards' one statement, which it would slow down.
enum StageDurations {
    /// The stages an application can stay in (the final ones end it).
    static let stages: [ApplicationStage] = ApplicationStage.open

    struct Median: Sendable, Codable, Equatable {
        let stage: String
        /// Median days, absent when no stay in this stage is over.
        let median_days: Double?
        /// Stays over in this stage, on which the median stands.
        let stays: Int
    }

    struct Need: Sendable, Codable, Equatable {
        let need_id: Int64
        let title: String
        let business: String
        let stages: [Median]
    }

    struct Result: Sendable, Codable, Equatable {
        let overall: [Median]
        let needs: [Need]
    }

    static func compute(filter: MetricsFilter, on connection: PostgresConnection, logger: Logger) async throws -> Result {
        let rows = try await connection.rows(
            """
            WITH a AS (
                SELECT a.tenant_id, a.id, a.need_id, a.created_at FROM applications a
                WHERE a.created_at >= \(filter.from)::date::timestamp AT TIME ZONE 'Europe/Paris'
                  AND a.created_at < (\(filter.to)::date + 1)::timestamp AT TIME ZONE 'Europe/Paris'
                  AND a.need_id IN (
                      SELECT n.id FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
                      WHERE (\(filter.business)::text IS NULL OR b.siret = \(filter.business))
                        AND (\(filter.sector)::text IS NULL OR naf_section(b.naf_code) = \(filter.sector))
                        AND (\(filter.commune)::text IS NULL OR b.commune_insee = \(filter.commune))
                        AND (\(filter.contract?.rawValue)::text IS NULL OR n.contract_kind = \(filter.contract?.rawValue)))),
            entered AS (
                SELECT a.id, a.need_id, 'sourced'::text AS stage, a.created_at AS at FROM a
                UNION ALL
                SELECT a.id, a.need_id, e.to_stage, e.at FROM a
                JOIN application_events e ON e.tenant_id = a.tenant_id AND e.application_id = a.id
                WHERE e.to_stage IS NOT NULL AND e.to_stage <> 'sourced'),
            -- Moves at the same instant (a record written in one go) in the pipeline's order, the
            -- ends last: the same stays whatever order the rows are read in.
            stays AS (
                SELECT need_id, stage, extract(epoch FROM lead(at) OVER (
                    PARTITION BY id ORDER BY at, CASE WHEN stage IN ('rejected', 'withdrawn') THEN 9 ELSE stage_rank(stage) END) - at) / 86400.0 AS days
                FROM entered),
            medians AS (
                SELECT grouping(need_id) = 0 AS per_need, need_id, stage,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median, count(*) AS stays
                FROM stays WHERE days IS NOT NULL AND stage IN ('sourced', 'screening', 'presented', 'interview', 'offer')
                GROUP BY GROUPING SETS ((need_id, stage), (stage)))
            SELECT m.per_need, m.need_id, coalesce(n.title, '') AS title, coalesce(b.name, '') AS business, m.stage, m.median::float8 AS median, m.stays
            FROM medians m
            LEFT JOIN job_needs n ON m.per_need AND n.id = m.need_id
            LEFT JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            ORDER BY m.per_need, b.name, n.title, m.need_id
            """, logger: logger
        ) { row in
            (perNeed: try row.get("per_need", as: Bool.self), need: try row.get("need_id", as: Int64?.self), title: try row.get("title", as: String.self),
             business: try row.get("business", as: String.self), stage: try row.get("stage", as: ApplicationStage.self),
             median: try row.get("median", as: Double.self), stays: try row.get("stays", as: Int64.self))
        }
        func medians(_ found: [ApplicationStage: (Double, Int)]) -> [Median] {
            stages.map { stage in Median(stage: stage.rawValue, median_days: found[stage]?.0, stays: found[stage]?.1 ?? 0) }
        }
        var overall: [ApplicationStage: (Double, Int)] = [:]
        var needs: [(id: Int64, title: String, business: String, found: [ApplicationStage: (Double, Int)])] = []
        for row in rows {
            if !row.perNeed {
                overall[row.stage] = (row.median, Int(row.stays))
                continue
            }
            guard let id = row.need else { continue }
            if needs.last?.id != id { needs.append((id, row.title, row.business, [:])) }
            needs[needs.count - 1].found[row.stage] = (row.median, Int(row.stays))
        }
        return Result(
            overall: medians(overall),
            needs: needs.map { Need(need_id: $0.id, title: $0.title, business: $0.business, stages: medians($0.found)) })
    }

    /// The overall medians and the needs' as two tables of the report.
    static func tables(_ result: Result) -> [FigureTable] {
        let stageColumns = stages.map { FigureTable.Column(label: $0.label, csvName: $0.rawValue, numeric: true) }
        let overall = FigureTable(
            id: "etapes", title: "Temps passé à chaque étape", caption: "Jours passés à chaque étape (médiane), candidatures créées sur la période",
            columns: [.init(label: "Étape", csvName: "etape", numeric: false), .init(label: "Médiane (jours)", csvName: "mediane_jours", numeric: true),
                      .init(label: "Passages terminés", csvName: "passages", numeric: true)],
            rows: zip(stages, result.overall).map { stage, median in
                .init(cells: [.header(stage.label), .days(median.median_days), .count(median.stays)])
            })
        let perNeed = FigureTable(
            id: "etapes-besoins", title: "Temps passé à chaque étape, par besoin", caption: "Jours passés à chaque étape (médiane), par besoin",
            columns: [.init(label: "Besoin", csvName: "besoin", numeric: false), .init(label: "Entreprise", csvName: "entreprise", numeric: false)] + stageColumns,
            rows: result.needs.map { need in
                .init(cells: [.header(need.title), .text(need.business)] + need.stages.map { .days($0.median_days) })
            })
        return [overall, perNeed]
    }
}
