import ProxmoxCore

/// Simulated snapshots: take, list, roll back, delete.
enum Snapshots: SimulatedFeature {
    static let routes: [ApiRoute] = GuestKind.allCases.flatMap(routes)

    static func routes(_ kind: GuestKind) -> [ApiRoute] {
        let guest = "nodes/{node}/\(kind.apiSegment)/{vmid}"
        return [
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
    }

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        typealias Verb = GuestCLI.Verb
        return [
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
        ]
    }
}
