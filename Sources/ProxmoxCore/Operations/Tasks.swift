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

/// Lines `start` to `start + limit` of a task's log (line numbers from 1; `start` counts from 0).
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
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [TaskLogLine] {
        try TaskLogLine.parseList(try Self.document(output))
    }
}

/// One line of a task log.
public struct TaskLogLine: Codable, Hashable, Sendable {
    /// Line number, from 1.
    public var n: Int
    public var t: String

    public init(n: Int, t: String) {
        self.n = n
        self.t = t
    }

    public static let schema = ResultSchema.object([
        .integer("n", "Line number, from 1", required: true),
        .string("t", "Text", required: true),
    ])

    /// `[{"n":1,"t":"..."},...]`; PVE answers a log with nothing in the range with one line
    /// `{"n":0,"t":"no content"}`, which is no line at all.
    public static func parseList(_ document: JSONValue) throws(ParseFailure) -> [TaskLogLine] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of log lines") }
        return entries.compactMap { entry in
            guard let n = entry["n"]?.intValue, n > 0, let t = entry["t"]?.stringValue else { return nil }
            return TaskLogLine(n: Int(n), t: t)
        }
    }
}

/// Stops a running task (`DELETE /nodes/{node}/tasks/{upid}`): PVE signals the worker; done
/// when the command returns.
public struct TaskStop: ChangeOperation {
    public var upid: UPID
    public init(_ upid: UPID) { self.upid = upid }
    public var apiCommand: Command { CommandForm.pvesh("delete", "/nodes/\(upid.node)/tasks/\(upid)") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public var effect: ChangeEffect { .synchronous }
}

/// The running tasks on a node, newest first: of one guest, and/or of one type (to find the
/// task of a command still running; a backup job of several guests carries no guest id).
public struct ActiveTasks: ReadOperation {
    public var node: NodeName
    public var vmid: VMID?
    public var type: String?
    public init(node: NodeName, vmid: VMID?, type: String? = nil) {
        self.node = node
        self.vmid = vmid
        self.type = type
    }
    public var apiCommand: Command {
        CommandForm.pvesh("get", "/nodes/\(node)/tasks", CommandForm.option("vmid", vmid) + CommandForm.option("typefilter", type) + ["--source", "active"])
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [UPID] {
        guard let entries = try Self.document(output).arrayValue else { throw ParseFailure("expected a JSON array of tasks") }
        return entries.compactMap { $0["upid"]?.stringValue.flatMap { try? UPID(parsing: $0) } }
    }
}

/// Which tasks a task list keeps. On one node, pvesh filters; cluster-wide (`/cluster/tasks`
/// takes no parameters) the same filters apply to the parsed list.
public struct TaskFilter: Hashable, Sendable {
    /// `ok`, `warning`, `error` (pve-task-status-type) or `running`.
    public var status: String?
    public var vmid: VMID?
    /// Task type, e.g. `vzdump`, `qmstart`.
    public var type: String?
    public var user: String?
    /// Seconds since the epoch.
    public var since: Int64?
    public var until: Int64?
    /// Skip this many (newest first), then keep at most `limit`.
    public var start: Int
    public var limit: Int

    public init(status: String? = nil, vmid: VMID? = nil, type: String? = nil, user: String? = nil, since: Int64? = nil,
                until: Int64? = nil, start: Int = 0, limit: Int = 50) {
        self.status = status
        self.vmid = vmid
        self.type = type
        self.user = user
        self.since = since
        self.until = until
        self.start = start
        self.limit = limit
    }

    /// pvesh's options for `/nodes/{node}/tasks`.
    var options: [String] {
        typealias F = CommandForm
        let statusOptions = status == "running" ? ["--source", "active"] : ["--source", "all"] + F.option("statusfilter", status)
        return ["--limit", String(limit), "--start", String(start)] + statusOptions + F.option("vmid", vmid) + F.option("typefilter", type)
            + F.option("userfilter", user) + F.option("since", since) + F.option("until", until)
    }

    func keeps(_ task: TaskEntry) -> Bool {
        if let status {
            switch status {
            case "running": if task.status != "running" { return false }
            case "ok": if task.exitstatus != "OK" { return false }
            case "warning": if task.exitstatus?.hasPrefix("WARNINGS") != true { return false }
            default: if !task.failed { return false }
            }
        }
        if let vmid, task.id != vmid.description { return false }
        if let type, task.type != type { return false }
        if let user, task.user != user { return false }
        if let since, task.starttime < since { return false }
        if let until, task.starttime > until { return false }
        return true
    }
}

/// One task of a task list.
public struct TaskEntry: Encodable, Hashable, Sendable {
    public var upid: String
    public var node: String
    public var type: String
    /// What it acts on, usually a guest id; empty for node-wide tasks (a backup job of several guests).
    public var id: String
    public var user: String
    public var starttime: Int64
    public var endtime: Int64?
    /// `running` or `stopped`.
    public var status: String
    /// Once stopped: `OK`, `WARNINGS: n`, or the error.
    public var exitstatus: String?
    /// Stopped with an error.
    public var failed: Bool
    /// Whatever else the host printed for it (`pid`, `pstart`, `tokenid`, `saved`, ...), passed on as is.
    public var unmodelled = UnmodelledFields()

    /// Seconds from start to end; nil while running.
    public var duration: Int64? { endtime.map { $0 - starttime } }

    enum CodingKeys: String, CodingKey { case upid, node, type, id, user, starttime, endtime, status, exitstatus, failed, duration, unmodelled }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(upid, forKey: .upid)
        try container.encode(node, forKey: .node)
        try container.encode(type, forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(user, forKey: .user)
        try container.encode(starttime, forKey: .starttime)
        try container.encodeIfPresent(endtime, forKey: .endtime)
        try container.encodeIfPresent(duration, forKey: .duration)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(exitstatus, forKey: .exitstatus)
        try container.encode(failed, forKey: .failed)
        if !unmodelled.isEmpty { try container.encode(unmodelled, forKey: .unmodelled) }
    }

    public static let schema = ResultSchema.object([
        .string("upid", "Task id", required: true),
        .string("node", "Node it ran on", required: true),
        .string("type", "vzdump, qmstart, qmigrate, ...", required: true),
        .string("id", "Usually a guest id; empty for jobs", required: true),
        .string("user", "Who started it", required: true),
        .integer("starttime", "Started, seconds since epoch", required: true),
        .integer("endtime", "Ended, seconds since epoch"),
        .integer("duration", "Run time, seconds"),
        .choice("status", ["running", "stopped"], "running or stopped", required: true),
        .string("exitstatus", "OK, WARNINGS: n, or the error"),
        .boolean("failed", "Stopped with an error", required: true),
    ], unmodelled: true)

    public var line: String {
        let state = status == "running" ? "running" : (exitstatus ?? "stopped")
        return "\(Render.utc(starttime))  \(node)  \(type)\(id.isEmpty ? "" : " \(id)")  \(state)\(duration.map { "  \($0) s" } ?? "")  \(user)"
    }

    /// An entry of `/nodes/{node}/tasks` or `/cluster/tasks`: `status` there is the exit status,
    /// absent while the task runs.
    static func parse(_ entry: JSONValue) throws(ParseFailure) -> TaskEntry {
        guard let upid = entry["upid"]?.stringValue else { throw ParseFailure("a task entry has no 'upid' field") }
        let parsed = try? UPID(parsing: upid)
        guard let node = entry["node"]?.stringValue ?? parsed?.node, let type = entry["type"]?.stringValue ?? parsed?.type,
              let starttime = entry["starttime"]?.intValue ?? parsed.map({ Int64($0.starttime) }) else {
            throw ParseFailure("task \(upid.prefix(80)) lacks node, type or starttime")
        }
        let exit = entry["status"]?.stringValue
        let endtime = entry["endtime"]?.intValue
        let running = exit == nil || exit == "running"
        let failed = !running && !(exit == "OK" || exit!.hasPrefix("WARNINGS"))
        return TaskEntry(upid: upid, node: node, type: type, id: entry["id"]?.stringValue ?? parsed?.id ?? "",
                         user: entry["user"]?.stringValue ?? parsed?.user ?? "", starttime: starttime, endtime: running ? nil : endtime,
                         status: running ? "running" : "stopped", exitstatus: running ? nil : exit, failed: failed,
                         unmodelled: UnmodelledFields(entry, known: ["upid", "node", "type", "id", "user", "starttime", "endtime", "status"]))
    }
}

/// Recent tasks, newest first: of one node (`/nodes/{node}/tasks`, filtered by pvesh) or of the
/// whole cluster (`/cluster/tasks`, filtered here).
public struct TaskList: ReadOperation {
    public var node: NodeName?
    public var filter: TaskFilter
    public init(node: NodeName?, filter: TaskFilter) {
        self.node = node
        self.filter = filter
    }

    public var apiCommand: Command {
        node.map { CommandForm.pvesh("get", "/nodes/\($0)/tasks", filter.options) } ?? CommandForm.pvesh("get", "/cluster/tasks")
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [TaskEntry] {
        guard let entries = try Self.document(output).arrayValue else { throw ParseFailure("expected a JSON array of tasks") }
        let tasks = ParseProblems.each(entries) { entry throws(ParseFailure) in try TaskEntry.parse(entry) }.filter(filter.keeps)
            .sorted { $0.starttime > $1.starttime }
        // pvesh already paged a node's list; the cluster-wide one is paged here.
        return node == nil ? Array(tasks.dropFirst(filter.start).prefix(filter.limit)) : Array(tasks.prefix(filter.limit))
    }
}
