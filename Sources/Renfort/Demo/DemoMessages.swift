import Foundation
import Logging
import PostgresNIO

/// The demo's messages to candidates, sent as the pipeline's steps send them: the invitation
/// (with its .ics) of every interview planned, the refusal of every application not retained
/// (with the reason for one in two), and the season question to the pool's seasonal workers.
enum DemoMessages {
    /// How many of the seasonal workers are asked whether they are available this season.
    static let seasonQuestions = 3

    static func load(cahors: Int64, adviserIDs: [Int64], now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        // On a schema from before messages (schema 0120: a migration checked on the demo's data), none.
        guard try await connection.value("SELECT to_regclass('candidate_messages') IS NOT NULL", as: Bool.self, logger: logger) == true,
            let adviser = adviserIDs.first,
            let (name, email) = try await connection.first("SELECT display_name, email FROM users WHERE id = \(adviser)", as: (String.self, String.self), logger: logger),
            let centre = try await connection.value("SELECT name FROM centres WHERE id = \(cahors)", as: String.self, logger: logger)
        else { return }
        let sender = CandidateMessages.Sender(userID: adviser, name: name, email: email, centreName: centre, tenantID: cahors)
        let host = "renfort.test"

        let interviewed = try await connection.values(
            "SELECT DISTINCT application_id FROM interviews ORDER BY application_id", as: Int64.self, logger: logger)
        for application in interviewed {
            try await PipelineMessages.invite(applicationID: application, sender: sender, host: host, now: now, on: connection, logger: logger)
        }
        let rejected = try await connection.values(
            "SELECT id FROM applications WHERE stage = 'rejected' ORDER BY id", as: Int64.self, logger: logger)
        for (index, application) in rejected.enumerated() {
            try await PipelineMessages.refuse(
                applicationID: application, kind: index % 2 == 0 ? .refusalWithReason : .refusal, sender: sender, now: now, on: connection, logger: logger)
        }
        let seasonal = try await connection.values(
            "SELECT id FROM candidates WHERE seasonal_windows <> '' AND merged_into IS NULL ORDER BY id LIMIT \(seasonQuestions)", as: Int64.self, logger: logger)
        let season = try await MessageRepository.template(.season, on: connection, logger: logger)
        for candidate in seasonal {
            guard let recipient = try await MessageRepository.recipient(candidateID: candidate, applicationID: nil, on: connection, logger: logger) else { continue }
            try await CandidateMessages.send(.season, season.text, to: recipient, from: sender, dedupeKey: "demo-saison:\(candidate)", now: now, on: connection, logger: logger)
        }
    }
}
