import Foundation
import Logging
import PostgresNIO

/// The notifications the demo's present would have sent, through the same functions as the
/// pages: employers told of their presented candidates, of the coming interviews (with their
/// `.ics`) and of recent hires; advisers of the needs submitted and of the employers' answers.
/// With each kind's default, the qualified needs and the pending join request wait for the
/// next morning's digest.
enum DemoNotifications {
    /// The address `make run` serves the demo on.
    static let baseURL = "http://127.0.0.1:8080"

    static func load(cahors: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        // MigratorTests loads the demo on the schema before the newest migration: without the
        // notifications' tables (schema 0110) there is nothing to notify through.
        guard try await connection.value("SELECT to_regclass('notification_digest_items') IS NOT NULL", as: Bool.self, logger: logger) == true else { return }
        let centre = NotifiedCentre(id: cahors, slug: "cahors", baseURL: baseURL)
        func ids(_ query: PostgresQuery) async throws -> [Int64] { try await connection.values(query, as: Int64.self, logger: logger) }
        for need in try await ids("SELECT id FROM job_needs WHERE status = 'submitted' ORDER BY id") {
            try await Notifications.newNeed(needID: need, centre: centre, now: now, on: connection, logger: logger)
        }
        for business in try await connection.all("SELECT id, name FROM businesses WHERE status = 'pending' ORDER BY id", as: (Int64.self, String.self), logger: logger) {
            try await Notifications.joinRequest(businessID: business.0, businessName: business.1, centre: centre, now: now, on: connection, logger: logger)
        }
        for need in try await ids("SELECT id FROM job_needs WHERE status = 'qualified' ORDER BY id") {
            try await Notifications.needQualified(needID: need, centre: centre, now: now, on: connection, logger: logger)
        }
        for application in try await ids("SELECT id FROM applications WHERE stage = 'presented' AND presented_at IS NOT NULL ORDER BY id") {
            try await Notifications.candidatePresented(applicationID: application, centre: centre, now: now, on: connection, logger: logger)
        }
        for application in try await ids("SELECT id FROM applications WHERE employer_answer IS NOT NULL ORDER BY id") {
            try await Notifications.employerAnswered(applicationID: application, centre: centre, now: now, on: connection, logger: logger)
        }
        for application in try await ids("SELECT DISTINCT application_id FROM interviews WHERE starts_at >= \(now) ORDER BY 1") {
            try await Notifications.interviewScheduled(applicationID: application, centre: centre, now: now, on: connection, logger: logger)
        }
        for placement in try await ids("SELECT id FROM placements WHERE start_date >= \(Day(now).adding(days: -60).iso)::date ORDER BY id") {
            try await Notifications.hireRecorded(placementID: placement, centre: centre, now: now, on: connection, logger: logger)
        }
    }
}
