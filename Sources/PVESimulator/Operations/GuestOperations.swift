import ProxmoxCore

/// What Proxmox does to guests, written once for qm, pct and pvesh. Each operation checks what
/// Proxmox checks before its worker starts (those failures are plain errors, no task), and does
/// the rest inside the worker (those failures end the task with an error). Messages are the
/// format strings of qemu-server, pve-container and pve-guest-common.
enum GuestOperations {
    // MARK: Finding guests

    /// Where Proxmox keeps a guest's config, relative to /etc/pve.
    static func configPath(_ kind: GuestKind, node: String, vmid: Int) -> String {
        GuestConfigFile.relativePath(kind, node: node, vmid: vmid)
    }

    /// The guest `vmid` of `kind` on `node`, as Proxmox's `load_config` finds it.
    static func locate(_ cluster: SimulatedCluster, _ vmid: Int, _ kind: GuestKind,
                       on node: String) throws(CLIFailure) -> Int {
        guard let index = cluster.guests.firstIndex(where: { $0.vmid == vmid && $0.kind == kind && $0.node == node }) else {
            throw .die("Configuration file '\(configPath(kind, node: node, vmid: vmid))' does not exist")
        }
        return index
    }

    static func checkLock(_ guest: SimulatedGuest) throws(CLIFailure) {
        if let lock = guest.lock { throw .die("\(guest.kind.noun) is locked (\(lock))") }
    }

    /// `check_vmid_unused`: the id must be free cluster-wide.
    static func checkUnused(_ cluster: SimulatedCluster, _ vmid: Int) throws(CLIFailure) {
        if let existing = cluster.guests.first(where: { $0.vmid == vmid }) {
            throw .die("\(existing.kind.noun) \(vmid) already exists")
        }
    }

    // MARK: Power

    /// The power actions, their task types and what they need.
    enum PowerAction: String, CaseIterable {
        case start, stop, shutdown, reboot, reset, suspend, resume

        func taskType(_ kind: GuestKind) -> String { (kind == .qemu ? "qm" : "vz") + rawValue }

        /// `reset` exists for VMs only.
        func exists(for kind: GuestKind) -> Bool { kind == .qemu || self != .reset }
    }

    static func power(_ action: PowerAction, _ vmid: Int, _ kind: GuestKind, node: String,
                      now: Int64) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        guestWorker(action.taskType(kind), vmid, kind, node: node) { guest throws(CLIFailure) in
            let noun = "\(kind.noun) \(vmid)"
            var log: [String] = []
            switch action {
            case .start:
                guard !guest.isRunning else { throw .die("\(noun) already running") }
                guard !guest.isTemplate else { throw .die("you can't start a vm if it's a template") }
                if kind == .qemu, guest.config.keys.contains(where: { $0.hasPrefix("ipconfig") }) {
                    log.append("generating cloud-init ISO")
                }
                guest.status = "running"
                guest.stats = GuestStats(cpu: 0.0125, mem: guest.maxmem / 4, disk: 0, netin: 0, netout: 0,
                                         diskread: 0, diskwrite: 0, uptime: 0, pid: 2000 + vmid % 50_000)
            case .stop, .shutdown:
                guard guest.isRunning else { throw .die("\(noun) not running") }
                guest.status = "stopped"
                guest.stats = .idle
            case .reboot, .reset:
                guard guest.isRunning else { throw .die("\(noun) not running") }
                guest.status = "running"
                guest.stats.uptime = 0
            case .suspend:
                guard guest.isRunning else { throw .die("\(noun) not running") }
                guest.status = "paused"
                guest.stats.cpu = 0
            case .resume:
                guard guest.isRunning else { throw .die("\(noun) not running") }
                guest.status = "running"
            }
            return log
        }
    }

    /// A worker that changes one guest. Before the worker: its config must exist. Inside: it is
    /// found again, its lock checked, changed, and written back.
    static func guestWorker(_ type: String, _ vmid: Int, _ kind: GuestKind, node: String,
                            _ change: @escaping (inout SimulatedGuest) throws(CLIFailure) -> [String])
        -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            _ = try locate(cluster, vmid, kind, on: node)
            return Worker(type: type, id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let index = try locate(cluster, vmid, kind, on: node)
                var guest = cluster.guests[index]
                try checkLock(guest)
                let log = try change(&guest)
                cluster.guests[index] = guest
                return log
            }
        }
    }

    // MARK: Destroy

    static func destroy(_ vmid: Int, _ kind: GuestKind, node: String, purge: Bool,
                        unreferencedDisks: Bool) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let guest = cluster.guests[try locate(cluster, vmid, kind, on: node)]
            try checkLock(guest)
            if guest.isRunning { throw .die("\(kind.noun) \(vmid) is running - destroy failed") }
            if guest.config["protection"] == "1" {
                throw .die("can't remove \(kind.noun) \(vmid) - protection mode enabled")
            }
            return Worker(type: kind == .qemu ? "qmdestroy" : "vzdestroy", id: String(vmid), node: node, vmid: vmid) { cluster throws(CLIFailure) in
                let index = try locate(cluster, vmid, kind, on: node)
                let guest = cluster.guests.remove(at: index)
                let referenced = Set(guest.diskKeys.compactMap { guest.config[$0]?.split(separator: ",").first.map(String.init) })
                cluster.releaseDisks(ofGuest: vmid, unreferencedToo: unreferencedDisks, referenced: referenced)
                var log = referenced.sorted().map { volume in
                    "  Logical volume \"\(volume.split(separator: ":").last ?? "")\" successfully removed."
                }
                if purge { log.append("purging VM \(vmid) from related configurations..") }
                return log
            }
        }
    }

    // MARK: Config

    /// A config change as `qm set` / `pvesh set|create .../config` make it.
    struct ConfigChange {
        var set: [(key: String, value: String)] = []
        var delete: [String] = []
        var digest: String?
    }

    /// Validates and applies a change. Used directly (PUT: synchronous) and inside a worker (POST).
    static func applyConfig(_ change: ConfigChange, _ vmid: Int, _ kind: GuestKind, node: String,
                            cluster: inout SimulatedCluster) throws(CLIFailure) {
        let index = try locate(cluster, vmid, kind, on: node)
        var guest = cluster.guests[index]
        try checkLock(guest)
        if let digest = change.digest, digest != guest.digest {
            throw .die("detected modified configuration - file changed by other user? Try again.")
        }
        var (normalised, fieldErrors) = ConfigSchema.validate(change.set, kind: kind)
        for key in change.delete where ConfigSchema.type(of: key, kind: kind) == nil {
            fieldErrors.append(("delete", "invalid format - invalid configuration ID '\(key)'"))
        }
        guard fieldErrors.isEmpty else {
            throw .http(400, "Parameter verification failed.", fields: fieldErrors)
        }
        for key in change.delete { guest.config[key] = nil }
        for (key, value) in normalised {
            switch key {
            case _ where key.hasPrefix("net"): guest.config[key] = assignMAC(value, vmid: vmid, kind: kind, replacing: false)
            // Proxmox stores a hash of the cloud-init password, never the password.
            case "cipassword" where !value.hasPrefix("$"): guest.config[key] = "$5$sim$" + SHA1.hex(value)
            default: guest.config[key] = value
            }
        }
        cluster.guests[index] = guest
        cluster.allocateNewDisks(of: index)
    }

    /// Gives a NIC a MAC address, as Proxmox does for a new NIC (`replacing: false` keeps one that
    /// is set) or a clone (`replacing: true`).
    static func assignMAC(_ value: String, vmid: Int, kind: GuestKind, replacing: Bool) -> String {
        var parts = value.split(separator: ",").map(String.init)
        let address = mac(vmid, salt: value.count)
        switch kind {
        case .qemu:
            guard let first = parts.first else { return value }
            let model = first.split(separator: "=", maxSplits: 1)
            if model.count == 1 || replacing { parts[0] = "\(model[0])=\(address)" }
        case .lxc:
            if let index = parts.firstIndex(where: { $0.hasPrefix("hwaddr=") }) {
                if replacing { parts[index] = "hwaddr=\(address)" }
            } else {
                parts.append("hwaddr=\(address)")
            }
        }
        return parts.joined(separator: ",")
    }

    static func mac(_ vmid: Int, salt: Int) -> String {
        let bytes = [vmid >> 8 & 0xFF, vmid & 0xFF, salt & 0xFF]
        return "BC:24:11:" + bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    // MARK: Snapshots

    static func snapshot(_ vmid: Int, _ kind: GuestKind, node: String, name: String, description: String?,
                         vmstate: Bool, now: Int64) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        guestWorker(kind == .qemu ? "qmsnapshot" : "vzsnapshot", vmid, kind, node: node) { guest throws(CLIFailure) in
            if guest.isTemplate { throw .die("you can't take a snapshot if it's a template") }
            if guest.snapshots.contains(where: { $0.name == name }) { throw .die("snapshot name '\(name)' already used") }
            let saveState = vmstate && kind == .qemu && guest.isRunning
            guest.snapshots.append(SimulatedSnapshot(
                name: name, parent: guest.parentSnapshot, description: description ?? "", snaptime: now,
                vmstate: saveState, config: guest.config))
            guest.parentSnapshot = name
            return saveState ? ["saving VM state and RAM using storage 'local-lvm'", "completed saving the VM state in 2s, saved 1.02 GiB"] : []
        }
    }

    static func rollback(_ vmid: Int, _ kind: GuestKind, node: String, name: String,
                         start: Bool) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        guestWorker(kind == .qemu ? "qmrollback" : "vzrollback", vmid, kind, node: node) { guest throws(CLIFailure) in
            guard let snapshot = guest.snapshots.first(where: { $0.name == name }) else {
                throw .die("snapshot '\(name)' does not exist")
            }
            guest.config = snapshot.config
            guest.parentSnapshot = name
            // The guest is stopped for the rollback; a snapshot with RAM state (or `--start`) runs again.
            let running = snapshot.vmstate || start
            guest.status = running ? "running" : "stopped"
            if !running { guest.stats = .idle }
            return []
        }
    }

    static func deleteSnapshot(_ vmid: Int, _ kind: GuestKind, node: String,
                               name: String) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        guestWorker(kind == .qemu ? "qmdelsnapshot" : "vzdelsnapshot", vmid, kind, node: node) { guest throws(CLIFailure) in
            guard let position = guest.snapshots.firstIndex(where: { $0.name == name }) else {
                throw .die("snapshot '\(name)' does not exist")
            }
            let removed = guest.snapshots.remove(at: position)
            for child in guest.snapshots.indices where guest.snapshots[child].parent == name {
                guest.snapshots[child].parent = removed.parent
            }
            if guest.parentSnapshot == name { guest.parentSnapshot = removed.parent }
            return []
        }
    }
}

extension SimulatedCluster {
    /// Turns `storage:size` disk values into allocated volumes (`storage:vm-<id>-disk-<n>,size=<n>G`).
    mutating func allocateNewDisks(of index: Int) {
        var guest = guests[index]
        for key in guest.config.keys.sorted() where SimulatedGuest.isDiskKey(key, kind: guest.kind) {
            guard let value = guest.config[key] else { continue }
            let first = String(value.split(separator: ",")[0])
            let parts = first.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let gib = Int(parts[1]), storages.contains(where: { $0.id == parts[0] }) else { continue }
            let used = Set(storages.flatMap(\.volumes).map(\.volid))
            var number = 0
            while used.contains("\(parts[0]):vm-\(guest.vmid)-disk-\(number)") { number += 1 }
            let rest = value.split(separator: ",").dropFirst().filter { !$0.hasPrefix("size=") }
            guest.config[key] = (["\(parts[0]):vm-\(guest.vmid)-disk-\(number)"] + rest + ["size=\(gib)G"]).joined(separator: ",")
        }
        guests[index] = guest
        allocateDisks(of: guest)
    }
}
