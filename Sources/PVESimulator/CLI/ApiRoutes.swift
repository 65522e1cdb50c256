import ProxmoxCore

/// One request to the simulated API, after its path matched a route.
struct ApiCall {
    let options: OptionList
    let path: [String: String]
    let context: SimulationContext

    var node: String { path["node"] ?? "" }
    func vmid() throws(CLIFailure) -> Int { try Values.vmid(path["vmid"] ?? "") }
    var store: StateStore { context.store }
}

/// What an endpoint returns: data (nil for endpoints that print nothing), or a finished worker.
enum ApiResult {
    case data(JSONValue?)
    case task(WorkerOutcome)
}

/// One API endpoint the simulator answers: method, path template and handler.
struct ApiRoute: Sendable {
    let method: String
    /// Path components; `{name}` matches any one component.
    let template: [String]
    /// Option names the endpoint accepts; nil when the handler checks them (config keys).
    let parameters: Set<String>?
    let handler: @Sendable (ApiCall) throws -> ApiResult

    init(_ method: String, _ path: String, _ parameters: Set<String>?,
         _ handler: @escaping @Sendable (ApiCall) throws -> ApiResult) {
        self.method = method
        template = path.split(separator: "/").map(String.init)
        self.parameters = parameters
        self.handler = handler
    }

    func matches(method: String, components: [String]) -> [String: String]? {
        guard method == self.method, components.count == template.count else { return nil }
        var bound: [String: String] = [:]
        for (pattern, component) in zip(template, components) {
            if pattern.hasPrefix("{") {
                bound[String(pattern.dropFirst().dropLast())] = component
            } else if pattern != component {
                return nil
            }
        }
        return bound
    }
}

/// A route bound to a concrete path.
struct BoundRoute {
    let route: ApiRoute
    let pathParameters: [String: String]

    func handle(_ options: OptionList, _ context: SimulationContext) throws -> ApiResult {
        if let allowed = route.parameters {
            let unknown = options.unknown(allowed: allowed)
            guard unknown.isEmpty else { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
        }
        if let node = pathParameters["node"] {
            _ = try Values.node(node)
            try context.store.read { cluster in
                guard let known = cluster.node(named: node) else {
                    throw CLIFailure.die("hostname lookup '\(node)' failed - failed to get address info for: \(node): Name or service not known")
                }
                // pvesh reaches other nodes through SSH; an offline node does not answer.
                guard known.online else { throw CLIFailure.die("ssh: connect to host \(known.ip) port 22: No route to host") }
            }
        }
        if pathParameters["vmid"] != nil { _ = try Values.vmid(pathParameters["vmid"]!) }
        return try route.handler(ApiCall(options: options, path: pathParameters, context: context))
    }
}

/// The endpoints the simulator answers. Paths and parameters follow the PVE 9.1 API schema; guest
/// endpoints exist once per guest kind, generated from one table.
enum ApiRoutes {
    static let all: [ApiRoute] = clusterRoutes + GuestKind.allCases.flatMap(guestRoutes) + storageRoutes + taskRoutes

    static func find(method: String, path: String) -> BoundRoute? {
        let components = path.split(separator: "/").map(String.init)
        for route in all {
            if let bound = route.matches(method: method, components: components) {
                return BoundRoute(route: route, pathParameters: bound)
            }
        }
        return nil
    }

    static let clusterRoutes: [ApiRoute] = [
        ApiRoute("GET", "version", []) { call in
            // release, repoid and version, from the local node's `pve-manager/9.1.2/9b5b0c7fbf8a8d7e`.
            .data(try call.store.read { cluster in
                let parts = (cluster.localNode(environment: call.context.environment) ?? cluster.nodes[0]).pveversion.split(separator: "/")
                let version = parts.count > 1 ? String(parts[1]) : ""
                return .object(["version": .string(version), "repoid": .string(parts.count > 2 ? String(parts[2]) : ""),
                                "release": .string(version.split(separator: ".").prefix(2).joined(separator: "."))])
            })
        },
        ApiRoute("GET", "nodes", []) { call in
            .data(try call.store.read { .array($0.nodes.map(ApiViews.node)) })
        },
        ApiRoute("GET", "cluster/resources", ["type"]) { call in
            let type = call.options.value("type")
            if let type, !["vm", "storage", "node", "sdn"].contains(type) {
                throw ConfigSchema.fieldError("type", "value '\(type)' does not have a value in the enumeration 'vm, storage, node, sdn'")
            }
            return .data(try call.store.read { ApiViews.resources($0, type: type) })
        },
        ApiRoute("GET", "cluster/status", []) { call in
            .data(try call.store.read { ApiViews.clusterStatus($0, localNode: call.context.localNode($0)) })
        },
        ApiRoute("GET", "cluster/nextid", ["vmid"]) { call in
            let wanted = try call.options.value("vmid").map { text throws(CLIFailure) in try Values.vmid(text) }
            return .data(try call.store.read { cluster -> JSONValue in
                let used = Set(cluster.guests.map(\.vmid))
                if let wanted {
                    if used.contains(wanted) { throw ConfigSchema.fieldError("vmid", "VM \(wanted) already exists") }
                    return .string(String(wanted))
                }
                // Proxmox prints the id as a string here, although the schema says integer.
                return .string(String((100...).first { !used.contains($0) }!))
            })
        },
        ApiRoute("GET", "nodes/{node}/status", []) { call in
            .data(try call.store.read { cluster in cluster.node(named: call.node).map(ApiViews.nodeStatus) })
        },
    ]

    static func guestRoutes(_ kind: GuestKind) -> [ApiRoute] {
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
            ApiRoute("GET", guest + "/config", ["current", "snapshot"]) { call in
                let vmid = try call.vmid()
                let snapname = call.options.value("snapshot")
                return .data(try call.store.read { cluster in
                    let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: call.node)]
                    guard let snapname else { return ApiViews.config(guest.config, kind: kind, digest: guest.digest) }
                    guard let snapshot = guest.snapshots.first(where: { $0.name == snapname }) else {
                        throw CLIFailure.die("snapshot '\(snapname)' does not exist")
                    }
                    return ApiViews.config(snapshot.config, kind: kind, digest: SHA1.hex(GuestListText.config(snapshot.config)))
                })
            },
            ApiRoute("PUT", guest + "/config", nil) { call in
                let vmid = try call.vmid()
                let change = configChange(call.options)
                try call.store.modify { cluster in
                    try GuestOperations.applyConfig(change, vmid, kind, node: call.node, cluster: &cluster)
                }
                return .data(nil)
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
            ApiRoute("GET", guest + "/snapshot", []) { call in
                let vmid = try call.vmid()
                return .data(try call.store.read { cluster in
                    ApiViews.snapshots(cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: call.node)])
                })
            },
            ApiRoute("POST", guest + "/snapshot", kind == .qemu ? ["snapname", "description", "vmstate"] : ["snapname", "description"]) { call in
                let name = try Values.snapshotName(call.options.value("snapname") ?? "")
                return .task(try call.context.runWorker(GuestOperations.snapshot(
                    try call.vmid(), kind, node: call.node, name: name, description: call.options.value("description"),
                    vmstate: try call.options.flag("vmstate") ?? false, now: call.context.now)))
            },
            ApiRoute("DELETE", guest + "/snapshot/{snapname}", ["force"]) { call in
                let name = try Values.snapshotName(call.path["snapname"] ?? "")
                return .task(try call.context.runWorker(GuestOperations.deleteSnapshot(try call.vmid(), kind, node: call.node, name: name)))
            },
            ApiRoute("POST", guest + "/snapshot/{snapname}/rollback", ["start"]) { call in
                let name = try Values.snapshotName(call.path["snapname"] ?? "")
                return .task(try call.context.runWorker(GuestOperations.rollback(
                    try call.vmid(), kind, node: call.node, name: name, start: try call.options.flag("start") ?? false)))
            },
        ]
        if kind == .qemu {
            // POST config is the asynchronous variant (a qmconfig task); containers have only PUT.
            routes.append(ApiRoute("POST", guest + "/config", nil) { call in
                let vmid = try call.vmid()
                let change = configChange(call.options)
                let node = call.node
                return .task(try call.context.runWorker { cluster throws(CLIFailure) in
                    _ = try GuestOperations.locate(cluster, vmid, kind, on: node)
                    return Worker(type: "qmconfig", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                        try GuestOperations.applyConfig(change, vmid, kind, node: node, cluster: &cluster)
                        return []
                    }
                })
            })
        }
        for action in GuestOperations.PowerAction.allCases where action.exists(for: kind) {
            routes.append(ApiRoute("POST", guest + "/status/\(action.rawValue)", ["skiplock", "timeout", "forceStop", "keepActive", "overrule-shutdown", "todisk", "nocheck", "statestorage"]) { call in
                .task(try call.context.runWorker(GuestOperations.power(action, try call.vmid(), kind, node: call.node, now: call.context.now)))
            })
        }
        return routes
    }

    static func configChange(_ options: OptionList) -> GuestOperations.ConfigChange {
        GuestOperations.ConfigChange(
            set: options.remaining(excluding: ["delete", "digest", "revert", "skiplock", "force"]),
            delete: options.list("delete"), digest: options.value("digest"))
    }

    static let storageRoutes: [ApiRoute] = [
        ApiRoute("GET", "nodes/{node}/storage", ["content", "enabled", "format", "storage", "target"]) { call in
            let content = call.options.value("content")
            let only = call.options.value("storage")
            return .data(try call.store.read { cluster in
                .array(cluster.storages.filter { storage in
                    storage.isAvailable(on: call.node) && (content.map(storage.content.contains) ?? true)
                        && (only.map { $0 == storage.id } ?? true)
                }.map { ApiViews.storage($0, node: call.node) })
            })
        },
        ApiRoute("GET", "nodes/{node}/storage/{storage}/content", ["content", "vmid"]) { call in
            let content = call.options.value("content")
            let vmid = try call.options.value("vmid").map { text throws(CLIFailure) in try Values.vmid(text) }
            let id = call.path["storage"] ?? ""
            return .data(try call.store.read { cluster -> JSONValue in
                guard let storage = cluster.storages.first(where: { $0.id == id }), storage.isAvailable(on: call.node) else {
                    throw CLIFailure.die("storage '\(id)' does not exist")
                }
                return .array(storage.volumes(on: call.node).filter { volume in
                    (content.map { $0 == volume.content } ?? true) && (vmid.map { $0 == volume.vmid } ?? true)
                }.sorted { $0.volid < $1.volid }.map(ApiViews.volume))
            })
        },
    ]

    static let taskRoutes: [ApiRoute] = [
        ApiRoute("GET", "nodes/{node}/tasks", ["errors", "limit", "since", "source", "start", "statusfilter", "typefilter", "until", "userfilter", "vmid"]) { call in
            let limit = try call.options.value("limit").map { text throws(CLIFailure) in try Values.integer(text, field: "limit") } ?? 50
            let vmid = call.options.value("vmid")
            let source = call.options.value("source") ?? "archive"
            return .data(try call.store.read { cluster in
                .array(cluster.tasks.reversed().filter { task in
                    task.upid.node == call.node && (vmid.map { $0 == task.upid.id } ?? true)
                        && (source == "all" || (source == "active") == (task.status == "running"))
                }.prefix(limit).map(ApiViews.taskListEntry))
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

    /// The task named in the path; PVE refuses malformed UPIDs and unknown ones alike.
    static func task(_ call: ApiCall) throws -> SimulatedTask {
        let text = call.path["upid"] ?? ""
        guard let upid = try? UPID(parsing: text) else { throw ConfigSchema.fieldError("upid", "unable to parse worker upid '\(text)'") }
        guard let task = try call.store.read({ cluster in cluster.tasks.first { $0.upid == upid } }), upid.node == call.node else {
            throw CLIFailure.die("no such task")
        }
        return task
    }
}
