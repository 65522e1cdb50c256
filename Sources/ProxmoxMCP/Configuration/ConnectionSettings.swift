import Foundation
import ProxmoxCore
import SSHClient

/// How to reach the Proxmox host, from the environment (layered configuration arrives later).
public struct ConnectionSettings: Sendable {
    /// SSH login and trust settings.
    public var endpoint: SSHEndpoint
    /// Where to reach other nodes directly (`PROXMOX_NODE_ADDRESSES=pve2=10.0.0.2,pve3=host:2222`),
    /// overriding the addresses in `/cluster/status`.
    public var nodeAddresses: [String: (host: String, port: Int)] = [:]
    /// Run pvesh, qm and pct through `sudo -n` (`PROXMOX_SSH_SUDO`).
    public var sudo = false

    /// Reads `PROXMOX_HOST`, `PROXMOX_SSH_PORT`, `PROXMOX_SSH_USER`, `PROXMOX_SSH_KEY_PATH`,
    /// `PROXMOX_SSH_KEY_PASSPHRASE`, `PROXMOX_SSH_PASSWORD`, `SSH_AUTH_SOCK` (`PROXMOX_SSH_AGENT=false`
    /// to skip the agent), `PROXMOX_SSH_KNOWN_HOSTS`, `PROXMOX_SSH_HOST_KEY_POLICY`,
    /// `PROXMOX_SSH_KEEPALIVE` (s), `PROXMOX_MAX_OUTPUT` (bytes), `PROXMOX_SSH_SUDO`,
    /// and `PROXMOX_NODE_ADDRESSES`. (Timeouts and transports are the server policy's: ``ServerPolicy``.)
    /// Every problem is reported at once, each naming its variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> ConnectionSettings {
        var problems: [String] = []
        let home = environment["HOME"] ?? NSHomeDirectory()
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let host = value("PROXMOX_HOST")
        if host == nil { problems.append("PROXMOX_HOST is not set (the Proxmox node to log in to); or run with --simulator") }
        var port = 22
        if let text = value("PROXMOX_SSH_PORT") {
            if let number = Int(text), (1...65535).contains(number) { port = number } else {
                problems.append("PROXMOX_SSH_PORT='\(text)' is not a TCP port (1-65535)")
            }
        }
        var policy = HostKeyPolicy.strict
        if let text = value("PROXMOX_SSH_HOST_KEY_POLICY") {
            if let parsed = HostKeyPolicy(rawValue: text) { policy = parsed } else {
                problems.append("PROXMOX_SSH_HOST_KEY_POLICY='\(text)' is not strict or accept-new")
            }
        }
        var keepalive = Duration.seconds(15)
        if let text = value("PROXMOX_SSH_KEEPALIVE") {
            if let seconds = Int(text), (1...3600).contains(seconds) { keepalive = .seconds(seconds) } else {
                problems.append("PROXMOX_SSH_KEEPALIVE='\(text)' is not a number of seconds (1-3600)")
            }
        }
        var maxOutput = 64 * 1024 * 1024
        if let text = value("PROXMOX_MAX_OUTPUT") {
            if let bytes = Int(text), bytes >= 1024 { maxOutput = bytes } else {
                problems.append("PROXMOX_MAX_OUTPUT='\(text)' is not a number of bytes (at least 1024)")
            }
        }
        var sudo = false
        if let text = value("PROXMOX_SSH_SUDO")?.lowercased() {
            if ["1", "true", "yes", "on"].contains(text) { sudo = true } else if !["0", "false", "no", "off"].contains(text) {
                problems.append("PROXMOX_SSH_SUDO='\(text)' is not true or false")
            }
        }
        let useAgent = !["0", "false", "no", "off"].contains(value("PROXMOX_SSH_AGENT")?.lowercased() ?? "")
        // The key file: as configured, else the first default OpenSSH would try that exists.
        let keyPath = value("PROXMOX_SSH_KEY_PATH").map { expand($0, home: home) }
            ?? ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa"].map { expand($0, home: home) }.first { FileManager.default.fileExists(atPath: $0) }
        var addresses: [String: (host: String, port: Int)] = [:]
        for entry in (value("PROXMOX_NODE_ADDRESSES") ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let target = parts.count == 2 ? parts[1].split(separator: ":").map(String.init) : []
            guard parts.count == 2, (1...2).contains(target.count), let nodePort = target.count == 2 ? Int(target[1]) : port,
                  (1...65535).contains(nodePort) else {
                problems.append("PROXMOX_NODE_ADDRESSES entry '\(entry)' is not node=host or node=host:port")
                continue
            }
            addresses[parts[0].lowercased()] = (target[0], nodePort)
        }
        guard problems.isEmpty, let host else { throw ConfigurationError(problems: problems) }
        let endpoint = SSHEndpoint(
            host: host, port: port, user: value("PROXMOX_SSH_USER") ?? "root", privateKeyPath: keyPath,
            passphrase: environment["PROXMOX_SSH_KEY_PASSPHRASE"], agentSocket: useAgent ? value("SSH_AUTH_SOCK") : nil,
            password: environment["PROXMOX_SSH_PASSWORD"],
            knownHostsPath: expand(value("PROXMOX_SSH_KNOWN_HOSTS") ?? "~/.ssh/known_hosts", home: home),
            hostKeyPolicy: policy, keepaliveInterval: keepalive, maxOutputBytes: maxOutput)
        return ConnectionSettings(endpoint: endpoint, nodeAddresses: addresses, sudo: sudo)
    }

    static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }
}

/// The configuration has problems; `description` lists each on its own line.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// One line per problem.
    public let problems: [String]
    public var description: String {
        "configuration problems:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
