import Foundation
import NIOConcurrencyHelpers

/// The time, as the server sees it. Tests move it by hand.
public protocol AppClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: AppClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until told to move: for tests of expiry and throttling.
public final class ManualClock: AppClock {
    private let current: NIOLockedValueBox<Date>

    public init(_ start: Date = Date()) {
        self.current = .init(start)
    }

    public func now() -> Date { current.withLockedValue { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}
