import Foundation
import Logging
import PostgresNIO

/// How an application came from an offer, as the adviser's pages say it.
struct OfferApplicationOrigin: Sendable {
    let offerTitle: String
    let message: String
    let keepForOtherPosts: Bool
    /// Why the person was recognised in the pool ("même e-mail"…); nil: a new record.
    let matched: String?
    let receivedAt: Date
}

/// All the SQL of published offers and of the applications sent from them, in the caller's
/// transaction (centre set). Nothing here reads a need's description or notes: only what
/// an offer shows.
enum PublishedOfferRepository {
    private static let select = """
        SELECT o.id, o.need_id, o.title, o.body, o.business_named, o.place_name, o.contract_kind, o.starts_on, o.ends_on,
               o.valid_through, o.published_at, o.updated_at, o.unpublished_at, n.status AS need_status, n.full_time,
               n.hours_per_week::float8 AS hours_per_week,
               CASE WHEN o.business_named THEN b.name END AS business_name,
               (n.pay_min * 100)::int8 AS pay_min_cents, (n.pay_max * 100)::int8 AS pay_max_cents,
               CASE WHEN o.place_name = n.place_name THEN n.place_insee END AS place_insee
        FROM published_offers o
        JOIN job_needs n ON n.tenant_id = o.tenant_id AND n.id = o.need_id
        JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
        """

    /// The need statuses under which an offer is open (`NeedStatus.isOpen`).
    private static let openStatuses = NeedStatus.allCases.filter(\.isOpen).map(\.rawValue)

    private static func offer(_ row: PostgresRandomAccessRow) throws -> PublishedOffer {
        PublishedOffer(
            id: try row.get("id"), needID: try row.get("need_id"),
            details: OfferDetails(
                title: try row.get("title"), body: try row.get("body"), businessNamed: try row.get("business_named"),
                placeName: try row.get("place_name"), contractKind: try row.get("contract_kind"), startsOn: try row.get("starts_on"),
                endsOn: try row.get("ends_on"), validThrough: try row.get("valid_through")),
            publishedAt: try row.get("published_at"), updatedAt: try row.get("updated_at"), unpublishedAt: try row.get("unpublished_at"),
            needStatus: try row.get("need_status"), businessName: try row.get("business_name"),
            payMin: try row.get("pay_min_cents", as: Int?.self).map(Amount.init(cents:)),
            payMax: try row.get("pay_max_cents", as: Int?.self).map(Amount.init(cents:)),
            placeInsee: try row.get("place_insee"), fullTime: try row.get("full_time"), hoursPerWeek: try row.get("hours_per_week"))
    }

    /// The offer of need `needID`, published or not.
    static func find(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> PublishedOffer? {
        try await connection.rows("\(unescaped: select) WHERE o.need_id = \(needID)", logger: logger, offer).first
    }

    /// Offer `id`, published or not (its page says when it is closed).
    static func find(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> PublishedOffer? {
        try await connection.rows("\(unescaped: select) WHERE o.id = \(id)", logger: logger, offer).first
    }

    /// The centre's open offers, the newest first.
    static func open(today: Day, limit: Int = 200, on connection: PostgresConnection, logger: Logger) async throws -> [PublishedOffer] {
        try await connection.rows(
            """
            \(unescaped: select)
            WHERE o.unpublished_at IS NULL AND o.valid_through >= \(today.iso)::date AND n.status = ANY (\(openStatuses))
            ORDER BY o.updated_at DESC, o.id DESC LIMIT \(limit)
            """, logger: logger, offer)
    }

    /// Publishes need `needID` (again: the same offer, updated, published once more). Returns its id.
    static func publish(
        needID: Int64, _ details: OfferDetails, tenantID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64 {
        let id = try await connection.value(
            """
            INSERT INTO published_offers (tenant_id, need_id, title, body, business_named, place_name, contract_kind, starts_on, ends_on,
                valid_through, published_at, updated_at, published_by)
            VALUES (\(tenantID), \(needID), \(details.title), \(details.body), \(details.businessNamed), \(details.placeName),
                \(details.contractKind.rawValue), \(details.startsOn.iso)::date, \(details.endsOn?.iso)::date, \(details.validThrough.iso)::date,
                \(now), \(now), \(actorID))
            ON CONFLICT ON CONSTRAINT published_offers_once_per_need DO UPDATE SET
                title = EXCLUDED.title, body = EXCLUDED.body, business_named = EXCLUDED.business_named, place_name = EXCLUDED.place_name,
                contract_kind = EXCLUDED.contract_kind, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
                valid_through = EXCLUDED.valid_through, updated_at = EXCLUDED.updated_at, published_by = EXCLUDED.published_by,
                published_at = CASE WHEN published_offers.unpublished_at IS NULL THEN published_offers.published_at ELSE EXCLUDED.published_at END,
                unpublished_at = NULL, unpublished_by = NULL
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw OfferError.notCreated }
        return id
    }

    /// Withdraws need `needID`'s offer; false when it was not published.
    static func unpublish(needID: Int64, actorID: Int64, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.value(
            """
            UPDATE published_offers SET unpublished_at = \(now), unpublished_by = \(actorID), updated_at = \(now)
            WHERE need_id = \(needID) AND unpublished_at IS NULL RETURNING 1
            """, as: Int32.self, logger: logger) != nil
    }

    /// The e-mail of need `needID`'s adviser, where a candidate's reply reaches them.
    static func adviserEmail(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.value(
            "SELECT u.email FROM job_needs n JOIN users u ON u.id = n.adviser_id WHERE n.id = \(needID)", as: String.self, logger: logger)
    }

    /// How many applications came from need `needID`'s offer.
    static func applicationCount(needID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.value(
            """
            SELECT count(*)::int8 FROM offer_applications a JOIN published_offers o ON o.tenant_id = a.tenant_id AND o.id = a.offer_id
            WHERE o.need_id = \(needID)
            """, as: Int.self, logger: logger) ?? 0
    }

    /// Keeps what came with an application from an offer (once per application).
    static func recordApplication(
        offerID: Int64, applicationID: Int64, message: String, keepForOtherPosts: Bool, matched: String?, tenantID: Int64, now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO offer_applications (tenant_id, offer_id, application_id, message, keep_for_other_posts, matched, received_at)
            VALUES (\(tenantID), \(offerID), \(applicationID), \(message), \(keepForOtherPosts), \(matched), \(now))
            ON CONFLICT ON CONSTRAINT offer_applications_once DO NOTHING
            """, logger: logger)
    }

    /// Where application `applicationID` came from, when it came from an offer.
    static func origin(applicationID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> OfferApplicationOrigin? {
        try await connection.rows(
            """
            SELECT o.title, a.message, a.keep_for_other_posts, a.matched, a.received_at
            FROM offer_applications a JOIN published_offers o ON o.tenant_id = a.tenant_id AND o.id = a.offer_id
            WHERE a.application_id = \(applicationID)
            """, logger: logger
        ) { row in
            OfferApplicationOrigin(
                offerTitle: try row.get("title"), message: try row.get("message"), keepForOtherPosts: try row.get("keep_for_other_posts"),
                matched: try row.get("matched"), receivedAt: try row.get("received_at"))
        }.first
    }
}

/// What can go wrong with offers' rows beyond a person's input.
enum OfferError: Error {
    case notCreated
}
