/// Where and as whom to log in, and how to trust the host.
public struct SSHEndpoint: Sendable, Hashable {
    /// Host name or address.
    public var host: String
    /// TCP port (22).
    public var port: Int
    /// Login user.
    public var user: String
    /// Private key file (ed25519 or ecdsa; libssh2 1.10 cannot sign with RSA keys for OpenSSH 8.8+).
    public var privateKeyPath: String?
    /// Passphrase of the private key, if any. Never logged.
    public var passphrase: String?
    /// ssh-agent socket (`SSH_AUTH_SOCK`); tried first, as OpenSSH does.
    public var agentSocket: String?
    /// Password, tried last. Never logged.
    public var password: String?
    /// OpenSSH known_hosts file the host key must be listed in.
    public var knownHostsPath: String
    /// What to do with a host whose key is not known yet.
    public var hostKeyPolicy: HostKeyPolicy
    /// Limit for TCP connect, handshake and authentication together.
    public var connectTimeout: Duration
    /// Interval of SSH keepalive messages; a connection that stops answering them is dropped.
    public var keepaliveInterval: Duration
    /// The most stdout plus stderr one command may print.
    public var maxOutputBytes: Int

    public init(host: String, port: Int = 22, user: String, privateKeyPath: String? = nil, passphrase: String? = nil,
                agentSocket: String? = nil, password: String? = nil, knownHostsPath: String,
                hostKeyPolicy: HostKeyPolicy = .strict, connectTimeout: Duration = .seconds(10),
                keepaliveInterval: Duration = .seconds(15), maxOutputBytes: Int = 64 * 1024 * 1024) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKeyPath = privateKeyPath
        self.passphrase = passphrase
        self.agentSocket = agentSocket
        self.password = password
        self.knownHostsPath = knownHostsPath
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.maxOutputBytes = maxOutputBytes
    }

    /// `host:port` for messages.
    public var display: String { "\(user)@\(host):\(port)" }
}

extension SSHEndpoint: CustomStringConvertible {
    /// No secrets: the passphrase is never part of the description.
    public var description: String { display }
}
