import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

extension Database {
    /// Runs `body` on a connection of the pool, waiting at most `connectionWait` for one.
    /// Only the wait is bounded: once `body` has its connection, nothing cuts it short (a
    /// transaction that started writing commits or rolls back as it would have).
    ///
    /// `PostgresClient` queues a request for as long as no connection can be made (its
    /// circuit breaker opens after a minute, and cannot be configured), and offers no
    /// timeout of its own. So a child task takes the lease and lends the connection to this
    /// task, while a timer gives up the wait; a lease that arrives too late goes straight
    /// back to the pool. The timer is an event loop's (a heap entry), not a sleeping task,
    /// since every query pays for it.
    func withLeasedConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let loan = ConnectionLoan()
        let client = self.client
        let wait = self.connectionWait
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask {
                do {
                    try await client.withCountedConnection { connection in await loan.lend(connection) }
                } catch {
                    loan.fail(DatabaseUnavailable.from(error) ?? DatabaseUnavailable(reason: String(reflecting: error)))
                }
            }
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(wait)) {
                loan.fail(DatabaseUnavailable(reason: "no connection within \(wait)"))
            }
            // Last: stops the lease request if it is still waiting.
            defer { group.cancelAll() }
            defer { timer.cancel() }
            let connection = try await loan.connection()
            defer { loan.giveBack() }
            do {
                return try await body(connection)
            } catch {
                throw DatabaseUnavailable.from(error) ?? error
            }
        }
    }
}

/// A pool connection lent by the task that holds its lease to the task that works on it.
final class ConnectionLoan: Sendable {
    private enum State {
        /// No connection yet; the borrower may be waiting for one.
        case waiting(CheckedContinuation<PostgresConnection, any Error>?)
        /// Lent: the lease holder waits for `release` to give the lease back.
        case lent(PostgresConnection, release: CheckedContinuation<Void, Never>)
        case returned
        /// The borrower stopped waiting (or the pool failed the lease).
        case failed(any Error)
    }

    private let state = NIOLockedValueBox(State.waiting(nil))

    /// For the lease holder: hands `connection` over and returns once it is given back, or
    /// at once if the borrower has stopped waiting.
    func lend(_ connection: PostgresConnection) async {
        await withCheckedContinuation { (release: CheckedContinuation<Void, Never>) in
            let (lent, borrower) = state.withLockedValue { state -> (Bool, CheckedContinuation<PostgresConnection, any Error>?) in
                guard case .waiting(let borrower) = state else { return (false, nil) }
                state = .lent(connection, release: release)
                return (true, borrower)
            }
            if lent { borrower?.resume(returning: connection) } else { release.resume() }
        }
    }

    /// For the borrower, once: the connection when it is lent, or the reason there is none.
    func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { (borrower: CheckedContinuation<PostgresConnection, any Error>) in
            let ready = state.withLockedValue { state -> Result<PostgresConnection, any Error>? in
                switch state {
                case .waiting:
                    state = .waiting(borrower)
                    return nil
                case .lent(let connection, _): return .success(connection)
                case .failed(let error): return .failure(error)
                case .returned: preconditionFailure("a connection is borrowed once")
                }
            }
            if let ready { borrower.resume(with: ready) }
        }
    }

    /// Ends the wait with `error`, unless the connection is lent already.
    func fail(_ error: any Error) {
        let borrower = state.withLockedValue { state -> CheckedContinuation<PostgresConnection, any Error>? in
            guard case .waiting(let borrower) = state else { return nil }
            state = .failed(error)
            return borrower
        }
        borrower?.resume(throwing: error)
    }

    /// For the borrower: gives the connection back to the lease holder.
    func giveBack() {
        let release = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard case .lent(_, let release) = state else { return nil }
            state = .returned
            return release
        }
        release?.resume()
    }
}
