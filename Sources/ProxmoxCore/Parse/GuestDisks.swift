/// A guest's disk as its config names it: `scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G`,
/// `rootfs: local-lvm:vm-200-disk-0,size=8G`, `mp0: tank:subvol-200-disk-1,mp=/data,size=100G`.
public struct GuestDisk: Codable, Hashable, Sendable {
    /// The config key (`scsi0`, `virtio1`, `efidisk0`, `tpmstate0`, `rootfs`, `mp0`, `unused0`).
    public var key: String
    /// The volume (`local-lvm:vm-100-disk-0`), or a host path: a bind mount, a passed-through disk (`/dev/sdb`).
    public var volume: String
    /// The storage id of the volume; nil for a host path.
    public var storage: String?
    /// The size as Proxmox writes it (`32G`, `512M`); nil when the config does not say.
    public var size: String?
    /// The image format where the volume's name shows it (`qcow2`, `raw`, `vmdk` files; `subvol` for a
    /// container's directory volume); nil for block volumes (LVM, ZFS, Ceph), which are raw devices.
    public var format: String? {
        let name = volume.split(separator: "/").last.map(String.init) ?? volume
        for suffix in ["qcow2", "raw", "vmdk"] where name.hasSuffix(".\(suffix)") { return suffix }
        return name.contains("subvol-") ? "subvol" : nil
    }

    /// Its schema, for the config tools' result.
    public static let schema = ResultSchema.object([
        .string("key", "Config key (scsi0, efidisk0, rootfs, mp0, unused0)", required: true),
        .string("volume", "Volume id, or a host path (a container bind mount, a disk passed through to a VM)", required: true),
        .string("storage", "Storage id; none for a host path"),
        .string("size", "Size as configured (32G, 512M)"),
        .string("format", "qcow2, raw, vmdk or subvol where the volume name shows it"),
    ])

    /// The disk as a result value.
    public var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["key": .string(key), "volume": .string(volume)]
        if let storage { fields["storage"] = .string(storage) }
        if let size { fields["size"] = .string(size) }
        if let format { fields["format"] = .string(format) }
        return fields
    }

    public init(key: String, volume: String, storage: String?, size: String?) {
        self.key = key
        self.volume = volume
        self.storage = storage
        self.size = size
    }

    /// Keys whose values are disks: bus + index, EFI and TPM state, a container's root and mount
    /// points, and unused (detached) volumes.
    static func isDiskKey(_ key: String) -> Bool {
        if key == "rootfs" { return true }
        let bus = key.prefix { $0.isLetter }
        let index = key.dropFirst(bus.count)
        return ["scsi", "virtio", "sata", "ide", "efidisk", "tpmstate", "mp", "unused"].contains(bus)
            && !index.isEmpty && index.allSatisfy(\.isNumber)
    }

    /// The disks of a config, in key order; CD-ROM drives and `none` are not disks.
    public static func disks(of config: GuestConfig) -> [GuestDisk] {
        config.options.keys.sorted().compactMap { key -> GuestDisk? in
            guard isDiskKey(key), let value = config.options[key] else { return nil }
            let parts = value.split(separator: ",").map(String.init)
            guard let volume = parts.first, volume != "none", !parts.contains("media=cdrom") else { return nil }
            let size = parts.first { $0.hasPrefix("size=") }.map { String($0.dropFirst(5)) }
            let storage = volume.hasPrefix("/") ? nil : volume.split(separator: ":", maxSplits: 1).first.map(String.init)
            return GuestDisk(key: key, volume: volume, storage: storage, size: size)
        }
    }

    /// `scsi0 local-lvm:vm-100-disk-0 (32G)`.
    public var line: String { "\(key) \(volume)\(size.map { " (\($0))" } ?? "")" }
}
