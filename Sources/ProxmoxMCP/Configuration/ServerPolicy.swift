import Foundation
import ProxmoxCore

/// What the server may do and how, from the environment (layered configuration arrives later):
/// `PROXMOX_SAFE_MODE`, `PROXMOX_DEFAULT_NODE`, `PROXMOX_FALLBACK`, `PROXMOX_DEFAULT_TRANSPORT`, `PROXMOX_TIMEOUT`.
public struct ServerPolicy: Sendable {
    public var safeMode = false
    public var defaultNode: String?
    public var fallback = true
    public var defaultTransport = TransportPreference.auto
    /// Per-command deadline, and the default longest wait for a task.
    public var timeout = Duration.seconds(60)

    public init() {}

    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> ServerPolicy {
        var policy = ServerPolicy()
        var problems: [String] = []
        func flag(_ name: String) -> Bool? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else { return nil }
            switch text {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default:
                problems.append("\(name)='\(text)' is not true or false")
                return nil
            }
        }
        policy.safeMode = flag("PROXMOX_SAFE_MODE") ?? false
        policy.fallback = flag("PROXMOX_FALLBACK") ?? true
        if let node = environment["PROXMOX_DEFAULT_NODE"], !node.isEmpty {
            if (try? NodeName(String(node.split(separator: ".").first ?? ""))) == nil {
                problems.append("PROXMOX_DEFAULT_NODE='\(node)' is not a node name")
            } else {
                policy.defaultNode = node
            }
        }
        if let text = environment["PROXMOX_DEFAULT_TRANSPORT"], !text.isEmpty {
            if let parsed = TransportPreference(rawValue: text) { policy.defaultTransport = parsed } else {
                problems.append("PROXMOX_DEFAULT_TRANSPORT='\(text)' is not one of ssh, api, auto")
            }
        }
        if let text = environment["PROXMOX_TIMEOUT"], !text.isEmpty {
            if let number = Int(text), number > 0 { policy.timeout = .milliseconds(number) } else {
                problems.append("PROXMOX_TIMEOUT='\(text)' is not a positive number of milliseconds")
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return policy
    }
}
