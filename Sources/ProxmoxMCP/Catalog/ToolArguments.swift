import MCP
import ProxmoxCore

/// A call's arguments, checked against the tool's schema before anything runs: unknown names and
/// wrong types are refused with the field named.
struct ToolArguments: Sendable {
    private let values: [String: Value]

    init(_ values: [String: Value]?, allowed: Set<String>) throws(ProxmoxError) {
        let values = values ?? [:]
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            let accepted = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw .invalidArgument(field: String(unknown.prefix(64)), reason: "unknown argument (accepted: \(accepted))")
        }
        self.values = values
    }

    /// A string argument, or nil when absent or null.
    func string(_ field: String) throws(ProxmoxError) -> String? {
        switch values[field] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        default: throw .invalidArgument(field: field, reason: "expected a string")
        }
    }

    /// The `transport` argument, else the configured default.
    func transport(default fallback: TransportPreference) throws(ProxmoxError) -> TransportPreference {
        guard let text = try string("transport") else { return fallback }
        return try TransportPreference(parsing: text)
    }

    /// An optional node name argument.
    func node(_ field: String = "node") throws(ProxmoxError) -> NodeName? {
        guard let text = try string(field) else { return nil }
        return try NodeName(text, field: field)
    }
}
