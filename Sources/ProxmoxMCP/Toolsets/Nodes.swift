import MCP
import ProxmoxCore

/// Nodes and the cluster: read-only, pvesh only (they have no qm/pct form).
enum Nodes {
    static let toolset = Toolset(
        id: "nodes", summary: "Nodes and the cluster: membership, quorum, CPU, memory, load, versions", isDefault: true,
        tools: [nodeList, nodeStatus, clusterStatus])

    static let nodeList = ToolDefinition(
        name: "proxmox_node_list", title: "List cluster nodes",
        description: "List the cluster's nodes with status, CPU, memory, root disk and uptime. Read-only.",
        arguments: [Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [.list("nodes", "Nodes", NodeSummary.schema, required: true)]
    ) { call in
        let outcome = try await call.engine.read(ListNodes(), transport: try call.transport())
        let text = outcome.value.isEmpty ? "No nodes." : outcome.value.map(\.line).joined(separator: "\n")
        return call.answer(["nodes": try Structured.encode(outcome.value)], outcome, text: text)
    }

    static let nodeStatus = ToolDefinition(
        name: "proxmox_node_status", title: "Node status",
        description: "One node's CPU, memory, swap, root filesystem, uptime, load average, kernel and PVE version. Read-only.",
        arguments: [Shared.scopeNode.erased, Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [Field("status", NodeStatusReport.schema, required: true)]
    ) { call in
        let outcome = try await call.engine.read(NodeStatus(try await call.scopeNode()), transport: try call.transport())
        return call.answer(["status": try Structured.encode(outcome.value)], outcome, text: outcome.value.line)
    }

    static let clusterStatus = ToolDefinition(
        name: "proxmox_cluster_status", title: "Cluster status",
        description: "Quorum, nodes online and each node's PVE version. Read-only.",
        arguments: [Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [Field("cluster", ClusterStatusReport.schema, required: true),
                                     .integer("nodesOnline", "Nodes online", required: true)]
    ) { call in
        let outcome = try await call.engine.clusterStatus(transport: try call.transport())
        return call.answer(["cluster": try Structured.encode(outcome.value), "nodesOnline": .int(outcome.value.nodesOnline)], outcome,
                           text: outcome.value.text)
    }
}
