import MCP
import ProxmoxCore

/// Proxmox tasks (workers with a UPID): what ran, how it ended, its log.
enum Tasks {
    static let toolset = Toolset(
        id: "tasks", summary: "Proxmox task history and state: what ran, what failed, task logs", isDefault: false,
        tools: [taskList, taskStatus, taskLog, taskWait, taskStop])

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

    /// A task's state, as task_status and task_wait answer it.
    static let state: [Field] = [
        .choice("status", ["running", "stopped"], "running or stopped", required: true),
        .string("exitstatus", "Once stopped: OK, WARNINGS: n, or the error"),
        .boolean("succeeded", "Stopped with OK or warnings", required: true),
        .strings("log", "Last lines of the log", required: true),
    ]

    /// The answer of task_status and task_wait: identity, state, the log's last lines.
    static func stateAnswer(_ id: UPID, _ status: TaskStatus, log: [String], lines: Int, commands: [Command], call: ToolCall,
                            extra: [String: Value] = [:]) -> ToolOutput {
        let tail = Array(log.filter { !$0.isEmpty }.suffix(lines))
        var fields = identityFields(id).merging(extra) { $1 }
        fields["status"] = .string(status.status)
        if let exit = status.exitstatus { fields["exitstatus"] = .string(exit) }
        fields["succeeded"] = .bool(status.succeeded)
        fields["log"] = .array(tail.map { .string($0) })
        let state = status.isRunning ? "running" : status.succeeded ? "stopped: \(status.exitstatus ?? "OK")" : "FAILED: \(status.exitstatus ?? "unknown")"
        return call.answer(fields, commands: commands, text: "\(id.type) \(id.id) on \(id.node): \(state)\n" + tail.joined(separator: "\n"))
    }

    static let taskStatus = ToolDefinition(
        name: "proxmox_task_status", title: "Task status",
        description: "One task's state (running or stopped), exit status, and the last lines of its log. Read-only.",
        arguments: [upid.erased, lines.erased], annotations: Shared.readOnly,
        output: identity + Shared.provenance + state
    ) { call in
        let id = try call[upid]
        let state = try await call.engine.taskState(id)
        return stateAnswer(id, state.status, log: state.log, lines: try call[lines], commands: state.commands, call: call)
    }

    // MARK: Log

    static let logStart = Argument<Int>.integer("start", "First line to return, counting from 0", unit: "lines", range: 0...10_000_000, default: 0)
    static let logLimit = Argument<Int>.integer("limit", "Lines to return", unit: "lines", range: 1...5000, default: 500)

    static let taskLog = ToolDefinition(
        name: "proxmox_task_log", title: "Task log",
        description: "A task's log, a page at a time (a backup's log runs to thousands of lines): lines start to start+limit, numbered from 1. Read-only.",
        arguments: [upid.erased, logStart.erased, logLimit.erased], annotations: Shared.readOnly,
        output: identity + Shared.provenance + [
            .list("lines", "The page, in order", TaskLogLine.schema, required: true),
            .integer("start", "First line asked for, from 0", required: true),
            .boolean("more", "The page is full: more lines may follow (ask from start+limit)", required: true),
        ]
    ) { call in
        let id = try call[upid]
        let start = try call[logStart], limit = try call[logLimit]
        let page = try await call.engine.read(TaskLogRead(id, start: start, limit: limit), transport: .api)
        var fields = identityFields(id)
        fields["lines"] = try Structured.encode(page.value)
        fields["start"] = .int(start)
        fields["more"] = .bool(page.value.count == limit)
        let text = page.value.isEmpty ? "No log lines from \(start)." : page.value.map { "\($0.n) \($0.t)" }.joined(separator: "\n")
        return call.answer(fields, page, text: text)
    }

    // MARK: Wait

    static let waitTimeout = Argument<Int?>.integer("timeout", "Longest wait, seconds; default: server's task timeout (300+)", range: 1...86_400)

    static let taskWait = ToolDefinition(
        name: "proxmox_task_wait", title: "Wait for task",
        description: "Wait until a task started elsewhere (a UPID from a list or a wait: false call) stops, with progress; then its state and last log lines. Read-only.",
        arguments: [upid.erased, waitTimeout.erased, lines.erased], annotations: Shared.readOnly,
        output: identity + Shared.provenance + state + [
            .boolean("timedOut", "Still running when the wait ended", required: true),
            .number("waited", "Seconds waited", required: true),
        ]
    ) { call in
        let id = try call[upid]
        let started = ContinuousClock.now
        let timeout = try call[waitTimeout].map { Duration.seconds($0) } ?? call.environment.taskTimeout
        let (report, commands): (TaskReport, [Command])
        do {
            (report, commands) = try await call.engine.waitForTask(id, timeout: timeout, started: started, progress: CallContext.current?.progress)
        } catch is CancellationError {
            throw ProxmoxError.cancelled(upid: id.description, node: id.node)
        }
        let status = TaskStatus(upid: id.description, status: report.status, exitstatus: report.exitstatus)
        let waited = ContinuousClock.now - started
        let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        return stateAnswer(id, status, log: report.log, lines: try call[lines], commands: commands, call: call,
                           extra: ["timedOut": .bool(status.isRunning), "waited": .double((seconds * 10).rounded() / 10)])
    }

    // MARK: Stop

    static let taskStop = {
        var definition = ToolDefinition(
            name: "proxmox_task_stop", title: "Stop task",
            description: "Stop a running task (a stuck backup, migration or start). Its work is cut off halfway. Needs confirm: true, else the user is asked (when the client can ask).",
            arguments: [upid.erased, Shared.confirm.erased, Shared.dryRun.erased], annotations: Shared.changing(destructive: true),
            output: identity + Shared.provenance + [
                .boolean("dryRun", "Nothing ran", required: true),
                .choice("status", ["running", "stopped"], "State after the stop", required: true),
                .string("exitstatus", "How it ended"),
            ]
        ) { call in
            let id = try call[upid]
            let before = try await call.engine.read(TaskStatusRead(id), transport: .api)
            guard try before.value.isRunning || call[Shared.dryRun] else {
                throw ProxmoxError.refused("task \(id) already stopped (\(before.value.exitstatus ?? "unknown")); nothing to stop, nothing ran")
            }
            let execution = try await call.engine.perform(TaskStop(id), options: try call.options())
            var fields = identityFields(id)
            var text = Structured.summary(execution, subject: "task \(id)", action: "stop", secrets: [])
            if execution.dryRun {
                fields["status"] = .string(before.value.status)
            } else {
                let after = try await call.engine.read(TaskStatusRead(id), transport: .api)
                fields["status"] = .string(after.value.status)
                if let exit = after.value.exitstatus { fields["exitstatus"] = .string(exit) }
                text = "stopped \(id.type) \(id.id) on \(id.node): \(after.value.status)\(after.value.exitstatus.map { " (\($0))" } ?? "")"
            }
            return ToolOutput(text: text, structured: try Structured.execution(execution, fields: fields, secrets: [], environment: call.environment))
        }
        definition.protection = .never
        definition.confirmationText = { call in
            let id = try call[upid]
            return ConfirmationText(what: "stopping task \(id.type) \(id.id) on \(id.node)",
                                    question: "Stop task \(id.type)\(id.id.isEmpty ? "" : " of \(id.id)") on node \(id.node), started by \(id.user) at \(Render.utc(Int64(id.starttime))) UTC? Its work stops halfway.")
        }
        return definition
    }()

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
