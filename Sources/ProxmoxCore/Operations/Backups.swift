/// Backups: vzdump archives of guests, their listing, deletion and restore.

/// How vzdump takes a backup, and where it goes.
public struct BackupSpec: Hashable, Sendable {
    /// Storage with content type `backup` (a directory, NFS, CIFS or Proxmox Backup Server storage).
    public var storage: StorageID
    /// `snapshot` (no downtime), `suspend` or `stop`.
    public var mode: String
    /// `zstd`, `lzo`, `gzip` or `0`; nil: the storage's or vzdump's default (ignored by PBS).
    public var compress: String?
    /// Notes of the archive; `{{guestname}}`, `{{vmid}}`, `{{node}}`, `{{cluster}}` are filled in.
    public var notesTemplate: FreeText?
    /// Mark the archive protected (never pruned or deleted until unprotected).
    public var protected: Bool

    public init(storage: StorageID, mode: String, compress: String?, notesTemplate: FreeText?, protected: Bool) {
        self.storage = storage
        self.mode = mode
        self.compress = compress
        self.notesTemplate = notesTemplate
        self.protected = protected
    }

    var options: [String] {
        typealias F = CommandForm
        return F.option("storage", storage) + F.option("mode", mode) + F.option("compress", compress)
            + F.option("notes-template", notesTemplate) + F.flag("protected", protected)
    }
}

/// One vzdump job on one node: `vzdump 100 101 --storage S ...` / `POST /nodes/{node}/vzdump`.
/// vzdump backs up guests of the node it runs on only, so guests of several nodes are one job per node.
public struct BackupCreate: ChangeOperation {
    public var node: NodeName
    /// The guests, all on `node`, in the order given.
    public var guests: [GuestRef]
    public var spec: BackupSpec
    public init(node: NodeName, guests: [GuestRef], spec: BackupSpec) {
        self.node = node
        self.guests = guests
        self.spec = spec
    }

    var ids: [String] { guests.map(\.vmid.description) }

    public var apiCommand: Command {
        CommandForm.pvesh("create", "/nodes/\(node)/vzdump", ["--vmid", ids.joined(separator: ",")] + spec.options)
    }
    public var cliCommand: Command? { Command(["vzdump"] + ids + spec.options, isReadOnly: false) }
    // pvesh reaches every node by path (and prints the UPID), so a job on another node needs no
    // direct connection to it.
    public var autoFamily: CommandFamily { .api }
    /// vzdump runs on the guests' node; the first one routes it there.
    public var guest: GuestRef? { guests.first }
    public var effect: ChangeEffect { .task }
    /// A job of one guest carries its id; a job of several carries none.
    public var runningTask: ActiveTasks? {
        ActiveTasks(node: node, vmid: guests.count == 1 ? guests[0].vmid : nil, type: "vzdump")
    }
}

/// Backup archives of one storage on one node, optionally of one guest only.
public struct BackupList: ReadOperation {
    public var node: NodeName
    public var storage: StorageID
    public var vmid: VMID?
    public init(node: NodeName, storage: StorageID, vmid: VMID?) {
        self.node = node
        self.storage = storage
        self.vmid = vmid
    }
    public var apiCommand: Command { StorageContent(node: node, storage: storage, content: "backup", vmid: vmid).apiCommand }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [BackupArchive] {
        try BackupArchive.parseList(try Self.document(output), node: node.value)
    }
}

/// The storages of a node that hold backups (content type `backup`, enabled).
public struct BackupStorages: ReadOperation {
    public var node: NodeName
    public init(node: NodeName) { self.node = node }
    public var apiCommand: Command {
        CommandForm.pvesh("get", "/nodes/\(node)/storage", ["--content", "backup", "--enabled", "1"])
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [StorageSummary] {
        try StorageSummary.parseNodeList(try Self.document(output), node: node.value)
    }
}

/// Deletes one archive (`DELETE /nodes/{node}/storage/{storage}/content/{volume}`, an `imgdel` task).
public struct BackupDelete: ChangeOperation {
    public var node: NodeName
    public var archive: VolumeID
    public init(node: NodeName, archive: VolumeID) {
        self.node = node
        self.archive = archive
    }
    public var apiCommand: Command {
        CommandForm.pvesh("delete", "/nodes/\(node)/storage/\(archive.storage)/content/\(archive)")
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public var effect: ChangeEffect { .task }
}

/// How an archive is restored.
public struct RestoreSpec: Hashable, Sendable {
    public var archive: VolumeID
    /// Storage for the restored disks; nil: the storages the archive's config names.
    public var storage: StorageID?
    /// Overwrite an existing guest of that id.
    public var force: Bool
    /// New MAC addresses (and other unique ids), for a copy that runs beside the original.
    public var unique: Bool

    public init(archive: VolumeID, storage: StorageID?, force: Bool, unique: Bool) {
        self.archive = archive
        self.storage = storage
        self.force = force
        self.unique = unique
    }

    var options: [String] {
        CommandForm.option("storage", storage) + CommandForm.flag("unique", unique) + CommandForm.flag("force", force)
    }
}

/// Restores an archive as guest `target`: `qmrestore ARCHIVE VMID` / `pct restore VMID ARCHIVE`,
/// or `POST /nodes/{node}/qemu --archive` / `POST /nodes/{node}/lxc --ostemplate --restore 1`.
public struct RestoreBackup: ChangeOperation {
    public var target: GuestRef
    public var spec: RestoreSpec
    public init(_ target: GuestRef, _ spec: RestoreSpec) {
        self.target = target
        self.spec = spec
    }

    public var apiCommand: Command {
        let vmid = target.vmid.description
        switch target.kind {
        case .qemu:
            return CommandForm.pvesh("create", "/nodes/\(target.node)/qemu", ["--vmid", vmid, "--archive", spec.archive.value] + spec.options)
        case .lxc:
            return CommandForm.pvesh("create", "/nodes/\(target.node)/lxc",
                                     ["--vmid", vmid, "--ostemplate", spec.archive.value, "--restore", "1"] + spec.options)
        }
    }
    public var cliCommand: Command? {
        switch target.kind {
        case .qemu: Command(["qmrestore", spec.archive.value, target.vmid.description] + spec.options, isReadOnly: false)
        case .lxc: CommandForm.cli(.lxc, "restore", target.vmid, [spec.archive.value] + spec.options)
        }
    }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }
}

extension VolumeID {
    /// The storage part (before the first ':').
    public var storage: String { String(value.prefix { $0 != ":" }) }
}
