import ProxmoxCore

/// Simulated guest configuration: read, change (PUT, and POST for VMs).
enum Config: SimulatedFeature {
    static let routes: [ApiRoute] = GuestKind.allCases.flatMap(routes)

    static func routes(_ kind: GuestKind) -> [ApiRoute] {
        let guest = "nodes/{node}/\(kind.apiSegment)/{vmid}"
        var routes: [ApiRoute] = [
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
                let change = Config.configChange(call.options)
                try call.store.modify { cluster in
                    try GuestOperations.applyConfig(change, vmid, kind, node: call.node, cluster: &cluster)
                }
                return .data(nil)
            },
        ]
        if kind == .qemu {
            // POST config is the asynchronous variant (a qmconfig task); containers have only PUT.
            routes.append(ApiRoute("POST", guest + "/config", nil) { call in
                let vmid = try call.vmid()
                let change = Config.configChange(call.options)
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
        return routes
    }

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        typealias Verb = GuestCLI.Verb
        return [
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
                let change = Config.configChange(call.options)
                try call.context.store.modify { cluster in
                    try GuestOperations.applyConfig(change, vmid, call.kind, node: call.node, cluster: &cluster)
                }
                return .text("")
            },
        ]
    }

    static func configChange(_ options: OptionList) -> GuestOperations.ConfigChange {
        GuestOperations.ConfigChange(
            set: options.remaining(excluding: ["delete", "digest", "revert", "skiplock", "force"]),
            delete: options.list("delete"), digest: options.value("digest"))
    }
}
