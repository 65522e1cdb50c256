import Foundation
import Logging
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient

/// Builds what tool calls run against, from the loaded configuration and the command-line
/// choices: a real host over SSH, the simulator, or a replayed recording; optionally recording.
/// With a `clusters` map, one environment per cluster, their SSH connections shared by host.
struct ServerSetup {
    let fleet: Fleet
    /// Every SSH connection of the server (all clusters, all nodes).
    let registry: SSHConnectionRegistry
    /// The configured secrets, kept out of everything the client sees (logs forwarded over MCP included).
    let secrets: [String]

    /// The default cluster's environment (the only one without a clusters map).
    var environment: ToolEnvironment { fleet.primary }

    static func make(configuration: Configuration, simulator: Bool, record: String?, replay: String?,
                     logger: Logger) throws -> ServerSetup {
        let registry = SSHConnectionRegistry()
        let policy = ServerPolicy(configuration)
        var auditLog: AuditLog?
        if let path = policy.auditLog {
            auditLog = try AuditLog(path: path, logger: logger)
            logger.notice("auditing changing calls into \(path)")
        }
        guard !configuration.clusters.isEmpty else {
            let environment = try makeEnvironment(configuration, extraToolsets: [], name: nil, simulator: simulator, record: record, replay: replay,
                                                  registry: registry, auditLog: auditLog, logger: logger)
            return ServerSetup(fleet: Fleet([environment]), registry: registry, secrets: configuration.secrets)
        }
        if record != nil || replay != nil {
            throw ConfigurationError(problems: ["--record and --replay work with one cluster; the config file has a clusters map (use --config with a one-cluster file)"])
        }
        // With several clusters the fleet overview is on unless the toolsets setting says otherwise.
        let fleetOn = configuration.source("toolsets") == .defaultValue
        let members = try configuration.clusters.map { cluster in
            try makeEnvironment(configuration.forCluster(cluster.name), extraToolsets: fleetOn ? ["fleet"] : [], name: cluster.name, simulator: simulator || cluster.simulator,
                                record: nil, replay: nil, registry: registry, auditLog: auditLog, logger: logger)
        }
        return ServerSetup(fleet: Fleet(members, defaultName: configuration.defaultClusterName), registry: registry,
                           secrets: configuration.secrets)
    }

    /// One cluster's engine and policy.
    static func makeEnvironment(_ configuration: Configuration, extraToolsets: [String], name: String?, simulator: Bool, record: String?, replay: String?,
                                registry: SSHConnectionRegistry, auditLog: AuditLog?, logger: Logger) throws -> ToolEnvironment {
        let policy = ServerPolicy(configuration)
        let label = name.map { "cluster \($0): " } ?? ""
        var runner: any CommandRunner
        var nodeRunners: (any NodeRunnerProvider)?
        var simulated = false
        if let replay {
            logger.notice("answering from the recordings in \(replay) (no host is contacted)")
            runner = try ReplayRunner(directory: URL(fileURLWithPath: replay))
        } else if simulator {
            // The simulator's own variables (faults, a state file, a pinned clock) work in `serve`
            // as behind sshd, so slow tasks, failures and persistence can be tried in a real client.
            // Several simulated clusters each keep their own state in memory.
            var simulation = SimulatedNodeRunners.simulatorEnvironment(ProcessInfo.processInfo.environment)
            if name != nil { simulation["PVE_SIM_STATE"] = nil }
            let store = StateStore.fromEnvironment(simulation)
            runner = SimulatedRunner(store: store, environment: simulation)
            nodeRunners = SimulatedNodeRunners(store: store, environment: simulation)
            simulated = true
            let state = simulation["PVE_SIM_STATE"].map { "state in \($0)" } ?? "state in memory"
            let faults = simulation["PVE_SIM_FAULTS"] == nil ? "" : ", faults from PVE_SIM_FAULTS"
            logger.notice("\(label)serving a SIMULATED Proxmox cluster (no real host; \(state)\(faults))")
        } else {
            let settings = ConnectionSettings(configuration, environment: ProcessInfo.processInfo.environment)
            runner = SSHRunner.shared(settings.endpoint, registry: registry, maxConnections: settings.connections,
                                      timeout: policy.timeout, sudo: settings.sudo)
            nodeRunners = SSHNodeRunners(base: settings.endpoint, overrides: settings.nodeAddresses, timeout: policy.timeout,
                                         sudo: settings.sudo, registry: registry)
            let fallbacks = settings.endpoint.fallbackHosts.map(\.description).joined(separator: ", ")
            logger.notice("\(label)serving \(settings.endpoint.route) over SSH\(fallbacks.isEmpty ? "" : ", then \(fallbacks) if unreachable")")
        }
        if let record {
            runner = try RecordingRunner(recording: runner, into: URL(fileURLWithPath: record), secrets: configuration.secrets,
                                         source: "mcp-proxmox-admin \(ProxmoxMCPServer.version) serve --record")
            logger.notice("recording every command into \(record)")
        }
        if policy.readOnly { logger.notice("\(label)read-only: only tools that change nothing are offered") }
        let engine = ProxmoxEngine(runner: runner, nodeRunners: nodeRunners, fallback: policy.fallback)
        var environment = ToolEnvironment(engine: engine, defaultTransport: policy.defaultTransport, simulated: simulated,
                                          safeMode: policy.safeMode, defaultNode: policy.defaultNode,
                                          taskTimeout: max(policy.timeout, .seconds(300)), readOnly: policy.readOnly,
                                          protectedVMIDs: policy.protectedVMIDs, auditLog: auditLog,
                                          toolsets: ToolsetSelection(policy.toolsets + extraToolsets, dynamic: policy.dynamicToolsets),
                                          confirm: policy.confirm, allowApiWrites: policy.allowApiWrites,
                                          guestExec: policy.guestExec)
        environment.cluster = name
        return environment
    }

    /// Ends SSH sessions before the process (and libssh2's libraries) go away.
    func close() {
        registry.closeAll()
    }
}
