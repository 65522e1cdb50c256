import MCP

/// Schema pieces shared by many tools, written once.
enum SchemaFragments {
    static let transport: Value = [
        "type": "string",
        "enum": ["ssh", "api", "auto"],
        "description": "ssh = qm/pct as typed by an admin; api = pvesh over SSH; auto (default) = pvesh for reads and power, qm/pct for changes",
    ]

    static let node: Value = [
        "type": "string",
        "pattern": "^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$",
        "maxLength": 63,
        "description": "Cluster node name",
    ]
}
