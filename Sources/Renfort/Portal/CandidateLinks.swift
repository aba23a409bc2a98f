import Foundation
import Logging
import PostgresNIO

/// The single-use links that open a candidate's own page, sent to the record's e-mail address:
/// valid twenty minutes, used once; only the token's hash is kept (`Tokens`, as the password
/// links). All in the caller's transaction, the centre set.
enum CandidateLinks {
    static let validity: TimeInterval = 20 * 60
    /// Links sent to one record in an hour, at most: beyond, a request is answered the same
    /// way and sends nothing (the form cannot flood a mailbox).
    static let hourlyPerCandidate = 3

    /// The records a request for `email` concerns: those whose own address it is, or one a
    /// merge kept on them (never a merged record: its survivor).
    static func candidates(email: String, on connection: PostgresConnection, logger: Logger) async throws
        -> [(id: Int64, name: String, email: String)]
    {
        try await connection.rows(
            """
            SELECT c.id, c.first_name, c.email FROM candidates c
            WHERE c.merged_into IS NULL AND c.email IS NOT NULL
              AND (c.email_key = lower(btrim(\(email)))
                   OR EXISTS (SELECT 1 FROM candidate_contacts k WHERE k.candidate_id = c.id AND k.kind = 'email'
                              AND k.contact_key = lower(btrim(\(email)))))
            ORDER BY c.id
            """, logger: logger
        ) { row in (id: try row.get("id"), name: try row.get("first_name"), email: try row.get("email")) }
    }

    /// Links sent to a record since `since`.
    static func recentCount(candidateID: Int64, since: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            "SELECT count(*) FROM candidate_links WHERE candidate_id = \(candidateID) AND created_at > \(since)",
            as: Int.self, logger: logger) ?? 0
    }

    /// A new link for each record of `email` that has not had its share this hour, in one
    /// e-mail queued in the outbox (to the address asked for, which those records hold).
    /// Returns how many links were made.
    @discardableResult
    static func send(
        email: String, centre: PublicCentre, baseURL: String, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        var links: [(name: String, link: String)] = []
        var hashes: [String] = []
        for candidate in try await candidates(email: email, on: connection, logger: logger) {
            let recent = try await recentCount(candidateID: candidate.id, since: now.addingTimeInterval(-3600), on: connection, logger: logger)
            guard recent < hourlyPerCandidate else { continue }
            let token = Tokens.random()
            try await connection.execute(
                """
                INSERT INTO candidate_links (tenant_id, candidate_id, token_hash, created_at, expires_at)
                VALUES (\(centre.id), \(candidate.id), \(Tokens.hash(token)), \(now), \(now.addingTimeInterval(validity)))
                """, logger: logger)
            links.append((candidate.name, "\(baseURL)/c/\(centre.slug)/mon-espace/lien/\(token)"))
            hashes.append(Tokens.hexHash(token))
        }
        guard let first = links.first else { return 0 }
        let body: String
        if links.count == 1 {
            body = """
                Bonjour \(first.name),

                Pour ouvrir votre espace (\(centre.name)), où vous voyez vos candidatures,
                mettez à jour vos coordonnées et vos disponibilités et lisez ce que le centre garde de vous,
                ouvrez ce lien dans les 20 minutes (il ne sert qu'une fois) :
                \(first.link)

                Si vous n'avez rien demandé, ignorez ce message : personne ne peut ouvrir votre espace sans ce lien.
                """
        } else {
            // The same address on several records of the centre (not yet merged): one link for each.
            let list = links.map { "- \($0.name) : \($0.link)" }.joined(separator: "\n")
            body = """
                Bonjour,

                Cette adresse est celle de plusieurs fiches (\(centre.name)). Chacune a son lien,
                à ouvrir dans les 20 minutes (il ne sert qu'une fois) :
                \(list)

                Si vous n'avez rien demandé, ignorez ce message : personne ne peut ouvrir votre espace sans ce lien.
                """
        }
        try await Outbox.enqueue(
            dedupeKey: "candidate-link:\(hashes[0])", kind: "candidate-link", recipient: email.trimmingCharacters(in: .whitespaces),
            subject: "\(centre.name) : le lien vers votre espace", body: body, at: now, on: connection, logger: logger)
        return links.count
    }

    /// What a link's token stands for, as its page says it.
    enum State: Equatable {
        case valid(candidateID: Int64)
        case used
        case expired
        case unknown
    }

    static func state(token: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> State {
        guard let row = try await connection.first(
            "SELECT candidate_id, used_at, expires_at FROM candidate_links WHERE token_hash = \(Tokens.hash(token))",
            as: (Int64.self, Date?.self, Date.self), logger: logger)
        else { return .unknown }
        if row.1 != nil { return .used }
        if row.2 <= now { return .expired }
        return .valid(candidateID: row.0)
    }

    /// Uses the link, once: the candidate it opens, or nil when it was used (also at the same
    /// moment by a second click), expired or unknown.
    static func consume(token: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.value(
            """
            UPDATE candidate_links SET used_at = \(now)
            WHERE token_hash = \(Tokens.hash(token)) AND used_at IS NULL AND expires_at > \(now)
            RETURNING candidate_id
            """, as: Int64.self, logger: logger)
    }
}
