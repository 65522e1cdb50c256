import ProxmoxCore

/// Creating and cloning guests.
extension GuestOperations {
    /// Options of the create endpoints that are not config keys.
    static let createOnlyOptions: Set<String> = [
        "start", "storage", "pool", "unique", "force", "archive", "bwlimit", "live-restore", "ha-managed",
        "password", "ssh-public-keys", "ostemplate", "ignore-unpack-errors", "restore",
    ]

    static func create(_ vmid: Int, _ kind: GuestKind, node: String, ostemplate: String?,
                       options: [(key: String, value: String)]) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        let given = Dictionary(options.map { ($0.key, $0.value) }) { $1 }
        let truthy: (String?) -> Bool = { ["1", "yes", "on", "true"].contains($0?.lowercased() ?? "") }
        // An archive makes create a restore: `--archive` for VMs, `--restore 1` for containers.
        if let archive = kind == .qemu ? given["archive"] : truthy(given["restore"]) ? ostemplate : nil {
            return BackupOperations.restore(archive, as: vmid, kind, node: node, storage: given["storage"], force: truthy(given["force"]),
                                            unique: truthy(given["unique"]), start: truthy(given["start"]))
        }
        return { cluster throws(CLIFailure) in
            try checkUnused(cluster, vmid)
            let extra = Dictionary(options.filter { createOnlyOptions.contains($0.key) }.map { ($0.key, $0.value) }) { $1 }
            var (values, fieldErrors) = ConfigSchema.validate(options.filter { !createOnlyOptions.contains($0.key) }, kind: kind)
            let config = Dictionary(values.map { ($0.key, $0.value) }) { $1 }
            if let password = extra["password"], password.count < 5 {
                fieldErrors.append(("password", "value must be at least 5 characters long"))
            }
            guard fieldErrors.isEmpty else { throw .http(400, "Parameter verification failed.", fields: fieldErrors) }
            // Referenced ISOs and templates must exist where the guest is created.
            let references = config.values.filter { $0.contains("media=cdrom") }.map { String($0.split(separator: ",")[0]) }
                + (ostemplate.map { [$0] } ?? [])
            for volid in references where volid != "none" && volid != "cdrom" {
                guard cluster.storages.contains(where: { $0.volumes(on: node).contains { $0.volid == volid } }) else {
                    throw .die("volume '\(volid)' does not exist")
                }
            }
            let start = extra["start"].map { ["1", "yes", "on", "true"].contains($0.lowercased()) } ?? false
            return Worker(type: kind == .qemu ? "qmcreate" : "vzcreate", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                try checkUnused(cluster, vmid)
                var config = config
                if kind == .lxc {
                    config["rootfs"] = config["rootfs"] ?? "\(extra["storage"] ?? "local-lvm"):4"
                    config["arch"] = config["arch"] ?? "amd64"
                    config["ostype"] = config["ostype"] ?? ostype(ofTemplate: ostemplate ?? "")
                }
                for key in config.keys where key.hasPrefix("net") {
                    config[key] = assignMAC(config[key]!, vmid: vmid, kind: kind, replacing: false)
                }
                cluster.guests.append(SimulatedGuest(vmid: vmid, kind: kind, node: node, status: "stopped", lock: nil,
                                                     config: config, snapshots: [], parentSnapshot: nil, stats: .idle))
                let index = cluster.guests.count - 1
                cluster.allocateNewDisks(of: index)
                let guest = cluster.guests[index]
                var log = guest.diskKeys.compactMap { key -> String? in
                    guard let volume = guest.config[key]?.split(separator: ",").first?.split(separator: ":").last else { return nil }
                    return "  Logical volume \"\(volume)\" created."
                }
                if kind == .lxc, let template = ostemplate {
                    let file = template.split(separator: "/").last.map(String.init) ?? template
                    log += ["Creating filesystem with 1048576 4k blocks and 262144 inodes",
                            "extracting archive '/var/lib/vz/template/cache/\(file)'",
                            "Total bytes read: 524288000 (500MiB, 250MiB/s)",
                            "Detected container architecture: \(guest.config["arch"] ?? "amd64")",
                            "Creating SSH host key 'ssh_host_ed25519_key' - this may take some time ..."]
                }
                if start {
                    cluster.guests[index].status = "running"
                    cluster.guests[index].stats = GuestStats(cpu: 0.01, mem: guest.maxmem / 4, disk: 0, netin: 0, netout: 0,
                                                             diskread: 0, diskwrite: 0, uptime: 0, pid: 2000 + vmid % 50_000)
                }
                return log
            }
        }
    }

    static func ostype(ofTemplate template: String) -> String {
        for name in ["debian", "ubuntu", "alpine", "centos", "fedora", "archlinux", "opensuse", "gentoo", "devuan", "nixos"]
            where template.contains(name) { return name }
        return "unmanaged"
    }

    /// Options of a clone.
    struct CloneRequest {
        var newid: Int
        var name: String?
        var description: String?
        var full: Bool?
        var target: String?
        var storage: String?
        var snapname: String?
        var pool: String?
    }

    static func clone(_ vmid: Int, _ kind: GuestKind, node: String,
                      _ request: CloneRequest) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let source = cluster.guests[try locate(cluster, vmid, kind, on: node)]
            try checkUnused(cluster, request.newid)
            let full = request.full ?? !source.isTemplate
            if request.storage != nil && !full { throw .die("parameter 'storage' not allowed for linked clones") }
            if let target = request.target {
                guard cluster.node(named: target) != nil else { throw .die("no such cluster node '\(target)'") }
                guard cluster.isOnline(target) else { throw .die("target node '\(target)' is not online") }
                // qemu-server's clone_vm: another node needs the disks on shared storage, or a full copy to a storage named.
                let local = source.diskKeys.contains { key in
                    let id = source.config[key]?.split(separator: ":").first.map(String.init)
                    return !(cluster.storages.first { $0.id == id }?.shared ?? false)
                }
                if target != node && local && request.storage == nil {
                    throw .die("can't clone VM to node '\(target)' (VM uses local storage)")
                }
            }
            if let storage = request.storage, !cluster.storages.contains(where: { $0.id == storage }) {
                throw .die("storage '\(storage)' does not exist")
            }
            if let snapname = request.snapname, !source.snapshots.contains(where: { $0.name == snapname }) {
                throw .die("snapshot '\(snapname)' does not exist")
            }
            return Worker(type: kind == .qemu ? "qmclone" : "vzclone", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let source = cluster.guests[try locate(cluster, vmid, kind, on: node)]
                try checkUnused(cluster, request.newid)
                if !full && !source.isTemplate { throw .die("clone_image only works on base images") }
                var config = request.snapname.flatMap { name in source.snapshots.first { $0.name == name }?.config } ?? source.config
                config["template"] = nil
                let nameKey = kind == .qemu ? "name" : "hostname"
                config[nameKey] = request.name ?? (kind == .qemu ? "Copy-of-VM-\(source.name)" : source.name)
                if let description = request.description { config["description"] = description }
                for key in config.keys where key.hasPrefix("net") {
                    config[key] = assignMAC(config[key]!, vmid: request.newid, kind: kind, replacing: true)
                }
                var log: [String] = []
                var number = 0
                for key in source.diskKeys {
                    guard let value = config[key] else { continue }
                    let parts = value.split(separator: ",").map(String.init)
                    let volid = parts[0]
                    let storage = request.storage ?? String(volid.split(separator: ":")[0])
                    let newVolume = "vm-\(request.newid)-disk-\(number)"
                    number += 1
                    log.append("create \(full ? "full" : "linked") clone of drive \(key) (\(volid))")
                    log.append("  Logical volume \"\(newVolume)\" created.")
                    if full {
                        let gib = Double(SimulatedGuest.size(of: value) ?? 0) / 1_073_741_824
                        let size = "\((gib * 10).rounded() / 10) GiB"
                        log += ["transferred 0.0 B of \(size) (0.00%)", "transferred \(size) of \(size) (100.00%)"]
                    }
                    config[key] = (["\(storage):\(newVolume)"] + parts.dropFirst()).joined(separator: ",")
                }
                let clone = SimulatedGuest(vmid: request.newid, kind: kind, node: request.target ?? node, status: "stopped",
                                           lock: nil, config: config, snapshots: [], parentSnapshot: nil, stats: .idle)
                cluster.guests.append(clone)
                cluster.allocateDisks(of: clone)
                return log
            }
        }
    }
}
