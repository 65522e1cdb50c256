import ArgumentParser
import Foundation
import Logging
import ProxmoxMCP
import SSHClient

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
        ProcessMemory.keepLargeBlocksApart()
        let setup = try source.setup()
        let logger = Logger(label: "mcp-proxmox-admin")
        let transport = LineTransport()
        let server = try await ProxmoxMCPServer.start(fleet: setup.fleet, logger: logger, transport: transport,
                                                      secrets: setup.secrets)
        await server.waitUntilCompleted()
        // End of input: answer what was already asked before leaving.
        await transport.waitForAnswers(timeout: setup.environment.taskTimeout)
        setup.close()
    }
}
