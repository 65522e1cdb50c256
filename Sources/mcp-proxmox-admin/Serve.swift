import ArgumentParser
import Foundation
import Logging
import ProxmoxMCP

/// `serve`: MCP over stdio, against the configured host, the simulator, or a recording.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP over stdio (the default).",
        discussion: """
            Connects to the configured host over SSH. Settings come from flags (--host, --ssh-user, ...), \
            then PROXMOX_* environment variables, then ./.env, then the JSON config file (--config PATH, \
            PROXMOX_CONFIG, ./proxmox-config.json or ~/.config/mcp-proxmox-admin/config.json); \
            docs/configuration.md lists them all. With --simulator, answers from a simulated cluster in \
            memory instead.
            """)

    @OptionGroup var source: SourceOptions

    func run() async throws {
        let setup = try source.setup()
        let logger = Logger(label: "mcp-proxmox-admin")
        let server = await ProxmoxMCPServer.make(environment: setup.environment, logger: logger)
        let transport = LineTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        // End of input: answer what was already asked before leaving.
        await transport.waitForAnswers(timeout: setup.environment.taskTimeout)
        setup.close()
    }
}
