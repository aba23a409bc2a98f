import Foundation
import Logging
import PostgresNIO

/// The demo centre's job needs over a season: permanent posts, seasonal ones (summer
/// tourism, grape and walnut harvests), hard-to-fill ones, in every state; and one
/// pending join request.
enum DemoNeeds {
    struct Need {
        let business: Int  // index in DemoData.businesses
        let title: String
        let rome: String?
        let contract: ContractKind
        let hours: Double
        let positions: Int
        let filled: Int
        let startInDays: Int
        let lengthInDays: Int?
        let seasonal: Bool
        let place: String
        let pay: (Int, Int)?
        let skills: String
        let licence: Bool
        let otherLicences: String
        let created: Bool
        let hard: [HardToFillReason]
        let housing: Bool
        let status: NeedStatus
        let submittedDaysAgo: Int
        let description: String
        /// A season of the calendar rather than of today: the one of this (month, day) still
        /// running or to come, so that the demo's combination of seasons always holds.
        var anchor: (month: Int, day: Int)? = nil
    }

    /// The season starting on `month`/`day` and lasting `days` that is running on `today`, or
    /// else the next one.
    static func season(month: Int, day: Int, lasting days: Int, around today: Day) -> Day {
        for year in [today.year - 1, today.year] {
            let start = Day(year: year, month: month, day: day)
            if start.adding(days: days) >= today { return start }
        }
        return Day(year: today.year + 1, month: month, day: day)
    }

    static let needs: [Need] = [
        Need(business: 0, title: "Cuisinier ou cuisinière", rome: "G1602", contract: .cdi, hours: 39, positions: 2, filled: 2, startInDays: -150, lengthInDays: nil, seasonal: false, place: "Cahors", pay: (2000, 2300), skills: "Cuisine traditionnelle du Quercy, produits frais", licence: false, otherLicences: "", created: true, hard: [.rareSkill, .hours], housing: false, status: .filled, submittedDaysAgo: 210, description: "Cuisine de produits locaux pour 60 couverts midi et soir, en équipe de quatre."),
        Need(business: 0, title: "Commis de cuisine (saison d'été)", rome: "G1602", contract: .seasonalCDD, hours: 35, positions: 2, filled: 1, startInDays: -140, lengthInDays: 100, seasonal: true, place: "Cahors", pay: (1870, 1900), skills: "Mise en place, plonge", licence: false, otherLicences: "", created: false, hard: [.seasonality], housing: false, status: .partlyFilled, submittedDaysAgo: 200, description: "Renfort de la brigade de mai à septembre, terrasse ouverte."),
        Need(business: 0, title: "Serveur ou serveuse (saison d'été)", rome: "G1803", contract: .seasonalCDD, hours: 35, positions: 1, filled: 0, startInDays: 150, lengthInDays: 120, seasonal: true, place: "Cahors", pay: (1870, 1950), skills: "Service en salle, anglais apprécié", licence: false, otherLicences: "", created: false, hard: [.housing, .seasonality], housing: true, status: .sourcing, submittedDaysAgo: 20, description: "Service en salle et en terrasse pour la saison 2027 ; chambre proposée sur place."),
        Need(business: 1, title: "Ouvrier ou ouvrière viticole", rome: "A1405", contract: .cdi, hours: 35, positions: 1, filled: 0, startInDays: 45, lengthInDays: nil, seasonal: false, place: "Luzech", pay: (1870, 2000), skills: "Taille, palissage, travaux du chai", licence: true, otherLicences: "", created: true, hard: [.transport], housing: false, status: .qualified, submittedDaysAgo: 30, description: "Travaux de la vigne toute l'année sur 25 hectares d'AOC Cahors. Aucun transport en commun jusqu'au domaine."),
        Need(business: 1, title: "Vendangeurs et vendangeuses", rome: "A1401", contract: .seasonalCDD, hours: 35, positions: 8, filled: 8, startInDays: -80, lengthInDays: 21, seasonal: true, place: "Luzech", pay: (1870, 1870), skills: "", licence: false, otherLicences: "", created: false, hard: [.seasonality], housing: false, status: .closed, submittedDaysAgo: 120, description: "Vendanges manuelles de septembre, trois semaines."),
        Need(business: 1, title: "Tractoriste viticole", rome: "A1101", contract: .cdd, hours: 35, positions: 1, filled: 0, startInDays: 60, lengthInDays: 180, seasonal: false, place: "Luzech", pay: (1900, 2100), skills: "Conduite d'enjambeur, entretien du matériel", licence: true, otherLicences: "Certiphyto", created: false, hard: [.rareSkill], housing: false, status: .submitted, submittedDaysAgo: 6, description: "Remplacement d'un départ en retraite pour la saison de traitements."),
        Need(business: 2, title: "Menuisier poseur ou menuisière poseuse", rome: "F1607", contract: .cdi, hours: 39, positions: 1, filled: 0, startInDays: 30, lengthInDays: nil, seasonal: false, place: "Pradines", pay: (2100, 2500), skills: "Pose de menuiseries bois et alu, lecture de plans", licence: true, otherLicences: "", created: true, hard: [.rareSkill], housing: false, status: .sourcing, submittedDaysAgo: 60, description: "Pose chez les particuliers du Lot, véhicule de service fourni."),
        Need(business: 2, title: "Apprenti menuisier ou apprentie menuisière", rome: "H2206", contract: .apprenticeship, hours: 35, positions: 1, filled: 0, startInDays: 90, lengthInDays: 730, seasonal: false, place: "Pradines", pay: (1000, 1200), skills: "Goût du travail du bois", licence: false, otherLicences: "", created: true, hard: [], housing: false, status: .qualified, submittedDaysAgo: 25, description: "CAP menuisier fabricant en alternance avec le CFA de Cahors."),
        Need(business: 3, title: "Maraîcher ou maraîchère", rome: "A1414", contract: .cdi, hours: 35, positions: 1, filled: 1, startInDays: -160, lengthInDays: nil, seasonal: false, place: "Lalbenque", pay: (1870, 1950), skills: "Maraîchage biologique", licence: true, otherLicences: "", created: true, hard: [.transport], housing: false, status: .closed, submittedDaysAgo: 220, description: "Production de légumes biologiques vendus en circuit court."),
        Need(business: 3, title: "Cueilleurs et cueilleuses de noix", rome: "A1401", contract: .seasonalCDD, hours: 30, positions: 4, filled: 0, startInDays: 300, lengthInDays: 30, seasonal: true, place: "Lalbenque", pay: nil, skills: "", licence: false, otherLicences: "", created: false, hard: [.seasonality, .transport], housing: false, status: .submitted, submittedDaysAgo: 3, description: "Ramassage et tri des noix en octobre 2027."),
        Need(business: 4, title: "Aide à domicile", rome: "K1304", contract: .cdi, hours: 28, positions: 3, filled: 0, startInDays: 15, lengthInDays: nil, seasonal: false, place: "Cahors et alentours", pay: (1450, 1600), skills: "Aide à la personne, entretien du logement", licence: true, otherLicences: "", created: true, hard: [.transport, .hours], housing: false, status: .sourcing, submittedDaysAgo: 45, description: "Interventions chez des personnes âgées, horaires coupés, véhicule personnel indispensable (indemnités kilométriques)."),
        Need(business: 4, title: "Auxiliaire de vie (remplacement)", rome: "K1302", contract: .cdd, hours: 35, positions: 1, filled: 0, startInDays: -20, lengthInDays: 90, seasonal: false, place: "Cahors", pay: (1870, 1870), skills: "DEAES souhaité", licence: true, otherLicences: "", created: false, hard: [], housing: false, status: .cancelled, submittedDaysAgo: 50, description: "Remplacement d'un congé maternité."),
        Need(business: 5, title: "Opérateur ou opératrice de production", rome: "H3302", contract: .cdi, hours: 35, positions: 2, filled: 1, startInDays: -60, lengthInDays: nil, seasonal: false, place: "Castelnau-Montratier", pay: (1870, 1950), skills: "Hygiène alimentaire, travail en équipe", licence: false, otherLicences: "", created: true, hard: [.transport], housing: false, status: .partlyFilled, submittedDaysAgo: 100, description: "Fabrication de conserves fines, travail en 2x8."),
        Need(business: 5, title: "Conducteur ou conductrice de ligne (temps partagé)", rome: "H2102", contract: .sharedTime, hours: 35, positions: 1, filled: 0, startInDays: 40, lengthInDays: nil, seasonal: false, place: "Castelnau-Montratier", pay: (2000, 2200), skills: "Réglage et conduite de ligne de conditionnement", licence: true, otherLicences: "", created: true, hard: [.rareSkill], housing: false, status: .qualified, submittedDaysAgo: 15, description: "Poste partagé avec une autre entreprise agroalimentaire via le groupement d'employeurs du Quercy."),
        Need(business: 5, title: "Saisonniers de conserverie", rome: "H3302", contract: .seasonalCDD, hours: 35, positions: 3, filled: 0, startInDays: 0, lengthInDays: 90, seasonal: true, place: "Castelnau-Montratier", pay: (1870, 1870), skills: "", licence: false, otherLicences: "", created: false, hard: [], housing: false, status: .qualified, submittedDaysAgo: 40, description: "Pic de production des fêtes de fin d'année, de novembre à janvier.", anchor: (11, 2)),
        Need(business: 6, title: "Agent ou agente d'entretien (saison)", rome: "K2204", contract: .seasonalCDD, hours: 30, positions: 1, filled: 1, startInDays: -170, lengthInDays: 120, seasonal: true, place: "Prayssac", pay: (1550, 1550), skills: "Entretien des sanitaires et des mobil-homes", licence: false, otherLicences: "", created: false, hard: [.seasonality], housing: true, status: .closed, submittedDaysAgo: 200, description: "Saison d'avril à septembre."),
        // The next season at the campsite and the domain: with the cannery's winter peak, a year's work (the calendar's combination).
        Need(business: 6, title: "Agent ou agente d'entretien (saison prochaine)", rome: "K2204", contract: .seasonalCDD, hours: 35, positions: 1, filled: 0, startInDays: 0, lengthInDays: 152, seasonal: true, place: "Prayssac", pay: (1870, 1900), skills: "Entretien des sanitaires et des mobil-homes", licence: false, otherLicences: "", created: false, hard: [.seasonality], housing: true, status: .qualified, submittedDaysAgo: 4, description: "La saison d'avril à août, logement sur place.", anchor: (4, 1)),
        Need(business: 1, title: "Vendangeurs et vendangeuses (prochaines vendanges)", rome: "A1401", contract: .seasonalCDD, hours: 35, positions: 8, filled: 0, startInDays: 0, lengthInDays: 31, seasonal: true, place: "Luzech", pay: (1870, 1870), skills: "", licence: false, otherLicences: "", created: false, hard: [.seasonality], housing: false, status: .qualified, submittedDaysAgo: 5, description: "Vendanges manuelles, de début septembre à début octobre.", anchor: (9, 6)),
        Need(business: 6, title: "Animateur ou animatrice (saison)", rome: "G1203", contract: .seasonalCDD, hours: 35, positions: 1, filled: 0, startInDays: 190, lengthInDays: 90, seasonal: true, place: "Prayssac", pay: (1870, 1900), skills: "BAFA", licence: false, otherLicences: "", created: false, hard: [.housing, .seasonality], housing: true, status: .submitted, submittedDaysAgo: 9, description: "Animations enfants et soirées pour la saison 2027."),
        Need(business: 7, title: "Conducteur ou conductrice poids lourd", rome: "N4101", contract: .cdi, hours: 39, positions: 2, filled: 0, startInDays: 20, lengthInDays: nil, seasonal: false, place: "Cahors", pay: (2200, 2600), skills: "Transport régional", licence: true, otherLicences: "Permis C, FIMO/FCO à jour", created: true, hard: [.rareSkill, .hours], housing: false, status: .sourcing, submittedDaysAgo: 70, description: "Tournées régionales, retour au dépôt chaque soir."),
        Need(business: 7, title: "Mécanicien ou mécanicienne poids lourd", rome: "I1604", contract: .cdi, hours: 39, positions: 1, filled: 0, startInDays: 50, lengthInDays: nil, seasonal: false, place: "Cahors", pay: (2100, 2400), skills: "Diagnostic, entretien de poids lourds", licence: true, otherLicences: "", created: false, hard: [.rareSkill], housing: false, status: .submitted, submittedDaysAgo: 12, description: "Entretien d'une flotte de 30 véhicules."),
    ]

    /// The path a need took from "submitted" to its demo status.
    static func path(to status: NeedStatus) -> [NeedStatus] {
        switch status {
        case .submitted: []
        case .qualified: [.qualified]
        case .sourcing: [.qualified, .sourcing]
        case .filled: [.qualified, .sourcing, .filled]
        case .partlyFilled: [.qualified, .sourcing, .partlyFilled]
        case .closed: [.qualified, .sourcing, .filled, .closed]
        case .cancelled: [.cancelled]
        }
    }

    static func load(
        cahors: Int64, businessIDs: [Int64], employerIDs: [Int64], adviserIDs: [Int64], now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        func day(_ offset: Int) -> Day { Day(now.addingTimeInterval(Double(offset) * 86400)) }
        for (index, need) in needs.enumerated() {
            let start = need.anchor.map { season(month: $0.month, day: $0.day, lasting: need.lengthInDays ?? 0, around: Day(now)) } ?? day(need.startInDays)
            let end = need.lengthInDays.map { start.adding(days: $0) }
            let draft = JobNeedDetails(
                title: need.title, romeCode: need.status == .submitted ? nil : need.rome, description: need.description,
                contractKind: need.contract, fullTime: need.hours >= 35, hoursPerWeek: need.hours, positions: need.positions,
                wishedStart: start, endDate: end, seasonStart: need.seasonal ? start : nil, seasonEnd: need.seasonal ? end : nil,
                seasonRecurring: need.seasonal, placeInsee: nil, placeName: need.place, payMin: need.pay.map { Amount(euros: $0.0) }, payMax: need.pay.map { Amount(euros: $0.1) },
                skills: need.skills, drivingLicence: need.licence, otherLicences: need.otherLicences, certificates: "", experience: "",
                newlyCreated: need.created, hardToFill: !need.hard.isEmpty, hardToFillReasons: need.hard, hardToFillOther: "",
                housingOffered: need.housing, notes: "")
            var at = now.addingTimeInterval(-Double(need.submittedDaysAgo) * 86400)
            let id = try await JobNeedRepository.insert(
                draft, businessID: businessIDs[need.business], tenantID: cahors, actorID: employerIDs[need.business], now: at,
                on: connection, logger: logger)
            let adviser = adviserIDs[index % adviserIDs.count]
            for step in path(to: need.status) {
                at = at.addingTimeInterval(2 * 86400)
                if step == .qualified {
                    _ = try await JobNeedRepository.qualify(
                        id: id, romeCode: need.rome, hardToFill: !need.hard.isEmpty, reasons: need.hard, reasonOther: "", adviserID: adviser,
                        comment: "", tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
                } else {
                    let reason = step == .cancelled ? "Remplacement finalement assuré en interne." : nil
                    _ = try await JobNeedRepository.move(
                        id: id, to: step, comment: reason ?? "", cancelReason: reason, businessID: nil, tenantID: cahors, actorID: adviser,
                        now: at, on: connection, logger: logger)
                }
            }
            // Its `filled` positions are hired by DemoPipeline (a need's positions filled are its placements: schema 0080).
        }

        // A bakery that is not yet a member asked to join, with its first need.
        let bakery = BusinessDetails(
            siret: Siret.completing("9001000090001"), name: "Boulangerie du Pont Valentré", nafCode: "10.71C", headcountBand: "1-9",
            communeInsee: "46042", communeName: "Cahors", address: "12 quai Valentré, Cahors", contactName: "Julie Gransard",
            phone: "05 65 00 00 00", email: "contact@boulangerie-valentre.test", memberSince: nil, notes: nil)
        let requested = now.addingTimeInterval(-2 * 86400)
        let bakeryID = try await BusinessRepository.insert(bakery, status: .pending, tenantID: cahors, actorID: nil, now: requested, on: connection, logger: logger)
        let bread = JobNeedDetails(
            title: "Boulanger ou boulangère", romeCode: nil, description: "Fabrication du pain et des viennoiseries, travail de nuit.",
            contractKind: .cdi, fullTime: true, hoursPerWeek: 39, positions: 1, wishedStart: day(40), endDate: nil, seasonStart: nil,
            seasonEnd: nil, seasonRecurring: false, placeInsee: "46042", placeName: "Cahors", payMin: Amount(euros: 1950), payMax: Amount(euros: 2200),
            skills: "CAP boulanger", drivingLicence: false, otherLicences: "", certificates: "CAP boulanger", experience: "",
            newlyCreated: true, hardToFill: true, hardToFillReasons: [.hours, .rareSkill], hardToFillOther: "", housingOffered: false,
            notes: "")
        _ = try await JobNeedRepository.insert(bread, businessID: bakeryID, tenantID: cahors, actorID: nil, now: requested, on: connection, logger: logger)
    }
}
