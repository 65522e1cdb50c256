import CLibSSH2
import CSSHShim
import Foundation
import Synchronization

/// A request, from another connection's thread, for a `direct-tcpip` channel through this
/// connection (a jump host): the bastion opens a TCP connection to `host:port` on its side and the
/// bytes flow through the channel to one end of a local socket pair, whose other end the caller's
/// SSH session uses as its socket.
final class TunnelRequest: Sendable {
    enum State: Sendable {
        case pending
        case opened
        case failed(SSHError)
        /// The caller stopped waiting; the job closes the channel if it still opens.
        case abandoned
    }

    let host: String
    let port: Int
    /// The bastion's end of the socket pair (non-blocking); the job owns and closes it.
    let local: Int32
    let state = Mutex(State.pending)
    let done = DispatchSemaphore(value: 0)

    init(host: String, port: Int, local: Int32) {
        self.host = host
        self.port = port
        self.local = local
    }

    /// Settles the request once; false when the caller had already given up.
    func settle(_ outcome: State) -> Bool {
        let kept = state.withLock { state -> Bool in
            guard case .pending = state else { return false }
            state = outcome
            return true
        }
        if kept { done.signal() }
        return kept
    }
}

/// One tunnel on the bastion's session, advanced by its session loop in non-blocking mode:
/// open the channel, then copy both directions until either side ends.
final class TunnelJob {
    enum Step {
        case waiting
        case progressed
        /// The tunnel ended (or never opened); its channel, if any, is to be freed.
        case finished
        /// The session's socket failed.
        case sessionBroken(String)
    }

    let request: TunnelRequest
    private(set) var channel: OpaquePointer?
    private var toLocal: [UInt8] = []
    private var toRemote: [UInt8] = []
    private var localEnded = false
    private var remoteEnded = false
    private var sentEOF = false
    private let display: String

    private static let chunk = 32 * 1024

    init(request: TunnelRequest, display: String) {
        self.request = request
        self.display = display
    }

    /// Whether the loop should wake for the local socket: readable when there is room to take
    /// more, writable when bytes wait for it.
    var localEvents: Int16 {
        guard channel != nil else { return 0 }
        var events: Int16 = 0
        if toRemote.isEmpty && !localEnded { events |= Int16(POLLIN) }
        if !toLocal.isEmpty { events |= Int16(POLLOUT) }
        return events
    }

    func step(session: OpaquePointer) -> Step {
        guard let channel else { return open(session) }
        if case .abandoned = request.state.withLock({ $0 }) { return finish() }
        var progressed = false
        // Bastion → local socket.
        if toLocal.isEmpty && !remoteEnded {
            var buffer = [UInt8](repeating: 0, count: Self.chunk)
            let count = buffer.withUnsafeMutableBytes { pointer in
                pmx_channel_read(channel, 0, pointer.baseAddress!.assumingMemoryBound(to: CChar.self), Self.chunk)
            }
            if count > 0 {
                toLocal = Array(buffer[0..<count])
                progressed = true
            } else if count == 0 || count == Int(LIBSSH2_ERROR_EAGAIN) {
                if libssh2_channel_eof(channel) != 0 {
                    remoteEnded = true
                    shutdown(request.local, Int32(SHUT_WR))
                    progressed = true
                }
            } else {
                return broken(session, code: Int32(count))
            }
        }
        if !toLocal.isEmpty {
            let written = toLocal.withUnsafeBytes { write(request.local, $0.baseAddress, $0.count) }
            if written > 0 {
                toLocal.removeFirst(written)
                progressed = true
            } else if written < 0 && errno != EAGAIN && errno != EINTR {
                return finish()  // the local session is gone
            }
        }
        // Local socket → bastion.
        if toRemote.isEmpty && !localEnded {
            var buffer = [UInt8](repeating: 0, count: Self.chunk)
            let count = buffer.withUnsafeMutableBytes { read(request.local, $0.baseAddress, Self.chunk) }
            if count > 0 {
                toRemote = Array(buffer[0..<count])
                progressed = true
            } else if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                localEnded = true
                progressed = true
            }
        }
        if !toRemote.isEmpty {
            let written = toRemote.withUnsafeBytes { pointer in
                libssh2_channel_write_ex(channel, 0, pointer.baseAddress!.assumingMemoryBound(to: CChar.self), pointer.count)
            }
            if written > 0 {
                toRemote.removeFirst(written)
                progressed = true
            } else if written != Int(LIBSSH2_ERROR_EAGAIN) {
                return broken(session, code: Int32(written))
            }
        }
        if localEnded && toRemote.isEmpty && !sentEOF {
            let status = libssh2_channel_send_eof(channel)
            if status == LIBSSH2_ERROR_EAGAIN { return .waiting }
            sentEOF = true
        }
        // The local session closed its socket: nothing more will be read from this tunnel.
        if localEnded && sentEOF { return finish() }
        if remoteEnded && toLocal.isEmpty && localEnded { return finish() }
        return progressed ? .progressed : .waiting
    }

    private func open(_ session: OpaquePointer) -> Step {
        if case .abandoned = request.state.withLock({ $0 }) { return finish() }
        guard let opened = libssh2_channel_direct_tcpip_ex(session, request.host, Int32(request.port), "127.0.0.1", 22) else {
            let code = libssh2_session_last_errno(session)
            if code == LIBSSH2_ERROR_EAGAIN { return .waiting }
            let reason = SessionLoop.lastError(session)
            _ = request.settle(.failed(.connectFailed(
                endpoint: "\(request.host):\(request.port)",
                reason: "the jump host \(display) could not open a connection to it: \(reason)")))
            return finish()
        }
        channel = opened
        if !request.settle(.opened) { return finish() }
        return .progressed
    }

    private func broken(_ session: OpaquePointer, code: Int32) -> Step {
        switch code {
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_BAD_SOCKET:
            return .sessionBroken(SessionLoop.lastError(session) + " in a tunnel")
        default:
            return finish()
        }
    }

    /// Closes the local end; the channel (if any) is freed by the loop.
    private func finish() -> Step {
        _ = request.settle(.failed(.closed))
        Glibc.close(request.local)
        return .finished
    }
}
