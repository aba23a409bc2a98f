import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// The pull API: personal tokens, 401 in JSON, rate limits, logs, and its OpenAPI document.
@Suite struct APITests {
    static func token(in page: String) -> String? {
        guard let range = page.range(of: #"rnf_[A-Za-z0-9_-]{40,}"#, options: .regularExpression) else { return nil }
        return String(page[range])
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func formToken(_ page: String) -> String? {
        guard let range = page.range(of: #"name="_form" value="[^"]+""#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst(#"name="_form" value=""#.count).dropLast())
    }

    /// Cahors with one permanent post of the 2018–2019 season (a CDI at its inn), Figeac
    /// with none, and an observer of both (`observatrice@dreets.test`).
    static func twoCentresAndAnObserver(_ database: TestDatabase) async throws {
        let make = Factory(database: database)
        let (cahors, adviser) = try await make.centre("cahors")
        let (figeac, _) = try await make.centre("figeac")
        let inn = try await make.business(centre: cahors, name: "Auberge du Causse")
        let need = try await make.need(centre: cahors, business: inn, start: Day(iso: "2018-11-05")!)
        try await make.placement(centre: cahors, need: need, candidate: try await make.candidate(centre: cahors), actor: adviser, start: Day(iso: "2018-11-05")!)
        try await make.business(centre: figeac, name: "Scierie du Ségala")
        try await make.observer("observatrice@dreets.test", centres: [cahors, figeac])
    }

    @Test func anObserverCreatesUsesAndRevokesAToken() async throws {
        let logs = CapturedLogs()
        try await TestApp.run(configure: { $0.logLevel = .info }, logger: logs.logger) { browser, database in
            try await Self.twoCentresAndAnObserver(database)
            try await browser.signIn("observatrice@dreets.test")
            let profile = try await browser.get("/profil")
            #expect(profile.status == .ok)
            #expect(profile.text.contains("Jetons d'accès à l'API"))
            let form = try #require(Self.formToken(profile.text))
            let created = try await browser.post("/profil/jetons", [("name", "Rapport trimestriel"), ("_form", form)])
            #expect(created.status == .ok)
            #expect(created.headers[.cacheControl] == "no-store")
            let token = try #require(Self.token(in: created.text))
            // Shown once: the profile no longer shows it, and the database keeps only its hash.
            let again = try await browser.get("/profil")
            #expect(!again.text.contains(token))
            #expect(again.text.contains("Rapport trimestriel"))
            let stored = try await database.asOwner { client in
                try await client.withConnection { connection in
                    try await connection.all("SELECT name, token_hash FROM api_tokens", as: (String.self, String.self), logger: TestEnvironment.logger)
                }
            }
            #expect(stored.count == 1)
            #expect(stored.first?.1 == Tokens.hexHash(token))
            // The same form sent twice creates one token.
            let twice = try await browser.post("/profil/jetons", [("name", "Rapport trimestriel"), ("_form", form)])
            #expect(twice.status == .seeOther)
            // A second token with the same name is refused, the name kept in the form.
            let duplicate = try await browser.post("/profil/jetons", [("name", "rapport TRIMESTRIEL"), ("_form", try #require(Self.formToken(again.text)))])
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.text.contains("déjà un jeton de ce nom"))
            #expect(duplicate.text.contains("value=\"rapport TRIMESTRIEL\""))

            // A program with the token, no cookie.
            let program = browser.fresh()
            let metrics = try await program.get("/api/v1/centres/cahors/metrics?from=2018-10-01&to=2019-01-31", headers: Self.bearer(token))
            #expect(metrics.status == .ok)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(metrics.body.readableBytesView)) as? [String: Any])
            #expect(body["permanent_posts_created"] as? Int == 1)
            #expect((body["centre"] as? [String: Any])?["slug"] as? String == "cahors")
            let businesses = try #require(body["businesses"] as? [[String: Any]])
            #expect(businesses.contains { $0["siret"] is String && $0["name"] is String && $0["permanent_posts_created"] is Int })
            let centres = try await program.get("/api/v1/centres", headers: Self.bearer(token))
            #expect(centres.text.contains("\"slug\":\"cahors\"") && centres.text.contains("\"slug\":\"figeac\""))
            let all = try await program.get("/api/v1/metrics?from=2018-10-01&to=2019-01-31", headers: Self.bearer(token))
            #expect(all.status == .ok)
            let allBody = try #require(try JSONSerialization.jsonObject(with: Data(all.body.readableBytesView)) as? [String: Any])
            let each = try #require(allBody["centres"] as? [[String: Any]])
            let total = try #require((allBody["total"] as? [String: Any])?["permanent_posts_created"] as? Int)
            #expect(each.count == 2)
            #expect(total == each.compactMap { $0["permanent_posts_created"] as? Int }.reduce(0, +))
            #expect(total == 1)
            // Logged with the token's name.
            #expect(logs.entries.contains { $0.message == "api request" && $0.metadata["api_token"] == "Rapport trimestriel" && $0.metadata["status"] == "200" })

            // Revoked: 401 in JSON, with the challenge.
            let revokeAction = try #require(again.text.range(of: #"/profil/jetons/[0-9]+/revoquer"#, options: .regularExpression).map { String(again.text[$0]) })
            #expect(try await browser.post(revokeAction).status == .seeOther)
            let refused = try await program.get("/api/v1/centres/cahors/metrics", headers: Self.bearer(token))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate] == "Bearer realm=\"renfort\"")
            #expect(refused.headers[.contentType] == "application/json; charset=utf-8")
            #expect(refused.text.contains("\"status\":401"))
            // Revoking again, or someone else's token: 404.
            #expect(try await browser.post(revokeAction).status == .notFound)
        }
    }

    @Test func withoutAValidTokenOrRoleTheAPIAnswersInJSON() async throws {
        try await TestApp.run { browser, database in
            let make = Factory(database: database)
            let (cahors, _) = try await make.centre("cahors")
            try await make.centre("figeac")
            try await make.employer("patron@auberge.test", centre: cahors, business: try await make.business(centre: cahors))
            let attempts: [HTTPFields] = [HTTPFields(), Self.bearer("rnf_nope-nope-nope-nope-nope-nope"), [.authorization: "Basic Zm9vOmJhcg=="]]
            for headers in attempts {
                let answer = try await browser.get("/api/v1/centres/cahors/metrics", headers: headers)
                #expect(answer.status == .unauthorized)
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
                #expect(answer.headers[.location] == nil)
            }
            #expect(try await browser.get("/api/v1/nothing-here").status == .notFound)
            #expect(try await browser.get("/api/v1/nothing-here").headers[.contentType] == "application/json; charset=utf-8")
            // An employer has no API; an adviser reads their own centre only.
            let employer = browser.fresh()
            try await employer.signIn("patron@auberge.test")
            #expect(try await employer.get("/api/v1/centres/cahors/metrics").status == .notFound)
            #expect(try await employer.get("/api/v1/metrics").status == .notFound)
            #expect(try await employer.get("/profil").text.contains("Jetons d'accès") == false)
            let adviser = browser.fresh()
            try await adviser.signIn("conseil@figeac.test")
            #expect(try await adviser.get("/api/v1/centres/cahors/metrics").status == .notFound)
            let bad = try await adviser.get("/api/v1/centres/figeac/metrics?from=2019-13-01")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("AAAA-MM-JJ"))
        }
    }

    @Test func callsAreRateLimitedPerCaller() async throws {
        try await TestApp.run(configure: { $0.apiRequestsPerMinute = 3 }) { browser, database in
            try await Self.twoCentresAndAnObserver(database)
            try await browser.signIn("observatrice@dreets.test")
            for _ in 0..<3 { #expect(try await browser.get("/api/v1/centres").status == .ok) }
            let limited = try await browser.get("/api/v1/centres")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(limited.headers[.contentType] == "application/json; charset=utf-8")
            // Another caller has their own allowance.
            let other = browser.fresh()
            try await other.signIn("conseil@cahors.test")
            #expect(try await other.get("/api/v1/centres").status == .ok)
        }
    }

    /// Every answer of the API is checked against the schemas of its OpenAPI document.
    @Test func realAnswersMatchTheOpenAPIDocument() async throws {
        try await TestApp.run { browser, database in
            try await Self.twoCentresAndAnObserver(database)
            let document = try await browser.get("/api/v1/openapi.json")
            #expect(document.status == .ok)
            let openAPI = try #require(try JSONSerialization.jsonObject(with: Data(document.body.readableBytesView)) as? [String: Any])
            #expect(openAPI["openapi"] as? String == "3.1.0")
            let paths = try #require(openAPI["paths"] as? [String: Any])
            let validator = SchemaValidator(document: openAPI)
            // The validator itself refuses what does not match.
            #expect(!validator.validate(["permanent_posts_created": "39"], against: ["$ref": "#/components/schemas/Metrics"], at: "$").isEmpty)
            #expect(!validator.validate(["centres": [["slug": "x", "name": "y", "role": "employer"]]], against: ["$ref": "#/components/schemas/CentreList"], at: "$").isEmpty)
            func check(_ path: String, _ template: String, status: Int, browser: Browser) async throws {
                let answer = try await browser.get(path)
                #expect(Int(answer.status.code) == status, "\(path)")
                let operation = try #require(((paths[template] as? [String: Any])?["get"] as? [String: Any]))
                let response = try #require((operation["responses"] as? [String: Any])?[String(status)] as? [String: Any], "\(template) documents no \(status)")
                let schema = try #require((((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]))
                let json = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView), options: [.fragmentsAllowed])
                let problems = validator.validate(json, against: schema, at: "$")
                #expect(problems.isEmpty, "\(path): \(problems.prefix(5))")
            }
            try await check("/api/v1/centres", "/api/v1/centres", status: 401, browser: browser)
            try await browser.signIn("observatrice@dreets.test")
            try await check("/api/v1/centres", "/api/v1/centres", status: 200, browser: browser)
            try await check("/api/v1/centres/cahors/metrics?from=2018-10-01&to=2019-01-31", "/api/v1/centres/{slug}/metrics", status: 200, browser: browser)
            try await check("/api/v1/centres/cahors/metrics", "/api/v1/centres/{slug}/metrics", status: 200, browser: browser)
            try await check("/api/v1/centres/figeac/metrics?sector=C&contract=cdi", "/api/v1/centres/{slug}/metrics", status: 200, browser: browser)
            try await check("/api/v1/centres/nowhere/metrics", "/api/v1/centres/{slug}/metrics", status: 404, browser: browser)
            try await check("/api/v1/centres/cahors/metrics?to=2019-02-30", "/api/v1/centres/{slug}/metrics", status: 400, browser: browser)
            try await check("/api/v1/metrics?from=2018-10-01&to=2019-01-31", "/api/v1/metrics", status: 200, browser: browser)
            try await check("/api/v1/metrics", "/api/v1/metrics", status: 200, browser: browser)
            // Every API route of the router is described, and every described path is a route.
            let configuration = TestApp.configuration(for: database)
            let router = try await buildRouter(
                configuration: configuration, client: PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1)),
                clock: SystemClock())
            let routes = Set(router.routes.map { "\($0.path)" }.filter { $0.hasPrefix("/api/") }.map { $0.replacingOccurrences(of: "{centre}", with: "{slug}") })
            #expect(routes == Set(paths.keys))
        }
    }
}

/// Checks a JSON value against the subset of JSON Schema (2020-12) the document uses:
/// type (one or several), required, properties, additionalProperties, items, enum,
/// pattern, minimum, maximum, allOf and local $ref.
struct SchemaValidator {
    let document: [String: Any]

    func resolve(_ schema: Any) -> [String: Any] {
        guard let schema = schema as? [String: Any] else { return [:] }
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return resolve(node)
    }

    func type(of value: Any) -> Set<String> {
        if value is NSNull { return ["null"] }
        if let number = value as? NSNumber {
            if String(cString: number.objCType) == "c" { return ["boolean"] }
            if number.doubleValue == number.doubleValue.rounded() { return ["integer", "number"] }
            return ["number"]
        }
        if value is String { return ["string"] }
        if value is [Any] { return ["array"] }
        if value is [String: Any] { return ["object"] }
        return []
    }

    func validate(_ value: Any, against raw: Any, at path: String) -> [String] {
        let schema = resolve(raw)
        var problems: [String] = []
        for part in schema["allOf"] as? [Any] ?? [] {
            // allOf parts are checked for their constraints, not for extra keys the whole schema allows.
            var loose = resolve(part)
            loose["additionalProperties"] = nil
            problems += validate(value, against: loose, at: path)
        }
        if let types = (schema["type"] as? String).map({ [$0] }) ?? (schema["type"] as? [String]) {
            if type(of: value).isDisjoint(with: types) { return problems + ["\(path): \(type(of: value)) is not \(types)"] }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path): \(value) not in \(options)")
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String, text.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(path): \(text) does not match \(pattern)")
        }
        if let number = value as? NSNumber, !(value is String) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { problems.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { problems.append("\(path): above \(maximum)") }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { problems.append("\(path): missing \(name)") }
            for (key, item) in object {
                if let property = properties[key] {
                    problems += validate(item, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if let allowed = additional as? Bool {
                        if !allowed && (schema["allOf"] == nil) { problems.append("\(path): unexpected \(key)") }
                    } else {
                        problems += validate(item, against: additional, at: "\(path).\(key)")
                    }
                }
            }
            if let names = (schema["propertyNames"] as? [String: Any])?["enum"] as? [String] {
                for key in object.keys where !names.contains(key) { problems.append("\(path): unexpected key \(key)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (index, item) in array.enumerated() { problems += validate(item, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }
}
