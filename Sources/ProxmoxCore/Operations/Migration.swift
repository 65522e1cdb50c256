/// Moving guests between nodes: what Proxmox says about a move, and the move itself.

/// `GET .../migrate [--target node]`: the preconditions the web UI's migrate dialog shows.
/// Containers have it since PVE 8.3; older hosts answer "no handler", which callers may treat as
/// "nothing reported".
public struct MigrationPreconditions: ReadOperation {
    public var target: GuestRef
    public var to: NodeName?
    public init(_ target: GuestRef, to: NodeName?) {
        self.target = target
        self.to = to
    }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/migrate", CommandForm.option("target", to)) }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> MigrationCheck {
        try MigrationCheck.parse(try Self.document(output))
    }
}

/// How a guest moves. VMs: offline, or online (live) when running; local disks are copied with
/// `withLocalDisks`, to `targetStorage` when given. Containers: offline, or `restart` (shut down,
/// moved, started again on the target; `timeout` seconds for the shutdown).
public struct MigrationMode: Hashable, Sendable {
    public var online: Bool
    public var withLocalDisks: Bool
    public var targetStorage: StorageID?
    public var restart: Bool
    public var shutdownTimeout: Int?
    /// KiB/s; nil: the datacenter's limit.
    public var bandwidthLimit: Int?

    public init(online: Bool = false, withLocalDisks: Bool = false, targetStorage: StorageID? = nil, restart: Bool = false,
                shutdownTimeout: Int? = nil, bandwidthLimit: Int? = nil) {
        self.online = online
        self.withLocalDisks = withLocalDisks
        self.targetStorage = targetStorage
        self.restart = restart
        self.shutdownTimeout = shutdownTimeout
        self.bandwidthLimit = bandwidthLimit
    }
}

/// `qm migrate` / `pct migrate`, or `POST .../migrate`: a task on the source node. pvesh is the
/// auto form: its UPID lets the wait follow the transfer in the task log.
public struct Migrate: ChangeOperation {
    public var target: GuestRef
    public var to: NodeName
    public var mode: MigrationMode
    public init(_ target: GuestRef, to: NodeName, mode: MigrationMode) {
        self.target = target
        self.to = to
        self.mode = mode
    }

    public var apiCommand: Command { CommandForm.pvesh("create", target.apiPath + "/migrate", ["--target", to.value] + options) }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "migrate", target.vmid, [to.value] + options) }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }

    var options: [String] {
        switch target.kind {
        case .qemu:
            CommandForm.flag("online", mode.online) + CommandForm.flag("with-local-disks", mode.withLocalDisks)
                + CommandForm.option("targetstorage", mode.targetStorage) + CommandForm.option("bwlimit", mode.bandwidthLimit)
        case .lxc:
            CommandForm.flag("restart", mode.restart) + CommandForm.option("timeout", mode.restart ? mode.shutdownTimeout : nil)
                + CommandForm.option("target-storage", mode.targetStorage) + CommandForm.option("bwlimit", mode.bandwidthLimit)
        }
    }
}

/// The guests the HA manager looks after (`/cluster/ha/resources`): an evacuation leaves them to it.
public struct HAResourceList: ReadOperation {
    public init() {}
    public var apiCommand: Command { CommandForm.pvesh("get", "/cluster/ha/resources") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }

    /// Guest id → requested HA state (`started`, `stopped`, `ignored`, `disabled`).
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [Int: String] {
        guard let items = try Self.document(output).arrayValue else { throw ParseFailure("expected a JSON array of HA resources") }
        var states: [Int: String] = [:]
        for item in items {
            guard let sid = item["sid"]?.stringValue, let id = sid.split(separator: ":").last.flatMap({ Int($0) }) else { continue }
            states[id] = item["state"]?.stringValue ?? "started"
        }
        return states
    }
}
