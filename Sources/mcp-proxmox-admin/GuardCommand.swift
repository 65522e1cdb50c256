import ArgumentParser
import Foundation
import ProxmoxCore

/// `guard`: the host-side check of a guarded key (docs/setup.md). Handled before argument parsing
/// in `main`; declared here so that `--help` lists it.
struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "On the Proxmox host, from authorized_keys (command=\"... guard\",restrict): run SSH_ORIGINAL_COMMAND only if it is a command the server's tools send, within /etc/mcp-proxmox-admin/guard.json.")

    @Option(help: "The key's name for the host's log.") var name: String = "mcp-proxmox-admin"
    @Option(help: "The host policy file.") var policy: String = GuardPolicy.defaultPath

    func run() {
        GuardMain.run(arguments: ["--name", name, "--policy", policy], environment: ProcessInfo.processInfo.environment)
    }
}
