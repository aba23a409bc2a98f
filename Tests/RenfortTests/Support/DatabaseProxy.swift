import Foundation
import Synchronization

@testable import Renfort

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A TCP proxy on loopback in front of the test cluster, which a test can freeze: its
/// connections stay open and new ones are accepted, but no byte goes through until it
/// thaws. That is what a PostgreSQL whose processes were stopped (SIGSTOP) looks like to
/// its clients.
final class DatabaseProxy: Sendable {
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let frozen: Atomic<Bool>
    /// The sockets of the connections still open; closed under this lock only, so that
    /// `close()` never shuts down a descriptor the system has given to someone else.
    private let open = Mutex(Connections())

    private struct Connections {
        var closed = false
        var sockets: Set<Int32> = []
        /// For each connection (by its client socket): its upstream socket, and how many of
        /// its two pumps still run.
        var pairs: [Int32: (upstream: Int32, pumps: Int)] = [:]
    }

    /// A proxy to the cluster of `url`, frozen from the start if `frozen`.
    init(to url: DatabaseURL, frozen: Bool = false) throws {
        (listener, port) = try Loopback.listen(backlog: 64)
        upstreamPort = url.port
        self.frozen = Atomic(frozen)
        Thread { [self] in acceptConnections() }.start()
    }

    /// `url`'s database, reached through this proxy.
    func proxied(_ url: DatabaseURL) -> DatabaseURL {
        var proxied = url
        proxied.host = "127.0.0.1"
        proxied.port = port
        return proxied
    }

    func freeze() { frozen.store(true, ordering: .relaxed) }
    func thaw() { frozen.store(false, ordering: .relaxed) }

    /// Stops listening and ends every connection.
    func close() {
        open.withLock { open in
            guard !open.closed else { return }
            open.closed = true
            _ = shutdown(listener, Int32(SHUT_RDWR))
            for socket in open.sockets { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptConnections() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { break }
            guard let upstream = try? Loopback.connect(port: upstreamPort) else {
                _ = systemClose(client)
                continue
            }
            let accepted = open.withLock { open in
                guard !open.closed else { return false }
                open.sockets.formUnion([client, upstream])
                open.pairs[client] = (upstream, 2)
                return true
            }
            guard accepted else {
                _ = systemClose(client)
                _ = systemClose(upstream)
                break
            }
            let finished = { @Sendable [self] in
                // The second pump to stop closes the pair.
                open.withLock { open in
                    guard let (upstream, pumps) = open.pairs[client] else { return }
                    guard pumps == 1 else { return open.pairs[client] = (upstream, pumps - 1) }
                    open.pairs[client] = nil
                    open.sockets.subtract([client, upstream])
                    _ = systemClose(client)
                    _ = systemClose(upstream)
                }
            }
            Thread { [self] in pump(from: client, to: upstream); finished() }.start()
            Thread { [self] in pump(from: upstream, to: client); finished() }.start()
        }
        _ = systemClose(listener)
    }

    /// Copies bytes from one socket to the other, holding them while frozen; at the end of
    /// either side, ends both.
    private func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            while frozen.load(ordering: .relaxed) { usleep(10_000) }
            let sent = buffer.withUnsafeBytes { send(destination, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            guard sent == count else { break }
        }
        open.withLock { _ in
            _ = shutdown(source, Int32(SHUT_RDWR))
            _ = shutdown(destination, Int32(SHUT_RDWR))
        }
    }
}
