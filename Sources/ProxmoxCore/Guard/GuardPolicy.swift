import Foundation

/// The host's own limits for the guarded key, narrower than anything the server asks: an optional
/// JSON file (`/etc/mcp-proxmox-admin/guard.json`), read afresh for every command.
///
///     {"readOnly": false, "vmids": ["100-199", "205"], "forbid": ["delete", "restore"],
///      "exec": ["df", "uptime"], "apiWrites": false, "log": "/var/log/mcp-proxmox-guard.log"}
public struct GuardPolicy: Codable, Sendable, Equatable {
    /// Only commands that change nothing.
    public var readOnly: Bool?
    /// Guest ids (`205`) and ranges (`100-199`) the key may name; absent: any.
    public var vmids: [String]?
    /// Resource pools whose guests the key may name too (read from `userConfig` for every command).
    public var pools: [String]?
    /// Where the cluster keeps its pools; default `/etc/pve/user.cfg`.
    public var userConfig: String?
    /// Kinds of change refused: `delete`, `restore` (backup restore, snapshot rollback), `migrate`,
    /// `exec`, `apiWrites`, `create` (new guests and clones), `config`.
    public var forbid: [String]?
    /// Programs that may run inside guests (`qm guest exec`, `pct exec`); absent or empty: none.
    public var exec: [String]?
    /// Raw API writes (POST, PUT, DELETE of endpoints no tool builds): off unless true.
    public var apiWrites: Bool?
    /// Options that make the host run a script (`vzdump --script`, `hookscript` of a guest's
    /// config): off unless true.
    public var hostScripts: Bool?
    /// A file that also receives one line per refusal (besides syslog).
    public var log: String?

    public static let defaultPath = "/etc/mcp-proxmox-admin/guard.json"
    public static let kinds = ["delete", "restore", "migrate", "exec", "apiWrites", "create", "config"]

    public init(readOnly: Bool? = nil, vmids: [String]? = nil, pools: [String]? = nil, userConfig: String? = nil, forbid: [String]? = nil,
                exec: [String]? = nil, apiWrites: Bool? = nil, hostScripts: Bool? = nil, log: String? = nil) {
        self.pools = pools
        self.userConfig = userConfig
        self.hostScripts = hostScripts
        self.readOnly = readOnly
        self.vmids = vmids
        self.forbid = forbid
        self.exec = exec
        self.apiWrites = apiWrites
        self.log = log
    }

    /// The policy at `path`; no file is the default policy. A file that cannot be read or is not
    /// valid refuses everything (fail closed).
    public static func load(_ path: String) throws(GuardRefusal) -> GuardPolicy {
        guard FileManager.default.fileExists(atPath: path) else { return GuardPolicy() }
        guard let data = FileManager.default.contents(atPath: path) else { throw GuardRefusal("the host policy \(path) cannot be read") }
        let policy: GuardPolicy
        do { policy = try JSONDecoder().decode(GuardPolicy.self, from: data) } catch {
            throw GuardRefusal("the host policy \(path) is not valid JSON of the guard's keys")
        }
        if let unknown = policy.forbid?.first(where: { !kinds.contains($0) }) {
            throw GuardRefusal("the host policy \(path) forbids '\(unknown.prefix(20))', not one of \(kinds.joined(separator: ", "))")
        }
        if let bad = policy.vmids?.first(where: { range($0) == nil }) {
            throw GuardRefusal("the host policy \(path) has '\(bad.prefix(20))' in vmids, not an id or a range like 100-199")
        }
        return policy
    }

    static func range(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 1, let one = parts[0] { return one...one }
        if parts.count == 2, let low = parts[0], let high = parts[1], low <= high { return low...high }
        return nil
    }

    /// Why this policy refuses a checked command, or nil.
    func refusal(_ command: GuardedCommand) -> String? {
        if readOnly == true && !command.isReadOnly { return "the host policy allows this key only commands that change nothing" }
        if let kind = command.kind, forbid?.contains(kind) == true { return "the host policy forbids \(kind) for this key" }
        if command.kind == "exec" {
            let allowed = exec ?? []
            guard let program = command.guestProgram.first else { return "no program to run" }
            if !allowed.contains(program) {
                return allowed.isEmpty ? "the host policy allows no program inside guests (exec)"
                    : "\(program.prefix(40)) is not among the programs the host policy allows inside guests (\(allowed.joined(separator: ", ")))"
            }
            let base = program.split(separator: "/").last.map(String.init) ?? program
            if GuestProgram.launchers.contains(base.lowercased()) { return "\(base) runs other programs or a shell" }
        }
        if command.kind == "apiWrites" && apiWrites != true { return "raw API writes are off for this key (apiWrites in the host policy)" }
        if let option = command.hostScriptOption, hostScripts != true {
            return "--\(option) makes the host run a script, which is off for this key (hostScripts in the host policy)"
        }
        if vmids != nil || pools != nil {
            let members = pools.map { Self.poolMembers($0, userConfig: userConfig ?? "/etc/pve/user.cfg") } ?? []
            let ranges = vmids ?? []
            if let outside = command.vmids.first(where: { id in !members.contains(id) && !ranges.contains { Self.range($0)?.contains(id) == true } }) {
                let allowed = ranges + (pools ?? []).map { "pool \($0)" }
                return "guest \(outside) is outside the guests the host policy allows (\(allowed.joined(separator: ", ")))"
            }
        }
        return nil
    }

    /// The guests of these pools, from the cluster's `user.cfg` (`pool:NAME:COMMENT:VMIDS:STORAGES:`).
    /// An unreadable file gives none: the ids stay refused.
    static func poolMembers(_ pools: [String], userConfig: String) -> Set<Int> {
        guard let text = try? String(contentsOfFile: userConfig, encoding: .utf8) else { return [] }
        var members = Set<Int>()
        for line in text.split(separator: "\n") where line.hasPrefix("pool:") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count > 3, pools.contains(String(fields[1])) else { continue }
            members.formUnion(fields[3].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        }
        return members
    }
}
