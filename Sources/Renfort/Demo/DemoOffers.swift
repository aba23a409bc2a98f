import Foundation
import Logging
import PostgresNIO

/// The demo's public offers: open needs of Cahors published (some naming their business,
/// some not), one withdrawn, one whose need was cancelled (closed), and applications sent
/// from them through the offers' own workflow — new people, and one person of the pool
/// recognised by their e-mail and attached to their record.
enum DemoOffers {
    struct Published {
        let need: String
        let title: String
        let body: String
        let named: Bool
        let withdrawn: Bool
    }

    static let offers: [Published] = [
        Published(
            need: "Serveur ou serveuse (saison d'été)", title: "Serveur ou serveuse en terrasse, saison 2027 (H/F)",
            body: "Service en salle et en terrasse dans une auberge du centre de Cahors, de mai à août. Chambre proposée sur place. Débutant accepté si vous aimez le contact.",
            named: true, withdrawn: false),
        Published(
            need: "Ouvrier ou ouvrière viticole", title: "Ouvrier ou ouvrière viticole en CDI (H/F)",
            body: "Taille, palissage et travaux du chai dans un domaine de l'AOC Cahors, toute l'année. Permis B nécessaire : le domaine est hors des transports en commun.",
            named: false, withdrawn: false),
        Published(
            need: "Menuisier poseur ou menuisière poseuse", title: "Menuisier poseur ou menuisière poseuse (H/F)",
            body: "Pose de menuiseries bois et aluminium chez les particuliers du Lot. Véhicule de service fourni, retour chaque soir.",
            named: true, withdrawn: false),
        Published(
            need: "Aide à domicile", title: "Aide à domicile auprès de personnes âgées (H/F)",
            body: "Aide au quotidien et entretien du logement de personnes âgées autour de Cahors, 28 heures par semaine. Véhicule personnel indispensable, kilomètres indemnisés.",
            named: false, withdrawn: false),
        Published(
            need: "Conducteur ou conductrice poids lourd", title: "Conducteur ou conductrice poids lourd, tournées régionales (H/F)",
            body: "Tournées régionales au départ de Cahors, retour au dépôt chaque soir. Permis C et FIMO/FCO à jour.",
            named: true, withdrawn: true),
        Published(
            need: "Auxiliaire de vie (remplacement)", title: "Auxiliaire de vie, remplacement (H/F)",
            body: "Remplacement d'un congé maternité auprès de personnes âgées à Cahors.", named: false, withdrawn: false),
    ]

    /// Who applied, to which need's offer (the pool's first person with an e-mail applies too).
    static let applicants: [(need: String, draft: OfferApplicationDraft)] = [
        ("Serveur ou serveuse (saison d'été)", OfferApplicationDraft(
            firstName: "Maëlle", lastName: "Vayssières", email: "maelle.vayssieres@example.org", phone: nil, communeName: "Mercuès",
            message: "Étudiante, disponible de mai à fin août, j'ai déjà fait une saison en brasserie.", keepForOtherPosts: true, cv: nil)),
        ("Ouvrier ou ouvrière viticole", OfferApplicationDraft(
            firstName: "Rachid", lastName: "Bensaïd", email: nil, phone: "06 48 21 77 30", communeName: "Luzech",
            message: "Dix ans de vigne dans le Bordelais, j'habite à Luzech.", keepForOtherPosts: false, cv: nil)),
        ("Aide à domicile", OfferApplicationDraft(
            firstName: "Sandrine", lastName: "Couderc", email: "sandrine.couderc@example.org", phone: "06 71 09 44 12", communeName: "Pradines",
            message: "", keepForOtherPosts: true, cv: nil)),
    ]

    static func load(cahors: Int64, adviser: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        // The demo loaded on a schema before 0130 (`MigratorTests`, which then applies the newest
        // migration to it) has no offers to publish.
        guard try await connection.value("SELECT to_regclass('published_offers') IS NOT NULL", as: Bool.self, logger: logger) == true,
            let centre = try await CentreRepository.publicCentre(slug: "cahors", on: connection, logger: logger)
        else { return }
        let today = Day(now)
        func need(_ title: String) async throws -> JobNeedRecord? {
            guard let id = try await connection.value("SELECT id FROM job_needs WHERE title = \(title) ORDER BY id LIMIT 1", as: Int64.self, logger: logger)
            else { return nil }
            return try await JobNeedRepository.find(id: id, businessID: nil, on: connection, logger: logger)
        }
        var offers: [String: PublishedOffer] = [:]
        for (index, published) in Self.offers.enumerated() {
            guard let record = try await need(published.need) else { continue }
            let details = OfferDetails(
                title: published.title, body: published.body, businessNamed: published.named, placeName: record.placeName,
                contractKind: record.contractKind, startsOn: max(record.wishedStart, today), endsOn: record.endDate.map { max($0, today) },
                validThrough: today.adding(days: 45 - index * 5))
            // Published over the last weeks, the newest last.
            let at = now.addingTimeInterval(Double(index - Self.offers.count) * 3 * 86400)
            let id = try await PublishedOfferRepository.publish(needID: record.id, details, tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
            if published.withdrawn {
                _ = try await PublishedOfferRepository.unpublish(needID: record.id, actorID: adviser, now: at.addingTimeInterval(86400), on: connection, logger: logger)
            }
            offers[published.need] = try await PublishedOfferRepository.find(id: id, on: connection, logger: logger)
        }
        var applications = Self.applicants
        // A person of the pool applies too: recognised by their e-mail, attached to their record.
        if let known = try await connection.first(
            "SELECT first_name, last_name, email FROM candidates WHERE email IS NOT NULL AND merged_into IS NULL ORDER BY id LIMIT 1",
            as: (String.self, String.self, String.self), logger: logger)
        {
            applications.append(("Menuisier poseur ou menuisière poseuse", OfferApplicationDraft(
                firstName: known.0, lastName: known.1, email: known.2, phone: nil, communeName: "",
                message: "Je suis déjà inscrit au centre ; ce poste de poseur m'intéresse.", keepForOtherPosts: true, cv: nil)))
        }
        for (index, application) in applications.enumerated() {
            guard let offer = offers[application.need] else { continue }
            _ = try await OfferApplications.record(
                application.draft, offer: offer, centre: centre, token: "demo-\(index)", baseURL: baseURL,
                now: now.addingTimeInterval(Double(index - applications.count) * 86400), on: connection, logger: logger)
        }
    }

    /// The address `renfort serve` answers at by default (`AppConfiguration.baseURL`), for the acknowledgements' links.
    static let baseURL = "http://127.0.0.1:8080"
}
