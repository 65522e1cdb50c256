import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import TestSupport

/// A fresh sshd with the simulator behind it, for one test; stopped when the test ends.
final class SSHFixture {
    let server: TestSSHServer

    init(maxSessions: Int? = nil) throws {
        server = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"), maxSessions: maxSessions)
    }

    /// A second host playing `node` of the same simulated cluster (same state file, same client key).
    func secondNode(_ node: String) throws -> TestSSHServer {
        try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"), node: node, sharedStatePath: server.statePath,
                          clientKey: server.clientKeyPath)
    }

    /// Puts the client key behind the host guard with this policy (a file in the host's folder);
    /// refusals are logged to `guardLogPath`.
    func guardKey(_ policy: GuardPolicy) throws {
        var policy = policy
        policy.log = guardLogPath
        let encoder = JSONEncoder()
        try encoder.encode(policy).write(to: URL(fileURLWithPath: guardPolicyPath))
        try server.forceCommand("\(try Paths.binary("mcp-proxmox-guard")) --name sweep-key --policy \(guardPolicyPath)")
    }

    var guardPolicyPath: String { server.directory.appendingPathComponent("guard.json").path }
    var guardLogPath: String { server.directory.appendingPathComponent("guard.log").path }

    deinit {
        server.stop()
    }

    func endpoint(knownHosts: String? = nil, key: String? = nil) -> SSHEndpoint {
        SSHEndpoint(host: "127.0.0.1", port: server.port, user: server.user,
                    privateKeyPath: key ?? server.clientKeyPath, knownHostsPath: knownHosts ?? server.knownHostsPath,
                    connectTimeout: .seconds(5))
    }

    func connection(knownHosts: String? = nil, key: String? = nil) -> SSHConnection {
        SSHConnection(endpoint: endpoint(knownHosts: knownHosts, key: key))
    }

    /// Tools in-process over SSH to this host (no MCP process), with this command deadline.
    func toolEnvironment(timeout: Duration = .seconds(30), auditLog: AuditLog? = nil) -> ToolEnvironment {
        let runner = SSHRunner(connection: connection(), timeout: timeout)
        return ToolEnvironment(engine: ProxmoxEngine(runner: runner, nodeRunners: nil, fallback: false),
                               defaultTransport: .auto, simulated: false, taskTimeout: timeout, auditLog: auditLog)
    }

    /// The environment `mcp-proxmox-admin serve` reads to reach this sshd.
    var serveEnvironment: [String: String] { server.serveEnvironment() }
}

/// One tool call in-process, logging nothing below critical (generated inputs fail by the thousand).
func callQuietly(_ tool: String, _ arguments: [String: Value], _ environment: ToolEnvironment) async -> CallTool.Result {
    var quiet = Logger(label: "quiet")
    quiet.logLevel = .critical
    let definition = ToolCatalog.all.first { $0.name == tool }!
    return await ProxmoxMCPServer.call(definition, arguments, environment: environment, logger: quiet)
}
