import Foundation
import ProxmoxCore

/// The simulator's command line: answers the argv a real Proxmox host answers (`pvesh`, `qm`,
/// `pct`), with the same stdout, stderr and exit status conventions (PROXMOX-CLI-NOTES §2, §4).
public enum SimulatorCLI {
    /// Runs one command. `program` is the name it was called by (argv[0]'s last path component).
    /// `faults`, when the caller already read them (``faults(environment:store:)``), saves reading
    /// the state again.
    public static func run(program: String, arguments: [String], environment: [String: String],
                           store: StateStore, faults known: SimulatedFaults? = nil) -> CommandOutput {
        let context = SimulationContext(store: store, environment: environment)
        do {
            let output: CommandOutput
            switch program {
            case "pvesh":
                output = try Pvesh.run(arguments, context: context)
            case "qm", "pct":
                output = try GuestCLI.run(tool: program, arguments, context: context)
            case "cat":
                output = try clusterFile(arguments, store: store)
            case "vzdump", "qmrestore":
                output = try Backups.program(program, arguments, context: context)
            case "pveversion":
                // `pveversion` without options: one line, manager version and running kernel.
                let line = try store.read { cluster in
                    let node = cluster.localNode(environment: environment) ?? cluster.nodes[0]
                    return "\(node.pveversion) (running kernel: \(node.kernel))\n"
                }
                output = CommandOutput(stdout: Array(line.utf8), stderr: [], exitStatus: 0)
            default:
                // What a shell prints when the program does not exist.
                return CommandOutput(stdout: [], stderr: Array("bash: line 1: \(program): command not found\n".utf8),
                                     exitStatus: 127)
            }
            let faults = try known ?? store.read { context.faults($0) }
            return damage(output, faults.commandValue(faults.damagedOutput, argv: [program] + arguments))
        } catch {
            // The simulator's own trouble (state file unreadable): say so plainly, never as a Proxmox error.
            return CommandOutput(stdout: [], stderr: Array("pve-sim (simulated Proxmox): \(error)\n".utf8),
                                 exitStatus: 2)
        }
    }

    /// `cat` of a file pmxcfs publishes under `/etc/pve`: the guest list and the guests' config files;
    /// any other path (or a guest not there) is answered as by `cat` on a machine without it.
    static func clusterFile(_ arguments: [String], store: StateStore) throws -> CommandOutput {
        let path = arguments.count == 1 ? arguments[0] : ""
        let text: String? = try store.read { cluster in
            if path == VMList.path { return ClusterFileViews.vmlist(cluster) }
            guard let wanted = GuestConfigFile.guest(atPath: path),
                  let index = try? GuestOperations.locate(cluster, wanted.vmid.value, wanted.kind, on: wanted.node.value) else { return nil }
            return ClusterFileViews.guestConfig(cluster.guests[index])
        }
        guard let text else {
            return CommandOutput(stdout: [], stderr: Array("cat: \(path): No such file or directory\n".utf8), exitStatus: 1)
        }
        return CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0)
    }

    /// The programs whose start on a real host is a Perl start loading the PVE modules.
    public static let perlPrograms: Set<String> = ["pvesh", "qm", "pct", "vzdump", "qmrestore", "pveversion"]

    /// The host-cost model: `PVE_SIM_STARTUP_MS` makes every Proxmox tool invocation wait that long
    /// before it answers, without using CPU, as a real host's Perl start is felt by the client
    /// (default 0: none).
    public static func startupDelay(program: String, environment: [String: String]) -> Duration? {
        guard perlPrograms.contains(program), let text = environment["PVE_SIM_STARTUP_MS"], let milliseconds = Int(text),
              milliseconds > 0 else { return nil }
        return .milliseconds(min(milliseconds, 60_000))
    }

    /// The faults in force (state file plus `PVE_SIM_FAULTS`), read once per command; none when
    /// the state cannot be read (the command itself then reports why).
    public static func faults(environment: [String: String], store: StateStore) -> SimulatedFaults {
        let context = SimulationContext(store: store, environment: environment)
        return (try? store.read { context.faults($0) }) ?? SimulatedFaults()
    }

    /// Whether the command is set to hang (a fault); the caller then never returns.
    public static func shouldHang(program: String, arguments: [String], faults: SimulatedFaults) -> Bool {
        faults.commandValue(Dictionary(uniqueKeysWithValues: faults.hangingCommands.map { ($0, true) }),
                            argv: [program] + arguments) ?? false
    }

    /// Applies a damaged-output fault.
    static func damage(_ output: CommandOutput, _ mode: String?) -> CommandOutput {
        switch mode {
        case "garbage":
            return CommandOutput(stdout: Array("\u{1b}[?2004h<html><body>502 Bad Gateway</body></html>\n\0\u{ff}".utf8),
                                 stderr: output.stderr, exitStatus: output.exitStatus)
        case "truncated":
            return CommandOutput(stdout: Array(output.stdout.prefix(output.stdout.count / 2)), stderr: output.stderr,
                                 exitStatus: output.exitStatus)
        case "empty":
            return CommandOutput(stdout: [], stderr: [], exitStatus: 0)
        case "empty255":
            return CommandOutput(stdout: [], stderr: [], exitStatus: 255)
        default:
            return output
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
