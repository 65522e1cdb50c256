/// Why an SSH operation failed; every message is one line a user can act on.
public enum SSHError: Error, Equatable, Sendable, CustomStringConvertible {
    /// TCP connect failed or timed out.
    case connectFailed(endpoint: String, reason: String)
    /// The SSH handshake failed.
    case handshakeFailed(endpoint: String, reason: String)
    /// The host key is not in known_hosts. Carries the line that would trust it.
    case unknownHostKey(endpoint: String, fingerprint: String, knownHostsPath: String, knownHostsLine: String)
    /// known_hosts lists a different key for this host: possibly an impostor.
    case hostKeyMismatch(endpoint: String, expected: String, offered: String, knownHostsPath: String)
    /// known_hosts could not be read.
    case knownHostsUnreadable(path: String, reason: String)
    /// The server refused the login.
    case authenticationFailed(endpoint: String, reason: String)
    /// The connection broke; commands in flight have an unknown outcome.
    case connectionLost(endpoint: String, reason: String)
    /// A channel could not be opened or the command could not be started.
    case channelFailed(reason: String)
    /// The command did not finish before its deadline.
    case timedOut(seconds: Double)
    /// The command printed more than the cap allows.
    case outputTooLarge(limit: Int)
    /// The connection was closed by the client.
    case closed

    public var description: String {
        switch self {
        case let .connectFailed(endpoint, reason):
            "cannot connect to \(endpoint): \(reason)"
        case let .handshakeFailed(endpoint, reason):
            "SSH handshake with \(endpoint) failed: \(reason)"
        case let .unknownHostKey(endpoint, fingerprint, path, line):
            "host key of \(endpoint) is not known (\(fingerprint)); refusing to connect. If this is your Proxmox host, add this line to \(path): \(line)"
        case let .hostKeyMismatch(endpoint, expected, offered, path):
            "HOST KEY MISMATCH for \(endpoint): \(path) expects \(expected) but the host offered \(offered). Someone may be impersonating the host; if it was reinstalled, check the new key on its console and replace its line in \(path) (ssh-keygen -R)"
        case let .knownHostsUnreadable(path, reason):
            "cannot read known_hosts file \(path): \(reason)"
        case let .authenticationFailed(endpoint, reason):
            "authentication to \(endpoint) failed: \(reason)"
        case let .connectionLost(endpoint, reason):
            "connection to \(endpoint) lost: \(reason)"
        case let .channelFailed(reason):
            "cannot run the command over SSH: \(reason)"
        case let .timedOut(seconds):
            "the command did not finish within \(seconds.formatted2) s (it was stopped on the host)"
        case let .outputTooLarge(limit):
            "the command printed more than \(limit) bytes, the output cap (PROXMOX_MAX_OUTPUT); it was stopped"
        case .closed:
            "the SSH connection was closed"
        }
    }
}

extension Double {
    var formatted2: String {
        let hundredths = Int((self * 100).rounded())
        return "\(hundredths / 100).\(String(format2: hundredths % 100))"
    }
}

extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
