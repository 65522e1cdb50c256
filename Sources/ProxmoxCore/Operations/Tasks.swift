/// Proxmox tasks (workers with a UPID): status, log, the running ones of a guest.

public struct TaskStatusRead: ReadOperation {
    public var upid: UPID
    public init(_ upid: UPID) { self.upid = upid }
    public var apiCommand: Command { CommandForm.pvesh("get", "/nodes/\(upid.node)/tasks/\(upid)/status") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> TaskStatus {
        try TaskStatus.parse(try Self.document(output))
    }
}

/// Lines `start` to `start + limit` of a task's log (line numbers from 0).
public struct TaskLogRead: ReadOperation {
    public var upid: UPID
    public var start: Int
    public var limit: Int
    public init(_ upid: UPID, start: Int, limit: Int) {
        self.upid = upid
        self.start = start
        self.limit = limit
    }
    public var apiCommand: Command {
        CommandForm.pvesh("get", "/nodes/\(upid.node)/tasks/\(upid)/log", ["--start", String(start), "--limit", String(limit)])
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [String] {
        try TaskStatus.parseLog(try Self.document(output))
    }
}

/// The running tasks of one guest on its node, newest first (to find the task of a command still running).
public struct ActiveTasks: ReadOperation {
    public var node: NodeName
    public var vmid: VMID
    public init(node: NodeName, vmid: VMID) {
        self.node = node
        self.vmid = vmid
    }
    public var apiCommand: Command { CommandForm.pvesh("get", "/nodes/\(node)/tasks", ["--vmid", vmid.description, "--source", "active"]) }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [UPID] {
        guard let entries = try Self.document(output).arrayValue else { throw ParseFailure("expected a JSON array of tasks") }
        return entries.compactMap { $0["upid"]?.stringValue.flatMap { try? UPID(parsing: $0) } }
    }
}
