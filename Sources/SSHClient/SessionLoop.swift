import CLibSSH2
import CSSHShim
import Foundation
import Logging
import Synchronization

/// The thread that owns one libssh2 session and multiplexes its channels.
///
/// All mutable state here is confined to the loop's own thread (hence `@unchecked Sendable`: it is
/// handed to that thread once and touched by nothing else); callers reach it only through the
/// `inbox` mutex and the wake pipe.
final class SessionLoop: @unchecked Sendable {
    private let endpoint: SSHEndpoint
    private let maxChannels: Int
    private let inbox: Inbox
    private let wakeDescriptor: Int32
    private let logger: Logger

    private var socket: Int32 = -1
    private var session: OpaquePointer?
    private var waiting: [ExecRequest] = []
    private var active: [ChannelJob] = []
    /// Channels whose caller has gone (deadline passed): closed and freed in the background.
    private var abandoned: [OpaquePointer] = []
    /// How many channels were open when the host last refused one: its `MaxSessions` is lower than
    /// `maxChannels`, or it had not yet let go of a channel just closed (sshd frees a session after
    /// it has read the next packets). No channel opens until fewer are open (one of those ended).
    private var openWhenRefused: Int?
    /// Failed connection attempts in a row, and when the next may start (backoff).
    private var failedConnects = 0
    /// Whether a session was up before: the next login is then a reconnect, worth a notice.
    private var wasConnected = false
    private var nextConnectAttempt = ContinuousClock.now
    /// Tunnels asked for and not yet on a channel, and those open (this connection as a jump host).
    private var pendingTunnels: [TunnelRequest] = []
    private var tunnels: [TunnelJob] = []
    /// The connection to the last jump host, made on first need and closed with this loop.
    private var bastion: SSHConnection?
    /// The address that answered last: tried first next time, so a dead first node costs its
    /// connect timeout once, not on every reconnect.
    private var preferredAddress = 0
    /// When the last command or tunnel ended, for `idleClose`.
    private var lastUsed = ContinuousClock.now

    init(endpoint: SSHEndpoint, maxChannels: Int, inbox: Inbox, wakeDescriptor: Int32,
         logger: Logger) {
        self.endpoint = endpoint
        self.maxChannels = max(1, maxChannels)
        self.inbox = inbox
        self.wakeDescriptor = wakeDescriptor
        self.logger = logger
    }

    func run() {
        while true {
            let (requests, newTunnels, closed) = inbox.state.withLock { inbox in
                defer {
                    inbox.requests = []
                    inbox.tunnels = []
                }
                return (inbox.requests, inbox.tunnels, inbox.closed)
            }
            waiting.append(contentsOf: requests)
            pendingTunnels.append(contentsOf: newTunnels)
            if closed {
                failEverything(.closed)
                teardown()
                bastion?.close()
                Glibc.close(wakeDescriptor)
                inbox.finished.signal()
                return
            }
            expireDeadlines()
            if (!waiting.isEmpty || !pendingTunnels.isEmpty) && session == nil && ContinuousClock.now >= nextConnectAttempt {
                do {
                    try connectToFirstReachable()
                    failedConnects = 0
                } catch {
                    // Everything queued shares the fate of the attempt; the next request tries again,
                    // after a pause that doubles with each failure (0.1 s up to 5 s).
                    for request in waiting { request.continuation.resume(throwing: error) }
                    waiting = []
                    for tunnel in pendingTunnels {
                        _ = tunnel.settle(.failed(error))
                        Glibc.close(tunnel.local)
                    }
                    pendingTunnels = []
                    failedConnects += 1
                    nextConnectAttempt = .now + .milliseconds(min(5000, 100 << min(failedConnects - 1, 6)))
                }
            }
            if let idleClose = endpoint.idleClose, session != nil, isIdle, ContinuousClock.now - lastUsed >= idleClose {
                logger.debug("closing the idle connection", metadata: ["endpoint": "\(endpoint.display)"])
                teardown()
            }
            if let session {
                var seconds: Int32 = 0
                let sent = libssh2_keepalive_send(session, &seconds)
                if sent < 0 && sent != LIBSSH2_ERROR_EAGAIN {
                    let reason = Self.lastError(session)
                    if active.isEmpty { teardown() } else { sessionBroke("keepalive failed: \(reason)") }
                    continue
                }
            }
            let receivedBefore = pmx_bytes_received_on_this_thread()
            var progressed = admitWaiting()
            progressed = stepActive() || progressed
            progressed = stepTunnels() || progressed
            progressed = cleanAbandoned() || progressed
            if progressed || pmx_bytes_received_on_this_thread() != receivedBefore {
                continue
            }
            waitForEvents()
        }
    }

    // MARK: Connecting

    /// Host key algorithms in order of preference: ed25519 first, then ecdsa (rsa host keys fail
    /// against current OpenSSH with libssh2 1.10). When the ed25519 key is unknown, an ecdsa key of
    /// the same host may be the one in known_hosts, so a second handshake offers only ecdsa.
    private static let hostKeyPreferences = [
        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521",
        "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521",
    ]

    /// Tries the endpoint's addresses in turn, the one that answered last first. Only a failure to
    /// reach a host (TCP, handshake, a jump that cannot open) moves on to the next: a host-key or
    /// login failure is an answer, and trying another node with it would hide it.
    private func connectToFirstReachable() throws(SSHError) {
        let addresses = endpoint.addresses
        var failures: [String] = []
        for offset in addresses.indices {
            let index = (preferredAddress + offset) % addresses.count
            let target = endpoint.at(addresses[index])
            do {
                try connect(target)
                if offset > 0 {
                    logger.notice("\(addresses[(preferredAddress) % addresses.count]) is unreachable; connected to \(addresses[index]) instead")
                }
                preferredAddress = index
                inbox.connectedAddress.withLock { $0 = addresses[index] }
                return
            } catch let error {
                switch error {
                case .connectFailed, .handshakeFailed:
                    if addresses.count == 1 { throw error }
                    failures.append(error.description)
                default:
                    throw error
                }
            }
        }
        throw SSHError.connectFailed(endpoint: endpoint.addresses.map(\.description).joined(separator: ", "),
                                     reason: "no address answered: " + failures.joined(separator: "; "))
    }

    private func connect(_ endpoint: SSHEndpoint, acceptedNewKey: Bool = false) throws(SSHError) {
        var firstUnknown: (fingerprint: String, line: String)?
        for (attempt, preference) in Self.hostKeyPreferences.enumerated() {
            let (descriptor, session) = try handshake(endpoint, preference: preference)
            do {
                switch try HostKeyCheck.check(session: session, endpoint: endpoint) {
                case .match:
                    try Authenticator.authenticate(session, endpoint)
                    libssh2_session_set_blocking(session, 0)
                    // Keepalives without replies: a dead peer shows as a failed send; nothing piles up unread.
                    libssh2_keepalive_config(session, 0, UInt32(max(1, endpoint.keepaliveInterval.components.seconds)))
                    self.session = session
                    socket = descriptor
                    if wasConnected {
                        logger.notice("reconnected to \(endpoint.display)")
                    } else {
                        logger.debug("connected", metadata: ["endpoint": "\(endpoint.display)"])
                    }
                    wasConnected = true
                    return
                case let .mismatch(expected, offered):
                    throw SSHError.hostKeyMismatch(endpoint: endpoint.display, expected: expected, offered: offered,
                                                   knownHostsPath: endpoint.knownHostsPath)
                case let .unknown(type, fingerprint, line):
                    if firstUnknown == nil { firstUnknown = (fingerprint, line) }
                    Self.close(session, descriptor)
                    if attempt == 0 && type == "ssh-ed25519" { continue }
                }
            } catch {
                Self.close(session, descriptor)
                throw error as! SSHError
            }
            break
        }
        guard let unknown = firstUnknown else {
            throw SSHError.handshakeFailed(endpoint: endpoint.display, reason: "no usable host key")
        }
        if endpoint.hostKeyPolicy == .acceptNew && !acceptedNewKey {
            try HostKeyCheck.append(unknown.line, to: endpoint.knownHostsPath)
            logger.notice("added the host key of \(endpoint.display) to \(endpoint.knownHostsPath) (accept-new): \(unknown.fingerprint)")
            return try connect(endpoint, acceptedNewKey: true)
        }
        throw SSHError.unknownHostKey(endpoint: endpoint.display, fingerprint: unknown.fingerprint,
                                      knownHostsPath: endpoint.knownHostsPath, knownHostsLine: unknown.line)
    }

    /// TCP connect and SSH handshake, in blocking mode with libssh2's own timeout.
    private func handshake(_ endpoint: SSHEndpoint, preference: String) throws(SSHError) -> (Int32, OpaquePointer) {
        let display = endpoint.display
        let descriptor = try openSocket(endpoint)
        guard let session = pmx_session_init() else {
            Glibc.close(descriptor)
            throw .handshakeFailed(endpoint: display, reason: "libssh2 could not allocate a session")
        }
        pmx_install_socket_callbacks(session)
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(endpoint.connectTimeout.milliseconds))
        _ = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, preference)
        guard libssh2_session_handshake(session, descriptor) == 0 else {
            let reason = Self.lastError(session)
            Self.close(session, descriptor)
            throw .handshakeFailed(endpoint: display, reason: reason)
        }
        return (descriptor, session)
    }

    /// A socket to the host: a TCP connection, or a tunnel through the last jump host (itself
    /// reached through the hops before it).
    private func openSocket(_ endpoint: SSHEndpoint) throws(SSHError) -> Int32 {
        guard var hop = endpoint.jumps.last else {
            return try TCPConnector.connect(host: endpoint.host, port: endpoint.port, timeout: endpoint.connectTimeout,
                                            endpoint: endpoint.display)
        }
        if bastion == nil {
            hop.jumps = Array(endpoint.jumps.dropLast())
            hop.idleClose = hop.idleClose ?? endpoint.idleClose
            bastion = SSHConnection(endpoint: hop, maxChannels: maxChannels, logger: logger)
        }
        return try bastion!.openTunnel(host: endpoint.host, port: endpoint.port, timeout: endpoint.connectTimeout)
    }

    private static func close(_ session: OpaquePointer, _ descriptor: Int32) {
        _ = libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "bye", "")
        libssh2_session_free(session)
        Glibc.close(descriptor)
    }

    // MARK: Channels

    /// Moves queued requests onto channels while slots are free.
    /// Channels open on the session: commands', abandoned ones not yet freed, and tunnels.
    private var openChannels: Int { active.count + abandoned.count + tunnels.count }

    private func admitWaiting() -> Bool {
        guard session != nil else { return false }
        if let refused = openWhenRefused {
            guard openChannels < refused else { return false }
            openWhenRefused = nil
        }
        var admitted = false
        while !waiting.isEmpty && active.count + abandoned.count < maxChannels {
            active.append(ChannelJob(request: waiting.removeFirst(), maxOutput: endpoint.maxOutputBytes))
            admitted = true
        }
        return admitted
    }

    private func stepActive() -> Bool {
        guard let session else { return false }
        var progressed = false
        var index = 0
        while index < active.count {
            let job = active[index]
            switch job.step(session: session) {
            case .waiting:
                index += 1
            case .progressed:
                progressed = true
                index += 1
            case let .finished(result):
                active.remove(at: index)
                lastUsed = .now
                let address = inbox.connectedAddress.withLock { $0 }
                job.request.continuation.resume(with: result.map { output in
                    var answered = output
                    answered.answeredBy = address
                    return answered
                })
                progressed = true
            case let .refused(reason):
                active.remove(at: index)
                if openChannels == 0 {
                    // Nothing else is open: the host refuses sessions outright.
                    job.request.continuation.resume(throwing: SSHError.channelFailed(reason: "could not open a channel: \(reason)"))
                } else {
                    // The host's session limit: the command waits, first in line, for a channel to end.
                    waiting.insert(job.request, at: 0)
                    openWhenRefused = openChannels
                    logger.debug("channel refused, waiting for one to end", metadata: ["open": "\(openChannels)"])
                }
                progressed = true
            case let .abandon(error):
                // The command must stop (output over the cap): fail it and close its channel in the background.
                active.remove(at: index)
                if let channel = job.channel { abandoned.append(channel) }
                job.request.continuation.resume(throwing: error)
                progressed = true
            case let .sessionBroken(reason):
                // The socket is gone: every channel on it is lost.
                if let channel = job.channel { abandoned.append(channel) }
                sessionBroke(reason)
                return true
            }
        }
        return progressed
    }

    /// Opens asked-for tunnels and moves bytes through the open ones.
    private func stepTunnels() -> Bool {
        guard let session else { return false }
        var progressed = false
        tunnels += pendingTunnels.map { TunnelJob(request: $0, display: endpoint.display) }
        if !pendingTunnels.isEmpty { progressed = true }
        pendingTunnels = []
        var index = 0
        while index < tunnels.count {
            let job = tunnels[index]
            switch job.step(session: session) {
            case .waiting:
                index += 1
            case .progressed:
                progressed = true
                index += 1
            case .finished:
                tunnels.remove(at: index)
                if let channel = job.channel { abandoned.append(channel) }
                lastUsed = .now
                progressed = true
            case let .sessionBroken(reason):
                sessionBroke(reason)
                return true
            }
        }
        return progressed
    }

    /// No command, tunnel or channel cleanup in progress.
    private var isIdle: Bool { waiting.isEmpty && active.isEmpty && abandoned.isEmpty && tunnels.isEmpty && pendingTunnels.isEmpty }

    private func expireDeadlines() {
        let now = ContinuousClock.now
        waiting.removeAll { request in
            guard request.deadline <= now else { return false }
            request.continuation.resume(throwing: SSHError.timedOut(seconds: request.timeout.secondsDouble))
            return true
        }
        active.removeAll { job in
            guard job.request.deadline <= now else { return false }
            if let channel = job.channel { abandoned.append(channel) }
            job.request.continuation.resume(throwing: SSHError.timedOut(seconds: job.request.timeout.secondsDouble))
            return true
        }
    }

    /// Closes and frees abandoned channels without blocking.
    private func cleanAbandoned() -> Bool {
        guard session != nil else { return false }
        let before = abandoned.count
        abandoned.removeAll { channel in
            let status = libssh2_channel_free(channel)
            return status != LIBSSH2_ERROR_EAGAIN
        }
        return abandoned.count != before
    }

    private func sessionBroke(_ reason: String) {
        logger.warning("connection lost", metadata: ["endpoint": "\(endpoint.display)", "reason": "\(reason)"])
        let error = SSHError.connectionLost(endpoint: endpoint.display, reason: reason)
        for job in active { job.request.continuation.resume(throwing: error) }
        active = []
        closeTunnels(error)
        teardown()
    }

    /// Ends every tunnel: the sessions that ran through them see their socket close.
    private func closeTunnels(_ error: SSHError) {
        for job in tunnels {
            _ = job.request.settle(.failed(error))
            Glibc.close(job.request.local)
        }
        for request in pendingTunnels {
            _ = request.settle(.failed(error))
            Glibc.close(request.local)
        }
        tunnels = []
        pendingTunnels = []
    }

    private func failEverything(_ error: SSHError) {
        for request in waiting { request.continuation.resume(throwing: error) }
        for job in active { job.request.continuation.resume(throwing: error) }
        waiting = []
        active = []
        closeTunnels(error)
    }

    /// Frees the session without a polite disconnect when the socket is already dead.
    private func teardown() {
        if let session {
            // Channels of a dead or closing session are freed with it.
            abandoned = []
            libssh2_session_set_blocking(session, 0)
            _ = libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "bye", "")
            libssh2_session_free(session)
        }
        session = nil
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
        inbox.connectedAddress.withLock { $0 = nil }
    }

    // MARK: Waiting

    private func waitForEvents() {
        var descriptors = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        let busy = !(active.isEmpty && abandoned.isEmpty && tunnels.isEmpty)
        if let session, socket >= 0 {
            var events: Int16 = 0
            if busy {
                let directions = libssh2_session_block_directions(session)
                if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
                if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
                if events == 0 { events = Int16(POLLIN) }
            } else {
                // Idle: only notice the peer going away (sshd killed, host rebooted).
                events = Int16(PMX_POLLRDHUP)
            }
            descriptors.append(pollfd(fd: socket, events: events, revents: 0))
            for job in tunnels where job.localEvents != 0 {
                descriptors.append(pollfd(fd: job.request.local, events: job.localEvents, revents: 0))
            }
        }
        var wakeups = waiting.map(\.deadline) + active.map(\.request.deadline)
        if session != nil { wakeups.append(.now + endpoint.keepaliveInterval) }
        if (!waiting.isEmpty || !pendingTunnels.isEmpty) && session == nil { wakeups.append(nextConnectAttempt) }
        if let idleClose = endpoint.idleClose, session != nil, isIdle { wakeups.append(lastUsed + idleClose) }
        let timeout: Int32 = wakeups.min().map { Int32(clamping: max(0, ($0 - ContinuousClock.now).milliseconds)) } ?? -1
        _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
        if descriptors[0].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
        }
        if !busy, descriptors.count > 1, descriptors[1].revents & Int16(PMX_POLLRDHUP | POLLHUP | POLLERR) != 0 {
            logger.notice("connection closed by the host while idle", metadata: ["endpoint": "\(endpoint.display)"])
            teardown()
        }
    }

    static func lastError(_ session: OpaquePointer) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard let message, length > 0 else { return "libssh2 error \(code)" }
        return String(cString: message)
    }
}
