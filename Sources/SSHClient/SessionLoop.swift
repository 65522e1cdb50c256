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
            let (requests, closed) = inbox.state.withLock { inbox in
                defer { inbox.requests = [] }
                return (inbox.requests, inbox.closed)
            }
            waiting.append(contentsOf: requests)
            if closed {
                failEverything(.closed)
                teardown()
                Glibc.close(wakeDescriptor)
                inbox.finished.signal()
                return
            }
            expireDeadlines()
            if !waiting.isEmpty && session == nil {
                do {
                    try connect()
                } catch {
                    // Everything queued shares the fate of the attempt; the next request tries again.
                    for request in waiting { request.continuation.resume(throwing: error) }
                    waiting = []
                }
            }
            let receivedBefore = pmx_bytes_received_on_this_thread()
            var progressed = admitWaiting()
            progressed = stepActive() || progressed
            progressed = cleanAbandoned() || progressed
            if progressed || pmx_bytes_received_on_this_thread() != receivedBefore {
                continue
            }
            waitForEvents()
        }
    }

    // MARK: Connecting

    private func connect() throws(SSHError) {
        let display = endpoint.display
        let descriptor = try TCPConnector.connect(host: endpoint.host, port: endpoint.port,
                                                  timeout: endpoint.connectTimeout, endpoint: display)
        guard let session = pmx_session_init() else {
            Glibc.close(descriptor)
            throw .handshakeFailed(endpoint: display, reason: "libssh2 could not allocate a session")
        }
        pmx_install_socket_callbacks(session)
        // Set-up runs in blocking mode with libssh2's own timeout; channels later run non-blocking.
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(endpoint.connectTimeout.milliseconds))
        // ed25519 and ecdsa first: rsa host keys fail against current OpenSSH with libssh2 1.10.
        _ = libssh2_session_method_pref(
            session, LIBSSH2_METHOD_HOSTKEY,
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256")
        do {
            guard libssh2_session_handshake(session, descriptor) == 0 else {
                throw SSHError.handshakeFailed(endpoint: display, reason: Self.lastError(session))
            }
            try HostKeyCheck.verify(session: session, endpoint: endpoint)
            try authenticate(session)
        } catch {
            libssh2_session_free(session)
            Glibc.close(descriptor)
            throw error as! SSHError
        }
        libssh2_session_set_blocking(session, 0)
        self.session = session
        socket = descriptor
        logger.debug("connected", metadata: ["endpoint": "\(display)"])
    }

    private func authenticate(_ session: OpaquePointer) throws(SSHError) {
        let path = endpoint.privateKeyPath
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .authenticationFailed(endpoint: endpoint.display, reason: "private key \(path) is missing or not readable")
        }
        let user = endpoint.user
        let status = libssh2_userauth_publickey_fromfile_ex(
            session, user, UInt32(user.utf8.count), nil, path, endpoint.passphrase)
        guard status == 0 else {
            throw .authenticationFailed(
                endpoint: endpoint.display,
                reason: "key \(path) was not accepted (\(Self.lastError(session))); is its public key in the user's authorized_keys?")
        }
    }

    // MARK: Channels

    /// Moves queued requests onto channels while slots are free.
    private func admitWaiting() -> Bool {
        guard session != nil else { return false }
        var admitted = false
        while !waiting.isEmpty && active.count + abandoned.count < maxChannels {
            active.append(ChannelJob(request: waiting.removeFirst()))
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
                job.request.continuation.resume(with: result)
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
        teardown()
    }

    private func failEverything(_ error: SSHError) {
        for request in waiting { request.continuation.resume(throwing: error) }
        for job in active { job.request.continuation.resume(throwing: error) }
        waiting = []
        active = []
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
    }

    // MARK: Waiting

    private func waitForEvents() {
        var descriptors = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if let session, socket >= 0, !(active.isEmpty && abandoned.isEmpty) {
            let directions = libssh2_session_block_directions(session)
            var events: Int16 = 0
            if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
            if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
            descriptors.append(pollfd(fd: socket, events: events == 0 ? Int16(POLLIN) : events, revents: 0))
        }
        let nearest = (waiting.map(\.deadline) + active.map(\.request.deadline)).min()
        let timeout: Int32 = nearest.map { Int32(clamping: max(0, ($0 - ContinuousClock.now).milliseconds)) } ?? -1
        _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
        if descriptors[0].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
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
