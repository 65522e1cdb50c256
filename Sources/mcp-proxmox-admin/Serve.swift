import ArgumentParser
import Foundation
import Logging
import ProxmoxMCP

/// `serve`: MCP over stdio, against the configured host, the simulator, or a recording.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP over stdio (the default).",
        discussion: """
            Connects to the host named by PROXMOX_HOST over SSH (PROXMOX_SSH_PORT, PROXMOX_SSH_USER, \
            PROXMOX_SSH_KEY_PATH, PROXMOX_SSH_KNOWN_HOSTS). With --simulator, answers from a simulated \
            cluster in memory instead.
            """)

    @OptionGroup var source: SourceOptions

    func run() async throws {
        let logger = Logger(label: "mcp-proxmox-admin")
        let setup: ServerSetup
        do { setup = try source.setup(logger: logger) } catch ExitCodeError.configuration { throw ExitCode(2) }
        let server = await ProxmoxMCPServer.make(environment: setup.environment, logger: logger)
        let transport = LineTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        // End of input: answer what was already asked before leaving.
        await transport.waitForAnswers(timeout: setup.environment.taskTimeout)
        setup.close()
    }
}

/// Where tool calls go: `--simulator`, `--replay DIR`, else the configured host; `--record DIR` on top.
struct SourceOptions: ParsableArguments {
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

    func setup(logger: Logger) throws -> ServerSetup {
        try ServerSetup.make(simulator: simulator, record: record, replay: replay, logger: logger)
    }
}
