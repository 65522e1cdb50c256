import MCP
import ProxmoxCore

/// Nodes, cluster and storage tools: all read-only, all pvesh (they have no qm/pct form).
enum ClusterTools {
    static let readOnly = GuestTools.readOnly
    static let contentTypes = ["iso", "vztmpl", "backup", "images", "rootdir", "snippets", "import"]

    static let all: [ToolDefinition] = [nodeList, nodeStatus, clusterStatus, storageList, storageContent]

    static let nodeList = ToolDefinition(
        name: "proxmox_node_list", title: "List cluster nodes",
        description: "List the cluster's nodes with status, CPU, memory, root disk and uptime. Read-only.",
        properties: ["transport": SchemaFragments.transport], required: [], annotations: readOnly, outputSchema: OutputSchemas.nodes
    ) { arguments, environment in
        let outcome = try await environment.engine.listNodes(transport: try arguments.transport(default: environment.defaultTransport))
        return ToolOutput(text: ResultText.nodes(outcome.value),
                          structured: Structured.read(["nodes": try Structured.encode(outcome.value)], outcome: outcome, environment: environment))
    }

    /// The node a node-scoped call means: its `node`, else the configured default, else the connected node.
    static func node(_ arguments: ToolArguments, _ environment: ToolEnvironment) async throws -> NodeName {
        if let text = try arguments.nodeText() ?? environment.defaultNode { return try await environment.engine.node(named: text) }
        return try await environment.engine.connectedNode()
    }

    static let nodeStatus = ToolDefinition(
        name: "proxmox_node_status", title: "Node status",
        description: "One node's CPU, memory, swap, root filesystem, uptime, load average, kernel and PVE version. Read-only.",
        properties: ["node": SchemaFragments.node, "transport": SchemaFragments.transport], required: [], annotations: readOnly, outputSchema: OutputSchemas.nodeStatus
    ) { arguments, environment in
        let node = try await node(arguments, environment)
        let outcome = try await environment.engine.nodeStatus(node, transport: try arguments.transport(default: environment.defaultTransport))
        let report = outcome.value
        var text = "\(report.node): cpu \(ResultText.percent(report.cpu ?? 0)) of \(report.cpus ?? 0)"
        if let memory = report.memory { text += ", mem \(ResultText.gib(memory.used))/\(ResultText.gib(memory.total)) GiB" }
        if let rootfs = report.rootfs { text += ", root \(ResultText.gib(rootfs.used))/\(ResultText.gib(rootfs.total)) GiB" }
        if let uptime = report.uptime { text += ", up \(ResultText.duration(uptime))" }
        if !report.loadavg.isEmpty { text += ", load \(report.loadavg.map { String($0) }.joined(separator: " "))" }
        if let version = report.pveversion { text += ", \(version)" }
        return ToolOutput(text: text, structured: Structured.read(["status": try Structured.encode(report)], outcome: outcome, environment: environment))
    }

    static let clusterStatus = ToolDefinition(
        name: "proxmox_cluster_status", title: "Cluster status",
        description: "Quorum, nodes online and each node's PVE version. Read-only.",
        properties: ["transport": SchemaFragments.transport], required: [], annotations: readOnly, outputSchema: OutputSchemas.cluster
    ) { arguments, environment in
        let outcome = try await environment.engine.clusterStatus(transport: try arguments.transport(default: environment.defaultTransport))
        let report = outcome.value
        let text = "\(report.name ?? "standalone node"): \(report.quorate ? "quorate" : "NOT QUORATE"), \(report.nodesOnline)/\(report.nodes.count) nodes online\n"
            + report.nodes.map { "\($0.name)  \($0.online ? "online" : "offline")\($0.local ? " (connected)" : "")\($0.pveversion.map { "  \($0)" } ?? "")" }.joined(separator: "\n")
        var fields = ["cluster": try Structured.encode(report)]
        fields["nodesOnline"] = .int(report.nodesOnline)
        return ToolOutput(text: text, structured: Structured.read(fields, outcome: outcome, environment: environment))
    }

    static let storageList = ToolDefinition(
        name: "proxmox_storage_list", title: "List storage",
        description: "Storage pools of one node, or of every node when no node is given: type, content types, shared, used/total bytes. Read-only.",
        properties: ["node": SchemaFragments.node, "transport": SchemaFragments.transport], required: [], annotations: readOnly, outputSchema: OutputSchemas.storage
    ) { arguments, environment in
        let node = try await arguments.nodeText().asyncMap { try await environment.engine.node(named: $0) }
        let outcome = try await environment.engine.storageList(node: node, transport: try arguments.transport(default: environment.defaultTransport))
        let text = outcome.value.isEmpty ? "No storage." : outcome.value.map { pool in
            "\(pool.node)/\(pool.storage)  \(pool.type)  \(pool.content.joined(separator: ","))\(pool.shared ? "  shared" : "")"
                + (pool.total.map { total in "  \(ResultText.gib(pool.used ?? 0))/\(ResultText.gib(total)) GiB" } ?? "")
        }.joined(separator: "\n")
        return ToolOutput(text: text, structured: Structured.read(["storage": try Structured.encode(outcome.value)], outcome: outcome, environment: environment))
    }

    static let storageContent = ToolDefinition(
        name: "proxmox_storage_content", title: "Storage content",
        description: "What a storage holds on a node: ISOs, container templates, backups, disk images; filter by content type. Read-only.",
        properties: ["node": SchemaFragments.node, "storage": SchemaFragments.storage,
                     "content": ["type": "string", "enum": .array(contentTypes.map { .string($0) })], "transport": SchemaFragments.transport],
        required: ["storage"], annotations: readOnly, outputSchema: OutputSchemas.storageContent
    ) { arguments, environment in
        let node = try await node(arguments, environment)
        let storage = try StorageID(try arguments.requiredString("storage"))
        let outcome = try await environment.engine.storageContent(
            node: node, storage: storage, content: try arguments.choice("content", contentTypes),
            transport: try arguments.transport(default: environment.defaultTransport))
        let text = outcome.value.isEmpty ? "Nothing in \(storage) on \(node)." : outcome.value.map { volume in
            "\(volume.volid)  \(volume.content)\(volume.size.map { "  \(ResultText.gib($0)) GiB" } ?? "")\(volume.vmid.map { "  guest \($0)" } ?? "")"
        }.joined(separator: "\n")
        return ToolOutput(text: text, structured: Structured.read(
            ["node": .string(node.value), "storage": .string(storage.value), "volumes": try Structured.encode(outcome.value)],
            outcome: outcome, environment: environment))
    }
}

/// Every tool the server offers, in a stable order. The docs' tool reference is generated from it.
public enum ToolCatalog {
    public static let all: [ToolDefinition] = GuestTools.all(.qemu) + GuestTools.all(.lxc) + ClusterTools.all
}
