import HummingbirdTesting
import Testing

@testable import Renfort

@Suite struct SignInThrottleTests {
    @Test func repeatedFailuresForOneAccountGetA429ThenPassWithTime() async throws {
        let clock = ManualClock()
        try await TestApp.run(clock: clock) { browser, database in
            let make = Factory(database: database)
            let (centre, _) = try await make.centre("cahors")
            try await make.employer("menuisier@lacoste.test", centre: centre, business: try await make.business(centre: centre))
            try await make.employer("jardins@lalbenque.test", centre: centre, business: try await make.business(centre: centre, name: "Jardins", siret: "55210055400013"))
            try await browser.get("/login")
            for _ in 0..<SignInThrottle.accountLimit {
                let response = try await browser.post("/login", [("email", "menuisier@lacoste.test"), ("password", "mauvais mot de passe")])
                #expect(response.status == .unprocessableContent)
            }
            // Now even the right password is refused for a while, with a page in French.
            let refused = try await browser.post("/login", [("email", "menuisier@lacoste.test"), ("password", Factory.password)])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("Trop de tentatives"))
            #expect(refused.text.contains("Réessayez dans 15 minutes"))
            #expect(Int(refused.headers[.retryAfter] ?? "") == 900)
            // Another account from another address is not affected.
            let other = browser.fresh()
            other.address = "198.51.100.7"
            #expect(try await other.signIn("jardins@lalbenque.test").status == .seeOther)
            // After the window, the owner signs in again: no lockout for good.
            clock.advance(by: 15 * 60 + 1)
            let later = try await browser.post("/login", [("email", "menuisier@lacoste.test"), ("password", Factory.password)])
            #expect(later.status == .seeOther)
        }
    }

    @Test func slowsDownBeforeRefusing() async throws {
        try await TestDatabase.withFresh { database in
            try await database.asApp { client in
                let clock = ManualClock()
                let throttle = SignInThrottle(database: Database(client: client, connectionWait: TestEnvironment.connectionWait), clock: clock, slowdown: .milliseconds(500))
                let logger = TestEnvironment.logger
                for _ in 0..<SignInThrottle.slowAfter {
                    #expect(try await throttle.check(email: "a@b.fr", address: "x", logger: logger) == .allow(delay: .zero))
                    try await throttle.recordFailure(email: "a@b.fr", address: "x", logger: logger)
                }
                #expect(try await throttle.check(email: "a@b.fr", address: "x", logger: logger) == .allow(delay: .milliseconds(500)))
                try await throttle.recordFailure(email: "A@B.fr", address: "x", logger: logger)
                #expect(try await throttle.check(email: "a@b.fr", address: "x", logger: logger) == .allow(delay: .seconds(1)))
                try await throttle.recordFailure(email: "a@b.fr", address: "x", logger: logger)
                guard case .refuse = try await throttle.check(email: "a@b.fr", address: "x", logger: logger) else {
                    Issue.record("the sixth attempt should be refused")
                    return
                }
            }
        }
    }

    @Test func manyAccountsTriedFromOneAddressGetA429() async throws {
        try await TestApp.run { browser, database in
            try await Factory(database: database).centre("cahors")
            browser.address = "203.0.113.9"
            try await browser.get("/login")
            for index in 0..<SignInThrottle.addressLimit {
                let response = try await browser.post("/login", [("email", "inconnu\(index)@exemple.fr"), ("password", "n'importe quoi du tout")])
                #expect(response.status == .unprocessableContent)
            }
            let refused = try await browser.post("/login", [("email", "conseil@cahors.test"), ("password", Factory.password)])
            #expect(refused.status == .tooManyRequests)
            // The same account from elsewhere still works.
            let elsewhere = browser.fresh()
            elsewhere.address = "203.0.113.10"
            #expect(try await elsewhere.signIn("conseil@cahors.test").status == .seeOther)
        }
    }
}
