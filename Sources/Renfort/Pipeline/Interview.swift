import Foundation
import PostgresNIO

/// An interview of an application.
struct Interview: Sendable {
    enum Mode: String, CaseIterable, Sendable, PostgresDecodable {
        case inPerson = "in_person", phone, video
        var label: String {
            switch self {
            case .inPerson: "Sur place"
            case .phone: "Téléphone"
            case .video: "Visioconférence"
            }
        }
    }

    enum Outcome: String, CaseIterable, Sendable, PostgresDecodable {
        case positive, negative
        case noShow = "no_show"
        var label: String {
            switch self {
            case .positive: "Concluant"
            case .negative: "Non concluant"
            case .noShow: "Absent"
            }
        }
    }

    let id: Int64
    let applicationID: Int64
    let startsAt: Date
    let durationMinutes: Int
    let mode: Mode
    let place: String
    let attendees: String
    let outcome: Outcome?
    let outcomeNote: String
}
