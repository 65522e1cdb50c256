import ProxmoxCore

/// Simulated migration: the preconditions report, and the move of a guest to another node with
/// its task log (the shape of qemu-server's and pve-container's migration logs).
enum Migration: SimulatedFeature {
    static let routes: [ApiRoute] = GuestKind.allCases.flatMap(routes)

    static func routes(_ kind: GuestKind) -> [ApiRoute] {
        let guest = "nodes/{node}/\(kind.apiSegment)/{vmid}"
        let options: Set<String> = kind == .qemu
            ? ["target", "online", "with-local-disks", "targetstorage", "bwlimit", "force", "migration_network", "migration_type", "with-conntrack-state"]
            : ["target", "restart", "timeout", "target-storage", "bwlimit", "online"]
        return [
            ApiRoute("GET", guest + "/migrate", ["target"]) { call in
                let vmid = try call.vmid()
                return .data(try call.store.read { cluster in
                    try preconditions(cluster, cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: call.node)])
                })
            },
            ApiRoute("POST", guest + "/migrate", options) { call in
                guard let target = call.options.value("target") else { throw ConfigSchema.fieldError("target", "property is missing and it is not optional") }
                return .task(try call.context.runWorker(migrate(try call.vmid(), kind, from: call.node, to: target, call.options)))
            },
        ]
    }

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        let options: Set<String> = kind == .qemu
            ? ["online", "with-local-disks", "targetstorage", "bwlimit", "force", "migration_network", "migration_type"]
            : ["restart", "timeout", "target-storage", "bwlimit", "online"]
        return ["migrate": GuestCLI.Verb(positional: ["vmid", "target"], options: options) { call in
            .task(try call.context.runWorker(migrate(try call.vmid(), call.kind, from: call.node, to: call.positional["target"] ?? "", call.options)))
        }]
    }

    /// Disks and CD-ROM images of a guest that live on storage that is not shared.
    static func localVolumes(_ cluster: SimulatedCluster, _ guest: SimulatedGuest) -> [(key: String, volid: String, cdrom: Bool, size: Int64)] {
        guest.config.keys.sorted().compactMap { key in
            guard SimulatedGuest.isDiskKey(key, kind: guest.kind) || key.hasPrefix("unused"), let value = guest.config[key] else { return nil }
            let volid = String(value.split(separator: ",")[0])
            guard let storage = cluster.storages.first(where: { $0.id == volid.split(separator: ":").first.map(String.init) }), !storage.shared else { return nil }
            // A cloud-init drive is rebuilt on the target, not a CD-ROM image that blocks the move.
            return (key, volid, value.contains("media=cdrom") && !volid.contains("cloudinit"), SimulatedGuest.size(of: value) ?? 0)
        }
    }

    /// Storages a guest's volumes use.
    static func storages(of guest: SimulatedGuest) -> Set<String> {
        Set(guest.config.compactMap { key, value -> String? in
            guard SimulatedGuest.isDiskKey(key, kind: guest.kind) || key.hasPrefix("unused") else { return nil }
            let volid = value.split(separator: ",")[0]
            return volid.contains(":") ? String(volid.split(separator: ":")[0]) : nil
        })
    }

    /// Passthrough devices: they tie a VM to its node.
    static func localResources(_ guest: SimulatedGuest) -> [String] {
        guest.config.keys.filter { $0.hasPrefix("hostpci") || ($0.hasPrefix("usb") && !(guest.config[$0]?.hasPrefix("spice") ?? false)) }.sorted()
    }

    static func preconditions(_ cluster: SimulatedCluster, _ guest: SimulatedGuest) throws(CLIFailure) -> JSONValue {
        let needed = storages(of: guest)
        var allowed: [JSONValue] = []
        var blocked: [String: JSONValue] = [:]
        for node in cluster.nodes where node.name != guest.node && node.online {
            let missing = needed.filter { id in !(cluster.storages.first { $0.id == id }?.isAvailable(on: node.name) ?? false) }.sorted()
            if missing.isEmpty { allowed.append(.string(node.name)) } else {
                blocked[node.name] = .object(["unavailable_storages": .array(missing.map { .string($0) })])
            }
        }
        if guest.kind == .lxc {
            var fields: [String: JSONValue] = ["running": .int(guest.isRunning ? 1 : 0), "allowed-nodes": .array(allowed)]
            if !blocked.isEmpty { fields["not-allowed-nodes"] = .object(blocked) }
            return .object(fields)
        }
        let disks = localVolumes(cluster, guest).map { disk -> JSONValue in
            var entry: [String: JSONValue] = ["volid": .string(disk.volid), "cdrom": .int(disk.cdrom ? 1 : 0), "is_unused": .int(disk.key.hasPrefix("unused") ? 1 : 0)]
            if !disk.cdrom { entry["size"] = .int(disk.size) }
            entry["drivename"] = .string(disk.key)
            return .object(entry)
        }
        return .object([
            "running": .int(guest.isRunning ? 1 : 0), "allowed_nodes": .array(allowed), "not_allowed_nodes": .object(blocked),
            "local_disks": .array(disks), "local_resources": .array(localResources(guest).map { .string($0) }),
            "mapped-resources": .array([]), "mapped-resource-info": .object([:]), "has-dbus-vmstate": .int(1),
        ])
    }

    static func migrate(_ vmid: Int, _ kind: GuestKind, from node: String, to target: String,
                        _ options: OptionList) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: node)]
            _ = try Values.node(target)
            if target == node { throw ConfigSchema.fieldError("target", "target is local node.") }
            guard let targetNode = cluster.node(named: target) else { throw .die("no such cluster node '\(target)'") }
            guard targetNode.online else { throw .die("target node '\(target)' is not online") }
            try GuestOperations.checkLock(guest)
            let online = try options.flag("online") ?? false
            let restart = try options.flag("restart") ?? false
            let withLocalDisks = try options.flag("with-local-disks") ?? false
            let targetStorage = options.value(kind == .qemu ? "targetstorage" : "target-storage")
            if kind == .qemu && guest.isRunning && !online { throw .die("can't migrate running VM without --online") }
            if kind == .lxc && guest.isRunning && !restart { throw .die("CT is running - use online migration or restart") }
            if kind == .qemu, let device = localResources(guest).first { throw .die("can't migrate VM which uses local devices: \(device)") }
            let locals = localVolumes(cluster, guest)
            if let cdrom = locals.first(where: \.cdrom) { throw .die("can't migrate local cdrom drive (\(cdrom.key): \(cdrom.volid))") }
            let noun = kind == .qemu ? "VM" : "CT"
            let ip = targetNode.ip
            let gib = Double(guest.maxmem) / 1_073_741_824
            let running = guest.isRunning && kind == .qemu
            var progress = ["starting migration of \(noun) \(vmid) to node '\(target)' (\(ip))"]
            progress += locals.map { "found local disk '\($0.volid)' (attached)" }
            if running {
                progress += ["starting VM \(vmid) on remote node '\(target)'", "start remote tunnel", "starting online/live migration on unix:/run/qemu-server/\(vmid).migrate"]
                progress += (1...4).map { step in
                    String(format: "migration active, transferred %.1f GiB of %.1f GiB VM-state, 112.4 MiB/s", gib * Double(step) / 4, gib)
                }
            } else if kind == .lxc && guest.isRunning {
                progress += ["shutdown CT \(vmid)"]
            }
            progress += locals.map { "copying local disk images: \($0.volid) 100% complete" }
            return Worker(type: kind == .qemu ? "qmigrate" : "vzmigrate", id: String(vmid), node: node, vmid: vmid, running: progress,
                          locks: [(vmid, "migrate")]) { cluster throws(CLIFailure) in
                let index = try GuestOperations.locate(cluster, vmid, kind, on: node)
                if running && !withLocalDisks && !locals.isEmpty {
                    throw .die("can't live migrate attached local disks without with-local-disks option")
                }
                if let targetStorage, cluster.storages.first(where: { $0.id == targetStorage })?.isAvailable(on: target) != true {
                    throw .die("storage '\(targetStorage)' is not available on node '\(target)'")
                }
                var moved = cluster.guests[index]
                moved.node = target
                moved.lock = nil
                for local in locals {
                    guard let value = moved.config[local.key] else { continue }
                    let oldStorage = String(local.volid.split(separator: ":")[0])
                    let newVolid = targetStorage.map { $0 + ":" + local.volid.split(separator: ":", maxSplits: 1)[1] } ?? local.volid
                    moved.config[local.key] = value.replacingOccurrences(of: local.volid, with: newVolid)
                    for storage in cluster.storages.indices where cluster.storages[storage].id == oldStorage {
                        if let volume = cluster.storages[storage].volumes.firstIndex(where: { $0.volid == local.volid && $0.node == node }) {
                            var entry = cluster.storages[storage].volumes.remove(at: volume)
                            entry.volid = newVolid
                            entry.node = target
                            let destination = cluster.storages.firstIndex { $0.id == (targetStorage ?? oldStorage) } ?? storage
                            cluster.storages[destination].volumes.append(entry)
                        }
                    }
                }
                cluster.guests[index] = moved
                var log = progress
                if running {
                    log += [String(format: "migration completed, transferred %.1f GiB VM-state", gib), "migration status: completed"]
                } else if kind == .lxc && guest.isRunning {
                    log += ["start container on target node", "  successfully started CT \(vmid) on '\(target)'"]
                }
                log.append("migration finished successfully (duration 00:00:\(running ? "18" : "04"))")
                return log
            }
        }
    }
}
