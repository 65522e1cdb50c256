import ProxmoxCore

/// How the simulated state looks through the API: field names, which fields appear when, and
/// value types as a real PVE 8/9 host prints them (samples in Fixtures/samples: nodes, cluster
/// resources and status, status/current, snapshot list, task status and log).
enum ApiViews {
    // MARK: Nodes

    /// An entry of `GET /nodes`. Offline nodes carry no usage figures.
    static func node(_ node: SimulatedNode) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string("node/\(node.name)"), "node": .string(node.name),
            "ssl_fingerprint": .string(node.sslFingerprint), "status": .string(node.online ? "online" : "offline"),
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

    /// `GET /nodes/{node}/status`.
    static func nodeStatus(_ node: SimulatedNode) -> JSONValue {
        let free = node.maxmem - node.mem
        return .object([
            "boot-info": .object(["mode": .string("efi"), "secureboot": .int(0)]),
            "cpu": .double(node.cpu),
            "cpuinfo": .object([
                "cores": .int(Int64(node.maxcpu / 2)), "cpus": .int(Int64(node.maxcpu)), "hvm": .string("1"),
                // Real hosts print the whole /proc/cpuinfo flag list (PVE 8 and 9 samples); a short one here.
                "flags": .string("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl cpuid pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm svm"),
                "mhz": .string("3400.000"), "model": .string(node.cpuModel), "sockets": .int(Int64(node.sockets)),
                "user_hz": .int(100),
            ]),
            "current-kernel": .object([
                "machine": .string("x86_64"), "release": .string(node.kernel), "sysname": .string("Linux"),
                "version": .string("#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)"),
            ]),
            "idle": .int(0),
            "ksm": .object(["shared": .int(0)]),
            "kversion": .string("Linux \(node.kernel) #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)"),
            "loadavg": .array(node.loadavg.map(JSONValue.string)),
            "memory": .object([
                "available": .int(free), "free": .int(free), "total": .int(node.maxmem), "used": .int(node.mem),
            ]),
            "pveversion": .string(node.pveversion),
            "rootfs": .object([
                "avail": .int(node.maxdisk - node.disk), "free": .int(node.maxdisk - node.disk),
                "total": .int(node.maxdisk), "used": .int(node.disk),
            ]),
            "swap": .object([
                "free": .int(node.swapTotal - node.swapUsed), "total": .int(node.swapTotal), "used": .int(node.swapUsed),
            ]),
            "uptime": .int(node.uptime),
            "wait": .double(0.0012),
        ])
    }

    /// `GET /cluster/status`: the cluster entry, then one entry per node; a standalone node has no
    /// cluster entry and node id 0 (corosync knows nothing of it).
    static func clusterStatus(_ cluster: SimulatedCluster, localNode: String) -> JSONValue {
        let online = cluster.nodes.filter(\.online).count
        let standalone = cluster.standalone == true
        var entries: [JSONValue] = standalone ? [] : [.object([
            "id": .string("cluster"), "name": .string(cluster.name), "nodes": .int(Int64(cluster.nodes.count)),
            "quorate": .int(online * 2 > cluster.nodes.count ? 1 : 0), "type": .string("cluster"), "version": .int(7),
        ])]
        for (index, node) in cluster.nodes.enumerated() {
            entries.append(.object([
                "id": .string("node/\(node.name)"), "ip": .string(node.ip), "level": .string(""),
                "local": .int(node.name == localNode ? 1 : 0), "name": .string(node.name),
                "nodeid": .int(standalone ? 0 : Int64(index + 1)), "online": .int(node.online ? 1 : 0), "type": .string("node"),
            ]))
        }
        return .array(entries)
    }

    // MARK: Guests

    /// Usage fields shared by the guest views; a guest of an offline node has none.
    private static func usage(_ guest: SimulatedGuest) -> [String: JSONValue] {
        let stats = guest.isRunning ? guest.stats : .idle
        return [
            "cpu": stats.cpu == 0 ? .int(0) : .double(stats.cpu), "disk": .int(stats.disk),
            "diskread": .int(stats.diskread), "diskwrite": .int(stats.diskwrite),
            "maxdisk": .int(guest.maxdisk), "maxmem": .int(guest.maxmem), "mem": .int(stats.mem),
            "netin": .int(stats.netin), "netout": .int(stats.netout), "uptime": .int(stats.uptime),
        ]
    }

    /// `status` in lists: a paused VM's QEMU process is running.
    private static func processStatus(_ guest: SimulatedGuest) -> String { guest.isRunning ? "running" : "stopped" }

    /// A guest entry of `GET /cluster/resources`.
    static func guestResource(_ guest: SimulatedGuest, nodeOnline: Bool) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string("\(guest.kind.rawValue)/\(guest.vmid)"), "name": .string(guest.name),
            "node": .string(guest.node), "status": .string(nodeOnline ? processStatus(guest) : "unknown"),
            "template": .int(guest.isTemplate ? 1 : 0), "type": .string(guest.kind.rawValue),
            "vmid": .int(Int64(guest.vmid)),
        ]
        if !guest.tags.isEmpty { fields["tags"] = .string(guest.tags.joined(separator: ";")) }
        if let lock = guest.lock { fields["lock"] = .string(lock) }
        if let pool = guest.pool { fields["pool"] = .string(pool) }
        if nodeOnline {
            fields.merge(usage(guest)) { $1 }
            fields["maxcpu"] = .int(Int64(guest.maxcpu))
        }
        return .object(fields)
    }

    /// `GET /cluster/resources [--type vm|storage|node]`: guests, then nodes, then storage.
    static func resources(_ cluster: SimulatedCluster, type: String?) -> JSONValue {
        let guests = cluster.guests.sorted { $0.vmid < $1.vmid }.map {
            guestResource($0, nodeOnline: cluster.isOnline($0.node))
        }
        let nodes = cluster.nodes.map(nodeResource)
        let storage = cluster.nodes.filter(\.online).flatMap { node in
            cluster.storages.filter { $0.isAvailable(on: node.name) }.map { storage -> JSONValue in
                .object([
                    "content": .string(storage.content.joined(separator: ",")), "disk": .int(storage.used(on: node.name)),
                    "id": .string("storage/\(node.name)/\(storage.id)"), "maxdisk": .int(storage.total),
                    "node": .string(node.name), "plugintype": .string(storage.type), "shared": .int(storage.shared ? 1 : 0),
                    "status": .string("available"), "storage": .string(storage.id), "type": .string("storage"),
                ])
            }
        }
        switch type {
        case "vm": return .array(guests)
        case "node": return .array(nodes)
        case "storage": return .array(storage)
        case "sdn": return .array([])
        default: return .array(guests + nodes + storage)
        }
    }

    /// An entry of `GET /nodes/{node}/qemu` or `/lxc`.
    static func guestListEntry(_ guest: SimulatedGuest) -> JSONValue {
        var fields = usage(guest)
        fields["cpus"] = .int(Int64(guest.maxcpu))
        fields["name"] = .string(guest.name)
        fields["status"] = .string(processStatus(guest))
        fields["vmid"] = .int(Int64(guest.vmid))
        if !guest.tags.isEmpty { fields["tags"] = .string(guest.tags.joined(separator: ";")) }
        if let lock = guest.lock { fields["lock"] = .string(lock) }
        if guest.isTemplate { fields["template"] = .int(1) }
        switch guest.kind {
        case .qemu:
            if guest.isRunning { fields["pid"] = .int(Int64(guest.stats.pid)) }
        case .lxc:
            fields["type"] = .string("lxc")
            fields["maxswap"] = .int(guest.maxswap)
            fields["swap"] = .int(0)
        }
        return .object(fields)
    }

    /// `GET .../{vmid}/status/current`.
    static func guestStatus(_ guest: SimulatedGuest) -> JSONValue {
        guard case var .object(fields) = guestListEntry(guest) else { return .null }
        fields["ha"] = .object(["managed": .int(0)])
        switch guest.kind {
        case .qemu:
            fields["qmpstatus"] = .string(guest.status)
            // CPU weight and the balloon floor, as the recorded PVE 8.0 status/current prints them.
            fields["shares"] = .int(Int64(guest.config["shares"] ?? "") ?? 1000)
            if let balloon = guest.config["balloon"].flatMap({ Int64($0) }), balloon > 0 { fields["balloon_min"] = .int(balloon * 1_048_576) }
            if guest.isRunning { fields.merge(runningQemuDetails(guest)) { $1 } }
            if guest.config["agent"]?.hasPrefix("1") == true { fields["agent"] = .int(1) }
        case .lxc:
            if guest.isRunning { fields["pid"] = .int(Int64(guest.stats.pid)) }
        }
        return .object(fields)
    }

    /// What QEMU reports of a running VM (shape of the recorded status/current capture, including
    /// its real JSON booleans inside `blockstat` and `proxmox-support`).
    private static func runningQemuDetails(_ guest: SimulatedGuest) -> [String: JSONValue] {
        let stats = guest.stats
        let free = max(0, guest.maxmem - stats.mem)
        var blockstat: [String: JSONValue] = [:]
        for key in guest.diskKeys {
            blockstat[key] = .object([
                "account_failed": true, "account_invalid": true, "failed_flush_operations": 0, "failed_rd_operations": 0,
                "failed_unmap_operations": 0, "failed_wr_operations": 0, "flush_operations": .int(stats.diskwrite / 65_536),
                "idle_time_ns": 4_427_685_914, "rd_bytes": .int(stats.diskread), "rd_operations": .int(stats.diskread / 4096),
                "timed_stats": .array([]), "wr_bytes": .int(stats.diskwrite), "wr_operations": .int(stats.diskwrite / 4096),
            ])
        }
        return [
            "balloon": .int(guest.maxmem),
            "ballooninfo": .object([
                "actual": .int(guest.maxmem), "free_mem": .int(free), "last_update": .int(1_764_000_000),
                "major_page_faults": 1811, "max_mem": .int(guest.maxmem), "mem_swapped_in": 0, "mem_swapped_out": 0,
                "minor_page_faults": 3_803_793, "total_mem": .int(guest.maxmem - 82_137_088),
            ]),
            "blockstat": .object(blockstat),
            "freemem": .int(free),
            "nics": .object(["tap\(guest.vmid)i0": .object(["netin": .int(stats.netin), "netout": .int(stats.netout)])]),
            "proxmox-support": .object([
                "backup-max-workers": true, "pbs-dirty-bitmap": true, "pbs-dirty-bitmap-migration": true,
                "pbs-dirty-bitmap-savevm": true, "pbs-library-version": "1.5.1 (UNKNOWN)", "pbs-masterkey": true,
                "query-bitmap-info": true,
            ]),
            "running-machine": "pc-i440fx-9.0+pve0",
            "running-qemu": "9.0.2",
        ]
    }

    /// `GET .../{vmid}/config`: typed values plus the digest.
    static func config(_ config: [String: String], kind: GuestKind, digest: String?) -> JSONValue {
        var fields = config.reduce(into: [String: JSONValue]()) { result, entry in
            result[entry.key] = ConfigSchema.json(entry.value, key: entry.key, kind: kind)
        }
        if let digest { fields["digest"] = .string(digest) }
        return .object(fields)
    }

    /// `GET .../{vmid}/snapshot`: the snapshots, then the `current` pseudo-entry.
    static func snapshots(_ guest: SimulatedGuest) -> JSONValue {
        var entries: [JSONValue] = guest.snapshots.map { snapshot in
            var fields: [String: JSONValue] = [
                "description": .string(snapshot.description), "name": .string(snapshot.name),
                "snaptime": .int(snapshot.snaptime),
            ]
            if guest.kind == .qemu { fields["vmstate"] = .int(snapshot.vmstate ? 1 : 0) }
            if let parent = snapshot.parent { fields["parent"] = .string(parent) }
            return .object(fields)
        }
        var current: [String: JSONValue] = [
            "description": .string("You are here!"), "digest": .string(guest.digest), "name": .string("current"),
            "running": .int(guest.isRunning ? 1 : 0),
        ]
        if let parent = guest.parentSnapshot { current["parent"] = .string(parent) }
        entries.append(.object(current))
        return .array(entries)
    }

    // MARK: Storage

    /// An entry of `GET /nodes/{node}/storage`.
    static func storage(_ storage: SimulatedStorage, node: String) -> JSONValue {
        let used = storage.used(on: node)
        return .object([
            "active": .int(1), "avail": .int(storage.total - used), "content": .string(storage.content.joined(separator: ",")),
            "enabled": .int(1), "shared": .int(storage.shared ? 1 : 0), "storage": .string(storage.id),
            "total": .int(storage.total), "type": .string(storage.type), "used": .int(used),
            "used_fraction": .double(Double(used) / Double(max(1, storage.total))),
        ])
    }

    /// An entry of `GET /nodes/{node}/storage/{storage}/content`.
    static func volume(_ volume: SimulatedVolume) -> JSONValue {
        var fields: [String: JSONValue] = [
            "content": .string(volume.content), "ctime": .int(volume.ctime), "format": .string(volume.format),
            "size": .int(volume.size), "volid": .string(volume.volid),
        ]
        if let vmid = volume.vmid { fields["vmid"] = .int(Int64(vmid)) }
        if let notes = volume.notes { fields["notes"] = .string(notes) }
        if volume.content == "backup" {
            if let kind = BackupArchive.kind(ofVolume: volume.volid) { fields["subtype"] = .string(kind.rawValue) }
            if volume.protected == true { fields["protected"] = .int(1) }
            if let state = volume.verification {
                fields["verification"] = .object(["state": .string(state),
                                                  "upid": .string("UPID:pbs:00001A2B:0003C4D5:00000000:\(String(volume.ctime + 3600, radix: 16, uppercase: true)):verificationjob:store1\\x3av\\x2d1:root@pam:")])
            }
        }
        if volume.content == "images" || volume.content == "rootdir" { fields["used"] = .int(volume.size / 4) }
        return .object(fields)
    }

    // MARK: Tasks

    /// `GET /nodes/{node}/tasks/{upid}/status`.
    static func taskStatus(_ task: SimulatedTask) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(task.upid.id), "node": .string(task.upid.node), "pid": .int(Int64(task.upid.pid)),
            "pstart": .int(Int64(task.upid.pstart)), "starttime": .int(Int64(task.upid.starttime)),
            "status": .string(task.status), "type": .string(task.upid.type), "upid": .string(task.upid.description),
            "user": .string(task.upid.user),
        ]
        if let exitstatus = task.exitstatus { fields["exitstatus"] = .string(exitstatus) }
        return .object(fields)
    }

    /// An entry of `GET /nodes/{node}/tasks` (finished tasks carry `endtime` and `status`).
    static func taskListEntry(_ task: SimulatedTask) -> JSONValue {
        guard case var .object(fields) = taskStatus(task) else { return .null }
        fields["exitstatus"] = nil
        if let endtime = task.endtime { fields["endtime"] = .int(endtime) }
        fields["status"] = task.exitstatus.map(JSONValue.string)
        return .object(fields.filter { $0.value != .null })
    }

    /// `GET /nodes/{node}/tasks/{upid}/log` with `start` and `limit`.
    static func taskLog(_ task: SimulatedTask, start: Int, limit: Int) -> JSONValue {
        let slice = task.log.enumerated().dropFirst(start).prefix(limit)
        guard !slice.isEmpty else { return .array([.object(["n": .int(0), "t": .string("no content")])]) }
        return .array(slice.map { .object(["n": .int(Int64($0.offset + 1)), "t": .string($0.element)]) })
    }
}
