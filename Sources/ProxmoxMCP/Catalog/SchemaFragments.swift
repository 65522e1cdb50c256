import MCP

/// Schema pieces shared by many tools, written once.
enum SchemaFragments {
    // The arguments most tools share are described once, in the server's instructions
    // (``ProxmoxMCPServer/instructions``), not in each of the 29 schemas.
    static let transport: Value = ["enum": ["ssh", "api", "auto"]]
    /// No pattern here: names are checked, case-insensitively and with FQDN input allowed, against the cluster's nodes.
    static let node: Value = ["type": "string", "maxLength": 255]
    static let vmid: Value = ["type": "integer", "minimum": 100, "maximum": 999_999_999]
    static let newid: Value = ["type": "integer", "minimum": 100, "maximum": 999_999_999, "description": "New guest id; next free id if omitted"]
    static let snapshot: Value = [
        "type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_-]+$", "maxLength": 40, "description": "Snapshot name",
    ]
    static let storage: Value = [
        "type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]$", "description": "Storage id",
    ]
    /// Checked server-side (labels of letters, digits and inner '-', joined by '.').
    static let dnsName: Value = ["type": "string", "maxLength": 255, "description": "DNS name"]
    static let dryRun: Value = ["type": "boolean"]
    static let wait: Value = ["type": "boolean"]
    static let timeout: Value = ["type": "integer", "minimum": 1, "maximum": 86_400]
    static let confirm: Value = ["type": "boolean", "description": "Must be true: irreversible"]
    static let description: Value = ["type": "string", "maxLength": 8192, "description": "Free text"]

    /// Arguments every task-starting tool takes.
    static let taskOptions: [String: Value] = ["transport": transport, "dryRun": dryRun, "wait": wait, "timeout": timeout]
}
