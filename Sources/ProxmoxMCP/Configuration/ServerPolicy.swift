import Foundation
import ProxmoxCore

/// What the server may do and how: the policy settings of a loaded ``Configuration``.
public struct ServerPolicy: Sendable {
    public var safeMode = false
    public var readOnly = false
    public var protectedVMIDs: Set<Int> = []
    public var defaultNode: String?
    public var fallback = true
    public var defaultTransport = TransportPreference.auto
    /// Per-command deadline, and the default longest wait for a task.
    public var timeout = Duration.seconds(60)
    /// Where changing calls are logged, one JSON line each.
    public var auditLog: String?
    /// The `toolsets` setting: toolset ids, `core` or `all`.
    public var toolsets = ["core"]
    public var dynamicToolsets = false
    /// The `confirm` setting.
    public var confirm = ConfirmationPolicy.destructive
    /// The `allowApiWrites` setting: proxmox_api_call is listed and callable.
    public var allowApiWrites = false
    /// The `guestExec` setting: programs the exec tools may run inside guests.
    public var guestExec: [String] = []

    public init() {}

    public init(_ configuration: Configuration) {
        safeMode = configuration.flag("safeMode")
        readOnly = configuration.flag("readOnly")
        protectedVMIDs = Set(configuration.list("protectedVmids").compactMap { Int($0) })
        defaultNode = configuration.text("defaultNode")
        fallback = configuration.flag("fallback")
        defaultTransport = configuration.text("defaultTransport").flatMap { try? TransportPreference(parsing: $0) } ?? .auto
        timeout = .milliseconds(configuration.number("timeout") ?? 60_000)
        auditLog = configuration.path("auditLog")
        toolsets = configuration.list("toolsets").isEmpty ? ["core"] : configuration.list("toolsets")
        dynamicToolsets = configuration.flag("dynamicToolsets")
        confirm = configuration.text("confirm").flatMap(ConfirmationPolicy.init(rawValue:)) ?? .destructive
        allowApiWrites = configuration.flag("allowApiWrites")
        guestExec = configuration.list("guestExec")
    }
}
