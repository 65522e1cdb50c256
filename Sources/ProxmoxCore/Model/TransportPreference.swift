/// How a tool call reaches Proxmox.
public enum TransportPreference: String, CaseIterable, Sendable, Codable {
    /// `qm`/`pct` as an administrator types them (also accepted as `ssh`, its earlier name).
    case cli
    /// `pvesh <verb> <path> --output-format json` (the API, run over SSH).
    case api
    /// Per operation: reads, status and power via pvesh; create, delete, snapshots and config via qm/pct.
    case auto

    /// Parses a user-supplied value, naming the field when it is wrong.
    public init(parsing text: String, field: String = "transport") throws(ProxmoxError) {
        if text == "ssh" { self = .cli; return }
        guard let value = Self(rawValue: text) else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(40))' is not one of cli, api, auto (ssh = cli)")
        }
        self = value
    }
}

/// The transport an operation runs with, once `auto` has been resolved; results name it with the
/// same words as the `transport` argument (`cli`, `api`).
/// The concrete command family an operation runs with, once `auto` has been resolved.
public enum CommandFamily: String, Sendable, Codable {
    /// `qm` / `pct`.
    case cli
    /// `pvesh`.
    case api
}
