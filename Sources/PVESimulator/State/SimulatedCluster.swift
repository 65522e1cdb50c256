import ProxmoxCore

/// The simulator's whole world: a small Proxmox cluster. Plain data, persisted as JSON.
///
/// Everything here is simulated; nothing describes a real host.
public struct SimulatedCluster: Codable, Equatable, Sendable {
    /// Cluster name (`/cluster/status`).
    public var name: String
    /// Cluster nodes, in the order `pvesh get /nodes` lists them.
    public var nodes: [SimulatedNode]
    /// VMs and containers of all nodes.
    public var guests: [SimulatedGuest]
    /// Storage pools.
    public var storages: [SimulatedStorage]
    /// Tasks, oldest first.
    public var tasks: [SimulatedTask]
    /// Faults to inject (tests).
    public var faults: SimulatedFaults
    /// Next worker pid; grows with every task so UPIDs are unique.
    public var nextPid: Int
    /// HA resources (`/cluster/ha/resources`, `/cluster/ha/status/current`); nil: none.
    public var haResources: [SimulatedHAResource]?
    /// Package updates per node (`/nodes/{node}/apt/update`); nil: none.
    public var aptUpdates: [String: [SimulatedPackageUpdate]]?
    /// A single node that was never joined to a cluster: `/cluster/status` then has no `cluster`
    /// entry and the node's id is 0, as on a real standalone host. nil: a cluster.
    public var standalone: Bool? = nil

    public init(name: String, nodes: [SimulatedNode], guests: [SimulatedGuest], storages: [SimulatedStorage],
                tasks: [SimulatedTask] = [], faults: SimulatedFaults = SimulatedFaults(), nextPid: Int = 0x3A1B2) {
        self.name = name
        self.nodes = nodes
        self.guests = guests
        self.storages = storages
        self.tasks = tasks
        self.faults = faults
        self.nextPid = nextPid
    }

    /// The node `qm`/`pct` act on: `PVE_SIM_NODE` when it names a node, else the first node
    /// (the real tools only act on the node they run on).
    public func localNode(environment: [String: String]) -> SimulatedNode? {
        if let name = environment["PVE_SIM_NODE"], let node = nodes.first(where: { $0.name == name }) {
            return node
        }
        return nodes.first
    }

    /// This cluster reduced to its first node, standalone (`PVE_SIM_STANDALONE=1`): the guests of
    /// that node, the storages it sees (local to it), no HA.
    public func standaloneNode() -> SimulatedCluster {
        var single = self
        guard let first = nodes.first else { return single }
        single.nodes = [first]
        single.guests = guests.filter { $0.node == first.name }
        single.storages = storages.filter { $0.isAvailable(on: first.name) }.map { storage in
            var local = storage
            local.nodes = nil
            local.volumes = storage.volumes.filter { $0.node == nil || $0.node == first.name }
            return local
        }
        single.tasks = tasks.filter { $0.upid.node == first.name }
        single.haResources = nil
        single.standalone = true
        return single
    }

    func node(named name: String) -> SimulatedNode? { nodes.first { $0.name == name } }
    func isOnline(_ name: String) -> Bool { node(named: name)?.online ?? false }
    public func guestIndex(_ vmid: Int) -> Int? { guests.firstIndex { $0.vmid == vmid } }
}

/// One simulated cluster node.
public struct SimulatedNode: Codable, Equatable, Sendable {
    public var name: String
    public var online: Bool
    /// Corosync address (`/cluster/status` `ip`). Loopback addresses only: the simulator never
    /// points anything at a real network.
    public var ip: String
    public var cpu: Double
    public var maxcpu: Int
    public var cpuModel: String
    public var sockets: Int
    public var mem: Int64
    public var maxmem: Int64
    public var swapUsed: Int64
    public var swapTotal: Int64
    public var disk: Int64
    public var maxdisk: Int64
    public var uptime: Int64
    public var loadavg: [String]
    public var kernel: String
    public var pveversion: String
    public var sslFingerprint: String
}

/// One simulated VM or container. Its config is the single source of truth for name, memory,
/// cores, disks, tags and the template flag; usage figures live in `stats`.
public struct SimulatedGuest: Codable, Equatable, Sendable {
    public var vmid: Int
    public var kind: GuestKind
    public var node: String
    /// `running`, `stopped` or `paused` (qemu only).
    public var status: String
    public var lock: String?
    /// Config keys and values as `qm config` prints them (values are strings; JSON typing is
    /// applied when rendered, as Proxmox does from its schema).
    public var config: [String: String]
    /// Snapshots, oldest first; `parentSnapshot` is the one `current` descends from.
    public var snapshots: [SimulatedSnapshot]
    public var parentSnapshot: String?
    public var stats: GuestStats
    /// The guest agent is enabled but does not answer (not installed in the guest); nil: it answers.
    public var agentOffline: Bool?
    /// The resource pool it is a member of (`/cluster/resources` `pool`); nil: none.
    public var pool: String?
}

/// Usage figures of a running guest.
public struct GuestStats: Codable, Equatable, Sendable {
    public var cpu: Double
    public var mem: Int64
    public var disk: Int64
    public var netin: Int64
    public var netout: Int64
    public var diskread: Int64
    public var diskwrite: Int64
    public var uptime: Int64
    public var pid: Int

    public static let idle = GuestStats(cpu: 0, mem: 0, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0,
                                        uptime: 0, pid: 0)
}

/// One snapshot of a guest.
public struct SimulatedSnapshot: Codable, Equatable, Sendable {
    public var name: String
    public var parent: String?
    public var description: String
    public var snaptime: Int64
    /// Whether RAM state was saved (qemu only).
    public var vmstate: Bool
    /// The guest's config when the snapshot was taken.
    public var config: [String: String]
}

/// One storage pool, on the nodes listed (all nodes when `nodes` is nil).
public struct SimulatedStorage: Codable, Equatable, Sendable {
    public var id: String
    /// `dir`, `lvmthin`, `zfspool`, `nfs`, ...
    public var type: String
    public var content: [String]
    public var shared: Bool
    public var nodes: [String]?
    public var total: Int64
    /// Space used by things the simulator does not list (file systems are never empty).
    public var baseUsed: Int64
    public var volumes: [SimulatedVolume]

    func isAvailable(on node: String) -> Bool { nodes?.contains(node) ?? true }

    /// Volumes visible from `node`: a shared pool's are everywhere, a local pool's are per node.
    func volumes(on node: String) -> [SimulatedVolume] {
        shared ? volumes : volumes.filter { $0.node == node }
    }

    func used(on node: String) -> Int64 { baseUsed + volumes(on: node).reduce(0) { $0 + $1.size } }
}

/// One volume: an ISO, a container template, a backup or a guest disk.
public struct SimulatedVolume: Codable, Equatable, Sendable {
    public var volid: String
    /// The node holding it, for local storage.
    public var node: String?
    /// `iso`, `vztmpl`, `backup`, `images`, `rootdir`.
    public var content: String
    public var format: String
    public var size: Int64
    public var ctime: Int64
    public var vmid: Int?
    public var notes: String?
    /// Backups: protected from pruning and deletion.
    public var protected: Bool?
    /// Backups on Proxmox Backup Server: the last verification's state (`ok`, `failed`).
    public var verification: String?
    /// Backups: the guest's config as it was backed up (what a restore brings back).
    public var config: [String: String]?
}

/// One task (a Proxmox worker).
public struct SimulatedTask: Codable, Equatable, Sendable {
    public var upid: UPID
    /// `running` or `stopped`.
    public var status: String
    /// `OK`, `WARNINGS: n`, or the error message, once stopped.
    public var exitstatus: String?
    public var endtime: Int64?
    public var log: [String]
}

/// One HA resource: its configuration and the state the HA manager reports for it.
public struct SimulatedHAResource: Codable, Equatable, Sendable {
    /// `vm:100`, `ct:201`.
    public var sid: String
    /// Requested state: started, stopped, ignored, disabled.
    public var state: String
    public var maxRestart: Int
    public var maxRelocate: Int
    public var comment: String?
    /// The CRM's state when it differs from what the guest shows (`error` after failed restarts).
    public var crmState: String?

    public init(sid: String, state: String, maxRestart: Int = 1, maxRelocate: Int = 1, comment: String? = nil, crmState: String? = nil) {
        self.sid = sid
        self.state = state
        self.maxRestart = maxRestart
        self.maxRelocate = maxRelocate
        self.comment = comment
        self.crmState = crmState
    }
}

/// One pending package update, as `apt update` in the web UI lists it.
public struct SimulatedPackageUpdate: Codable, Equatable, Sendable {
    public var package: String
    public var title: String
    public var oldVersion: String
    public var version: String
    public var origin: String
    public var priority: String
    public var section: String

    public init(_ package: String, _ title: String, from oldVersion: String, to version: String, origin: String = "Proxmox",
                priority: String = "optional", section: String = "admin") {
        self.package = package
        self.title = title
        self.oldVersion = oldVersion
        self.version = version
        self.origin = origin
        self.priority = priority
        self.section = section
    }
}
