/// Where and as whom to log in, and how to trust the host.
public struct SSHEndpoint: Sendable, Hashable {
    /// Host name or address.
    public var host: String
    /// TCP port (22).
    public var port: Int
    /// Login user.
    public var user: String
    /// Private key file (ed25519 or ecdsa; libssh2 1.10 cannot sign with RSA keys for OpenSSH 8.8+).
    public var privateKeyPath: String
    /// Passphrase of the private key, if any. Never logged.
    public var passphrase: String?
    /// OpenSSH known_hosts file the host key must be listed in.
    public var knownHostsPath: String
    /// Limit for TCP connect, handshake and authentication together.
    public var connectTimeout: Duration

    public init(host: String, port: Int = 22, user: String, privateKeyPath: String, passphrase: String? = nil,
                knownHostsPath: String, connectTimeout: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKeyPath = privateKeyPath
        self.passphrase = passphrase
        self.knownHostsPath = knownHostsPath
        self.connectTimeout = connectTimeout
    }

    /// `host:port` for messages.
    public var display: String { "\(user)@\(host):\(port)" }
}

extension SSHEndpoint: CustomStringConvertible {
    /// No secrets: the passphrase is never part of the description.
    public var description: String { display }
}
