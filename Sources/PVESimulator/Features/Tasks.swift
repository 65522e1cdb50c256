import ProxmoxCore

/// Simulated tasks: list, status, log, stop.
enum Tasks: SimulatedFeature {
    static let routes: [ApiRoute] = [
        ApiRoute("GET", "nodes/{node}/tasks", ["errors", "limit", "since", "source", "start", "statusfilter", "typefilter", "until", "userfilter", "vmid"]) { call in
            let filter = try ListFilter(call.options)
            return .data(try call.store.read { cluster in
                .array(cluster.tasks.reversed().filter { $0.upid.node == call.node && filter.keeps($0) }
                    .dropFirst(filter.start).prefix(filter.limit).map(ApiViews.taskListEntry))
            })
        },
        // Recent tasks of every node, running ones included; the endpoint takes no parameters.
        ApiRoute("GET", "cluster/tasks", []) { call in
            .data(try call.store.read { cluster in
                .array(cluster.tasks.sorted { $0.upid.starttime > $1.upid.starttime }.prefix(500).map(ApiViews.taskListEntry))
            })
        },
        ApiRoute("GET", "nodes/{node}/tasks/{upid}/status", []) { call in
            .data(ApiViews.taskStatus(try task(call)))
        },
        ApiRoute("GET", "nodes/{node}/tasks/{upid}/log", ["start", "limit", "download"]) { call in
            let start = try call.options.value("start").map { text throws(CLIFailure) in try Values.integer(text, field: "start") } ?? 0
            let limit = try call.options.value("limit").map { text throws(CLIFailure) in try Values.integer(text, field: "limit") } ?? 50
            return .data(ApiViews.taskLog(try task(call), start: start, limit: limit))
        },
        ApiRoute("DELETE", "nodes/{node}/tasks/{upid}", []) { call in
            let upid = try task(call).upid
            try call.store.modify { cluster in
                guard let index = cluster.tasks.firstIndex(where: { $0.upid == upid }), cluster.tasks[index].status == "running" else { return }
                cluster.tasks[index].status = "stopped"
                cluster.tasks[index].exitstatus = "interrupted by signal"
                cluster.tasks[index].endtime = call.context.now
                cluster.tasks[index].log.append("TASK ERROR: interrupted by signal")
            }
            return .data(nil)
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] { [:] }

    /// The filters of `GET /nodes/{node}/tasks`, as PVE applies them.
    struct ListFilter {
        let limit: Int
        let start: Int
        let vmid: String?
        let source: String
        let statuses: [String]
        let errors: Bool
        let type: String?
        let user: String?
        let since: Int?
        let until: Int?

        init(_ options: OptionList) throws(CLIFailure) {
            func number(_ name: String) throws(CLIFailure) -> Int? {
                try options.value(name).map { text throws(CLIFailure) in try Values.integer(text, field: name) }
            }
            limit = try number("limit") ?? 50
            start = try number("start") ?? 0
            vmid = options.value("vmid")
            source = options.value("source") ?? "archive"
            if !["archive", "active", "all"].contains(source) {
                throw ConfigSchema.fieldError("source", "value '\(source)' does not have a value in the enumeration 'archive, active, all'")
            }
            statuses = options.list("statusfilter")
            if let bad = statuses.first(where: { !["ok", "warning", "error", "unknown"].contains($0) }) {
                throw ConfigSchema.fieldError("statusfilter", "invalid format - value '\(bad)' does not have a value in the enumeration 'ok, warning, error, unknown'")
            }
            errors = try options.flag("errors") ?? false
            type = options.value("typefilter")
            user = options.value("userfilter")
            since = try number("since")
            until = try number("until")
        }

        func keeps(_ task: SimulatedTask) -> Bool {
            let running = task.status == "running"
            switch source {
            case "active": if !running { return false }
            case "archive": if running { return false }
            default: break
            }
            let exit = task.exitstatus ?? ""
            let kind = running ? "" : exit == "OK" ? "ok" : exit.hasPrefix("WARNINGS") ? "warning" : "error"
            if !statuses.isEmpty && !statuses.contains(kind) { return false }
            if errors && kind != "error" { return false }
            if let vmid, vmid != task.upid.id { return false }
            if let type, type != task.upid.type { return false }
            if let user, user != task.upid.user { return false }
            if let since, task.upid.starttime < since { return false }
            if let until, task.upid.starttime > until { return false }
            return true
        }
    }

    /// The task named in the path; PVE refuses malformed UPIDs and unknown ones alike.
    static func task(_ call: ApiCall) throws -> SimulatedTask {
        let text = call.path["upid"] ?? ""
        guard let upid = try? UPID(parsing: text) else { throw ConfigSchema.fieldError("upid", "unable to parse worker upid '\(text)'") }
        guard let task = try call.store.read({ cluster in cluster.tasks.first { $0.upid == upid } }), upid.node == call.node else {
            throw CLIFailure.die("no such task")
        }
        return task
    }

    /// The task history a new cluster starts with: last night's backup job (one guest failed), a
    /// start and a snapshot, so that task lists and logs have something real to show. Fixed times,
    /// ending before the tests' pinned clock (`PVE_SIM_CLOCK` 1764100000).
    static var history: [SimulatedTask] {
        func task(_ node: String, _ pid: Int, _ start: Int, _ type: String, _ id: String, _ duration: Int, _ exit: String, _ log: [String]) -> SimulatedTask {
            SimulatedTask(upid: UPID(node: node, pid: pid, pstart: 29_600_000 + pid % 4096, starttime: start, type: type, id: id, user: "root@pam"),
                          status: "stopped", exitstatus: exit, endtime: Int64(start + duration), log: log)
        }
        let night = 1_764_036_000  // 02:00 UTC of the day before the pinned clock
        return [
            task("pve1", 0x2F101, night, "vzdump", "", 131, "job errors", [
                "INFO: starting new backup job: vzdump 100 101 --storage local --mode snapshot --compress zstd --mailnotification failure",
                "INFO: Starting Backup of VM 100 (qemu)",
                "INFO: creating vzdump archive '/var/lib/vz/dump/vzdump-qemu-100-2025_11_25-02_00_00.vma.zst'",
                "INFO: transferred 32.00 GiB in 71 seconds (461.5 MiB/s)",
                "INFO: Finished Backup of VM 100 (00:01:12)",
                "INFO: Starting Backup of VM 101 (qemu)",
                "ERROR: Backup of VM 101 failed - VM 101 qmp command 'backup' failed - got timeout",
                "INFO: Failed at 2025-11-25 02:02:11",
                "INFO: Backup job finished with errors",
                "TASK ERROR: job errors",
            ]),
            task("pve2", 0x2F2A4, night + 300, "vzdump", "201", 48, "OK", [
                "INFO: starting new backup job: vzdump 201 --storage local --mode snapshot --compress zstd",
                "INFO: Starting Backup of VM 201 (lxc)",
                "INFO: Finished Backup of VM 201 (00:00:47)",
                "INFO: Backup job finished successfully",
                "TASK OK",
            ]),
            task("pve1", 0x2F5C0, night + 21_600, "qmstart", "104", 2, "OK", ["TASK OK"]),
            task("pve1", 0x2F7E3, night + 25_200, "qmsnapshot", "100", 4, "OK", ["TASK OK"]),
        ]
    }
}
