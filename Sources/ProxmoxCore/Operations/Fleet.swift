/// Everything `/cluster/resources` lists about nodes and guests, in one remote command: where
/// guests live and which nodes exist (the engine's directory), and the fleet overview's usage
/// figures (one Perl start per cluster instead of one per node).
public struct ClusterResources: ReadOperation {
    public init() {}

    public var apiCommand: Command { CommandForm.pvesh("get", "/cluster/resources") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }

    public struct Value: Sendable, Equatable {
        public var nodes: [NodeSummary]
        public var guests: [GuestSummary]
    }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> Value {
        let document = try Self.document(output)
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of resources") }
        let nodes = try NodeSummary.parseList(.array(entries.filter { $0["type"]?.stringValue == "node" }))
        return Value(nodes: nodes, guests: try GuestSummary.parseList(document))
    }
}

/// One cluster at a glance, from its status, resources and recent tasks.
public struct ClusterOverview: Encodable, Sendable, Equatable {
    /// The Proxmox cluster name (`/cluster/status`); nil on a standalone node.
    public var name: String?
    public var quorate: Bool
    public var nodesTotal: Int
    public var nodesOnline: Int
    /// Names of the nodes that are not online.
    public var nodesOffline: [String]
    public var guestsTotal: Int
    public var guestsRunning: Int
    public var vms: Int
    public var containers: Int
    /// CPU in use over the online nodes, in cores (each node's fraction times its threads).
    public var cpuUsedCores: Double
    public var cpuCores: Int
    public var memoryUsed: Int64
    public var memoryTotal: Int64
    /// Tasks that ended with an error in the last 24 hours (as far as `/cluster/tasks` remembers).
    public var failedTasks24h: Int
    /// The newest of those, at most five.
    public var recentFailures: [TaskEntry]

    public init(status: ClusterStatusReport, resources: ClusterResources.Value, tasks: [TaskEntry], now: Int64) {
        name = status.name
        quorate = status.quorate
        nodesTotal = status.nodes.count
        nodesOnline = status.nodesOnline
        nodesOffline = status.nodes.filter { !$0.online }.map(\.name).sorted()
        let guests = resources.guests.filter { !$0.template }
        guestsTotal = guests.count
        guestsRunning = guests.filter { $0.status == "running" }.count
        vms = guests.filter { $0.type == GuestKind.qemu }.count
        containers = guestsTotal - vms
        let online = resources.nodes.filter { $0.status == "online" }
        var used = 0.0
        var cores = 0
        var memory: (used: Int64, total: Int64) = (0, 0)
        for node in online {
            used += (node.cpu ?? 0) * Double(node.maxcpu ?? 0)
            cores += node.maxcpu ?? 0
            memory.used += node.mem ?? 0
            memory.total += node.maxmem ?? 0
        }
        cpuUsedCores = (used * 100).rounded() / 100
        cpuCores = cores
        memoryUsed = memory.used
        memoryTotal = memory.total
        let failed = tasks.filter { $0.failed && $0.starttime >= now - 86_400 }.sorted { $0.starttime > $1.starttime }
        failedTasks24h = failed.count
        recentFailures = Array(failed.prefix(5))
    }

    public static let schema = ResultSchema.object([
        .string("name", "Proxmox cluster name; absent on a standalone node"),
        .boolean("quorate", "Has quorum", required: true),
        .integer("nodesTotal", "Nodes", required: true),
        .integer("nodesOnline", "Nodes online", required: true),
        .strings("nodesOffline", "Nodes not online", required: true),
        .integer("guestsTotal", "VMs and containers, templates not counted", required: true),
        .integer("guestsRunning", "Guests running", required: true),
        .integer("vms", "VMs, templates not counted", required: true),
        .integer("containers", "Containers, templates not counted", required: true),
        .number("cpuUsedCores", "CPU in use on online nodes, cores", required: true),
        .integer("cpuCores", "CPU threads of online nodes", required: true),
        .integer("memoryUsed", "RAM in use on online nodes, bytes", required: true),
        .integer("memoryTotal", "RAM of online nodes, bytes", required: true),
        .integer("failedTasks24h", "Tasks that failed in the last 24 h", required: true),
        .list("recentFailures", "Newest failed tasks, at most 5", TaskEntry.schema, required: true),
    ])
}
