import CLibSSH2
import CSSHShim
import Foundation
import Logging
import Synchronization

/// `libssh2_init` is not thread-safe; Swift runs a global's initialiser exactly once.
private let libssh2Initialised: Int32 = libssh2_init(0)

/// One SSH connection to one host, reused for every command, with many commands in flight on it
/// at once (one channel each).
///
/// libssh2 sessions are not thread-safe and block in places, so each connection is driven by a
/// thread of its own that never touches Swift's shared executor; callers talk to it through
/// ``execute(_:timeout:)``, which is `async` and `Sendable`. The connection is opened lazily on the
/// first command and again after it broke. Its thread, and libssh2 with the crypto library behind
/// it, start with that first command too: a server that is never asked anything holds neither
/// (about 1.5 MB of touched pages of libcrypto alone).
public final class SSHConnection: Sendable {
    /// Where this connection goes.
    public let endpoint: SSHEndpoint
    private let inbox: Inbox
    private let wakePipe: (read: Int32, write: Int32)
    private let loop: Mutex<LoopState>

    /// The connection's thread: not yet started (it then owns nothing but the loop's settings),
    /// running, or never to run because the connection was closed first.
    private enum LoopState {
        case waiting(SessionLoop)
        case started
        case closedUnused
    }

    /// - Parameters:
    ///   - maxChannels: channels in flight at once; more commands wait in a FIFO queue. Kept below
    ///     sshd's default `MaxSessions` (10).
    public init(endpoint: SSHEndpoint, maxChannels: Int = 8, logger: Logger = Logger(label: "ssh")) {
        self.endpoint = endpoint
        inbox = Inbox()
        var descriptors: [Int32] = [0, 0]
        if pipe(&descriptors) != 0 {
            fatalError("pipe failed: \(errnoText())")
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakePipe = (descriptors[0], descriptors[1])
        loop = Mutex(.waiting(SessionLoop(endpoint: endpoint, maxChannels: maxChannels, inbox: inbox,
                                          wakeDescriptor: descriptors[0], logger: logger)))
    }

    /// Whether the connection's thread has started (with the first command or tunnel).
    public var hasStarted: Bool {
        loop.withLock { state in
            if case .started = state { return true }
            return false
        }
    }

    /// Starts the connection's thread on first use.
    private func startLoop() {
        let waiting = loop.withLock { state -> SessionLoop? in
            guard case let .waiting(loop) = state else { return nil }
            state = .started
            return loop
        }
        guard let waiting else { return }
        _ = libssh2Initialised
        let thread = Thread { waiting.run() }
        thread.name = "ssh \(endpoint.host):\(endpoint.port)"
        thread.start()
    }

    deinit {
        close()
        // The loop thread owns the read end and closes it when it ends.
        Glibc.close(wakePipe.write)
    }

    /// Runs `commandLine` through the remote user's shell and returns its output.
    ///
    /// Throws ``SSHError/timedOut(seconds:)`` when it has not finished within `timeout` (the remote
    /// process may still be running), and ``SSHError/connectionLost(endpoint:reason:)`` when the
    /// connection broke while it ran (its effect is then unknown).
    public func execute(_ commandLine: String, timeout: Duration) async throws -> ExecResult {
        startLoop()
        return try await withCheckedThrowingContinuation { continuation in
            let now = ContinuousClock.now
            let request = ExecRequest(commandLine: commandLine, started: now, deadline: now + timeout,
                                      timeout: timeout, continuation: continuation)
            let accepted = inbox.state.withLock { inbox -> Bool in
                guard !inbox.closed else { return false }
                inbox.requests.append(request)
                return true
            }
            guard accepted else {
                continuation.resume(throwing: SSHError.closed)
                return
            }
            wake()
        }
    }

    /// The address of the host this connection is logged in to now (the first reachable of the
    /// endpoint's addresses), nil while it is not connected.
    public var connectedAddress: SSHHostAddress? { inbox.connectedAddress.withLock { $0 } }

    /// Opens a `direct-tcpip` channel to `host:port` through this connection (used as a jump host)
    /// and returns a local socket whose bytes flow through it. Blocks the calling thread (a session
    /// loop's own, never a Swift task's) until the channel is open or `timeout` passed.
    func openTunnel(host: String, port: Int, timeout: Duration) throws(SSHError) -> Int32 {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw .connectFailed(endpoint: "\(host):\(port)", reason: "socketpair failed: \(errnoText())")
        }
        _ = fcntl(pair[1], F_SETFL, fcntl(pair[1], F_GETFL) | O_NONBLOCK)
        let request = TunnelRequest(host: host, port: port, local: pair[1])
        startLoop()
        let accepted = inbox.state.withLock { inbox -> Bool in
            guard !inbox.closed else { return false }
            inbox.tunnels.append(request)
            return true
        }
        guard accepted else {
            Glibc.close(pair[0])
            Glibc.close(pair[1])
            throw .closed
        }
        wake()
        if request.done.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .timedOut {
            _ = request.settle(.abandoned)
        }
        switch request.state.withLock({ $0 }) {
        case .opened:
            return pair[0]
        case let .failed(error):
            Glibc.close(pair[0])
            throw error
        case .pending, .abandoned:
            Glibc.close(pair[0])
            throw .connectFailed(endpoint: "\(host):\(port)",
                                 reason: "the jump host \(endpoint.display) did not open a connection within \(timeout.milliseconds) ms")
        }
    }

    /// Ends the connection; commands still waiting fail with ``SSHError/closed``. Returns once the
    /// session is torn down (at most `timeout` later), so that nothing of libssh2 is still running
    /// when the process exits and its libraries clean up.
    public func close(timeout: Duration = .seconds(5)) {
        let first = inbox.state.withLock { inbox -> Bool in
            defer { inbox.closed = true }
            return !inbox.closed
        }
        let unused = loop.withLock { state -> Bool in
            guard case .waiting = state else { return false }
            state = .closedUnused
            return true
        }
        if unused {
            // No thread ever ran: nothing to tear down, and the read end is not the loop's to close.
            Glibc.close(wakePipe.read)
            inbox.finished.signal()
            return
        }
        if first { wake() }
        _ = inbox.finished.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
        inbox.finished.signal()  // let any other closer through as well
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }
}

/// A command handed from a caller to the connection's thread.
struct ExecRequest: Sendable {
    let commandLine: String
    let started: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    let timeout: Duration
    let continuation: CheckedContinuation<ExecResult, any Error>
}

/// Requests handed from callers to the loop thread, and whether the connection was closed.
final class Inbox: Sendable {
    struct State {
        var requests: [ExecRequest] = []
        var tunnels: [TunnelRequest] = []
        var closed = false
    }

    let state = Mutex(State())
    /// The address the session is up at (`host:port`), nil while not connected.
    let connectedAddress = Mutex<SSHHostAddress?>(nil)
    /// Signalled by the loop thread when it has torn the session down and ended.
    let finished = DispatchSemaphore(value: 0)
}
