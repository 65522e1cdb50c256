import Foundation
import Logging
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient

/// Builds what tool calls run against, from the environment and the command-line choices: a real
/// host over SSH, the simulator, or a replayed recording; optionally recording.
struct ServerSetup {
    let environment: ToolEnvironment
    let connection: SSHConnection?
    let nodeRunners: SSHNodeRunners?

    /// The environment variables holding secrets, for redaction in recordings.
    static let secretVariables = ["PROXMOX_SSH_KEY_PASSPHRASE", "PROXMOX_SSH_PASSWORD", "PROXMOX_API_TOKEN_SECRET"]

    static func make(simulator: Bool, record: String?, replay: String?, logger: Logger) throws -> ServerSetup {
        let processEnvironment = ProcessInfo.processInfo.environment
        let policy: ServerPolicy
        do { policy = try ServerPolicy.fromEnvironment(processEnvironment) } catch {
            FileHandle.standardError.write(Data("mcp-proxmox-admin: \(error)\n".utf8))
            throw ExitCodeError.configuration
        }
        var runner: any CommandRunner
        var nodeRunners: (any NodeRunnerProvider)?
        var connection: SSHConnection?
        var sshNodes: SSHNodeRunners?
        var simulated = false
        if let replay {
            logger.notice("answering from the recordings in \(replay) (no host is contacted)")
            runner = try ReplayRunner(directory: URL(fileURLWithPath: replay))
        } else if simulator {
            logger.notice("serving a SIMULATED Proxmox cluster (no real host)")
            let store = StateStore()
            runner = SimulatedRunner(store: store)
            nodeRunners = SimulatedNodeRunners(store: store)
            simulated = true
        } else {
            let settings: ConnectionSettings
            do { settings = try ConnectionSettings.fromEnvironment(processEnvironment) } catch {
                FileHandle.standardError.write(Data("mcp-proxmox-admin: \(error)\n".utf8))
                throw ExitCodeError.configuration
            }
            let ssh = SSHConnection(endpoint: settings.endpoint, logger: Logger(label: "ssh"))
            connection = ssh
            runner = SSHRunner(connection: ssh, timeout: policy.timeout, sudo: settings.sudo)
            let nodes = SSHNodeRunners(base: settings.endpoint, overrides: settings.nodeAddresses, timeout: policy.timeout,
                                       sudo: settings.sudo)
            sshNodes = nodes
            nodeRunners = nodes
            logger.notice("serving \(settings.endpoint.display) over SSH")
        }
        if let record {
            runner = try RecordingRunner(recording: runner, into: URL(fileURLWithPath: record),
                                         secrets: secretVariables.compactMap { processEnvironment[$0] },
                                         source: "mcp-proxmox-admin \(ProxmoxMCPServer.version) serve --record")
            logger.notice("recording every command into \(record)")
        }
        let engine = ProxmoxEngine(runner: runner, nodeRunners: nodeRunners, fallback: policy.fallback)
        let environment = ToolEnvironment(engine: engine, defaultTransport: policy.defaultTransport, simulated: simulated,
                                          safeMode: policy.safeMode, defaultNode: policy.defaultNode,
                                          taskTimeout: max(policy.timeout, .seconds(300)))
        return ServerSetup(environment: environment, connection: connection, nodeRunners: sshNodes)
    }

    /// Ends SSH sessions before the process (and libssh2's libraries) go away.
    func close() {
        connection?.close()
        nodeRunners?.close()
    }
}

/// Exit with status 2 after a configuration problem was printed.
enum ExitCodeError: Error {
    case configuration
}
