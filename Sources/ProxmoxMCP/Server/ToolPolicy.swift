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
        if definition.needsApiWrites && !environment.allowApiWrites {
            throw .refused("\(definition.name) is off: an operator must set allowApiWrites (--allow-api-writes, PROXMOX_ALLOW_API_WRITES or \"allowApiWrites\" in the config file); nothing ran")
        }
        if definition.needsGuestExec && environment.guestExec.isEmpty {
            throw .refused("\(definition.name) is off: an operator must list the programs it may run in guestExec (--guest-exec, PROXMOX_GUEST_EXEC or \"guestExec\" in the config file, e.g. df,uptime,systemctl); nothing ran")
        }
        if environment.readOnly && !definition.isReadOnly {
            let scope = environment.cluster.map { "cluster '\($0)' is read-only (readOnly)" } ?? "the server runs read-only (readOnly)"
            throw .refused("\(definition.name) is not available: \(scope), only tools that change nothing are offered; nothing ran")
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

/// The policy settings for a raw API write, which only its path and parameters can tell apart:
/// safe mode refuses every DELETE and the creation of guests; protected guests may not be named.
enum APIPolicy {
    /// Creating endpoints safe mode refuses: new guests, clones, restores.
    static let creating = ["/nodes/{node}/qemu", "/nodes/{node}/lxc", "/nodes/{node}/qemu/{vmid}/clone", "/nodes/{node}/lxc/{vmid}/clone"]

    static func check(_ request: APIRequest, _ environment: ToolEnvironment) throws(ProxmoxError) {
        if environment.safeMode && (request.method == "DELETE" || (request.method == "POST" && creating.contains(request.endpoint.path))) {
            throw .refused("\(request.method) \(request.endpoint.path) is refused: the server runs in safe mode (no create, clone or delete); nothing ran")
        }
        let named = [request.vmid?.value].compactMap { $0 } + guestIDs(in: request.options)
        if let vmid = named.first(where: environment.protectedVMIDs.contains) {
            throw .refused("\(request.method) \(request.path) refused: guest \(vmid) is protected (protectedVmids); nothing ran")
        }
    }

    /// Guest ids named by options that take them (`--vmid 100`, `--newid`, `--sid vm:100`, `--vmid 100,101`).
    static func guestIDs(in options: [String]) -> [Int] {
        var ids: [Int] = []
        for (index, option) in options.enumerated() where ["--vmid", "--newid", "--sid", "--vms"].contains(option) && index + 1 < options.count {
            let value = options[index + 1]
            ids += value.split(whereSeparator: { ",; :".contains($0) }).compactMap { Int($0) }
        }
        return ids
    }
}
