import ProxmoxCore

/// Figures Proxmox derives from a guest's config, derived here the same way so the config stays
/// the single source of truth.
extension SimulatedGuest {
    /// VM name or container hostname; Proxmox shows `VM <id>` / `CT<id>` when none is set.
    var name: String {
        switch kind {
        case .qemu: config["name"] ?? "VM \(vmid)"
        case .lxc: config["hostname"] ?? "CT\(vmid)"
        }
    }

    var isTemplate: Bool { config["template"] == "1" }
    var isRunning: Bool { status == "running" || status == "paused" }
    var tags: [String] { (config["tags"] ?? "").split(separator: ";").map(String.init) }

    /// Configured memory in bytes (`memory` may be a property string `current=<MiB>` on qemu).
    var maxmem: Int64 {
        let text = config["memory"] ?? (kind == .qemu ? "2048" : "512")
        let value = text.hasPrefix("current=") ? String(text.dropFirst(8).prefix { $0.isNumber }) : text
        return (Int64(value) ?? 0) * 1_048_576
    }

    var maxswap: Int64 { (Int64(config["swap"] ?? "512") ?? 0) * 1_048_576 }

    /// Virtual CPUs: cores × sockets for VMs (`vcpus` when set), cores for containers.
    var maxcpu: Int {
        let cores = Int(config["cores"] ?? "1") ?? 1
        switch kind {
        case .qemu: return Int(config["vcpus"] ?? "") ?? cores * (Int(config["sockets"] ?? "1") ?? 1)
        case .lxc: return cores
        }
    }

    /// Keys that hold disks, in config order.
    var diskKeys: [String] {
        config.keys.filter { Self.isDiskKey($0, kind: kind) && !(config[$0]?.contains("media=cdrom") ?? false) }.sorted()
    }

    /// Size of the boot/root disk in bytes.
    var maxdisk: Int64 {
        let key: String? = kind == .lxc ? "rootfs" : diskKeys.first
        guard let key, let value = config[key] else { return 0 }
        return Self.size(of: value) ?? 0
    }

    static func isDiskKey(_ key: String, kind: GuestKind) -> Bool {
        switch kind {
        case .qemu:
            return ["scsi", "sata", "ide", "virtio"].contains { stem in
                key.hasPrefix(stem) && key.dropFirst(stem.count).allSatisfy(\.isNumber) && key.count > stem.count
            } || key == "efidisk0" || key == "tpmstate0"
        case .lxc:
            return key == "rootfs" || (key.hasPrefix("mp") && key.count > 2 && key.dropFirst(2).allSatisfy(\.isNumber))
        }
    }

    /// `size=32G` of a disk value, in bytes.
    static func size(of value: String) -> Int64? {
        guard let option = value.split(separator: ",").first(where: { $0.hasPrefix("size=") }) else { return nil }
        return bytes(String(option.dropFirst(5)))
    }

    /// `32G`, `512M`, `1T`, or plain GiB as in `local-lvm:32`.
    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        if let unit = text.last, let factor = units[unit], let number = Double(text.dropLast()) {
            return Int64(number * Double(factor))
        }
        return Int64(text).map { $0 * 1_073_741_824 }
    }

    /// The config's digest: the SHA-1 of its file, as Proxmox computes it.
    var digest: String { SHA1.hex(ClusterFileViews.guestConfig(self)) }
}

extension SimulatedCluster {
    /// Adds volume entries for the disks a guest's config references (seeding, create, clone).
    mutating func allocateDisks(of guest: SimulatedGuest) {
        for key in guest.diskKeys {
            guard let value = guest.config[key] else { continue }
            let volid = String(value.split(separator: ",")[0])
            let parts = volid.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let index = storages.firstIndex(where: { $0.id == parts[0] }) else { continue }
            let storage = storages[index]
            guard !storage.volumes.contains(where: { $0.volid == volid }) else { continue }
            storages[index].volumes.append(SimulatedVolume(
                volid: volid, node: storage.shared ? nil : guest.node,
                content: guest.kind == .qemu ? "images" : "rootdir", format: storage.type == "dir" ? "qcow2" : "raw",
                size: SimulatedGuest.size(of: value) ?? 0, ctime: 1_762_000_000, vmid: guest.vmid, notes: nil))
        }
    }

    /// Removes the volumes a guest owns (destroy).
    mutating func releaseDisks(ofGuest vmid: Int, unreferencedToo: Bool, referenced: Set<String>) {
        for index in storages.indices {
            storages[index].volumes.removeAll { volume in
                guard volume.vmid == vmid, volume.content == "images" || volume.content == "rootdir" else { return false }
                return unreferencedToo || referenced.contains(volume.volid)
            }
        }
    }
}
