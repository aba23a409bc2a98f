import HummingbirdBcrypt
import NIOPosix

/// Bcrypt, run on the thread pool so that its deliberate slowness never blocks the event loops.
struct PasswordHasher: Sendable {
    let cost: UInt8
    /// A hash of a password no one knows, checked when the account does not exist so that
    /// a missing account takes as long to refuse as a wrong password.
    let decoy: String

    init(cost: UInt8) {
        self.cost = cost
        self.decoy = Bcrypt.hash(Tokens.random(), cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let stored = hash ?? decoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored) }
        return matches && hash != nil
    }
}
