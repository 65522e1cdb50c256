import MCP
import ProxmoxCore

/// Proxmox tasks (workers with a UPID): what ran, how it ended, its log.
enum Tasks {
    static let toolset = Toolset(
        id: "tasks", summary: "Proxmox task history and state: what ran, what failed, task logs", isDefault: false,
        tools: [taskList, taskStatus])

    static let upid = Argument<UPID>(
        "upid", ["type": "string", "pattern": "^UPID:", "maxLength": 512,
                 "description": "Task id, UPID:node:pid:pstart:starttime:type:id:user: as results and task lists show it"],
        required: true) { arguments, name in
        let text = try arguments.requiredString(name)
        do { return try UPID(parsing: text) } catch let error as ParseFailure {
            throw ProxmoxError.invalidArgument(field: name, reason: "'\(text.prefix(80))' is not a UPID (\(error.detail))")
        }
    }

    static let lines = Argument<Int>.integer("lines", "Log lines to return, from the end", unit: "lines", range: 1...1000, default: 50)

    /// What identifies a task, read from its UPID.
    static let identity: [Field] = [
        .string("upid", "Task id", required: true),
        .string("node", "Node it runs on", required: true),
        .string("type", "Task type: qmstart, vzdump, qmigrate, ...", required: true),
        .string("id", "What it acts on, usually a guest id (may be empty)", required: true),
        .string("user", "Who started it", required: true),
        .integer("starttime", "Started, seconds since epoch", required: true),
    ]

    static func identityFields(_ upid: UPID) -> [String: Value] {
        ["upid": .string(upid.description), "node": .string(upid.node), "type": .string(upid.type), "id": .string(upid.id),
         "user": .string(upid.user), "starttime": .int(upid.starttime)]
    }

    static let taskStatus = ToolDefinition(
        name: "proxmox_task_status", title: "Task status",
        description: "One task's state (running or stopped), exit status, and the last lines of its log. Read-only.",
        arguments: [upid.erased, lines.erased], annotations: Shared.readOnly,
        output: identity + Shared.provenance + [
            .choice("status", ["running", "stopped"], "running or stopped", required: true),
            .string("exitstatus", "Once stopped: OK, WARNINGS: n, or the error"),
            .boolean("succeeded", "Stopped with OK or warnings", required: true),
            .strings("log", "Last lines of the log", required: true),
        ]
    ) { call in
        let id = try call[upid]
        let status = try await call.engine.read(TaskStatusRead(id), transport: .api)
        let log = try await call.engine.read(TaskLogRead(id, start: 0, limit: 50_000), transport: .api)
        let tail = Array(log.value.filter { !$0.isEmpty }.suffix(try call[lines]))
        var fields = identityFields(id)
        fields["status"] = .string(status.value.status)
        if let exit = status.value.exitstatus { fields["exitstatus"] = .string(exit) }
        fields["succeeded"] = .bool(status.value.succeeded)
        fields["log"] = .array(tail.map { .string($0) })
        var structured = Structured.read(fields, outcome: status, environment: call.environment)
        if case var .object(object) = structured {
            object["commands"] = .array([.string(status.command.description), .string(log.command.description)])
            structured = .object(object)
        }
        let state = status.value.isRunning ? "running" : "stopped: \(status.value.exitstatus ?? "unknown")"
        return ToolOutput(text: "\(id.type) \(id.id) on \(id.node): \(state)\n" + tail.joined(separator: "\n"), structured: structured)
    }

    // MARK: List

    static let listNode = Argument<String?>.node("node", "Only this node's tasks (pvesh filters there); default: the whole cluster's recent tasks")
    static let status = Argument<String?>.choice("status", "Only tasks that ended ok, with warnings, with an error, or still running; default all",
                                                 ["ok", "warning", "error", "running"])
    static let errors = Argument<Bool>.flag("errors", "Only failed tasks (same as status: error): what failed?", default: false)
    static let vmid = Argument<VMID?>.vmid("vmid", "Only tasks of this guest")
    static let type = Argument<String?>("typefilter", ["type": "string", "pattern": "^[a-z][a-z0-9]*$", "maxLength": 32,
                                                        "description": "Only this task type, e.g. vzdump, qmstart, qmigrate"]) { arguments, name in
        guard let text = try arguments.string(name) else { return nil }
        guard !text.isEmpty, text.count <= 32, text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }), text.first!.isLetter else {
            throw ProxmoxError.invalidArgument(field: name, reason: "'\(text.prefix(40))' is not a task type (lower-case letters and digits)")
        }
        return text
    }
    static let user = Argument<String?>("user", ["type": "string", "pattern": "^[^\\s:@]+@[A-Za-z][A-Za-z0-9.-]*(!.+)?$", "maxLength": 128,
                                                  "description": "Only tasks started by this user, e.g. root@pam"]) { arguments, name in
        guard let text = try arguments.string(name) else { return nil }
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, text.count <= 128, !text.contains(where: { $0.isWhitespace || $0 == ":" || $0.asciiValue == nil }), !text.hasPrefix("-") else {
            throw ProxmoxError.invalidArgument(field: name, reason: "'\(text.prefix(40))' is not a user (name@realm)")
        }
        return text
    }
    static let since = Argument<Int?>.integer("since", "Only tasks started at or after this time, seconds since epoch", range: 0...9_999_999_999)
    static let until = Argument<Int?>.integer("until", "Only tasks started at or before this time, seconds since epoch", range: 0...9_999_999_999)
    static let start = Argument<Int>.integer("start", "Skip this many, newest first (paging)", unit: "tasks", range: 0...100_000, default: 0)
    static let limit = Argument<Int>.integer("limit", "Return at most this many", unit: "tasks", range: 1...1000, default: 50)

    static let taskList = ToolDefinition(
        name: "proxmox_task_list", title: "List tasks",
        description: "Recent Proxmox tasks, newest first: backups, starts, migrations... with who, when, how long and how each ended; errors: true answers what failed. Read-only.",
        arguments: [listNode.erased, status.erased, errors.erased, vmid.erased, type.erased, user.erased, since.erased, until.erased,
                    start.erased, limit.erased],
        annotations: Shared.readOnly,
        output: Shared.provenance + [.list("tasks", "Newest first", TaskEntry.schema, required: true),
                                     .integer("failed", "How many of them failed", required: true)]
    ) { call in
        var wanted = try call[status]
        if try call[errors] {
            if let wanted, wanted != "error" {
                throw ProxmoxError.invalidArgument(field: "errors", reason: "errors: true lists failed tasks; it contradicts status: \(wanted)")
            }
            wanted = "error"
        }
        let filter = TaskFilter(status: wanted, vmid: try call[vmid], type: try call[type], user: try call[user],
                                since: try call[since].map(Int64.init), until: try call[until].map(Int64.init),
                                start: try call[start], limit: try call[limit])
        let outcome = try await call.engine.read(TaskList(node: try await call.node(listNode), filter: filter), transport: .api)
        let failed = outcome.value.filter(\.failed).count
        let text = outcome.value.isEmpty ? "No tasks." : outcome.value.map(\.line).joined(separator: "\n")
        return call.answer(["tasks": try Structured.encode(outcome.value), "failed": .int(failed)], outcome, text: text)
    }
}
