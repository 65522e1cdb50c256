import Foundation
import ProxmoxCore
import SSHClient

/// How to reach the Proxmox host: the SSH settings of a loaded ``Configuration``.
public struct ConnectionSettings: Sendable {
    /// SSH login and trust settings.
    public var endpoint: SSHEndpoint
    /// Where to reach other nodes directly, overriding the addresses in `/cluster/status`.
    public var nodeAddresses: [String: (host: String, port: Int)] = [:]
    /// Run pvesh, qm and pct through `sudo -n`.
    public var sudo = false
    /// Connections to the host at most (8 commands each at once) when `sshConnections` is not set:
    /// 4 × 8 channels carry 32 concurrent commands in one wave.
    public static let defaultConnections = 4
    /// Connections to the host at most (8 commands each at once).
    public var connections = defaultConnections

    /// The SSH settings; `host` must be set (``Configuration/require(_:because:)``). The agent comes
    /// from `SSH_AUTH_SOCK` in `environment`, as for OpenSSH.
    public init(_ configuration: Configuration, environment: [String: String]) {
        let port = configuration.number("sshPort") ?? 22
        // The key file: as configured, else the first default OpenSSH would try that exists.
        let keyPath = configuration.path("sshKeyPath")
            ?? ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa"].map { Configuration.expand($0, home: configuration.home) }
                .first { FileManager.default.fileExists(atPath: $0) }
        let agent = configuration.flag("sshAgent") ? environment["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : $0 } : nil
        endpoint = SSHEndpoint(
            host: configuration.text("host") ?? "", port: port, user: configuration.text("sshUser") ?? "root",
            privateKeyPath: keyPath, passphrase: configuration.text("sshKeyPassphrase"), agentSocket: agent,
            password: configuration.text("sshPassword"),
            knownHostsPath: configuration.path("sshKnownHosts") ?? Configuration.expand("~/.ssh/known_hosts", home: configuration.home),
            hostKeyPolicy: HostKeyPolicy(rawValue: configuration.text("sshHostKeyPolicy") ?? "") ?? .strict,
            keepaliveInterval: .seconds(configuration.number("sshKeepalive") ?? 15),
            maxOutputBytes: configuration.number("maxOutput") ?? 64 * 1024 * 1024)
        endpoint.fallbackHosts = configuration.list("hosts").compactMap { SettingKind.address($0, defaultPort: port) }
            .map { SSHHostAddress(host: $0.host, port: $0.port) }
            .filter { $0 != SSHHostAddress(host: endpoint.host, port: endpoint.port) }
        let idle = configuration.number("sshIdleClose") ?? 300
        endpoint.idleClose = idle == 0 ? nil : .seconds(idle)
        // Each hop logs in like the host (same key, agent, password and known_hosts), as its own user when given.
        endpoint.jumps = configuration.list("proxyJump").compactMap { SettingKind.jump($0, defaultUser: endpoint.user) }.map { hop in
            var jump = endpoint
            jump.host = hop.host
            jump.port = hop.port
            jump.user = hop.user
            jump.fallbackHosts = []
            jump.jumps = []
            return jump
        }
        for item in configuration.list("nodeAddresses") {
            if let address = SettingKind.nodeAddress(item, defaultPort: port) { nodeAddresses[address.node] = (address.host, address.port) }
        }
        sudo = configuration.flag("sudo")
        connections = configuration.number("sshConnections") ?? Self.defaultConnections
    }
}
