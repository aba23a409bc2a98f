import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The candidate's own page as a test reaches it: the link asked for on the centre's public
/// page, read back from the outbox, and opened.
extension Browser {
    /// Asks centre `slug`'s page for the link of `email`, with the form's own one-time token.
    @discardableResult
    func requestCandidateLink(_ slug: String, email: String) async throws -> TestResponse {
        let page = try await get("/c/\(slug)/mon-espace")
        let token = HTMLForm.posting(to: "/c/\(slug)/mon-espace/lien", in: page.text).first?.controls.first { $0.name == "_form" }?.value
        return try await post("/c/\(slug)/mon-espace/lien", [("email", email), ("_form", token ?? Tokens.random())])
    }

    /// Asks for a link for `email` and opens the newest one the outbox holds for that address:
    /// this browser is then in that candidate's page. Returns the page.
    @discardableResult
    func openCandidatePage(_ slug: String, email: String, database: TestDatabase) async throws -> TestResponse {
        let asked = try await requestCandidateLink(slug, email: email)
        #expect(asked.status == .seeOther, "asking for the link of \(email): \(asked.status)")
        let link = try #require(try await PortalOutbox.links(to: email, database).last, "no link for \(email) in the outbox")
        #expect(try await get(link).status == .ok)
        let opened = try await post(link)
        #expect(opened.location == "/c/\(slug)/mon-espace", "opening \(link): \(opened.status) \(opened.location ?? "")")
        return try await get("/c/\(slug)/mon-espace")
    }
}

/// The candidates' links in the outbox table.
enum PortalOutbox {
    /// The messages with a link to a candidate's page sent to `email`, oldest first.
    static func bodies(to email: String, _ database: TestDatabase) async throws -> [String] {
        try await database.asOwner { client in
            try await client.withConnection { connection in
                try await connection.values(
                    "SELECT body FROM outbox_messages WHERE kind = 'candidate-link' AND lower(recipient) = lower(\(email)) ORDER BY id",
                    as: String.self, logger: TestEnvironment.logger)
            }
        }
    }

    /// The paths of those links (without the server's base address), oldest first.
    static func links(to email: String, _ database: TestDatabase) async throws -> [String] {
        try await bodies(to: email, database).flatMap { body in
            body.matches(of: /\/c\/[a-z0-9-]+\/mon-espace\/lien\/[A-Za-z0-9_-]+/).map { String($0.output) }
        }
    }
}

extension Factory {
    /// Runs `body` as the owner inside `centre` (row-level security applies).
    func inside<Result: Sendable>(_ centre: Int64, _ body: @Sendable @escaping (PostgresConnection) async throws -> Result) async throws -> Result {
        try await database.asOwner { client in
            try await Database(client: client, connectionWait: TestEnvironment.connectionWait).withTransaction(tenant: centre, logger: TestEnvironment.logger) {
                try await body($0)
            }
        }
    }

    /// An interview planned for `application` at `startsAt` (which moves a presented one to the interview stage).
    func interview(centre: Int64, application: Int64, startsAt: Date, mode: Interview.Mode = .inPerson, place: String = "Auberge, Cahors", actor: Int64) async throws {
        _ = try await inside(centre) { connection in
            try await PipelineSteps.scheduleInterview(
                applicationID: application, startsAt: startsAt, duration: 30, mode: mode, place: place, attendees: "Le patron", tenantID: centre,
                actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// Ends an application (not retained or withdrawn) with the adviser's note.
    func end(centre: Int64, application: Int64, as stage: ApplicationStage, note: String, actor: Int64) async throws {
        _ = try await inside(centre) { connection in
            try await ApplicationRepository.move(
                id: application, to: stage, comment: note, tenantID: centre, actorID: actor, now: Date(), on: connection, logger: TestEnvironment.logger)
        }
    }

    /// A PDF on a candidate's record.
    func document(centre: Int64, candidate: Int64, filename: String = "cv.pdf", actor: Int64) async throws {
        try await inside(centre) { connection in
            try await CandidateRepository.addDocument(
                candidateID: candidate, filename: filename, data: Array("%PDF-1.4 CV de test".utf8), tenantID: centre, actorID: actor, now: Date(),
                on: connection, logger: TestEnvironment.logger)
        }
    }

    /// Sets the advisers' working notes of a record.
    func notes(centre: Int64, candidate: Int64, _ notes: String) async throws {
        _ = try await inside(centre) { connection in
            try await connection.execute("UPDATE candidates SET notes = \(notes) WHERE id = \(candidate)", logger: TestEnvironment.logger)
        }
    }

    /// An application's stage as stored.
    func stage(centre: Int64, application: Int64) async throws -> String? {
        try await inside(centre) { connection in
            try await connection.value("SELECT stage FROM applications WHERE id = \(application)", as: String.self, logger: TestEnvironment.logger)
        }
    }
}

extension FuzzWorld {
    /// A browser in the own page of the world's candidate (the one with an application at the interview).
    static func candidatePage(_ browser: Browser, _ database: TestDatabase) async throws -> Browser {
        let person = browser.fresh()
        person.address = "198.51.100.99"
        try await person.openCandidatePage("fuzz", email: "camille@example.org", database: database)
        return person
    }
}
