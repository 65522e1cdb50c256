import ProxmoxCore

/// `qm` and `pct`: the verbs an administrator types. They act on the local node only, run workers
/// synchronously (log on stdout, no UPID), and exit 255 when the task failed (`$upid_exit`).
enum GuestCLI {
    /// One verb: its positional parameters (after the verb), options it takes (nil: config keys,
    /// checked by the operation), and what it does.
    struct Verb: Sendable {
        let positional: [String]
        let options: Set<String>?
        let run: @Sendable (_ call: Call) throws -> Result
    }

    struct Call {
        let kind: GuestKind
        let tool: String
        let positional: [String: String]
        let options: OptionList
        let context: SimulationContext
        let node: String

        func vmid(_ name: String = "vmid") throws(CLIFailure) -> Int { try Values.vmid(positional[name] ?? "", field: name) }
    }

    enum Result {
        case text(String)
        case task(WorkerOutcome)
    }

    static func verbs(_ kind: GuestKind) -> [String: Verb] {
        var table: [String: Verb] = [
            "list": Verb(positional: [], options: ["full"]) { call in
                .text(try call.context.store.read { cluster in
                    let guests = cluster.guests.filter { $0.kind == call.kind && $0.node == call.node }.sorted { $0.vmid < $1.vmid }
                    return call.kind == .qemu ? GuestListText.qm(guests) : GuestListText.pct(guests)
                })
            },
            "status": Verb(positional: ["vmid"], options: ["verbose"]) { call in
                let vmid = try call.vmid()
                return .text(try call.context.store.read { cluster in
                    GuestListText.status(cluster.guests[try GuestOperations.locate(cluster, vmid, call.kind, on: call.node)])
                })
            },
            "config": Verb(positional: ["vmid"], options: ["current", "snapshot"]) { call in
                let vmid = try call.vmid()
                let snapname = call.options.value("snapshot")
                return .text(try call.context.store.read { cluster in
                    let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, call.kind, on: call.node)]
                    guard let snapname else { return GuestListText.config(guest.config) }
                    guard let snapshot = guest.snapshots.first(where: { $0.name == snapname }) else {
                        throw CLIFailure.die("snapshot '\(snapname)' does not exist")
                    }
                    return GuestListText.config(snapshot.config)
                })
            },
            "set": Verb(positional: ["vmid"], options: nil) { call in
                let vmid = try call.vmid()
                let change = ApiRoutes.configChange(call.options)
                try call.context.store.modify { cluster in
                    try GuestOperations.applyConfig(change, vmid, call.kind, node: call.node, cluster: &cluster)
                }
                return .text("")
            },
            "destroy": Verb(positional: ["vmid"], options: ["purge", "destroy-unreferenced-disks", "skiplock"]) { call in
                .task(try call.context.runWorker(GuestOperations.destroy(
                    try call.vmid(), call.kind, node: call.node, purge: try call.options.flag("purge") ?? false,
                    unreferencedDisks: try call.options.flag("destroy-unreferenced-disks") ?? false)))
            },
            "clone": Verb(positional: ["vmid", "newid"], options: ["name", "hostname", "description", "full", "target", "storage", "snapname", "pool", "format", "bwlimit"]) { call in
                let request = GuestOperations.CloneRequest(
                    newid: try call.vmid("newid"), name: call.options.value(call.kind == .qemu ? "name" : "hostname"),
                    description: call.options.value("description"), full: try call.options.flag("full"),
                    target: call.options.value("target"), storage: call.options.value("storage"),
                    snapname: try call.options.value("snapname").map { text throws(CLIFailure) in try Values.snapshotName(text) },
                    pool: call.options.value("pool"))
                return .task(try call.context.runWorker(GuestOperations.clone(try call.vmid(), call.kind, node: call.node, request)))
            },
            "snapshot": Verb(positional: ["vmid", "snapname"], options: kind == .qemu ? ["description", "vmstate"] : ["description"]) { call in
                let name = try Values.snapshotName(call.positional["snapname"] ?? "")
                return .task(try call.context.runWorker(GuestOperations.snapshot(
                    try call.vmid(), call.kind, node: call.node, name: name, description: call.options.value("description"),
                    vmstate: try call.options.flag("vmstate") ?? false, now: call.context.now)))
            },
            "listsnapshot": Verb(positional: ["vmid"], options: []) { call in
                let vmid = try call.vmid()
                return .text(try call.context.store.read { cluster in
                    GuestListText.snapshotTree(cluster.guests[try GuestOperations.locate(cluster, vmid, call.kind, on: call.node)])
                })
            },
            "rollback": Verb(positional: ["vmid", "snapname"], options: ["start"]) { call in
                let name = try Values.snapshotName(call.positional["snapname"] ?? "")
                return .task(try call.context.runWorker(GuestOperations.rollback(
                    try call.vmid(), call.kind, node: call.node, name: name, start: try call.options.flag("start") ?? false)))
            },
            "delsnapshot": Verb(positional: ["vmid", "snapname"], options: ["force"]) { call in
                let name = try Values.snapshotName(call.positional["snapname"] ?? "")
                return .task(try call.context.runWorker(GuestOperations.deleteSnapshot(try call.vmid(), call.kind, node: call.node, name: name)))
            },
            "create": Verb(positional: kind == .qemu ? ["vmid"] : ["vmid", "ostemplate"], options: nil) { call in
                .task(try call.context.runWorker(GuestOperations.create(
                    try call.vmid(), call.kind, node: call.node, ostemplate: call.positional["ostemplate"],
                    options: call.options.remaining(excluding: []))))
            },
        ]
        for action in GuestOperations.PowerAction.allCases where action.exists(for: kind) {
            table[action.rawValue] = Verb(positional: ["vmid"], options: ["skiplock", "timeout", "forceStop", "keepActive", "overrule-shutdown", "todisk", "nocheck", "statestorage"]) { call in
                .task(try call.context.runWorker(GuestOperations.power(action, try call.vmid(), call.kind, node: call.node, now: call.context.now)))
            }
        }
        return table
    }

    static let tables: [GuestKind: [String: Verb]] = [.qemu: verbs(.qemu), .lxc: verbs(.lxc)]

    static func usage(_ tool: String, _ verb: String, _ positional: [String]) -> String {
        ([tool, verb] + positional.map { "<\($0)>" } + ["[OPTIONS]"]).joined(separator: " ")
    }

    static func run(tool: String, _ arguments: [String], context: SimulationContext) throws -> CommandOutput {
        let kind: GuestKind = tool == "qm" ? .qemu : .lxc
        guard let verbName = arguments.first else {
            return usageError(tool, "no command specified")
        }
        guard let verb = tables[kind]?[verbName] else {
            return usageError(tool, "unknown command '\(tool) \(verbName)'")
        }
        let usage = usage(tool, verbName, verb.positional)
        var rest = Array(arguments.dropFirst())
        var positional: [String: String] = [:]
        for name in verb.positional {
            guard let first = rest.first, !first.hasPrefix("-") else {
                return CLIFailure(stderr: "400 not enough arguments\n\(usage)\n", exitStatus: 255).output
            }
            positional[name] = first
            rest.removeFirst()
        }
        let options: OptionList
        switch OptionList.parse(rest) {
        case let .success(list): options = list
        case let .failure(failure): return CLIFailure(stderr: failure.stderr + usage + "\n", exitStatus: 255).output
        }
        do {
            if let allowed = verb.options {
                let unknown = options.unknown(allowed: allowed)
                if !unknown.isEmpty { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
            }
            let node = try context.store.read { context.localNode($0) }
            let call = Call(kind: kind, tool: tool, positional: positional, options: options, context: context, node: node)
            switch try verb.run(call) {
            case let .text(text):
                return CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0)
            case let .task(outcome):
                let stderr = outcome.lockChatter + (outcome.error.map { $0 + "\n" } ?? "")
                return CommandOutput(stdout: Array(outcome.log.map { $0 + "\n" }.joined().utf8), stderr: Array(stderr.utf8),
                                     exitStatus: outcome.error == nil ? 0 : 255)
            }
        } catch var failure as CLIFailure {
            // Parameter errors end with the command's usage line, after a blank line.
            if failure.stderr.hasPrefix("400 ") { failure.stderr += "\n\(usage)\n" }
            return failure.output
        }
    }

    static func usageError(_ tool: String, _ message: String) -> CommandOutput {
        let kind: GuestKind = tool == "qm" ? .qemu : .lxc
        let lines = tables[kind, default: [:]].keys.sorted().map { name in
            "       " + usage(tool, name, tables[kind]![name]!.positional)
        }
        let text = "ERROR: \(message)\nUSAGE: \(tool) <COMMAND> [ARGS] [OPTIONS]\n" + lines.joined(separator: "\n") + "\n"
        return CommandOutput(stdout: [], stderr: Array(text.utf8), exitStatus: 255)
    }
}
