import Foundation
import NIOCore
import Testing

@testable import Renfort

/// The API's own JSON encoder writes what Foundation's `JSONEncoder` (sorted keys, slashes
/// not escaped) writes, byte for byte.
@Suite struct APIJSONTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func ours(_ value: some Encodable) throws -> String {
        String(buffer: try APIJSON.encode(value))
    }

    struct Odd: Encodable {
        struct Inner: Encodable {
            let list: [Int?]
            let nested: [String: [String: Double]]
        }
        let text = "Guillemets \" barre \\ oblique / tab\t ligne\n retour\r bip\u{07} nul\u{01} fin\u{1F} é 漢 👍"
        let absent: String? = nil
        let present: Int? = 7
        let doubles = [0.0, 1.0, -2.0, 0.1, 1.0 / 3.0, 2.5e-7, 123_456_789.125, 1e20, -0.5]
        let flags = [true, false]
        let inner = Inner(list: [1, nil, 3], nested: ["zèbre": ["b": 1.5, "a": 2], "Zoo": [:], "10": ["x": 0], "9": ["y": 0.25]])
        let keysWithDigits: [String: Int] = ["retention_6_months": 1, "retention_6_months_base": 2, "p75_days_to_fill": 3, "placements": 4, "a_b": 5, "a": 6, "A": 7]
        let empty: [String] = []
        let emptyObject: [String: Int] = [:]
        let big = Int.max
        let small = Int64.min
    }

    /// Encodes a second keyed container on the same encoder, as the API's centre answer does.
    struct Merged: Encodable {
        enum Keys: String, CodingKey { case centre }
        func encode(to encoder: any Encoder) throws {
            try Odd().encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(["slug": "cahors"], forKey: .centre)
        }
    }

    @Test func writesWhatFoundationWrites() throws {
        #expect(try Self.ours(Odd()) == Self.foundation(Odd()))
        #expect(try Self.ours(Merged()) == Self.foundation(Merged()))
        #expect(try Self.ours(["a": ["b": [1, 2]]]) == Self.foundation(["a": ["b": [1, 2]]]))
        #expect(try Self.ours("texte") == Self.foundation("texte"))
    }

    @Test func writesTheMetricsAsFoundationDoes() throws {
        var figures = Figures()
        figures.permanent = 39
        figures.newlyCreated = 12
        figures.durable = 41
        figures.placements = 47
        figures.seasonal = 6
        figures.monthly = ["2018-10": ["cdi": 10, "seasonal_cdd": 6], "2018-11": ["cdi": 29, "apprenticeship": 1, "cdd": 2]]
        figures.fillDays = [3, 10, 17, 40]
        figures.ended = .init(needs: 8, positions: 47, filled: 46)
        // November's cohort is too young for 6 and 12 months: those rates are absent.
        figures.cohorts = ["2018-10": .init(placements: 16, kept: [15, 14, 13], base: [16, 16, 16], trialPassed: 15, trialBase: 16),
                           "2018-11": .init(placements: 32, kept: [30, 0, 0], base: [32, 0, 0], trialPassed: 31, trialBase: 32)]
        figures.reached = [120, 80, 60, 50, 47, 47]
        figures.sources = ["france_travail": 20, "mission_locale": 2, "referral": 25]
        figures.residences = ["Cahors": 30, "Pradines": 2, "Figeac": 15]
        figures.hardToFillByOutcome = ["filled": .init(needs: 2, positions: 6, filled: 5)]
        figures.hardToFillByReason = ["skills": .init(needs: 2, positions: 6, filled: 5)]
        figures.businesses = [
            .init(centre: "cahors", id: 1, siret: "12345678900011", name: "Boulangerie « Au pain d'or » / \"Chez Léa\"", naf: "1071C", communeInsee: "46042",
                  commune: "Cahors", permanent: 5, newlyCreated: 2, durable: 5, placements: 6, kept6: 4, base6: 5, fillDays: [3, 10]),
            .init(centre: "cahors", id: 2, siret: "98765432100022", name: "Domaine\tdu Lot", naf: nil, communeInsee: nil, commune: nil,
                  permanent: 0, newlyCreated: 0, durable: 0, placements: 0, kept6: 0, base6: 0),
        ]
        let metrics = CentreMetrics(figures, filter: MetricsFilter(from: Day(iso: "2018-10-01")!, to: Day(iso: "2019-01-31")!, sector: "C"))
        #expect(try Self.ours(metrics) == Self.foundation(metrics))
    }
}

extension APIJSONTests {
    /// Nested containers, as a hand-written `encode(to:)` may use them.
    struct Nested: Encodable {
        enum Keys: String, CodingKey { case zeta, alpha, list, mid }
        enum Inner: String, CodingKey { case b, a }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .zeta)
            var inner = container.nestedContainer(keyedBy: Inner.self, forKey: .alpha)
            try inner.encode("deux", forKey: .b)
            try inner.encode("un", forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var deeper = list.nestedContainer(keyedBy: Inner.self)
            try deeper.encode(true, forKey: .b)
            try list.encode(2)
            try container.encode([3.5], forKey: .mid)
        }
    }

    @Test func writesNestedContainersAsFoundationDoes() throws {
        #expect(try Self.ours(Nested()) == Self.foundation(Nested()))
        #expect(try Self.ours([Nested(), Nested()]) == Self.foundation([Nested(), Nested()]))
    }
}
