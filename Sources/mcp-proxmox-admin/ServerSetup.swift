import Foundation
import Logging
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient

/// Builds what tool calls run against, from the loaded configuration and the command-line
/// choices: a real host over SSH, the simulator, or a replayed recording; optionally recording.
struct ServerSetup {
    let environment: ToolEnvironment
    let connection: SSHConnection?
    let nodeRunners: SSHNodeRunners?
    /// The configured secrets, kept out of everything the client sees (logs forwarded over MCP included).
    let secrets: [String]

    static func make(configuration: Configuration, simulator: Bool, record: String?, replay: String?,
                     logger: Logger) throws -> ServerSetup {
        let policy = ServerPolicy(configuration)
        var runner: any CommandRunner
        var nodeRunners: (any NodeRunnerProvider)?
        var connection: SSHConnection?
        var sshNodes: SSHNodeRunners?
        var simulated = false
        if let replay {
            logger.notice("answering from the recordings in \(replay) (no host is contacted)")
            runner = try ReplayRunner(directory: URL(fileURLWithPath: replay))
        } else if simulator {
            // The simulator's own variables (faults, a state file, a pinned clock) work in `serve`
            // as behind sshd, so slow tasks, failures and persistence can be tried in a real client.
            let simulation = SimulatedNodeRunners.simulatorEnvironment(ProcessInfo.processInfo.environment)
            let store = StateStore.fromEnvironment(simulation)
            runner = SimulatedRunner(store: store, environment: simulation)
            nodeRunners = SimulatedNodeRunners(store: store, environment: simulation)
            simulated = true
            let state = simulation["PVE_SIM_STATE"].map { "state in \($0)" } ?? "state in memory"
            let faults = simulation["PVE_SIM_FAULTS"] == nil ? "" : ", faults from PVE_SIM_FAULTS"
            logger.notice("serving a SIMULATED Proxmox cluster (no real host; \(state)\(faults))")
        } else {
            let settings = ConnectionSettings(configuration, environment: ProcessInfo.processInfo.environment)
            let ssh = SSHConnection(endpoint: settings.endpoint, logger: Logger(label: "ssh"))
            connection = ssh
            runner = SSHRunner.pooled(ssh, maxConnections: settings.connections, timeout: policy.timeout, sudo: settings.sudo)
            let nodes = SSHNodeRunners(base: settings.endpoint, overrides: settings.nodeAddresses, timeout: policy.timeout,
                                       sudo: settings.sudo)
            sshNodes = nodes
            nodeRunners = nodes
            logger.notice("serving \(settings.endpoint.display) over SSH")
        }
        if let record {
            runner = try RecordingRunner(recording: runner, into: URL(fileURLWithPath: record), secrets: configuration.secrets,
                                         source: "mcp-proxmox-admin \(ProxmoxMCPServer.version) serve --record")
            logger.notice("recording every command into \(record)")
        }
        var auditLog: AuditLog?
        if let path = policy.auditLog {
            auditLog = try AuditLog(path: path, logger: logger)
            logger.notice("auditing changing calls into \(path)")
        }
        if policy.readOnly { logger.notice("read-only: only tools that change nothing are offered") }
        let engine = ProxmoxEngine(runner: runner, nodeRunners: nodeRunners, fallback: policy.fallback)
        let environment = ToolEnvironment(engine: engine, defaultTransport: policy.defaultTransport, simulated: simulated,
                                          safeMode: policy.safeMode, defaultNode: policy.defaultNode,
                                          taskTimeout: max(policy.timeout, .seconds(300)), readOnly: policy.readOnly,
                                          protectedVMIDs: policy.protectedVMIDs, auditLog: auditLog,
                                          toolsets: ToolsetSelection(policy.toolsets, dynamic: policy.dynamicToolsets),
                                          confirm: policy.confirm, allowApiWrites: policy.allowApiWrites,
                                          guestExec: policy.guestExec)
        return ServerSetup(environment: environment, connection: connection, nodeRunners: sshNodes, secrets: configuration.secrets)
    }

    /// Ends SSH sessions before the process (and libssh2's libraries) go away.
    func close() {
        connection?.close()
        nodeRunners?.close()
    }
}
