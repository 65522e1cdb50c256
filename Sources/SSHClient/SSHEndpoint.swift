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
    /// Further addresses of the same cluster, tried in order when `host` cannot be reached (TCP or
    /// handshake failure; never after a host-key or login failure). Each is checked against
    /// known_hosts under its own name.
    public var fallbackHosts: [SSHHostAddress] = []
    /// Bastions to pass through, the first reached directly (OpenSSH's `-J first,second`); each
    /// hop has its own known_hosts check and login.
    public var jumps: [SSHEndpoint] = []
    /// A connection with no command for this long is closed (reopened on the next); nil: kept.
    public var idleClose: Duration?

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

    /// `host` then every fallback, in the order they are tried.
    public var addresses: [SSHHostAddress] { [SSHHostAddress(host: host, port: port)] + fallbackHosts }

    /// This endpoint at another of its addresses (same login and trust, no fallbacks).
    public func at(_ address: SSHHostAddress) -> SSHEndpoint {
        var copy = self
        copy.host = address.host
        copy.port = address.port
        copy.fallbackHosts = []
        return copy
    }

    /// The route in words: `root@10.0.0.5:22 via admin@bastion:22`.
    public var route: String {
        jumps.isEmpty ? display : display + " via " + jumps.map(\.display).joined(separator: ", ")
    }
}

/// One address of a host: name or IP, and port.
public struct SSHHostAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

extension SSHEndpoint: CustomStringConvertible {
    /// No secrets: the passphrase is never part of the description.
    public var description: String { display }
}
