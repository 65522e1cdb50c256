import Synchronization

/// The changing commands a tool call started, collected for the audit log whether the call
/// succeeds or fails (a failed call returns no ``Execution``). The engine records into the
/// journal bound to the current task, if any.
public final class CommandJournal: Sendable {
    /// The journal of the running tool call.
    @TaskLocal public static var current: CommandJournal?

    private let entries = Mutex<[Command]>([])
    private let hosts = Mutex<[String]>([])
    private let bytes = Mutex(0)

    public init() {}

    /// The commands recorded so far, in the order they started.
    public var commands: [Command] { entries.withLock { $0 } }

    func record(_ command: Command) {
        entries.withLock { $0.append(command) }
    }

    /// The hosts (`host:port`) that ran this call's commands, each once, in the order they first answered.
    public var answeredBy: [String] { hosts.withLock { $0 } }

    /// Bytes the call's commands printed, stdout and stderr together.
    public var outputBytes: Int { bytes.withLock { $0 } }

    /// Counts a command's output (a call that read megabytes gives the memory back afterwards).
    public func noteOutput(_ count: Int) {
        bytes.withLock { $0 += count }
    }

    /// Notes the host a command ran on (the SSH runner knows which of a cluster's addresses answered).
    public func answered(by host: String) {
        hosts.withLock { hosts in if !hosts.contains(host) { hosts.append(host) } }
    }
}
