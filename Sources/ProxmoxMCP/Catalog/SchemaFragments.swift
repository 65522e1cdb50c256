import MCP

/// Schema pieces shared by many tools, written once.
enum SchemaFragments {
    static let transport: Value = [
        "type": "string", "enum": ["ssh", "api", "auto"],
        "description": "ssh = qm/pct as typed by an admin; api = pvesh over SSH; auto (default) = pvesh for reads and power, qm/pct for changes",
    ]
    static let node: Value = [
        "type": "string", "pattern": "^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9-]+)*$", "maxLength": 255,
        "description": "Cluster node; found automatically for existing guests",
    ]
    static let vmid: Value = ["type": "integer", "minimum": 100, "maximum": 999_999_999, "description": "Guest id"]
    static let newid: Value = ["type": "integer", "minimum": 100, "maximum": 999_999_999, "description": "Id for the new guest; the next free id when omitted"]
    static let snapshot: Value = [
        "type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_-]+$", "maxLength": 40, "description": "Snapshot name",
    ]
    static let storage: Value = [
        "type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]$", "description": "Storage id",
    ]
    static let dnsName: Value = [
        "type": "string", "pattern": "^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$",
        "maxLength": 255,
    ]
    static let dryRun: Value = ["type": "boolean", "default": false, "description": "Return the command line(s) without running them"]
    static let wait: Value = ["type": "boolean", "default": true, "description": "Poll the Proxmox task until it ends and report its exit status and log (false: return its UPID without polling; pvesh and qm run the task in the foreground either way)"]
    static let timeout: Value = ["type": "integer", "minimum": 1, "maximum": 86_400, "description": "Longest wait for the task, seconds"]
    static let confirm: Value = ["type": "boolean", "description": "Must be true: deletion is irreversible"]
    static let description: Value = ["type": "string", "maxLength": 8192, "description": "Free-text description"]

    /// Arguments every task-starting tool takes.
    static let taskOptions: [String: Value] = ["transport": transport, "dryRun": dryRun, "wait": wait, "timeout": timeout]
}
