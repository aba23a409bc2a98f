import Foundation

/// What partners read of a centre's open offers (France Travail, Missions locales, job
/// boards): schema.org `JobPosting` data in each offer's page, the list as an Atom feed and as
/// JSON. Only the offer's public fields: never the need's description, notes or candidates,
/// and the business only when the offer names it.
enum OfferFeeds {
    /// An offer's public address: `base` is the site's (`RENFORT_BASE_URL`).
    static func url(_ offer: PublishedOffer, centre: PublicCentre, base: String) -> String {
        "\(base)/c/\(centre.slug)/offres/\(offer.id)"
    }

    /// schema.org's `employmentType` values for an offer.
    static func employmentTypes(_ offer: PublishedOffer) -> [String] {
        var types = [offer.fullTime ? "FULL_TIME" : "PART_TIME"]
        switch offer.details.contractKind {
        case .cdd, .seasonalCDD, .temporary: types.append("TEMPORARY")
        case .apprenticeship, .professionalisation: types.append("INTERN")
        case .cdi, .sharedTime: break
        }
        return types
    }

    /// The `JobPosting` of one offer, as a JSON object.
    static func jobPosting(_ offer: PublishedOffer, centre: PublicCentre, base: String) -> [String: Any] {
        let details = offer.details
        var address: [String: Any] = ["@type": "PostalAddress", "addressLocality": details.placeName, "addressCountry": "FR"]
        if let insee = offer.placeInsee { address["addressRegion"] = String(insee.prefix(2)) }
        var posting: [String: Any] = [
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": details.title,
            "description": details.body,
            "datePosted": Day(offer.publishedAt).iso,
            "validThrough": details.validThrough.iso,
            "employmentType": employmentTypes(offer),
            "jobLocation": ["@type": "Place", "address": address] as [String: Any],
            "url": url(offer, centre: centre, base: base),
            "identifier": ["@type": "PropertyValue", "name": centre.name, "value": String(offer.id)] as [String: Any],
            "jobStartDate": details.startsOn.iso,
        ]
        if let name = offer.businessName { posting["hiringOrganization"] = ["@type": "Organization", "name": name] }
        if offer.payMin != nil || offer.payMax != nil {
            var value: [String: Any] = ["@type": "QuantitativeValue", "unitText": "MONTH"]
            if let low = offer.payMin { value["minValue"] = Double(low.cents) / 100 }
            if let high = offer.payMax { value["maxValue"] = Double(high.cents) / 100 }
            posting["baseSalary"] = ["@type": "MonetaryAmount", "currency": "EUR", "value": value] as [String: Any]
        }
        return posting
    }

    /// JSON text, keys sorted; `<` written `\u003c` so that it can sit in a `<script>` element.
    static func json(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    /// The list for partners, as JSON: the centre, when it was read, and each offer's posting.
    static func list(_ offers: [PublishedOffer], centre: PublicCentre, base: String, now: Date) throws -> String {
        try json([
            "centre": ["name": centre.name, "territory": centre.territory, "url": "\(base)/c/\(centre.slug)/offres"],
            "generated": timestamp(now),
            "offers": offers.map { jobPosting($0, centre: centre, base: base) },
        ] as [String: Any])
    }

    /// RFC 3339, as Atom writes dates.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The list as an Atom feed (RFC 4287): one entry per open offer.
    static func atom(_ offers: [PublishedOffer], centre: PublicCentre, base: String, now: Date) -> String {
        let list = "\(base)/c/\(centre.slug)/offres"
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
            <title>\(HTML.escape("Offres d'emploi du \(centre.name)"))</title>
            <subtitle>\(HTML.escape(centre.territory))</subtitle>
            <id>\(HTML.escape(list))</id>
            <link rel="alternate" type="text/html" href="\(HTML.escape(list))"/>
            <link rel="self" type="application/atom+xml" href="\(HTML.escape(list + ".atom"))"/>
            <updated>\(timestamp(offers.map(\.updatedAt).max() ?? now))</updated>
            <author><name>\(HTML.escape(centre.name))</name></author>

            """
        for offer in offers {
            let address = url(offer, centre: centre, base: base)
            let details = offer.details
            let summary = [details.contractKind.label, details.placeName, offer.businessName].compactMap { $0 }.joined(separator: " · ")
            xml += """
                <entry>
                <title>\(HTML.escape(details.title))</title>
                <id>\(HTML.escape(address))</id>
                <link rel="alternate" type="text/html" href="\(HTML.escape(address))"/>
                <published>\(timestamp(offer.publishedAt))</published>
                <updated>\(timestamp(offer.updatedAt))</updated>
                <summary>\(HTML.escape(summary))</summary>
                <content type="text">\(HTML.escape(details.body))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }
}
