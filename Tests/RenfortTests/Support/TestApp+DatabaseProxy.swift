import Foundation
import Hummingbird
import HummingbirdTesting

@testable import Renfort

extension TestApp {
    /// Runs `test` against a server on a fresh database (without the demo) that it reaches
    /// through `proxy`, which the test may freeze and thaw; frozen from the start if `frozen`.
    static func runBehindProxy(
        frozen: Bool = false,
        configure: (inout AppConfiguration) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol, DatabaseProxy) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { database in
            let proxy = try DatabaseProxy(to: database.appURL, frozen: frozen)
            defer { proxy.close() }
            var configuration = configuration(for: database)
            configuration.databaseURL = proxy.proxied(database.appURL)
            configure(&configuration)
            let app = try await buildApplication(configuration: configuration, logger: TestEnvironment.logger)
            try await app.test(.router) { client in
                try await test(client, proxy)
                // Lets the pool close its connections, and finish those it was opening.
                proxy.thaw()
            }
        }
    }
}
