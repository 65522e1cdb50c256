import Foundation
import ProxmoxCore

/// The simulator's command line: answers the argv a real Proxmox host answers (`pvesh`, `qm`,
/// `pct`), with the same stdout, stderr and exit status conventions (PROXMOX-CLI-NOTES §2, §4).
public enum SimulatorCLI {
    /// Runs one command. `program` is the name it was called by (argv[0]'s last path component).
    public static func run(program: String, arguments: [String], environment: [String: String],
                           store: StateStore) -> CommandOutput {
        do {
            switch program {
            case "pvesh":
                return try Pvesh.run(arguments, store: store)
            case "qm", "pct":
                return try GuestCLI.run(tool: program, arguments, environment: environment, store: store)
            default:
                // What a shell prints when the program does not exist.
                return CommandOutput(stdout: [], stderr: Array("bash: \(program): command not found\n".utf8),
                                     exitStatus: 127)
            }
        } catch {
            // The simulator's own trouble (state file unreadable): say so plainly, never as a Proxmox error.
            return CommandOutput(stdout: [], stderr: Array("pve-sim (simulated Proxmox): \(error)\n".utf8),
                                 exitStatus: 2)
        }
    }
}

/// A failure as Proxmox reports it: text for stderr and an exit status.
struct CLIFailure: Error {
    var stderr: String
    var exitStatus: Int32

    /// An HTTP-style `PVE::Exception`: `NNN message` then one `param: error` line per field.
    static func http(_ code: Int, _ message: String, fields: [(String, String)] = [], usage: String? = nil) -> CLIFailure {
        var text = "\(code) \(message)\n"
        for (field, error) in fields { text += "\(field): \(error)\n" }
        if let usage { text += "\n" + usage + "\n" }
        return CLIFailure(stderr: text, exitStatus: 255)
    }

    /// A plain Perl `die`: the message on one line, exit 255.
    static func die(_ message: String) -> CLIFailure {
        CLIFailure(stderr: message + "\n", exitStatus: 255)
    }

    var output: CommandOutput { CommandOutput(stdout: [], stderr: Array(stderr.utf8), exitStatus: exitStatus) }
}
