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

    @Option(help: ArgumentHelp("Write every command run and its output to DIR as fixture files (secrets redacted).", valueName: "DIR"))
    var record: String?

    @Option(help: ArgumentHelp("Answer from fixture files in DIR (made by --record) instead of a host.", valueName: "DIR"))
    var replay: String?

    func validate() throws {
        if replay != nil && (simulator || record != nil) {
            throw ValidationError("--replay answers from recordings alone: use it without --simulator and --record")
        }
    }

    func run() async throws {
        let logger = Logger(label: "mcp-proxmox-admin")
        let processEnvironment = ProcessInfo.processInfo.environment
        var environment: ToolEnvironment
        var connection: SSHConnection?
        var settingsTimeout = Duration.seconds(60)
        if let replay {
            logger.notice("answering from the recordings in \(replay) (no host is contacted)")
            environment = ToolEnvironment(engine: ProxmoxEngine(runner: try ReplayRunner(directory: URL(fileURLWithPath: replay))),
                                          defaultTransport: .auto, simulated: false)
        } else if simulator {
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
        if let record {
            let secrets = ["PROXMOX_SSH_KEY_PASSPHRASE", "PROXMOX_SSH_PASSWORD", "PROXMOX_API_TOKEN_SECRET"]
                .compactMap { processEnvironment[$0] }
            let recorder = try RecordingRunner(recording: environment.engine.runner, into: URL(fileURLWithPath: record),
                                               secrets: secrets, source: "mcp-proxmox-admin \(ProxmoxMCPServer.version) serve --record")
            environment = ToolEnvironment(engine: ProxmoxEngine(runner: recorder),
                                          defaultTransport: environment.defaultTransport, simulated: environment.simulated)
            logger.notice("recording every command into \(record)")
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
