import Foundation
import Logging
import PostgresNIO

/// What the pool can be narrowed to, and which page of it.
struct CandidateFilter: Hashable, Sendable {
    var text: String?
    var commune: String?
    var drivingLicence = false
    var ownVehicle = false
    var availableBy: Day?
    var contractKind: ContractKind?
    var source: CandidateSource?
    /// A page of the ranked matches (at most `countCap` of them, so a few dozen pages).
    var page = 1
    /// By name: the page after this record, or the page before it (keyset).
    var after: Int64?
    var before: Int64?
    static let pageSize = 25
    /// Matches are counted up to this many (« plus de 1 000 »); beyond, the list is by name.
    var countCap = 1_000

    var filtered: Bool {
        commune != nil || drivingLicence || ownVehicle || availableBy != nil || contractKind != nil || source != nil
    }
}

/// A page of the pool and how to reach the pages beside it.
struct CandidateResults: Sendable {
    enum Order: Sendable { case rank, name }
    /// Where a link leads: a page of the ranked matches, the first page, or a page by name
    /// after or before a record (with the number it is shown as).
    enum Link: Sendable, Equatable { case page(Int), first, after(Int64, page: Int), before(Int64, page: Int) }

    var candidates: [CandidateSummary]
    /// How many match, counted up to the cap and one more: above the cap, « plus de ».
    var total: Int
    var cap: Int
    var order: Order
    var page: Int
    var previous: Link?
    var next: Link?

    var capped: Bool { total > cap }
}

extension CandidateRepository {
    /// Words of a search (six at most), as the query function `search_query` reads them.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(6).joined(separator: " ")
    }

    /// Folded like the commune's filter (lower case, no accents), as a LIKE pattern.
    static func pattern(_ text: String) -> String? {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
        return folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).first.map { "%" + $0 + "%" }
    }

    /// A page of the pool (merged and erased records left out). With words, the full-text
    /// search (schema 0060: names, skills, experience, seasonal availability, notes; French
    /// stems, no accents, prefixes): up to `countCap` matches, the best first, in pages by
    /// number; beyond, or without words, by name, each page read from where the one before
    /// ended (schema 0250). Counts stop at the cap.
    static func search(_ filter: CandidateFilter, on connection: PostgresConnection, logger: Logger) async throws -> CandidateResults {
        let words = filter.text.map(words) ?? ""
        let text: String? = words.isEmpty ? nil : words
        if let text {
            // The words made a query once, here; the statements after take it as it is.
            let counted = try await connection.first(
                "SELECT q::text, candidate_search_count(q, \(filter.countCap + 1)::int) FROM search_query(\(text)) q",
                as: (String?.self, Int?.self), logger: logger)
            guard let (found, matchCount) = counted, let query = found else {
                // Only words too common to search (« de la »): no one.
                let page = max(filter.page, 1)
                return CandidateResults(
                    candidates: [], total: 0, cap: filter.countCap, order: .rank, page: page, previous: page > 1 ? .page(page - 1) : nil, next: nil)
            }
            let matches = matchCount ?? 0
            if matches <= filter.countCap {
                return try await ranked(filter, query: query, on: connection, logger: logger)
            }
            return try await byName(filter, query: query, total: filter.filtered ? nil : matches, on: connection, logger: logger)
        }
        return try await byName(filter, query: nil, total: nil, on: connection, logger: logger)
    }

    /// A statement's values, numbered as they are written into its text.
    private struct Binds {
        var values = PostgresBindings()
        mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
            values.append(value)
            return "$\(values.count)"
        }
    }

    /// The conditions on `candidates c` of the filters set (and of the search's query, when given:
    /// the text of a `tsquery`).
    /// Only those set are written: a condition `$n IS NULL OR EXISTS (…)` stays a subquery
    /// run for every record (the planner pulls an EXISTS up into a join before it folds the
    /// values), which read every match of « vigne » before the page's first record (40 ms
    /// instead of 1).
    private static func conditions(_ filter: CandidateFilter, query: String?, into binds: inout Binds) -> String {
        var conditions = ["c.merged_into IS NULL", "c.erased_at IS NULL"]
        if let commune = filter.commune.flatMap(pattern) { conditions.append("search_folded(c.commune_name) LIKE \(binds.bind(commune))") }
        if filter.drivingLicence { conditions.append("c.driving_licence") }
        if filter.ownVehicle { conditions.append("c.own_vehicle") }
        if let day = filter.availableBy?.iso { conditions.append("(c.available_from IS NULL OR c.available_from <= \(binds.bind(day))::date)") }
        if let kind = filter.contractKind?.rawValue { conditions.append("c.wished_contracts @> ARRAY[\(binds.bind(kind))::text]") }
        if let source = filter.source?.rawValue { conditions.append("c.source = \(binds.bind(source))") }
        if let query {
            conditions.append(
                "EXISTS (SELECT 1 FROM candidate_search s WHERE s.tenant_id = c.tenant_id AND s.candidate_id = c.id AND s.vector @@ \(binds.bind(query))::tsquery)")
        }
        return conditions.joined(separator: "\n  AND ")
    }

    /// The pool by name, filtered (and the search's query, when given): `select` of each record after
    /// `mark` in name order (before it, `backwards`), `limit` of them; wrapped in `wrap`
    /// (`SELECT count(*) FROM (…) found`: how many, up to the limit).
    private static func byNameQuery(
        _ filter: CandidateFilter, query: String?, select: String, mark: (String, String, Int64)?, backwards: Bool, limit: Int,
        wrap: (String, String) = ("", "")
    ) -> PostgresQuery {
        var binds = Binds()
        var conditions = conditions(filter, query: query, into: &binds)
        if let mark {
            conditions += "\n  AND (c.last_name, c.first_name, c.id) \(backwards ? "<" : ">") "
                + "(\(binds.bind(mark.0))::text, \(binds.bind(mark.1))::text, \(binds.bind(mark.2))::bigint)"
        }
        let order = backwards ? "DESC" : "ASC"
        let sql = """
            \(wrap.0) SELECT \(select) FROM candidates c
            WHERE \(conditions)
            ORDER BY c.last_name \(order), c.first_name \(order), c.id \(order)
            LIMIT \(binds.bind(limit)) \(wrap.1)
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds.values)
    }

    /// At most `countCap` matches of the words: all ranked, then cut to the page.
    private static func ranked(_ filter: CandidateFilter, query: String, on connection: PostgresConnection, logger: Logger) async throws -> CandidateResults {
        let offset = (max(filter.page, 1) - 1) * CandidateFilter.pageSize
        var total = 0
        func read(_ row: PostgresRandomAccessRow) throws -> CandidateSummary {
            total = try row.get("total")
            return try summary(row)
        }
        let candidates: [CandidateSummary]
        if !filter.filtered {
            // Words alone: ranked and cut to the page in `candidate_search` (through its GIN
            // index), then only the page's records read.
            candidates = try await connection.rows(
                """
                SELECT c.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, c.skills, c.driving_licence, c.own_vehicle,
                       c.available_from, c.source, page.total, \(unescaped: cdiEmployer("c"))
                FROM (
                    SELECT m.candidate_id, m.rank, m.last_name, m.first_name, count(*) OVER () AS total
                    FROM candidate_search_matches(\(query)::tsquery) m
                    ORDER BY m.rank DESC, m.last_name, m.first_name, m.candidate_id
                    LIMIT \(CandidateFilter.pageSize) OFFSET \(offset)
                ) page JOIN candidates c ON c.id = page.candidate_id
                ORDER BY page.rank DESC, page.last_name, page.first_name, page.candidate_id
                """, logger: logger, read)
        } else {
            // Words and filters: the matches joined to their records to filter them.
            var binds = Binds()
            let matches = "candidate_search_matches(\(binds.bind(query))::tsquery)"
            let sql = """
                SELECT page.*, \(cdiEmployer("page"))
                FROM (
                    SELECT c.tenant_id, c.id, c.first_name || ' ' || c.last_name AS name, c.last_name, c.first_name, c.commune_name, c.skills,
                           c.driving_licence, c.own_vehicle, c.available_from, c.source, m.rank, count(*) OVER () AS total
                    FROM \(matches) m JOIN candidates c ON c.id = m.candidate_id
                    WHERE \(conditions(filter, query: nil, into: &binds))
                    ORDER BY m.rank DESC, c.last_name, c.first_name, c.id
                    LIMIT \(binds.bind(CandidateFilter.pageSize)) OFFSET \(binds.bind(offset))
                ) page
                ORDER BY page.rank DESC, page.last_name, page.first_name, page.id
                """
            candidates = try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds.values), logger: logger, read)
        }
        let page = max(filter.page, 1)
        let pages = max(1, (total + CandidateFilter.pageSize - 1) / CandidateFilter.pageSize)
        return CandidateResults(
            candidates: candidates, total: total, cap: filter.countCap, order: .rank, page: page,
            previous: page > 1 ? .page(page - 1) : nil, next: page < pages ? .page(page + 1) : nil)
    }

    /// By name, from where the page before ended: the records after `filter.after` (or
    /// before `filter.before`), one more than a page read to know whether another follows.
    /// `total` when already counted; else counted here, up to the cap.
    private static func byName(
        _ filter: CandidateFilter, query: String?, total: Int?, on connection: PostgresConnection, logger: Logger
    ) async throws -> CandidateResults {
        let size = CandidateFilter.pageSize
        var mark: (String, String, Int64)?
        if let id = filter.after ?? filter.before {
            mark = try await connection.all(
                "SELECT last_name, first_name, id FROM candidates WHERE id = \(id)", as: (String.self, String.self, Int64.self), logger: logger
            ).first
        }
        let columns = """
            c.id, c.first_name || ' ' || c.last_name AS name, c.commune_name, c.skills, c.driving_licence, c.own_vehicle,
            c.available_from, c.source, \(cdiEmployer("c"))
            """
        func read(after: (String, String, Int64)?, backwards: Bool) async throws -> [CandidateSummary] {
            try await connection.rows(
                byNameQuery(filter, query: query, select: columns, mark: after, backwards: backwards, limit: size + 1), logger: logger, summary)
        }
        var page = max(filter.page, 1)
        var rows: [CandidateSummary]
        var previous: CandidateResults.Link?
        let next: CandidateResults.Link?
        if let mark, filter.before != nil {
            let before = try await read(after: mark, backwards: true)
            if before.count > size {
                rows = Array(before.prefix(size).reversed())
                page = max(page, 2)
                previous = page - 1 == 1 ? .first : .before(rows[0].id, page: page - 1)
                next = .after(rows[size - 1].id, page: page + 1)
            } else {
                // Back at the start: the first page, full.
                page = 1
                rows = try await read(after: nil, backwards: false)
                next = rows.count > size ? .after(rows[size - 1].id, page: 2) : nil
                rows = Array(rows.prefix(size))
            }
        } else {
            if mark == nil { page = 1 }
            rows = try await read(after: mark, backwards: false)
            next = rows.count > size ? .after(rows[size - 1].id, page: page + 1) : nil
            rows = Array(rows.prefix(size))
            if mark != nil { previous = page - 1 <= 1 || rows.isEmpty ? .first : .before(rows[0].id, page: page - 1) }
        }
        let counted: Int
        if let total {
            counted = total
        } else {
            let count = byNameQuery(
                filter, query: query, select: "1", mark: nil, backwards: false, limit: filter.countCap + 1,
                wrap: ("SELECT count(*)::int FROM (", ") found"))
            counted = try await connection.values(count, as: Int.self, logger: logger).first ?? 0
        }
        return CandidateResults(candidates: rows, total: counted, cap: filter.countCap, order: .name, page: page, previous: previous, next: next)
    }
}
