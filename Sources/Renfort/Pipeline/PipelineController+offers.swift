import Foundation
import Hummingbird

/// Offers and the hire: the terms of a contract, read once for both.
extension PipelineController {
    // MARK: Offers and the hire

    /// The contract, dates and hours of an offer or a hire, checked together.
    private struct Terms {
        let contract: ContractKind
        let start: Day
        let end: Day?
        let hours: Double
    }

    private func readTerms(_ reader: inout FormReader) -> Terms? {
        let contract = reader.choice("contract_kind", "Contrat", as: ContractKind.self)
        let start = reader.day("start_date", "Date de début", required: true, range: Day(now).within(yearsBack: 30, yearsAhead: 3))
        let end = reader.day("end_date", "Date de fin", range: Day(now).within(yearsBack: 30, yearsAhead: 13))
        let hours = reader.decimal("hours_per_week", "Heures par semaine", range: 1...48, required: true)
        if let contract, contract.endDate == .required, end == nil, reader.errors["end_date"] == nil {
            reader.errors.add("end_date", "Un \(contract.label) a une date de fin.")
        }
        if let start, let end, end < start { reader.errors.add("end_date", "La date de fin doit suivre la date de début.") }
        guard let contract, let start, let hours else { return nil }
        return Terms(contract: contract, start: start, end: contract.endDate == .none ? nil : end, hours: hours)
    }

    @Sendable func makeOffer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let terms = readTerms(&reader)
        let pay = reader.amount("gross_pay", "Salaire brut mensuel", range: Amount(euros: 0)...Amount(euros: 30000))
        guard let terms, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let outcome = try await services.database.transaction(in: context) { connection in
            try await PipelineSteps.makeOffer(
                applicationID: applicationID, contract: terms.contract, start: terms.start, end: terms.end, hours: terms.hours, pay: pay,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        return try await answer(outcome, context: context, field: "contract_kind", what: "faire une proposition", done: "Proposition enregistrée.")
    }

    @Sendable func answerOffer(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        let offerID = try context.id("offer")
        var reader = FormReader(context.form)
        let accepted = reader.yesNo("accepted", "Réponse du candidat")
        let reason = reader.personalText("reason", "Motif du refus", required: accepted == false, max: 1000)
        guard let accepted, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let found = try await services.database.transaction(in: context) { connection in
            try await PipelineSteps.answerOffer(
                offerID: offerID, applicationID: applicationID, accepted: accepted, reason: reason, tenantID: context.tenantID,
                actorID: context.user.id, now: now, on: connection, logger: context.logger)
        }
        guard found else { throw AppError.notFound }
        return .seeOther(
            "\(context.base)/candidatures/\(applicationID)",
            saying: accepted ? "Proposition acceptée par le candidat." : "Proposition refusée par le candidat.")
    }

    @Sendable func hire(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let applicationID = try context.id()
        var reader = FormReader(context.form)
        let terms = readTerms(&reader)
        _ = reader.confirmed("Cochez la case pour confirmer l'embauche.")
        guard let terms, reader.errors.isEmpty else { return try await applicationPage(context: context, errors: reader.errors) }
        let now = self.now
        let outcome = try await services.database.transaction(in: context) { connection in
            let outcome = try await PipelineSteps.hire(
                applicationID: applicationID, contract: terms.contract, start: terms.start, end: terms.end, hours: terms.hours,
                tenantID: context.tenantID, actorID: context.user.id, now: now, on: connection, logger: context.logger)
            if case .hired(let placementID) = outcome { try await Notifications.hireRecorded(placementID: placementID, centre: services.notified(context), now: now, on: connection, logger: context.logger) }
            return outcome
        }
        switch outcome {
        case .hired(let placementID): return .seeOther("\(context.base)/embauches/\(placementID)", saying: "Embauche enregistrée : ses points de suivi sont prévus.")
        case .notFound: throw AppError.notFound
        case .refused(let message): return try await invalid(context, field: "start_date", message)
        }
    }
}
