import ArgumentParser
import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient

/// `serve`: MCP over stdio, against the configured host or the built-in simulator.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP over stdio (the default).",
        discussion: """
            Connects to the host named by PROXMOX_HOST over SSH (PROXMOX_SSH_PORT, PROXMOX_SSH_USER, \
            PROXMOX_SSH_KEY_PATH, PROXMOX_SSH_KNOWN_HOSTS). With --simulator, answers from a simulated \
            cluster in memory instead.
            """)

    @Flag(help: "Use the built-in simulated cluster instead of a real host.")
    var simulator = false

    func run() async throws {
        let logger = Logger(label: "mcp-proxmox-admin")
        let processEnvironment = ProcessInfo.processInfo.environment
        let environment: ToolEnvironment
        var connection: SSHConnection?
        var settingsTimeout = Duration.seconds(60)
        if simulator {
            logger.notice("serving a SIMULATED Proxmox cluster (no real host)")
            environment = ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner()),
                                          defaultTransport: .auto, simulated: true)
        } else {
            let settings: ConnectionSettings
            do {
                settings = try ConnectionSettings.fromEnvironment(processEnvironment)
            } catch {
                FileHandle.standardError.write(Data("mcp-proxmox-admin: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let ssh = SSHConnection(endpoint: settings.endpoint, logger: Logger(label: "ssh"))
            connection = ssh
            settingsTimeout = settings.commandTimeout
            environment = ToolEnvironment(
                engine: ProxmoxEngine(runner: SSHRunner(connection: ssh, timeout: settings.commandTimeout)),
                defaultTransport: settings.defaultTransport, simulated: false)
            logger.notice("serving \(settings.endpoint.display) over SSH")
        }
        let server = await ProxmoxMCPServer.make(environment: environment, logger: logger)
        let transport = LineTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        // End of input: answer what was already asked before leaving.
        await transport.waitForAnswers(timeout: environment.simulated ? .seconds(5) : settingsTimeout)
        // stdin closed: end the SSH session before the process (and libssh2's libraries) go away.
        connection?.close()
    }
}
