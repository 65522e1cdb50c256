import MCP
import ProxmoxCore

/// The safety policy applied to a call before anything runs: read-only mode, safe mode and
/// protected guests. A refused call runs nothing, dry run or not: a dry run would otherwise show
/// commands that the real call can never run.
enum ToolPolicy {
    static func check(_ definition: ToolDefinition, _ arguments: ToolArguments, _ environment: ToolEnvironment) throws(ProxmoxError) {
        if !environment.toolsets.isOn(definition.toolset) {
            let dynamic = environment.toolsets.dynamic ? ", or call proxmox_toolset_enable" : ""
            throw .refused("\(definition.name) is in toolset '\(definition.toolset)', which is off: add it to the toolsets setting (--toolsets, PROXMOX_TOOLSETS or \"toolsets\" in the config file, e.g. core,\(definition.toolset))\(dynamic); nothing ran")
        }
        if environment.readOnly && !definition.isReadOnly {
            throw .refused("\(definition.name) is not available: the server runs read-only (readOnly), only tools that change nothing are offered; nothing ran")
        }
        if environment.safeMode && definition.createsOrDeletes {
            throw .refused("\(definition.name) is disabled: the server runs in safe mode (no create, clone or delete); nothing ran")
        }
        if !environment.protectedVMIDs.isEmpty, definition.changes(arguments), definition.protection.appliesTo(arguments),
           let vmid = try arguments.vmid("vmid"), environment.protectedVMIDs.contains(vmid.value) {
            throw .refused("\(definition.name) refused: guest \(vmid) is protected (protectedVmids), it is never stopped, rolled back, reconfigured or deleted; nothing ran")
        }
    }
}

extension GuestProtection {
    func appliesTo(_ arguments: ToolArguments) -> Bool {
        switch self {
        case .never: false
        case .always: true
        case let .whenGiven(names): names.contains { arguments.has($0) }
        case let .whenTrue(name): (try? arguments.bool(name)) == true
        }
    }
}

extension ToolDefinition {
    /// Whether this call changes something: not a read-only tool, and (for config) not a read.
    func changes(_ arguments: ToolArguments) -> Bool {
        guard !isReadOnly else { return false }
        if case let .whenGiven(names) = protection { return names.contains { arguments.has($0) } }
        return true
    }
}
