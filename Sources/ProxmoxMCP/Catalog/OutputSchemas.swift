import MCP

/// The tools' output schemas: what `structuredContent` of a successful call always holds. Each
/// names only the fields every answer has (as `required`), so the schemas stay small in
/// `tools/list`; answers may carry more (notes, usage figures, `simulated`).
enum OutputSchemas {
    static let string: Value = ["type": "string"]
    static let integer: Value = ["type": "integer"]
    static let boolean: Value = ["type": "boolean"]
    static let anyObject: Value = ["type": "object"]

    static func list(_ item: Value) -> Value { ["type": "array", "items": item] }

    /// An object whose listed properties are all required.
    static func object(_ properties: [String: Value]) -> Value {
        ["type": "object", "required": .array(properties.keys.sorted().map { .string($0) }), "properties": .object(properties)]
    }

    /// How every answer says what ran: `cli` (qm/pct) or `api` (pvesh), and the command lines.
    static let provenance: [String: Value] = ["transport": ["enum": ["api", "cli"]], "commands": ["type": "array"]]

    /// A read: its own fields plus provenance.
    static func read(_ fields: [String: Value]) -> Value {
        object(provenance.merging(fields) { $1 })
    }

    static let guest: Value = object(["vmid": integer, "node": string, "status": string, "type": ["enum": ["qemu", "lxc"]]])

    /// A change: the subject, what ran (or would run, for a dry run), and the task when there was one.
    static let change: Value = object(provenance.merging(["dryRun": boolean]) { $1 })

    static let guestList: Value = read(["vms": list(guest)])
    static let containerList: Value = read(["containers": list(guest)])
    static let snapshots: Value = read(["vmid": integer, "snapshots": list(object(["name": string, "current": boolean]))])
    /// The config tool reads (config, digest) or changes (as ``change``): only the common part is required.
    static let config: Value = read(["vmid": integer, "node": string])
    static let nodes: Value = read(["nodes": list(object(["node": string, "status": string]))])
    static let nodeStatus: Value = read(["status": object(["node": string])])
    static let cluster: Value = read(["cluster": anyObject, "nodesOnline": integer])
    static let storage: Value = read(["storage": list(object(["storage": string, "type": string, "node": string]))])
    static let storageContent: Value = read(["storage": string, "volumes": list(object(["volid": string, "content": string]))])
}
