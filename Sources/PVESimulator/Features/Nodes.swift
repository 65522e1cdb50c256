import ProxmoxCore

/// Simulated nodes and cluster: version, nodes, resources, status, next id.
enum Nodes: SimulatedFeature {
    static let routes: [ApiRoute] = [
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

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] { [:] }
}
