import Foundation
import Hummingbird

/// A person's data erased at their request, and the purges coming: advisers only.
struct ErasureController: Sendable {
    let services: AppServices

    func addRoutes(to centre: RouterGroup<CentreContext>) {
        centre.get("candidats/suppressions", use: upcoming)
        centre.get("candidats/{id}/effacer", use: confirmation)
        centre.post("candidats/{id}/effacer", use: erase)
    }

    @Sendable func upcoming(request: Request, context: CentreContext) async throws -> Response {
        try services.renderer.render(try await UpcomingPurgesPage.load(in: context, database: services.database, today: Day(services.clock.now())))
    }

    /// The erased record's page when it is erased already (a second tab, a second click).
    private func alreadyErased(_ id: Int64, _ context: CentreContext) async throws -> Response? {
        guard try await ErasedCandidatePage.load(id: id, in: context, database: services.database) != nil else { return nil }
        return .seeOther("\(context.base)/candidats/\(id)", saying: "Les données de cette personne étaient déjà effacées.")
    }

    @Sendable func confirmation(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let today = Day(services.clock.now())
        guard let page = try await ErasurePage.load(id: id, in: context, database: services.database, today: today,
            form: FormState(TypedFields(text: ["requested_on": today.iso])))
        else {
            if let erased = try await alreadyErased(id, context) { return erased }
            throw AppError.notFound
        }
        return try services.renderer.render(page)
    }

    @Sendable func erase(request: Request, context: CentreContext) async throws -> Response {
        try context.require(.adviser)
        let id = try context.id()
        let now = services.clock.now(), today = Day(now)
        var reader = FormReader(context.form)
        let asked = reader.day("requested_on", "Date de la demande", required: true, range: today.adding(days: -3650)...today)
        let channel = reader.choice("requested_via", "Demande reçue", as: ErasureChannel.self)
        _ = reader.confirmed("Cochez la case pour confirmer l'effacement : il ne se défait pas.")
        guard let asked, let channel, reader.errors.isEmpty else {
            guard let page = try await ErasurePage.load(
                id: id, in: context, database: services.database, today: today, form: FormState(sent: context.form, errors: reader.errors))
            else {
                if let erased = try await alreadyErased(id, context) { return erased }
                throw AppError.notFound
            }
            return try services.renderer.render(page, status: .unprocessableContent)
        }
        let erased = try await services.database.transaction(in: context) { connection -> [Int64]? in
            guard let candidate = try await CandidateRepository.find(id: id, on: connection, logger: context.logger), candidate.mergedInto == nil
            else { return nil }
            return try await ErasureRepository.erase(
                [id], kind: .request, requestedOn: asked, channel: channel, by: context.user.id, tenantID: context.tenantID, now: now,
                on: connection, logger: context.logger)
        }
        guard let erased else { throw AppError.notFound }
        return .seeOther(
            "\(context.base)/candidats/\(id)",
            saying: erased.isEmpty ? "Les données de cette personne étaient déjà effacées." : "Les données de la personne sont effacées : il ne reste de sa fiche que ce que les chiffres comptent.")
    }
}
