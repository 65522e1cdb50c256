import CLibSSH2
import CSSHShim
import Foundation

/// One command on one channel, advanced step by step by the session loop in non-blocking mode:
/// open → exec → read both streams to EOF → close → collect exit status → free.
final class ChannelJob {
    enum Stage { case opening, starting, reading, closing, freeing }

    enum Step {
        /// Nothing could be done until the socket is ready.
        case waiting
        /// Something moved; run another pass before sleeping.
        case progressed
        /// Done, with the command's result or a failure that concerns this channel only.
        case finished(Result<ExecResult, any Error>)
        /// The socket failed: the whole session is unusable.
        case sessionBroken(String)
        /// This command must end now (its channel is closed in the background).
        case abandon(any Error)
        /// The host refused to open the channel (its `MaxSessions` reached): nothing ran.
        case refused(String)
    }

    let request: ExecRequest
    private(set) var channel: OpaquePointer?
    private var stage: Stage = .opening
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var exitStatus: Int32 = 0
    private var exitSignal: String?

    /// Read size per call; libssh2's packets are at most 32 KiB of payload.
    private static let chunk = 32 * 1024

    private let maxOutput: Int

    init(request: ExecRequest, maxOutput: Int) {
        self.request = request
        self.maxOutput = maxOutput
    }

    func step(session: OpaquePointer) -> Step {
        switch stage {
        case .opening:
            guard let opened = pmx_channel_open_session(session) else {
                let code = libssh2_session_last_errno(session)
                if code == LIBSSH2_ERROR_CHANNEL_FAILURE { return .refused(SessionLoop.lastError(session)) }
                return failure(session, code: code, doing: "open a channel")
            }
            channel = opened
            stage = .starting
            return .progressed
        case .starting:
            let status = pmx_channel_exec(channel, request.commandLine)
            if status == LIBSSH2_ERROR_EAGAIN { return .waiting }
            guard status == 0 else { return failure(session, code: status, doing: "start the command") }
            stage = .reading
            return .progressed
        case .reading:
            return read(session)
        case .closing:
            let status = libssh2_channel_close(channel)
            if status == LIBSSH2_ERROR_EAGAIN { return .waiting }
            if status != 0 { return failure(session, code: status, doing: "close the channel") }
            let waited = libssh2_channel_wait_closed(channel)
            if waited == LIBSSH2_ERROR_EAGAIN { return .waiting }
            collectExit(session)
            stage = .freeing
            return .progressed
        case .freeing:
            let status = libssh2_channel_free(channel)
            if status == LIBSSH2_ERROR_EAGAIN { return .waiting }
            channel = nil
            let result = ExecResult(stdout: stdout, stderr: stderr, exitStatus: exitStatus, exitSignal: exitSignal,
                                    duration: ContinuousClock.now - request.started)
            return .finished(.success(result))
        }
    }

    /// Drains stdout and stderr (both, or the window stalls) and notices EOF.
    private func read(_ session: OpaquePointer) -> Step {
        var progressed = false
        var ended = true
        for stream in [Int32(0), Int32(1)] {
            while true {
                var buffer = [UInt8](repeating: 0, count: Self.chunk)
                let count = buffer.withUnsafeMutableBufferPointer { pointer in
                    pmx_channel_read(channel, stream, UnsafeMutableRawPointer(pointer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self), Self.chunk)
                }
                if count > 0 {
                    if stream == 0 { stdout.append(contentsOf: buffer[0..<count]) } else { stderr.append(contentsOf: buffer[0..<count]) }
                    if stdout.count + stderr.count > maxOutput { return .abandon(SSHError.outputTooLarge(limit: maxOutput)) }
                    progressed = true
                    continue
                }
                if count == Int(LIBSSH2_ERROR_EAGAIN) { ended = false; break }
                if count < 0 { return failure(session, code: Int32(count), doing: "read output") }
                break  // 0: nothing buffered for this stream now
            }
        }
        if ended && libssh2_channel_eof(channel) != 0 {
            stage = .closing
            return .progressed
        }
        return progressed ? .progressed : .waiting
    }

    private func collectExit(_ session: OpaquePointer) {
        exitStatus = libssh2_channel_get_exit_status(channel)
        var name: UnsafeMutablePointer<CChar>?
        var nameLength = 0
        if libssh2_channel_get_exit_signal(channel, &name, &nameLength, nil, nil, nil, nil) == 0, let name {
            if nameLength > 0 {
                let signal = String(cString: name)
                exitSignal = signal
                exitStatus = 128 + (Self.signalNumbers[signal] ?? 0)
            }
            libssh2_free(session, name)
        }
    }

    private func failure(_ session: OpaquePointer, code: Int32, doing action: String) -> Step {
        if code == LIBSSH2_ERROR_EAGAIN { return .waiting }
        let message = SessionLoop.lastError(session)
        switch code {
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_BAD_SOCKET:
            return .sessionBroken("\(message) while trying to \(action)")
        default:
            if let channel {
                _ = libssh2_channel_free(channel)
                self.channel = nil
            }
            return .finished(.failure(SSHError.channelFailed(reason: "could not \(action): \(message) (\(code))")))
        }
    }

    /// Names sshd reports (RFC 4254 §6.10) → Linux signal numbers, for a shell-style 128+n status.
    static let signalNumbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "ABRT": 6, "FPE": 8, "KILL": 9, "USR1": 10, "SEGV": 11,
        "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]
}
