import Foundation
import Logging
import PostgresNIO

/// The ROME referential as its files hold it (`schema/data/rome.csv`, `code;libelle`, and
/// `rome-appellations.csv`, `code;libelle;rome`), loaded into `rome_jobs` and
/// `rome_appellations` at each migrate. Rows are added or relabelled, never removed: a need
/// keeps a code that a later snapshot retires.
struct RomeReferential: Sendable {
    struct Job: Sendable, Equatable {
        let code: String
        let label: String
    }

    struct Title: Sendable, Equatable {
        let id: Int32
        let label: String
        let romeCode: String
    }

    let jobs: [Job]
    let titles: [Title]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static let jobsFile = "rome.csv"
    static let titlesFile = "rome-appellations.csv"

    /// Reads both files of `directory`; nil when they are not there (a schema folder of a test
    /// that holds only migrations).
    static func read(directory: String) throws -> RomeReferential? {
        let jobsPath = directory + "/" + jobsFile, titlesPath = directory + "/" + titlesFile
        guard FileManager.default.fileExists(atPath: jobsPath), FileManager.default.fileExists(atPath: titlesPath) else { return nil }
        return try parse(jobs: try String(contentsOfFile: jobsPath, encoding: .utf8), titles: try String(contentsOfFile: titlesPath, encoding: .utf8))
    }

    static func parse(jobs jobsText: String, titles titlesText: String) throws -> RomeReferential {
        let jobs = try rows(jobsText, file: jobsFile, header: "code;libelle", columns: 2).map { line, fields in
            guard fields[0].range(of: "^[A-N][0-9]{4}$", options: .regularExpression) != nil, !fields[1].isEmpty else {
                throw Malformed(description: "\(jobsFile), line \(line): expected `A1234;libellé`")
            }
            return Job(code: fields[0], label: fields[1])
        }
        let codes = Set(jobs.map(\.code))
        let titles = try rows(titlesText, file: titlesFile, header: "code;libelle;rome", columns: 3).map { line, fields in
            guard let id = Int32(fields[0]), !fields[1].isEmpty, codes.contains(fields[2]) else {
                throw Malformed(description: "\(titlesFile), line \(line): expected `12345;libellé;A1234` with a code of \(jobsFile)")
            }
            return Title(id: id, label: fields[1], romeCode: fields[2])
        }
        guard !jobs.isEmpty, !titles.isEmpty else { throw Malformed(description: "the ROME files hold no row") }
        return RomeReferential(jobs: jobs, titles: titles)
    }

    private static func rows(_ text: String, file: String, header: String, columns: Int) throws -> [(Int, [String])] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        if lines.last == "" { lines.removeLast() }
        guard lines.first == header else { throw Malformed(description: "\(file): the first line must be `\(header)`") }
        return try lines.dropFirst().enumerated().map { index, line in
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == columns else { throw Malformed(description: "\(file), line \(index + 2): \(columns) fields expected") }
            return (index + 2, fields)
        }
    }

    /// Writes what differs from the tables, in the caller's transaction; how many rows changed.
    @discardableResult
    func load(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let jobsWritten = try await connection.execute(
            """
            INSERT INTO rome_jobs (code, label)
            SELECT * FROM unnest(\(jobs.map(\.code))::text[], \(jobs.map(\.label))::text[])
            ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label WHERE rome_jobs.label IS DISTINCT FROM EXCLUDED.label
            RETURNING 1
            """, logger: logger)
        let titlesWritten = try await connection.execute(
            """
            INSERT INTO rome_appellations (id, label, rome_code, folded)
            SELECT * FROM unnest(\(titles.map(\.id))::integer[], \(titles.map(\.label))::text[], \(titles.map(\.romeCode))::text[],
                                 \(titles.map { JobTitles.fold($0.label) })::text[])
            ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label, rome_code = EXCLUDED.rome_code, folded = EXCLUDED.folded
            WHERE (rome_appellations.label, rome_appellations.rome_code) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.rome_code)
            RETURNING 1
            """, logger: logger)
        return jobsWritten + titlesWritten
    }
}
