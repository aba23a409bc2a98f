import Foundation
import Logging
import PostgresNIO

/// The demo's candidate for their own page (`/c/cahors/mon-espace`): a person with a known
/// address, a CV, advisers' notes (which her page never shows) and applications at several
/// stages — presented, an interview this week, not retained — on the needs being sourced.
enum DemoPortal {
    static let email = "lea.delpech@exemple.test"

    static func load(cahors: Int64, adviserIDs: [Int64], now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let today = Day(now)
        let adviser = adviserIDs[0]
        let consent = today.adding(days: -12)
        let details = CandidateDetails(
            firstName: "Léa", lastName: "Delpech", email: email, phone: "06 42 18 27 93", communeInsee: "46224", communeName: "Pradines",
            birthDate: Day(year: 1994, month: 4, day: 17), drivingLicence: true, ownVehicle: true, travelKm: 30,
            skills: "service en salle, cuisine, accueil", experience: "Trois saisons en restauration au bord du Lot",
            availableFrom: today.adding(days: 7), seasonalWindows: "Saison d'été, vendanges", wishedContracts: [.cdi, .seasonalCDD],
            source: .franceTravail, notes: "Très bon contact au téléphone ; préfère le service du midi (note interne du centre).",
            consentAt: consent, consentScope: "Être proposée pour d'autres postes du centre", purgeAfter: consent.adding(days: 700))
        let created = now.addingTimeInterval(-12 * 86400)
        let candidate = try await CandidateRepository.insert(
            details, tenantID: cahors, actorID: adviser, informing: NotifiedCentre(id: cahors, slug: "cahors", baseURL: DemoNotifications.baseURL),
            now: created, on: connection, logger: logger)
        try await CandidateRepository.addDocument(
            candidateID: candidate, filename: "CV Léa Delpech.pdf", data: Array(pdf.utf8), tenantID: cahors, actorID: adviser, now: created,
            on: connection, logger: logger)

        let open = try await connection.values(
            "SELECT id FROM job_needs WHERE status IN ('sourcing', 'qualified', 'partly_filled') ORDER BY id", as: Int64.self, logger: logger)
        let reasons = try await ApplicationRepository.rejectionReasons(tenantID: cahors, on: connection, logger: logger)
        let plans: [[ApplicationStage]] = [[.screening, .presented], [.screening, .presented, .interview], [.screening, .rejected], []]
        for (index, path) in plans.enumerated() where index < open.count {
            var at = created.addingTimeInterval(Double(index) * 86400)
            guard let application = try await ApplicationRepository.create(
                needID: open[index], candidateID: candidate, tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
            else { continue }
            for stage in path {
                at = at.addingTimeInterval(86400)
                _ = try await ApplicationRepository.move(
                    id: application, to: stage, comment: stage == .rejected ? "Moins d'expérience en cuisine que les autres (motif interne)" : "",
                    reasonID: stage == .rejected ? reasons.first?.id : nil, tenantID: cahors, actorID: adviser, now: at, on: connection, logger: logger)
            }
            if path.last == .interview {
                let startsAt = DemoPipeline.interviewTime(after: today, inDays: 2, hour: 10)
                try await connection.execute(
                    """
                    INSERT INTO interviews (tenant_id, application_id, starts_at, duration_minutes, mode, place, attendees, created_at)
                    VALUES (\(cahors), \(application), \(startsAt), 45, 'in_person', 'Dans l''entreprise', 'Le gérant et la conseillère', \(at))
                    """, logger: logger)
            }
        }
    }

    /// A one-page PDF: her CV as the centre keeps it.
    static let pdf = """
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
        4 0 obj << /Length 60 >> stream
        BT /F1 18 Tf 72 760 Td (Lea Delpech - serveuse, cuisine) Tj ET
        endstream endobj
        5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
        trailer << /Root 1 0 R >>
        %%EOF
        """
}
