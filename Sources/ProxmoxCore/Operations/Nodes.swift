/// Nodes and the cluster: all API reads (they have no qm/pct form).

public struct ListNodes: ReadOperation {
    public init() {}
    public var apiCommand: Command { CommandForm.pvesh("get", "/nodes") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [NodeSummary] {
        try NodeSummary.parseList(try Self.document(output))
    }
}

public struct NodeStatus: ReadOperation {
    public var node: NodeName
    public init(_ node: NodeName) { self.node = node }
    public var apiCommand: Command { CommandForm.pvesh("get", "/nodes/\(node)/status") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> NodeStatusReport {
        try NodeStatusReport.parse(try Self.document(output), node: node.value)
    }
}

/// Quorum and membership (`/cluster/status`).
public struct ClusterStatus: ReadOperation {
    public init() {}
    public var apiCommand: Command { CommandForm.pvesh("get", "/cluster/status") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> ClusterStatusReport {
        try ClusterStatusReport.parse(try Self.document(output))
    }
}

