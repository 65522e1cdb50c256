import ArgumentParser
import Foundation
import Logging
import ProxmoxCore
import ProxmoxMCP

/// The command-line entry point.
@main
struct MCPProxmoxAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-proxmox-admin",
        abstract: "An MCP server that administers Proxmox VE over SSH (qm, pct, pvesh).",
        subcommands: [Serve.self, Demo.self, Tools.self, Call.self, DoctorCommand.self, Settings.self, Version.self, GuardCommand.self],
        defaultSubcommand: Serve.self)

    static func main() async {
        // The host-side guard runs for every command of a guarded key: straight to it, before any
        // logging or argument parsing.
        if CommandLine.arguments.dropFirst().first == "guard" {
            GuardMain.run(arguments: Array(CommandLine.arguments.dropFirst(2)), environment: ProcessInfo.processInfo.environment)
        }
        // A peer that goes away must not kill the process with SIGPIPE; writes fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        // Logs go to stderr: stdout belongs to MCP.
        LogSettings.bootstrap()
        // `--version` before any subcommand: answered here, since `serve` (the default) would read
        // it as a setting flag and ask for a host.
        if CommandLine.arguments.dropFirst().first == "--version" {
            print(BuildInfo.line)
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
