/// Guest disks: grow, move to other storage, and turning a guest into a template.

/// `qm disk resize` / `pct resize`, or `PUT .../resize`: grows a disk (Proxmox refuses to shrink).
/// A task since PVE 8 (the API returns its UPID), synchronous before.
public struct DiskResize: ChangeOperation {
    public var target: GuestRef
    public var disk: DiskKey
    public var size: DiskSize
    public init(_ target: GuestRef, disk: DiskKey, size: DiskSize) {
        self.target = target
        self.disk = disk
        self.size = size
    }

    public var apiCommand: Command {
        CommandForm.pvesh("set", target.apiPath + "/resize", ["--disk", disk.value] + CommandForm.option("size", size.value))
    }
    public var cliCommand: Command? {
        target.kind == .qemu
            ? Command(["qm", "disk", "resize", target.vmid.description, disk.value, size.value], isReadOnly: false)
            : CommandForm.cli(.lxc, "resize", target.vmid, [disk.value, size.value])
    }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .taskIfReturned }
}

/// `qm disk move` / `pct move-volume`, or `POST .../move_disk|move_volume`: copies a disk to
/// another storage; the source stays as `unusedN` unless `deleteSource`.
public struct DiskMove: ChangeOperation {
    public var target: GuestRef
    public var disk: DiskKey
    public var storage: StorageID
    public var deleteSource: Bool
    /// VMs only: `raw`, `qcow2` or `vmdk` on file storage; nil keeps the format.
    public var format: String?
    public init(_ target: GuestRef, disk: DiskKey, storage: StorageID, deleteSource: Bool, format: String?) {
        self.target = target
        self.disk = disk
        self.storage = storage
        self.deleteSource = deleteSource
        self.format = format
    }

    public var apiCommand: Command {
        target.kind == .qemu
            ? CommandForm.pvesh("create", target.apiPath + "/move_disk", ["--disk", disk.value, "--storage", storage.value] + options)
            : CommandForm.pvesh("create", target.apiPath + "/move_volume", ["--volume", disk.value, "--storage", storage.value] + options)
    }
    public var cliCommand: Command? {
        target.kind == .qemu
            ? Command(["qm", "disk", "move", target.vmid.description, disk.value, storage.value] + options, isReadOnly: false)
            : CommandForm.cli(.lxc, "move-volume", target.vmid, [disk.value, storage.value] + options)
    }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }

    var options: [String] { CommandForm.flag("delete", deleteSource) + CommandForm.option("format", target.kind == .qemu ? format : nil) }
}

/// `qm template` / `pct template`, or `POST .../template`: the guest becomes a read-only template
/// (its disks become base images); it can then only be cloned. A task for VMs, synchronous for containers.
public struct MakeTemplate: ChangeOperation {
    public var target: GuestRef
    public init(_ target: GuestRef) { self.target = target }

    public var apiCommand: Command { CommandForm.pvesh("create", target.apiPath + "/template") }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "template", target.vmid) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .taskIfReturned }
}
