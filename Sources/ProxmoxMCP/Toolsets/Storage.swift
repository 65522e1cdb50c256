import MCP
import ProxmoxCore

/// Storage pools and what they hold: read-only, pvesh only.
enum Storage {
    static let toolset = Toolset(
        id: "storage", summary: "Storage pools, their use, and what they hold (ISOs, templates, backups, disks)", isDefault: true,
        tools: [storageList, storageContent])

    static let contentTypes = ["iso", "vztmpl", "backup", "images", "rootdir", "snippets", "import"]

    static let storageList = ToolDefinition(
        name: "proxmox_storage_list", title: "List storage",
        description: "Storage pools of one node, or of every node: type, content types, shared, used/total bytes. Read-only.",
        arguments: [Shared.filterNode.erased, Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [.list("storage", "Pools, by node then id", StorageSummary.schema, required: true)]
    ) { call in
        let outcome = try await call.engine.read(StorageList(node: try await call.node(Shared.filterNode)), transport: try call.transport())
        let text = outcome.value.isEmpty ? "No storage." : outcome.value.map(\.line).joined(separator: "\n")
        return call.answer(["storage": try Structured.encode(outcome.value)], outcome, text: text)
    }

    static let storage = Argument<StorageID>.storage("storage", "Storage id, e.g. local")
    static let content = Argument<String?>.choice("content", "Only this content type; default all", contentTypes)

    static let storageContent = ToolDefinition(
        name: "proxmox_storage_content", title: "Storage content",
        description: "What a storage holds on a node: ISOs, container templates, backups, disk images; filter by content type. Read-only.",
        arguments: [Shared.scopeNode.erased, storage.erased, content.erased, Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [.string("node", "Node", required: true), .string("storage", "Storage id", required: true),
                                     .list("volumes", "Volumes", StorageVolume.schema, required: true)]
    ) { call in
        let node = try await call.scopeNode()
        let storage = try call[storage]
        let outcome = try await call.engine.read(StorageContent(node: node, storage: storage, content: try call[content]), transport: try call.transport())
        let text = outcome.value.isEmpty ? "Nothing in \(storage) on \(node)." : outcome.value.map(\.line).joined(separator: "\n")
        return call.answer(["node": .string(node.value), "storage": .string(storage.value), "volumes": try Structured.encode(outcome.value)],
                           outcome, text: text)
    }
}
