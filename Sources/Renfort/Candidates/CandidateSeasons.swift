import Foundation
import Logging
import PostgresNIO

/// A period when a candidate is free for a season: these dates, or the same days every year.
struct AvailabilityWindow: Sendable, Equatable {
    let starts: Day
    let ends: Day
    let everyYear: Bool

    /// "du 1er juillet au 31 août, chaque année", "du 1er juillet 2027 au 31 août 2027".
    var described: String {
        everyYear ? "du \(starts.dayAndMonth) au \(ends.dayAndMonth), chaque année" : "du \(starts.long) au \(ends.long)"
    }
}

/// A window's row of the candidate form, as typed.
struct AvailabilityWindowInput: Sendable, Equatable {
    var starts = ""
    var ends = ""
    var everyYear = false
}

/// The candidate form's lists: up to three jobs of the referential and three windows.
enum CandidateSeasons {
    static let rows = 1...3

    static func jobField(_ row: Int) -> String { "job_\(row)" }
    static func startField(_ row: Int) -> String { "window_\(row)_start" }
    static func endField(_ row: Int) -> String { "window_\(row)_end" }
    static func everyYearField(_ row: Int) -> String { "window_\(row)_every_year" }

    /// The windows as typed, and those that are whole and right; a row left empty is none.
    static func readWindows(_ reader: inout FormReader, today: Day) -> ([AvailabilityWindowInput], [AvailabilityWindow]) {
        var inputs: [AvailabilityWindowInput] = [], windows: [AvailabilityWindow] = []
        for row in rows {
            let input = AvailabilityWindowInput(
                starts: (reader.form[startField(row)] ?? "").trimmingCharacters(in: .whitespaces),
                ends: (reader.form[endField(row)] ?? "").trimmingCharacters(in: .whitespaces), everyYear: reader.flag(everyYearField(row)))
            inputs.append(input)
            if input.starts.isEmpty && input.ends.isEmpty { continue }
            let range = today.within(yearsBack: 10, yearsAhead: 3)
            let starts = reader.day(startField(row), "Début de la période \(row)", required: true, range: range)
            let ends = reader.day(endField(row), "Fin de la période \(row)", required: true, range: range)
            guard let starts, let ends else { continue }
            if ends < starts {
                reader.errors.add(endField(row), "La période \(row) finit avant de commencer : vérifiez les dates.")
            } else if input.everyYear && starts.distance(to: ends) >= 365 {
                reader.errors.add(endField(row), "Une période de chaque année dure moins d'un an : vérifiez les dates.")
            } else if !input.everyYear && ends < today {
                reader.errors.add(endField(row), "La période \(row) est passée : cochez «\u{00A0}chaque année\u{00A0}» si elle revient, ou effacez-la.")
            } else {
                windows.append(AvailabilityWindow(starts: starts, ends: ends, everyYear: input.everyYear))
            }
        }
        return (inputs, windows)
    }

    /// The jobs typed in the three fields, matched against the referential (`JobTitles`).
    static func readJobs(from form: FormData, errors: inout FormErrors, database: Database, logger: Logger) async throws -> [RomeJob] {
        let (jobs, found) = try await database.withConnection(logger: logger) { connection -> ([RomeJob], FormErrors) in
            var jobs: [RomeJob] = [], found = FormErrors()
            for row in rows {
                let job = try await JobTitles.read(jobField(row), label: "Métier \(row)", from: form, errors: &found, on: connection, logger: logger)
                if let job, !jobs.contains(job) { jobs.append(job) }
            }
            return (jobs, found)
        }
        errors.absorb(found)
        return jobs
    }

    // MARK: SQL

    /// Replaces a record's jobs and windows with the form's, in the caller's transaction.
    static func save(candidateID: Int64, tenantID: Int64, jobs: [RomeJob], windows: [AvailabilityWindow], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("DELETE FROM candidate_jobs WHERE candidate_id = \(candidateID)", logger: logger)
        try await connection.execute("DELETE FROM candidate_availability WHERE candidate_id = \(candidateID)", logger: logger)
        for (index, job) in jobs.prefix(rows.count).enumerated() {
            try await connection.execute(
                """
                INSERT INTO candidate_jobs (tenant_id, candidate_id, position, rome_code, appellation_id)
                VALUES (\(tenantID), \(candidateID), \(index + 1), \(job.code), \(job.appellationID))
                """, logger: logger)
        }
        for (index, window) in windows.prefix(rows.count).enumerated() {
            try await connection.execute(
                """
                INSERT INTO candidate_availability (tenant_id, candidate_id, position, starts_on, ends_on, every_year)
                VALUES (\(tenantID), \(candidateID), \(index + 1), \(window.starts.iso)::date, \(window.ends.iso)::date, \(window.everyYear))
                """, logger: logger)
        }
    }

    static func jobs(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [RomeJob] {
        try await connection.all(
            """
            SELECT k.appellation_id, a.label, k.rome_code, j.label
            FROM candidate_jobs k JOIN rome_jobs j ON j.code = k.rome_code LEFT JOIN rome_appellations a ON a.id = k.appellation_id
            WHERE k.candidate_id = \(candidateID) ORDER BY k.position
            """, as: (Int32?.self, String?.self, String.self, String.self), logger: logger
        ).map { RomeJob(appellationID: $0.1 == nil ? nil : $0.0, title: $0.1 ?? $0.3, code: $0.2, codeLabel: $0.3) }
    }

    static func windows(candidateID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [AvailabilityWindow] {
        try await connection.all(
            "SELECT starts_on, ends_on, every_year FROM candidate_availability WHERE candidate_id = \(candidateID) ORDER BY position",
            as: (Day.self, Day.self, Bool.self), logger: logger
        ).map { AvailabilityWindow(starts: $0.0, ends: $0.1, everyYear: $0.2) }
    }

    /// A merge: the survivor keeps its own lists; one it does not have, it takes from the other record.
    static func merge(source: Int64, into target: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["candidate_jobs", "candidate_availability"] {
            try await connection.execute(
                """
                UPDATE \(unescaped: table) SET candidate_id = \(target)
                WHERE candidate_id = \(source) AND NOT EXISTS (SELECT 1 FROM \(unescaped: table) WHERE candidate_id = \(target))
                """, logger: logger)
            try await connection.execute("DELETE FROM \(unescaped: table) WHERE candidate_id = \(source)", logger: logger)
        }
    }
}
