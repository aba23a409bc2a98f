import Foundation
import Logging
import PostgresNIO

/// What guards the forms anyone may send (the join request, an application to an offer): a
/// honeypot field that people never see, and a count of the posts of each form per client
/// address for its hourly limit (`public_form_posts`: no personal data).
enum PublicForms {
    /// The honeypot: hidden from people, filled by robots.
    static let honeypotField = "website"

    static func honeypotFilled(_ form: FormData) -> Bool {
        !(form[honeypotField] ?? "").isEmpty
    }

    /// How many times `form` was posted from `address` since `since`.
    static func posts(_ form: String, from address: String, since: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            "SELECT count(*) FROM public_form_posts WHERE form = \(form) AND client_address = \(address) AND at > \(since)",
            as: Int.self, logger: logger) ?? 0
    }

    static func record(_ form: String, from address: String, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            "INSERT INTO public_form_posts (form, client_address, at) VALUES (\(form), \(address), \(now))", logger: logger)
    }
}
