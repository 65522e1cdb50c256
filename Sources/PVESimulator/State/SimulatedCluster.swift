/// The simulator's whole world: a small Proxmox cluster. Plain data, persisted as JSON.
///
/// Everything here is simulated; nothing describes a real host.
public struct SimulatedCluster: Codable, Equatable, Sendable {
    /// Cluster nodes, in the order `pvesh get /nodes` lists them.
    public var nodes: [SimulatedNode]
    /// VMs and containers of all nodes.
    public var guests: [SimulatedGuest]

    public init(nodes: [SimulatedNode], guests: [SimulatedGuest]) {
        self.nodes = nodes
        self.guests = guests
    }

    /// The node `qm`/`pct` act on: `PVE_SIM_NODE` when it names a node, else the first node
    /// (the real tools only act on the node they run on).
    public func localNode(environment: [String: String]) -> SimulatedNode? {
        if let name = environment["PVE_SIM_NODE"], let node = nodes.first(where: { $0.name == name }) {
            return node
        }
        return nodes.first
    }

    /// Whether the node named `name` is online.
    func isOnline(_ name: String) -> Bool {
        nodes.first { $0.name == name }?.online ?? false
    }
}

/// One simulated cluster node.
public struct SimulatedNode: Codable, Equatable, Sendable {
    public var name: String
    public var online: Bool
    public var cpu: Double
    public var maxcpu: Int
    public var mem: Int64
    public var maxmem: Int64
    public var disk: Int64
    public var maxdisk: Int64
    public var uptime: Int64
    public var sslFingerprint: String
}

/// One simulated VM or container.
public struct SimulatedGuest: Codable, Equatable, Sendable {
    public var vmid: Int
    /// `qemu` or `lxc`.
    public var kind: String
    public var node: String
    public var name: String
    /// `running`, `stopped` or `paused`.
    public var status: String
    public var template: Bool
    public var tags: [String]
    public var lock: String?
    public var cpu: Double
    public var maxcpu: Int
    public var mem: Int64
    public var maxmem: Int64
    public var disk: Int64
    public var maxdisk: Int64
    public var uptime: Int64
    public var netin: Int64
    public var netout: Int64
    public var diskread: Int64
    public var diskwrite: Int64
}
