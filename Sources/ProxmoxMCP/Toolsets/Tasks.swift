import MCP
import ProxmoxCore

/// Proxmox tasks (workers with a UPID): what ran, how it ended, its log.
enum Tasks {
    static let toolset = Toolset(
        id: "tasks", summary: "Proxmox task history and state: what ran, what failed, task logs", isDefault: false,
        tools: [taskStatus])

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
}
