import ProxmoxCore

/// Simulated guests: list, status, create, delete, clone and power, through pvesh and qm/pct.
enum Guests: SimulatedFeature {
    static let routes: [ApiRoute] = GuestKind.allCases.flatMap(routes)

    static func routes(_ kind: GuestKind) -> [ApiRoute] {
        let base = "nodes/{node}/\(kind.apiSegment)"
        let guest = base + "/{vmid}"
        var routes: [ApiRoute] = [
            ApiRoute("GET", base, ["full"]) { call in
                .data(try call.store.read { cluster in
                    .array(cluster.guests.filter { $0.kind == kind && $0.node == call.node }.sorted { $0.vmid < $1.vmid }
                        .map(ApiViews.guestListEntry))
                })
            },
            ApiRoute("POST", base, nil) { call in
                let vmid = try Values.vmid(call.options.value("vmid") ?? "")
                let template = call.options.value("ostemplate")
                if kind == .lxc && template == nil { throw ConfigSchema.fieldError("ostemplate", "property is missing and it is not optional") }
                let options = call.options.remaining(excluding: ["vmid", "ostemplate"])
                return .task(try call.context.runWorker(GuestOperations.create(vmid, kind, node: call.node, ostemplate: template, options: options)))
            },
            ApiRoute("DELETE", guest, ["purge", "destroy-unreferenced-disks", "skiplock", "force"]) { call in
                .task(try call.context.runWorker(GuestOperations.destroy(
                    try call.vmid(), kind, node: call.node, purge: try call.options.flag("purge") ?? false,
                    unreferencedDisks: try call.options.flag("destroy-unreferenced-disks") ?? false)))
            },
            ApiRoute("GET", guest + "/status/current", []) { call in
                let vmid = try call.vmid()
                return .data(try call.store.read { cluster in
                    ApiViews.guestStatus(cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: call.node)])
                })
            },
            ApiRoute("POST", guest + "/clone", ["newid", "name", "hostname", "description", "full", "target", "storage", "snapname", "pool", "format", "bwlimit"]) { call in
                let request = GuestOperations.CloneRequest(
                    newid: try Values.vmid(call.options.value("newid") ?? "", field: "newid"),
                    name: call.options.value(kind == .qemu ? "name" : "hostname"), description: call.options.value("description"),
                    full: try call.options.flag("full"), target: call.options.value("target"),
                    storage: call.options.value("storage"),
                    snapname: try call.options.value("snapname").map { text throws(CLIFailure) in try Values.snapshotName(text) },
                    pool: call.options.value("pool"))
                return .task(try call.context.runWorker(GuestOperations.clone(try call.vmid(), kind, node: call.node, request)))
            },
        ]
        for action in GuestOperations.PowerAction.allCases where action.exists(for: kind) {
            routes.append(ApiRoute("POST", guest + "/status/\(action.rawValue)", ["skiplock", "timeout", "forceStop", "keepActive", "overrule-shutdown", "todisk", "nocheck", "statestorage"]) { call in
                .task(try call.context.runWorker(GuestOperations.power(action, try call.vmid(), kind, node: call.node, now: call.context.now)))
            })
        }
        return routes
    }

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        typealias Verb = GuestCLI.Verb
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
}
