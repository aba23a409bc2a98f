import Foundation
import Logging
import PostgresNIO

/// A job of the ROME referential as a need carries it: the usual title picked, if any, and
/// its code with the code's label.
struct RomeJob: Sendable, Equatable {
    let appellationID: Int32?
    /// The usual title ("Serveur / Serveuse de restaurant"), or the code's label for a code alone.
    let title: String
    let code: String
    let codeLabel: String

    /// How a form shows it again, and what `JobTitles.resolve` reads back as the same job.
    var typed: String { appellationID == nil ? code : title }
    /// "Serveur / Serveuse de restaurant (G1803, Service en restauration)".
    var described: String { appellationID == nil ? "\(code), \(codeLabel)" : "\(title) (\(code), \(codeLabel))" }
}

/// A typed job title matched against the referential: the job, or the titles to choose from.
enum JobTitles {
    /// What a form field of a job holds: the typed title (`name`) and, when the form offered
    /// titles to choose from, the one picked (`name_choix`).
    static func choiceField(_ name: String) -> String { name + "_choice" }

    /// How many titles a form offers when the typed words match several.
    static let suggestionCount = 8

    enum Resolution: Sendable, Equatable {
        case none
        case found(RomeJob)
        /// Several titles hold the typed words (or only one, to confirm): the form offers them.
        case choose([RomeJob])
        case unknown
    }

    /// Lower case, no accents, words separated by single spaces: "Œnologue d'État" → "oenologue d etat".
    static func fold(_ text: String) -> String {
        let lowered = text.lowercased().replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
        let plain = lowered.folding(options: [.diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
        return plain.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).joined(separator: " ")
    }

    /// The job of what a person typed (`typed`) and picked among the offered titles (`choice`):
    /// a title of the list picked, a ROME code, a usual title typed as the referential writes
    /// it (case, accents and punctuation aside, a code in brackets after it allowed), or else
    /// the titles that hold every typed word.
    static func resolve(typed: String, choice: String?, on connection: PostgresConnection, logger: Logger) async throws -> Resolution {
        var text = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        let picked = choice.flatMap { $0.isEmpty ? nil : $0 }
        if text.range(of: "^[A-Na-n][0-9]{4}$", options: .regularExpression) != nil {
            return try await job(code: text.uppercased(), on: connection, logger: logger).map { .found($0) } ?? .unknown
        }
        // "Serveur / Serveuse de restaurant (G1803, Service en restauration)", as a page shows it.
        if let bracket = text.range(of: #"\s*\([A-N][0-9]{4}[^)]*\)$"#, options: .regularExpression) { text.removeSubrange(bracket) }
        let folded = fold(text)
        var matches: [RomeJob] = []
        if !folded.isEmpty {
            let words = Array(folded.split(separator: " ").prefix(6).map { "%" + $0 + "%" })
            let rows = try await connection.all(
                """
                SELECT a.id, a.label, a.rome_code, j.label, a.folded = \(folded)
                FROM rome_appellations a JOIN rome_jobs j ON j.code = a.rome_code
                WHERE a.folded LIKE ALL (\(words)::text[])
                ORDER BY a.folded = \(folded) DESC, a.folded LIKE \(folded + "%") DESC, length(a.label), a.label
                LIMIT \(suggestionCount)
                """, as: (Int32.self, String.self, String.self, String.self, Bool.self), logger: logger)
            // A title typed as the referential writes it is that job, whatever was picked before.
            if let first = rows.first, first.4 { return .found(RomeJob(appellationID: first.0, title: first.1, code: first.2, codeLabel: first.3)) }
            matches = rows.map { RomeJob(appellationID: $0.0, title: $0.1, code: $0.2, codeLabel: $0.3) }
        }
        if let picked {
            guard let id = Int32(picked), let job = try await job(appellationID: id, on: connection, logger: logger) else { return .unknown }
            return .found(job)
        }
        if text.isEmpty { return .none }
        return matches.isEmpty ? .unknown : .choose(matches)
    }

    static func job(appellationID: Int32, on connection: PostgresConnection, logger: Logger) async throws -> RomeJob? {
        try await connection.all(
            "SELECT a.label, a.rome_code, j.label FROM rome_appellations a JOIN rome_jobs j ON j.code = a.rome_code WHERE a.id = \(appellationID)",
            as: (String.self, String.self, String.self), logger: logger
        ).first.map { RomeJob(appellationID: appellationID, title: $0.0, code: $0.1, codeLabel: $0.2) }
    }

    static func job(code: String, on connection: PostgresConnection, logger: Logger) async throws -> RomeJob? {
        try await connection.value("SELECT label FROM rome_jobs WHERE code = \(code)", as: String.self, logger: logger)
            .map { RomeJob(appellationID: nil, title: $0, code: code, codeLabel: $0) }
    }

    /// Reads a form's job field on a connection of its own (the referential is no centre's):
    /// the job, nil for none, and the field's message and suggestions.
    static func read(_ name: String, label: String, from form: FormData, required: Bool = false, database: Database, logger: Logger) async throws -> (RomeJob?, FormErrors) {
        try await database.withConnection(logger: logger) { connection in
            var errors = FormErrors()
            let job = try await read(name, label: label, from: form, required: required, errors: &errors, on: connection, logger: logger)
            return (job, errors)
        }
    }

    /// Reads a form's job field into `errors` and `suggestions`: the job, nil for none. A field
    /// that matched several titles (or one, to confirm) gets a message and the titles to pick;
    /// one already picked stays offered, ticked, so that it survives another field's error.
    static func read(
        _ name: String, label: String, from form: FormData, required: Bool = false, errors: inout FormErrors,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> RomeJob? {
        let typed = String((form[name] ?? "").prefix(200))
        let choice = form[choiceField(name)]
        switch try await resolve(typed: typed, choice: choice, on: connection, logger: logger) {
        case .none:
            if required { errors.add(name, "Indiquez le métier : tapez son intitulé usuel, par exemple «\u{00A0}Serveur / Serveuse de restaurant\u{00A0}», ou son code ROME.") }
            return nil
        case .found(let job):
            if choice?.isEmpty == false, let id = job.appellationID {
                errors.suggest(name, [Option(value: String(id), label: job.described, selected: true)])
            }
            return job
        case .choose(let jobs):
            errors.add(name, jobs.count == 1
                ? "\(label) : confirmez le métier proposé ci-dessous, ou tapez un autre intitulé."
                : "\(label) : plusieurs métiers correspondent à «\u{00A0}\(typed)\u{00A0}», choisissez le vôtre ci-dessous ou précisez l'intitulé.")
            errors.suggest(name, jobs.compactMap { job in job.appellationID.map { Option(value: String($0), label: job.described, selected: jobs.count == 1) } })
            return nil
        case .unknown:
            errors.add(name, choice?.isEmpty == false
                ? "\(label) : choisissez un des métiers proposés."
                : "\(label) : aucun métier du répertoire ROME ne correspond à «\u{00A0}\(typed)\u{00A0}». Essayez un autre mot, ou un code ROME (une lettre et quatre chiffres).")
            return nil
        }
    }
}
