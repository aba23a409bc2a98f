import Foundation

/// A hire: a person employed by a member business through one of its needs.
struct Placement: Sendable {
    let id: Int64
    let businessID: Int64
    let businessName: String
    let candidateID: Int64
    let candidateName: String
    let needID: Int64
    let needTitle: String
    let contractKind: ContractKind
    let startDate: Day
    let endDate: Day?
    let hoursPerWeek: Double
    let fullTime: Bool
    let newlyCreated: Bool
    let createdAt: Date
    let endedOn: Day?
    let endReason: EndReason?
    let atRisk: Bool
}
