/// Snapshots of a guest: take, list, roll back, delete.

public struct SnapshotCreate: ChangeOperation {
    public var target: GuestRef
    public var name: SnapshotName
    public var description: FreeText?
    /// VMs only: save RAM state too (`--vmstate 1`).
    public var includeRAM: Bool
    public init(_ target: GuestRef, _ name: SnapshotName, description: FreeText?, includeRAM: Bool) {
        self.target = target
        self.name = name
        self.description = description
        self.includeRAM = includeRAM
    }

    public var apiCommand: Command { CommandForm.pvesh("create", target.apiPath + "/snapshot", ["--snapname", name.value] + options) }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "snapshot", target.vmid, [name.value] + options) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }

    var options: [String] { CommandForm.option("description", description) + CommandForm.flag("vmstate", target.kind == .qemu && includeRAM) }
}

public struct SnapshotList: ReadOperation {
    public var target: GuestRef
    public init(_ target: GuestRef) { self.target = target }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/snapshot") }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "listsnapshot", target.vmid, readOnly: true) }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [SnapshotEntry] {
        family == .cli ? try SnapshotEntry.parseTree(output.stdoutText) : try SnapshotEntry.parseList(try Self.document(output))
    }
}

public struct SnapshotRollback: ChangeOperation {
    public var target: GuestRef
    public var name: SnapshotName
    public var start: Bool
    public init(_ target: GuestRef, _ name: SnapshotName, start: Bool) {
        self.target = target
        self.name = name
        self.start = start
    }

    public var apiCommand: Command { CommandForm.pvesh("create", target.apiPath + "/snapshot/\(name)/rollback", CommandForm.flag("start", start)) }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "rollback", target.vmid, [name.value] + CommandForm.flag("start", start)) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }
}

public struct SnapshotDelete: ChangeOperation {
    public var target: GuestRef
    public var name: SnapshotName
    public init(_ target: GuestRef, _ name: SnapshotName) {
        self.target = target
        self.name = name
    }

    public var apiCommand: Command { CommandForm.pvesh("delete", target.apiPath + "/snapshot/\(name)") }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "delsnapshot", target.vmid, [name.value]) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }
}
