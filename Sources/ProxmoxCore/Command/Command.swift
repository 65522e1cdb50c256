/// One program invocation on the Proxmox host: an argv, never a shell string.
///
/// The argv becomes a remote command line only in ``ShellQuoting/commandLine(_:)``.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    /// Program first, then its arguments, exactly as the program must receive them.
    public let argv: [String]
    /// Whether running it twice is harmless. Only such commands may be retried after a lost connection.
    public let isReadOnly: Bool
    /// How long it may run, when it needs longer than the runner's default: qm/pct and pvesh run a
    /// task in the foreground, and stopping them early can interrupt the task (a clone, a backup).
    public var timeout: Duration?

    /// - Precondition: `argv` is not empty.
    public init(_ argv: [String], isReadOnly: Bool, timeout: Duration? = nil) {
        precondition(!argv.isEmpty, "a command needs a program")
        self.argv = argv
        self.isReadOnly = isReadOnly
        self.timeout = timeout
    }

    /// The program name (`pvesh`, `qm`, `pct`).
    public var program: String { argv[0] }

    /// The family the command belongs to, whatever was asked for: cluster-wide reads have no
    /// qm/pct form, so an `ssh` request may still run pvesh, and results say what really ran. A file
    /// read (`cat` of a pmxcfs or pve-docs file) goes with pvesh: it is what pvesh answers from, and
    /// it needs no particular node.
    public var family: CommandFamily { program == "pvesh" || program == "cat" ? .api : .cli }

    /// The command as it would be typed in a shell (quoted): for messages and logs.
    public var description: String { ShellQuoting.commandLine(argv) }
}
