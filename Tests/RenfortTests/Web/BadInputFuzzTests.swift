import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Renfort

/// Every route of the router, for every role, gets each kind of bad value in its query string
/// and (for a POST) in an urlencoded and a multipart body: the answer is a 4xx (or a 2xx/3xx
/// where the value is acceptable), never a 5xx. The routes come from the router itself, so a
/// new route is covered the day it is added. Each role's walk is a case of its own, on a world of
/// its own (its half of the routes for the routes' walk): one walk of every role one after the
/// other took five minutes and was the whole run's last two (`make test`'s critical path).
@Suite struct BadInputFuzzTests {
    /// Who walks the routes: signed out, each role signed in, a candidate on their own page.
    enum Walker: String, CaseIterable, Sendable {
        case visitor, adviser, employer, observer, admin, candidate

        /// A browser of this walker on `browser`'s server, signed in (a world made by `FuzzWorld.make`).
        func browser(_ browser: Browser, _ database: TestDatabase) async throws -> Browser {
            let email: String
            switch self {
            case .visitor: return browser.fresh()
            case .candidate: return try await FuzzWorld.candidatePage(browser, database)
            case .adviser: email = FuzzWorld.adviser
            case .employer: email = FuzzWorld.employer
            case .observer: email = FuzzWorld.observer
            case .admin: email = FuzzWorld.admin
            }
            let person = browser.fresh()
            let answer = try await person.signIn(email, password: Factory.password)
            #expect(answer.status == .seeOther, "\(self) signs in")
            return person
        }
    }

    /// The fields every body carries: those of every form of Renfort (a form reads its own and
    /// ignores the rest), the one-time token among them.
    static let fields = BadInputTests.allFields + [
        "_form", "email", "password", "confirmation", "next", "return_to", "slug", "territory", "adviser_name", "adviser_email",
        "confirm_low_pay", "confirm_duplicate", "driving_licence", "own_vehicle", "season_recurring", "housing_offered", "website",
        "end_reason", "place", "rejection_reason", "stage", "trial_days", "cancel_reason", "decline_reason", "ending_note",
    ]
    /// The parameters of every list and dashboard (searches, filters, sorting, pages).
    static let queryNames = [
        "q", "du", "au", "from", "to", "entreprise", "business", "secteur", "sector", "commune", "contrat", "contract", "tri", "ordre",
        "page", "etape", "statut", "difficile", "format", "next", "envoye", "fait", "alerte", "cree", "expiree", "type", "suivi",
    ]

    /// A kind of bad value: as it goes into a query string, and as bytes into a body.
    struct Kind: Sendable {
        let name: String
        /// Already percent-encoded (or deliberately not).
        let query: String
        let bytes: [UInt8]
        /// Each field sent twice, the second time with this value.
        var repeated: [UInt8]? = nil

        init(_ name: String, _ value: String) {
            self.name = name
            self.query = Browser.escape(value)
            self.bytes = Array(value.utf8)
        }

        init(_ name: String, query: String, bytes: [UInt8], repeated: [UInt8]? = nil) {
            self.name = name
            self.query = query
            self.bytes = bytes
            self.repeated = repeated
        }
    }

    /// What every route gets, in its query string and its bodies. The values that only a form's
    /// own checks can stop (emoji at a limit, letters folding to ASCII…) go to each field alone
    /// in `everyFormFieldAloneWithABadValueIsNeverA500`.
    static let kinds: [Kind] = [
        Kind("NUL", "a\u{0}b"),
        Kind("control characters", "a\u{1B}b"),
        Kind("overlong", String(repeating: "a", count: 3000)),
        // A valid SIRET (Luhn) in Thai digits.
        Kind("Thai digits", "๗๓๒๘๒๙๓๒๐๐๐๐๗๔"),
        Kind("absurd date", "1970-01-01"),
        Kind("huge numbers", "99999999999999999999999"),
        Kind("malformed percent-encoding", query: "%zz%%E9%", bytes: Array("%zz%%E9%".utf8)),
        Kind("invalid UTF-8", query: "%FF%FE%C3", bytes: [0xFF, 0xFE, 0x41, 0xC3]),
        Kind("repeated fields", query: "2026-01-01", bytes: Array("2026-01-01".utf8), repeated: Array("autre valeur".utf8)),
    ]

    /// A concrete path for a route pattern: each parameter gets a real id of `world`.
    static func concrete(_ pattern: String, world: FuzzWorld) -> String {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        for (index, part) in parts.enumerated() {
            let previous = index > 0 ? parts[index - 1] : ""
            guard part.hasPrefix("{") || part.hasPrefix(":") else {
                out.append(part)
                continue
            }
            let name = part.trimmingCharacters(in: CharacterSet(charactersIn: "{}:"))
            switch (name, previous) {
            case ("centre", _): out.append("fuzz")
            case ("token", _): out.append("jeton-quelconque-de-test-0123456789")
            case ("table", _): out.append(pattern.hasPrefix("/observateur") ? "centres" : "entreprises")
            case ("interview", _): out.append(String(world.interview))
            case ("offer", _): out.append(String(world.offer))
            case (_, "besoins"): out.append(String(world.need))
            case (_, "entreprises"): out.append(String(world.business))
            case (_, "adhesions"): out.append(String(world.pending))
            case (_, "candidats"): out.append(String(world.candidate))
            case (_, "candidatures"): out.append(String(world.application))
            case (_, "embauches"): out.append(String(world.placement))
            case (_, "suivis"): out.append(String(world.checkIn))
            case (_, "utilisateurs"): out.append(String(world.victim))
            default: out.append("1")
            }
        }
        return out.joined(separator: "/")
    }

    static func urlencoded(_ kind: Kind) -> ByteBuffer {
        var body = ByteBuffer()
        let value: String
        if kind.name == "malformed percent-encoding" {
            value = kind.query
        } else {
            value = kind.bytes.map { byte in
                let c = Character(Unicode.Scalar(byte))
                return (c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c))) ? String(c) : "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }.joined()
        }
        let second = kind.repeated.map { bytes in bytes.map { "%" + String($0, radix: 16, uppercase: true).leftPadded }.joined() }
        for (index, field) in fields.enumerated() {
            if index > 0 { body.writeString("&") }
            body.writeString("\(field)=\(value)")
            if let second { body.writeString("&\(field)=\(second)") }
        }
        return body
    }

    static let boundary = "----renfort-fuzz-7d1f"

    static func multipart(_ kind: Kind, csrf: String) -> ByteBuffer {
        var body = ByteBuffer()
        func part(_ name: String, _ bytes: [UInt8]) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        part("_csrf", Array(csrf.utf8))
        // A multipart body holds at most 50 parts: the first fields, the one-time token among them.
        for field in (["_form", "comment", "note", "name", "title", "email", "siret", "date", "purge_after", "outcome"] + fields).prefix(45) {
            part(field, kind.bytes)
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"cv\u{0}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(kind.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    /// What each walker's half of the routes gets at least: messages of forms (422) and refusals
    /// of what cannot be read (400), so the bad values did reach the handlers.
    static let leastAnswers: [Walker: (unprocessable: Int, badRequest: Int)] = [
        // About half of what each half got when the walks were split (7–382 and 39–268).
        .visitor: (3, 20), .adviser: (130, 120), .employer: (15, 30), .observer: (12, 30), .admin: (10, 24), .candidate: (7, 20),
    ]

    @Test(arguments: Walker.allCases, 0..<2)
    func noRouteOfAnyRoleAnswersA500ToBadInput(walker: Walker, half: Int) async throws {
        try await TestApp.run(demo: false) { browser, database in
            let world = try await FuzzWorld.make(database)
            let configuration = TestApp.configuration(for: database)
            let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
            let all = try await buildRouter(configuration: configuration, client: client, clock: SystemClock()).routes
                .filter { "\($0.path)" != "/logout" && !"\($0.path)".hasSuffix("/mon-espace/deconnexion") }
            #expect(all.count >= 80)
            let routes = all.enumerated().filter { $0.offset % 2 == half }.map(\.element)
            let person = try await walker.browser(browser, database)
            try await person.get("/login")
            let role = walker.rawValue

            var failures: [String] = []
            var statuses: [Int: Int] = [:]
            var requests = 0
            let started = ContinuousClock.now
            func send(_ person: Browser, _ path: String, _ method: HTTPRequest.Method, _ headers: HTTPFields, _ body: ByteBuffer?, _ what: String) async throws {
                let answer = try await person.send(path, method: method, headers: headers, body: body)
                requests += 1
                statuses[answer.status.code, default: 0] += 1
                if answer.status.code >= 500 { failures.append("\(what): \(answer.status.code)") }
            }
            for route in routes {
                let path = Self.concrete("\(route.path)", world: world)
                var headers: HTTPFields = [:]
                // The visitor's token is that of the sign-in page; the others' that of the last page they saw.
                headers[.init("X-CSRF-Token")!] = person.csrf ?? ""
                if route.method == .post { headers[.contentType] = "application/x-www-form-urlencoded" }
                // A role that cannot reach the route (404, the sign-in page, a refusal) gets nothing more of it.
                let probe = try await person.send(path, method: route.method, headers: headers, body: route.method == .post ? ByteBuffer() : nil)
                requests += 1
                if probe.status.code >= 500 { failures.append("\(role) \(route.method) \(path) without values: \(probe.status.code)") }
                if [403, 404].contains(probe.status.code) || probe.location?.hasPrefix("/login") == true { continue }
                let csrf = person.csrf ?? ""
                headers[.init("X-CSRF-Token")!] = csrf
                for kind in Self.kinds {
                    let what = "\(role) \(route.method) \(path) \(kind.name)"
                    let query = Self.queryNames.map { "\($0)=\(kind.query)" }.joined(separator: "&")
                    if route.method != .post {
                        try await send(person, path + "?" + query, route.method, headers, nil, what + " in the query")
                        continue
                    }
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    try await send(person, path, .post, headers, Self.urlencoded(kind), what + " urlencoded")
                    headers[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
                    try await send(person, path, .post, headers, Self.multipart(kind, csrf: csrf), what + " multipart")
                }
                guard route.method == .post else { continue }
                // The query string of a POST, and a body over the limit (a French 413, read no further).
                headers[.contentType] = "application/x-www-form-urlencoded"
                try await send(person, path + "?q=a%00b&du=1970-01-01", .post, headers, ByteBuffer(), "\(role) POST \(path) with a query")
                try await send(
                    person, path, .post, headers, ByteBuffer(string: "comment=" + String(repeating: "a", count: 1_100_000)),
                    "\(role) POST \(path) with a huge body")
            }
            let elapsed = ContinuousClock.now - started
            print("bad-input fuzz, \(role), routes' half \(half + 1): \(routes.count) routes, \(requests) requests in \(elapsed); statuses \(statuses.sorted { $0.key < $1.key })")
            // The values reached the handlers: forms answered with their messages, and some were done.
            let least = Self.leastAnswers[walker]!
            #expect((statuses[422] ?? 0) >= least.unprocessable, "\(statuses)")
            #expect((statuses[400] ?? 0) >= least.badRequest, "\(statuses)")
            #expect(failures.isEmpty, "\(failures.count) answers 5xx:\n\(failures.prefix(40).joined(separator: "\n"))")
        }
    }
}

/// Every form that a page of each role shows, filled as a person would, then sent again and
/// again with one field alone given a bad value: the rest being valid, the value goes as far as
/// the form's checks let it (to the database, if they let it through).
extension BadInputFuzzTests {
    /// A form found in a page: where it posts and its fields with a valid value each.
    struct FoundForm {
        let action: String
        var fields: [(String, String)]
    }

    /// The bad values tried in each field alone (the others reach no further than a
    /// middleware or a field's own check).
    static let aloneKinds: [(String, String)] = [
        ("emoji at the limit", String(repeating: "👨‍👩‍👧", count: 41)),
        ("combining accents at the limit", String(repeating: "e\u{301}", count: 101)),
        ("Thai digits", "๗๓๒๘๒๙๓๒๐๐๐๐๗๔"),
        ("Arabic-Indic digits", "٤٦٠٤٢"),
        ("letters folding to ASCII", "\u{212A}1602"),
        ("absurd date", "1970-01-01"),
    ]

    /// A plausible valid value for an empty field, by its name and type.
    static func plausible(_ name: String, type: String) -> String {
        let soon = Day(Date()).adding(days: 20).iso
        switch name {
        case "siret": return Siret.completing("9009000020001")
        case "phone": return "05 65 12 34 56"
        case "commune_insee", "place_insee": return "46042"
        case "naf_code": return "56.10A"
        case "job": return "G1602"
        case "time": return "14:30"
        case "slug": return "fuzz-\(Int.random(in: 1000...9999))"
        case "hours_per_week": return "35"
        case "positions", "duration", "travel_km", "offset_days": return "30"
        case "pay_min", "pay_max", "gross_pay": return "2000"
        default: break
        }
        switch type {
        case "date": return name.contains("birth") ? "1990-05-04" : soon
        case "email": return "fuzz-\(Int.random(in: 1000...9999))@example.org"
        case "number": return "5"
        case "password": return "une phrase de passe assez longue"
        default: return "Valeur de test"
        }
    }

    /// The `method="post"` forms of a page, each field with the value it shows or a plausible one.
    static func forms(in html: String) -> [FoundForm] {
        var found: [FoundForm] = []
        var rest = Substring(html)
        while let open = rest.range(of: "<form") {
            guard let close = rest[open.upperBound...].range(of: "</form>") else { break }
            let tag = String(rest[open.lowerBound..<(rest[open.upperBound...].firstIndex(of: ">") ?? close.lowerBound)])
            let body = String(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
            guard tag.contains("method=\"post\""), let action = attribute("action", in: tag)?.replacingOccurrences(of: "&amp;", with: "&"),
                !["/logout", "/session/prolonger"].contains(action)
            else { continue }
            var fields: [(String, String)] = []
            var radios: Set<String> = []
            for input in matches(of: "<input[^>]*>", in: body) {
                guard let name = attribute("name", in: input), name != "_csrf" else { continue }
                let type = attribute("type", in: input) ?? "text"
                let value = (attribute("value", in: input) ?? "").replacingOccurrences(of: "&amp;", with: "&")
                switch type {
                case "checkbox":
                    if input.contains(" checked") { fields.append((name, value)) }
                case "radio":
                    // The choice ticked, or else the first one.
                    if input.contains(" checked"), let index = fields.firstIndex(where: { $0.0 == name }) {
                        fields[index].1 = value
                    } else if radios.insert(name).inserted {
                        fields.append((name, value))
                    }
                case "file", "submit", "button": continue
                default: fields.append((name, value.isEmpty ? plausible(name, type: type) : value))
                }
            }
            for select in matches(of: "<select[^>]*>[\\s\\S]*?</select>", in: body) {
                guard let name = attribute("name", in: select) else { continue }
                let options = matches(of: "<option[^>]*>", in: select)
                let chosen = options.first { $0.contains(" selected") } ?? options.first { (attribute("value", in: $0) ?? "") != "" }
                fields.append((name, chosen.flatMap { attribute("value", in: $0) } ?? ""))
            }
            for area in matches(of: "<textarea[^>]*>[\\s\\S]*?</textarea>", in: body) {
                guard let name = attribute("name", in: area) else { continue }
                let text = area.split(separator: ">", maxSplits: 1).last.map { String($0.dropLast("</textarea".count)) } ?? ""
                fields.append((name, text.isEmpty ? "Un texte de test" : text))
            }
            found.append(FoundForm(action: action, fields: fields))
        }
        return found
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let range = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[range.upperBound...].prefix { $0 != "\"" })
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    /// How many forms each walker finds at least on its pages.
    /// (4, 57, 7, 8 and 6 when the walks were split: 82 forms.)
    static let leastForms: [Walker: Int] = [.visitor: 3, .adviser: 40, .employer: 5, .admin: 6, .candidate: 4]

    /// The observer has no form with a field to fill.
    @Test(arguments: Walker.allCases.filter { $0 != .observer })
    func everyFormFieldAloneWithABadValueIsNeverA500(walker: Walker) async throws {
        try await TestApp.run(demo: false) { browser, database in
            let world = try await FuzzWorld.make(database)
            let configuration = TestApp.configuration(for: database)
            let client = PostgresClient(configuration: configuration.databaseURL.clientConfiguration(maximumConnections: 1))
            let pages = try await buildRouter(configuration: configuration, client: client, clock: SystemClock()).routes
                .filter { $0.method == .get }.map { Self.concrete("\($0.path)", world: world) }
            let person = try await walker.browser(browser, database)
            let role = walker.rawValue
            var failures: [String] = []
            var statuses: [Int: Int] = [:]
            var requests = 0
            var formCount = 0
            let started = ContinuousClock.now
            var seen: Set<String> = []
            for page in pages {
                let answer = try await person.get(page)
                guard answer.status == .ok, answer.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                for form in Self.forms(in: answer.text) where seen.insert(form.action).inserted {
                    formCount += 1
                    for (index, field) in form.fields.enumerated() where field.0 != "_form" {
                        for (kind, value) in Self.aloneKinds {
                            var fields = form.fields
                            fields[index].1 = value
                            // A fresh one-time token each time, so that every request is a first submit.
                            fields = fields.map { $0.0 == "_form" ? ($0.0, Tokens.random()) : $0 }
                            let sent = try await person.post(form.action, fields)
                            requests += 1
                            statuses[sent.status.code, default: 0] += 1
                            if sent.status.code >= 500 { failures.append("\(role) POST \(form.action) \(field.0) = \(kind): \(sent.status.code)") }
                        }
                    }
                }
            }
            let elapsed = ContinuousClock.now - started
            print("bad-input fuzz, one field at a time, \(role): \(formCount) forms, \(requests) requests in \(elapsed); statuses \(statuses.sorted { $0.key < $1.key })")
            #expect(formCount >= Self.leastForms[walker]!)
            #expect(failures.isEmpty, "\(failures.count) answers 5xx:\n\(failures.prefix(40).joined(separator: "\n"))")
        }
    }
}

private extension String {
    /// A byte's two hexadecimal digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
