import ProxmoxCore

/// How the simulated state looks through the API: field names, which fields appear when, and
/// value types as a real PVE 8/9 host prints them (samples `pvesh-get-nodes.json`,
/// `pvesh-get-cluster-resources.json`).
enum ApiViews {
    /// An entry of `GET /nodes`. Offline nodes carry no usage figures.
    static func node(_ node: SimulatedNode) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string("node/\(node.name)"),
            "node": .string(node.name),
            "ssl_fingerprint": .string(node.sslFingerprint),
            "status": .string(node.online ? "online" : "offline"),
            "type": .string("node"),
        ]
        if node.online {
            fields["cpu"] = .double(node.cpu)
            fields["disk"] = .int(node.disk)
            fields["level"] = .string("")
            fields["maxcpu"] = .int(Int64(node.maxcpu))
            fields["maxdisk"] = .int(node.maxdisk)
            fields["maxmem"] = .int(node.maxmem)
            fields["mem"] = .int(node.mem)
            fields["uptime"] = .int(node.uptime)
        }
        return .object(fields)
    }

    /// A node entry of `GET /cluster/resources` (no fingerprint, adds `cgroup-mode`).
    static func nodeResource(_ node: SimulatedNode) -> JSONValue {
        guard case var .object(fields) = ApiViews.node(node) else { return .null }
        fields["ssl_fingerprint"] = nil
        if node.online { fields["cgroup-mode"] = .int(2) }
        return .object(fields)
    }

    /// A guest entry of `GET /cluster/resources`. Guests of an offline node are `unknown` and
    /// carry no usage figures, as on a real cluster.
    static func guestResource(_ guest: SimulatedGuest, nodeOnline: Bool) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string("\(guest.kind)/\(guest.vmid)"),
            "name": .string(guest.name),
            "node": .string(guest.node),
            "status": .string(nodeOnline ? guest.status : "unknown"),
            "template": .int(guest.template ? 1 : 0),
            "type": .string(guest.kind),
            "vmid": .int(Int64(guest.vmid)),
        ]
        if !guest.tags.isEmpty { fields["tags"] = .string(guest.tags.joined(separator: ";")) }
        if let lock = guest.lock { fields["lock"] = .string(lock) }
        if nodeOnline {
            fields["cpu"] = guest.cpu == 0 ? .int(0) : .double(guest.cpu)
            fields["disk"] = .int(guest.disk)
            fields["diskread"] = .int(guest.diskread)
            fields["diskwrite"] = .int(guest.diskwrite)
            fields["maxcpu"] = .int(Int64(guest.maxcpu))
            fields["maxdisk"] = .int(guest.maxdisk)
            fields["maxmem"] = .int(guest.maxmem)
            fields["mem"] = .int(guest.mem)
            fields["netin"] = .int(guest.netin)
            fields["netout"] = .int(guest.netout)
            fields["uptime"] = .int(guest.uptime)
        }
        return .object(fields)
    }

    /// `GET /cluster/resources [--type vm|node]`: guests first, then nodes, in API order.
    static func resources(_ cluster: SimulatedCluster, type: String?) throws -> JSONValue {
        let guests = cluster.guests.sorted { $0.vmid < $1.vmid }.map {
            guestResource($0, nodeOnline: cluster.isOnline($0.node))
        }
        let nodes = cluster.nodes.map(nodeResource)
        switch type {
        case nil: return .array(guests + nodes)
        case "vm": return .array(guests)
        case "node": return .array(nodes)
        case "storage", "sdn":
            throw CLIFailure(stderr: "pve-sim (simulated Proxmox): --type \(type!) is not simulated yet\n", exitStatus: 2)
        case let other?:
            throw CLIFailure.http(400, "Parameter verification failed.",
                                  fields: [("type", "value '\(other)' does not have a value in the enumeration 'vm, storage, node, sdn'")])
        }
    }
}
