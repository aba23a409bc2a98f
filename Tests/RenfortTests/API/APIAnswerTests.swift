import Foundation
import NIOCore
import Testing

@testable import Renfort

/// The API's answers as published (templates/api/openapi.json): keys in snake case, a figure
/// with nothing to count absent, rates as fractions, text as it is.
@Suite struct APIAnswerTests {
    static func figures() -> Figures {
        var figures = Figures()
        figures.permanent = 39
        figures.newlyCreated = 12
        figures.durable = 41
        figures.placements = 47
        figures.seasonal = 6
        figures.monthly = ["2018-10": [.cdi: 10, .seasonalCDD: 6], "2018-11": [.cdi: 29, .apprenticeship: 1, .cdd: 2]]
        figures.fillDays = [3, 10, 17, 40]
        figures.ended = .init(needs: 8, positions: 47, filled: 46)
        // November's cohort is too young for 6 and 12 months: those rates are absent.
        figures.cohorts = ["2018-10": .init(placements: 16, kept: [15, 14, 13], base: [16, 16, 16], trialPassed: 15, trialBase: 16),
                           "2018-11": .init(placements: 32, kept: [30, 0, 0], base: [32, 0, 0], trialPassed: 31, trialBase: 32)]
        figures.reached = [120, 80, 60, 50, 47, 47]
        figures.sources = [.franceTravail: 20, .missionLocale: 2, .referral: 25]
        figures.residences = ["Cahors": 30, "Pradines": 2, "Figeac": 15]
        figures.hardToFillByOutcome = [.filled: .init(needs: 2, positions: 6, filled: 5)]
        figures.hardToFillByReason = [.rareSkill: .init(needs: 2, positions: 6, filled: 5)]
        figures.businesses = [
            .init(centre: "cahors", id: 1, siret: "12345678900011", name: "Boulangerie « Au pain d'or » / \"Chez Léa\"", naf: "10.71C", communeInsee: "46042",
                  commune: "Cahors", permanent: 5, newlyCreated: 2, durable: 5, placements: 6, kept6: 4, base6: 5, fillDays: [3, 10]),
            .init(centre: "cahors", id: 2, siret: "98765432100022", name: "Domaine\tdu Lot", naf: nil, communeInsee: nil, commune: nil,
                  permanent: 0, newlyCreated: 0, durable: 0, placements: 0, kept6: 0, base6: 0),
        ]
        return figures
    }

    @Test func aCentresAnswerHasThePublishedShape() throws {
        let metrics = CentreMetrics(Self.figures(), filter: MetricsFilter(from: Day(iso: "2018-10-01")!, to: Day(iso: "2019-01-31")!, sector: "C"))
        let answer = APIController.CentreAnswer(centre: .init(slug: "cahors", name: "Cahors", role: "observer"), metrics: metrics)
        let bytes = try APIController.encoded(answer)
        let text = String(buffer: bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any])
        #expect((json["centre"] as? [String: Any])?["slug"] as? String == "cahors")
        #expect(json["permanent_posts_created"] as? Int == 39)
        #expect((json["filters"] as? [String: Any])?["sector"] as? String == "C")
        // Rates are fractions; a figure with nothing to count is absent, not null.
        #expect(json["fill_rate"] as? Double == 46.0 / 47.0)
        #expect(json["median_days_to_fill"] as? Double == 13.5)
        #expect(json.keys.contains("fill_rate_hard_to_fill") == false)
        let november = try #require((json["retention_cohorts"] as? [[String: Any]])?.first { $0["month"] as? String == "2018-11" })
        let horizons = try #require(november["retention"] as? [[String: Any]])
        #expect(horizons.map { $0["months"] as? Int } == [3, 6, 12])
        #expect(horizons[0]["rate"] as? Double == 30.0 / 32.0)
        #expect(horizons[1].keys.contains("rate") == false)
        let lines = try #require(json["businesses"] as? [[String: Any]])
        #expect(lines[0]["name"] as? String == "Boulangerie « Au pain d'or » / \"Chez Léa\"")
        #expect(lines[0]["sector"] as? String == "C")
        #expect(lines[1].keys.contains("naf_code") == false)
        #expect(lines[1].keys.contains("median_days_to_fill") == false)
        #expect(lines[1]["name"] as? String == "Domaine\tdu Lot")
        // Slashes as they are; the same answer twice is the same bytes (keys sorted).
        #expect(text.contains("» / \\\"Chez Léa\\\""))
        #expect(try String(buffer: APIController.encoded(answer)) == text)
        // Back into the type, every figure the same.
        #expect(try JSONDecoder().decode(CentreMetrics.self, from: Data(bytes.readableBytesView)) == metrics)
    }
}
