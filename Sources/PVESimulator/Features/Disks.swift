import ProxmoxCore

/// Simulated disk work: grow a disk (never shrink), move one to other storage, convert a guest to
/// a template. Sizes and volumes change in the config and the storage as Proxmox changes them.
enum Disks: SimulatedFeature {
    static let routes: [ApiRoute] = GuestKind.allCases.flatMap(routes)

    static func routes(_ kind: GuestKind) -> [ApiRoute] {
        let guest = "nodes/{node}/\(kind.apiSegment)/{vmid}"
        return [
            ApiRoute("PUT", guest + "/resize", ["disk", "size", "digest", "skiplock"]) { call in
                .task(try call.context.runWorker(resize(try call.vmid(), kind, node: call.node, disk: call.options.value("disk") ?? "",
                                                        size: call.options.value("size") ?? "")))
            },
            ApiRoute("POST", guest + (kind == .qemu ? "/move_disk" : "/move_volume"),
                     ["disk", "volume", "storage", "delete", "format", "bwlimit", "digest", "target-digest", "target-vmid", "target-disk", "target-volume"]) { call in
                .task(try call.context.runWorker(move(try call.vmid(), kind, node: call.node, disk: call.options.value(kind == .qemu ? "disk" : "volume") ?? "",
                                                      storage: call.options.value("storage") ?? "", delete: try call.options.flag("delete") ?? false)))
            },
            ApiRoute("POST", guest + "/template", kind == .qemu ? ["disk"] : []) { call in
                let outcome = try call.context.runWorker(template(try call.vmid(), kind, node: call.node))
                // A container's template endpoint returns nothing (no task), a VM's its UPID.
                if kind == .lxc {
                    if let error = outcome.error { throw CLIFailure.die(error) }
                    return .data(nil)
                }
                return .task(outcome)
            },
        ]
    }

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        typealias Verb = GuestCLI.Verb
        let resizeVerb = Verb(positional: ["vmid", "disk", "size"], options: ["digest", "skiplock"]) { call in
            .task(try call.context.runWorker(resize(try call.vmid(), call.kind, node: call.node, disk: call.positional["disk"] ?? "",
                                                    size: call.positional["size"] ?? "")))
        }
        let moveVerb = Verb(positional: ["vmid", "disk", "storage"], options: ["delete", "format", "bwlimit", "digest", "target-vmid"]) { call in
            .task(try call.context.runWorker(move(try call.vmid(), call.kind, node: call.node, disk: call.positional["disk"] ?? "",
                                                  storage: call.positional["storage"] ?? "", delete: try call.options.flag("delete") ?? false)))
        }
        let templateVerb = Verb(positional: ["vmid"], options: kind == .qemu ? ["disk"] : []) { call in
            .task(try call.context.runWorker(template(try call.vmid(), call.kind, node: call.node)))
        }
        return kind == .qemu
            ? ["disk resize": resizeVerb, "resize": resizeVerb, "disk move": moveVerb, "move-disk": moveVerb, "template": templateVerb]
            : ["resize": resizeVerb, "move-volume": moveVerb, "template": templateVerb]
    }

    /// `32G`-style text of a byte count, as Proxmox writes `size=`.
    static func sizeText(_ bytes: Int64) -> String {
        for (unit, factor) in [("T", Int64(1_099_511_627_776)), ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024)] where bytes % factor == 0 {
            return "\(bytes / factor)\(unit)"
        }
        return String(bytes)
    }

    static func resize(_ vmid: Int, _ kind: GuestKind, node: String, disk: String, size: String) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: node)]
            guard let value = guest.config[disk], SimulatedGuest.isDiskKey(disk, kind: kind), !value.contains("media=cdrom") else {
                throw ConfigSchema.fieldError("disk", "unable to parse drive options")
            }
            guard let parsed = try? DiskSize(size) else { throw ConfigSchema.fieldError("size", "value does not match the regex pattern") }
            let current = SimulatedGuest.size(of: value) ?? 0
            let wanted = parsed.isIncrement ? current + parsed.bytes : parsed.bytes
            if wanted < current { throw .die("shrinking disks is not supported") }
            if wanted == current { throw .die("disk is already at specified size") }
            try GuestOperations.checkLock(guest)
            return Worker(type: kind == .qemu ? "qmresize" : "resize", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let index = try GuestOperations.locate(cluster, vmid, kind, on: node)
                let text = sizeText(wanted)
                var parts = (cluster.guests[index].config[disk] ?? "").split(separator: ",").map(String.init)
                if let at = parts.firstIndex(where: { $0.hasPrefix("size=") }) { parts[at] = "size=\(text)" } else { parts.append("size=\(text)") }
                cluster.guests[index].config[disk] = parts.joined(separator: ",")
                let volid = parts[0]
                for storage in cluster.storages.indices {
                    for volume in cluster.storages[storage].volumes.indices where cluster.storages[storage].volumes[volume].volid == volid {
                        cluster.storages[storage].volumes[volume].size = wanted
                    }
                }
                return kind == .qemu && cluster.guests[index].isRunning
                    ? ["Image resized.", "  Size of logical volume pve/\(volid.split(separator: ":").last ?? "") changed from \(sizeText(current)) to \(text)."]
                    : ["  Size of logical volume pve/\(volid.split(separator: ":").last ?? "") changed from \(sizeText(current)) to \(text).",
                       "  Logical volume pve/\(volid.split(separator: ":").last ?? "") successfully resized."]
            }
        }
    }

    static func move(_ vmid: Int, _ kind: GuestKind, node: String, disk: String, storage: String, delete: Bool) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: node)]
            guard let value = guest.config[disk], SimulatedGuest.isDiskKey(disk, kind: kind) || disk.hasPrefix("unused") else {
                throw ConfigSchema.fieldError(kind == .qemu ? "disk" : "volume", "unable to parse drive options")
            }
            guard let target = cluster.storages.first(where: { $0.id == storage }), target.isAvailable(on: node) else {
                throw .die("storage '\(storage)' does not exist")
            }
            let content = kind == .qemu ? "images" : "rootdir"
            guard target.content.contains(content) else { throw .die("storage '\(storage)' does not support content-type '\(content)'") }
            let volid = String(value.split(separator: ",")[0])
            if volid.hasPrefix(storage + ":") { throw .die("you can't move to the same storage with same format") }
            if kind == .lxc && guest.isRunning { throw .die("cannot move volumes of a running container") }
            try GuestOperations.checkLock(guest)
            return Worker(type: kind == .qemu ? "qmmove" : "move_volume", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let index = try GuestOperations.locate(cluster, vmid, kind, on: node)
                let existing = cluster.storages.flatMap(\.volumes).map(\.volid)
                var number = 0
                while existing.contains("\(storage):vm-\(vmid)-disk-\(number)") { number += 1 }
                let newVolid = "\(storage):vm-\(vmid)-disk-\(number)"
                var updated = cluster.guests[index]
                updated.config[disk] = value.replacingOccurrences(of: volid, with: newVolid)
                if !delete {
                    var unused = 0
                    while updated.config["unused\(unused)"] != nil { unused += 1 }
                    updated.config["unused\(unused)"] = volid
                } else {
                    cluster.releaseDisks(ofGuest: vmid, unreferencedToo: false, referenced: [volid])
                }
                cluster.guests[index] = updated
                cluster.allocateDisks(of: updated)
                let bytes = SimulatedGuest.size(of: value) ?? 0
                return ["create full clone of drive \(disk) (\(volid))", "transferred \(sizeText(bytes)) of \(sizeText(bytes)) (100.00%)"]
                    + (delete ? ["  Logical volume \"\(volid.split(separator: ":").last ?? "")\" successfully removed."] : [])
            }
        }
    }

    static func template(_ vmid: Int, _ kind: GuestKind, node: String) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, kind, on: node)]
            if guest.isTemplate { throw .die("you can't convert a template to a template") }
            if guest.isRunning { throw .die(kind == .qemu ? "you can't convert a running VM to a template" : "you can't convert a running CT to a template") }
            try GuestOperations.checkLock(guest)
            return Worker(type: kind == .qemu ? "qmtemplate" : "vztemplate", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let index = try GuestOperations.locate(cluster, vmid, kind, on: node)
                var updated = cluster.guests[index]
                var log: [String] = []
                for key in updated.diskKeys {
                    guard let value = updated.config[key] else { continue }
                    let volid = String(value.split(separator: ",")[0])
                    let base = volid.replacingOccurrences(of: ":vm-", with: ":base-")
                    updated.config[key] = value.replacingOccurrences(of: volid, with: base)
                    for storage in cluster.storages.indices {
                        for volume in cluster.storages[storage].volumes.indices where cluster.storages[storage].volumes[volume].volid == volid {
                            cluster.storages[storage].volumes[volume].volid = base
                        }
                    }
                    log.append("  Renamed \"\(volid.split(separator: ":").last ?? "")\" to \"\(base.split(separator: ":").last ?? "")\" in volume group \"pve\"")
                }
                updated.config["template"] = "1"
                cluster.guests[index] = updated
                return log
            }
        }
    }
}
