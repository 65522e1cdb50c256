/// How a Proxmox task ended, as far as the tool call knows.
public struct TaskReport: Codable, Hashable, Sendable {
    /// The task id; nil under qm/pct, which run the worker in the foreground and print none.
    public var upid: String?
    /// `stopped` or `running` (when not waited for, or still running at the deadline).
    public var status: String
    /// `OK`, `WARNINGS: n` or the error, once stopped.
    public var exitstatus: String?
    /// The last lines of the task log.
    public var log: [String]
    /// Whether the call waited for the task.
    public var waited: Bool
    /// The whole log, when the wait read all of it, from its first line to the one it ends with (a
    /// backup's result is parsed from it, without reading it again); not part of the result.
    public var wholeLog: [String]? = nil

    enum CodingKeys: String, CodingKey { case upid, status, exitstatus, log, waited }

    public var succeeded: Bool {
        guard status == "stopped", let exitstatus else { return false }
        return exitstatus == "OK" || exitstatus.hasPrefix("WARNINGS: ")
    }
}

/// What running one change did: the commands that ran (or would run, for a dry run), the family
/// that carried it, notes on choices made (fallback, node routing), the main command's output, and
/// the task's end.
public struct Execution: Sendable {
    public var commands: [Command]
    public var family: CommandFamily
    public var notes: [String]
    public var output: CommandOutput?
    public var task: TaskReport?
    public var dryRun: Bool
    /// The node whose `qm`/`pct` ran the command, when it was not the connected node.
    public var ranOnNode: String?
}

/// Options of one operation.
public struct OperationOptions: Sendable {
    public var transport: TransportPreference
    /// Wait for the task to end (poll its status).
    public var wait: Bool
    /// Longest wait for the task.
    public var timeout: Duration
    /// Return the command lines without running them.
    public var dryRun: Bool
    /// Told about the task about once a second while the operation waits, when set.
    public var progress: ProgressHandler?

    public init(transport: TransportPreference, wait: Bool = true, timeout: Duration = .seconds(300), dryRun: Bool = false,
                progress: ProgressHandler? = nil) {
        self.transport = transport
        self.wait = wait
        self.timeout = timeout
        self.dryRun = dryRun
        self.progress = progress
    }
}

/// Gives a runner that executes on a given cluster node, for `qm`/`pct`, which act only on the
/// node they run on. Nil when that node cannot be reached directly.
public protocol NodeRunnerProvider: Sendable {
    func runner(for node: NodeName, address: String?) async -> (any CommandRunner)?
}

extension TaskReport {
    public static let schema = ResultSchema.object([
        .string("upid", "Task id; none under qm or pct"),
        .choice("status", ["running", "stopped"], "running if not waited for or timed out", required: true),
        .string("exitstatus", "OK, WARNINGS: n, or the error"),
        .strings("log", "Last log lines (up to 10)", required: true),
        .boolean("waited", "The call waited", required: true),
    ])
}
