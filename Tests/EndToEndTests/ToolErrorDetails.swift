import MCP
import ProxmoxMCP

extension CallTool.Result {
    /// The typed details of an error result (`_meta["mcp-proxmox-admin/error"]`); empty for an answer.
    var errorDetails: [String: Value] {
        _meta?[ProxmoxMCPServer.errorMetaKey]?.objectValue ?? [:]
    }
}
