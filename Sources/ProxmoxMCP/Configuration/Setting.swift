import Foundation
import ProxmoxCore

/// What a setting's value must look like. Checking is the kind's job, so that every source
/// (flag, environment, `.env`, config file) is validated the same way.
public enum SettingKind: Sendable, Equatable {
    case text
    /// Shown as `***` everywhere; redacted from recordings.
    case secret
    /// A file path; `~/` is the user's home.
    case path
    case port
    case flag
    /// A whole number within the range, in the unit the meaning names.
    case number(ClosedRange<Int>)
    case choice([String])
    /// A cluster node name (DNS label), optionally as a FQDN.
    case nodeName
    /// Guest ids, comma-separated (an array in the config file).
    case vmids
    /// `node=host` or `node=host:port`, comma-separated (an object in the config file).
    case nodeAddresses
    /// Words from a fixed set, comma-separated (an array in the config file).
    case words([String])
    /// Program names or absolute paths, comma-separated (an array in the config file); no shells.
    case programs
    /// `host` or `host:port`, comma-separated (an array in the config file).
    case addresses
    /// `[user@]host[:port]`, comma-separated (OpenSSH's -J list).
    case jumps
    /// A name of the clusters map: lower-case letters, digits, `-` and `_`, at most 32.
    case clusterName

    /// Why `text` is not a valid value, or nil when it is.
    func problem(with text: String) -> String? {
        switch self {
        case .text, .secret, .path:
            return text.contains("\0") ? "contains a NUL character" : nil
        case .port:
            return Int(text).map { (1...65535).contains($0) } == true ? nil : "is not a TCP port (1-65535)"
        case .flag:
            return SettingKind.flagValue(text) == nil ? "is not true or false" : nil
        case let .number(range):
            return Int(text).map { range.contains($0) } == true ? nil : "is not a whole number from \(range.lowerBound) to \(range.upperBound)"
        case let .choice(choices):
            return choices.contains(text) ? nil : "is not one of \(choices.joined(separator: ", "))"
        case .nodeName:
            let label = String(text.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
            return (try? NodeName(label)) == nil ? "is not a node name" : nil
        case .vmids:
            let bad = SettingKind.items(text).filter { (try? VMID(parsing: $0)) == nil }
            return bad.isEmpty ? nil : "has \(bad.map { "'\($0)'" }.joined(separator: ", ")), not a guest id (100-999999999)"
        case .nodeAddresses:
            let bad = SettingKind.items(text).filter { SettingKind.nodeAddress($0, defaultPort: 22) == nil }
            return bad.isEmpty ? nil : "has \(bad.map { "'\($0)'" }.joined(separator: ", ")), not node=host or node=host:port"
        case .programs:
            let items = SettingKind.items(text)
            let bad = items.filter { item in
                item.count > 255 || item.hasSuffix("/") || (item.contains("/") && !item.hasPrefix("/"))
                    || !item.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._+-/".unicodeScalars.contains($0)) }
            }
            if !bad.isEmpty { return "has \(bad.map { "'\($0.prefix(40))'" }.joined(separator: ", ")), not a program name or absolute path" }
            let launchers = items.filter { GuestProgram.launchers.contains(($0.split(separator: "/").last.map(String.init) ?? $0).lowercased()) }
            return launchers.isEmpty ? nil : "has \(launchers.joined(separator: ", ")), which run other programs or a shell and are never allowed"
        case .addresses:
            let bad = SettingKind.items(text).filter { SettingKind.address($0, defaultPort: 22) == nil }
            return bad.isEmpty ? nil : "has \(bad.map { "'\($0.prefix(60))'" }.joined(separator: ", ")), not host or host:port"
        case .jumps:
            let bad = SettingKind.items(text).filter { SettingKind.jump($0, defaultUser: "root") == nil }
            return bad.isEmpty ? nil : "has \(bad.map { "'\($0.prefix(60))'" }.joined(separator: ", ")), not [user@]host[:port]"
        case .clusterName:
            return SettingKind.isClusterName(text) ? nil : "is not a cluster name (a-z, 0-9, - and _, at most 32, starting with a letter or digit)"
        case let .words(allowed):
            let items = SettingKind.items(text)
            if items.isEmpty { return "names none of \(allowed.joined(separator: ", "))" }
            let bad = items.filter { !allowed.contains($0) }
            return bad.isEmpty ? nil : "has \(bad.map { "'\($0)'" }.joined(separator: ", ")), not one of \(allowed.joined(separator: ", "))"
        }
    }

    static func flagValue(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    /// The comma-separated items of a list value, trimmed, empty ones dropped.
    static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `host` or `host:port` (a bracketed IPv6 `[::1]:22` too).
    public static func address(_ item: String, defaultPort: Int) -> (host: String, port: Int)? {
        var text = Substring(item.trimmingCharacters(in: .whitespaces))
        var host: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            text = text[text.index(after: close)...]
            guard text.isEmpty || text.hasPrefix(":") else { return nil }
            text = text.dropFirst()
        } else {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            text = parts.count == 2 ? parts[1] : ""
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "@" || $0 == "/" }) else { return nil }
        guard let port = text.isEmpty ? defaultPort : Int(text), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// `[user@]host[:port]`, one hop of proxyJump.
    public static func jump(_ item: String, defaultUser: String) -> (user: String, host: String, port: Int)? {
        let parts = item.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let user = parts.count == 2 ? parts[0] : defaultUser
        guard !user.isEmpty, let address = address(parts.last!, defaultPort: 22) else { return nil }
        return (user, address.host, address.port)
    }

    static func isClusterName(_ text: String) -> Bool {
        guard (1...32).contains(text.count), let first = text.unicodeScalars.first,
              first.isASCII && (first.properties.isLowercase || ("0"..."9").contains(first)) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    static func nodeAddress(_ item: String, defaultPort: Int) -> (node: String, host: String, port: Int)? {
        let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let target = parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(target.count), !target[0].isEmpty else { return nil }
        guard let port = target.count == 2 ? Int(target[1]) : defaultPort, (1...65535).contains(port) else { return nil }
        return (parts[0].lowercased(), target[0], port)
    }
}

/// Where a setting may be given.
public enum SettingScope: Sendable {
    /// For the whole server only.
    case global
    /// For the whole server, and for one cluster in its entry of the `clusters` map.
    case cluster
}

/// One configuration option: its key in the config file, from which its environment variable
/// (`PROXMOX_` + upper snake case) and command-line flag (`--` + kebab case) follow.
public struct Setting: Sendable {
    /// The key in the JSON config file, e.g. `sshKeyPath`.
    public let key: String
    /// The default in its text form; nil when unset by default.
    public let defaultValue: String?
    public let kind: SettingKind
    /// One line for docs/configuration.md and `doctor`.
    public let meaning: String
    /// Accepted so that configurations written for HTTPS-API servers load, but not used here.
    public var compatibilityOnly = false
    /// Whether an entry of the config file's `clusters` map may set it too.
    public var scope: SettingScope = .global

    public init(key: String, defaultValue: String?, kind: SettingKind, meaning: String, compatibilityOnly: Bool = false,
                scope: SettingScope = .global) {
        self.key = key
        self.defaultValue = defaultValue
        self.kind = kind
        self.meaning = meaning
        self.compatibilityOnly = compatibilityOnly
        self.scope = scope
    }

    public var isSecret: Bool { kind == .secret }

    /// `PROXMOX_SSH_KEY_PATH` for `sshKeyPath`.
    public var variable: String {
        "PROXMOX_" + words.map { $0.uppercased() }.joined(separator: "_")
    }

    /// `--ssh-key-path` for `sshKeyPath`.
    public var flag: String {
        "--" + words.map { $0.lowercased() }.joined(separator: "-")
    }

    private var words: [String] {
        var words: [String] = []
        for character in key {
            if character.isUppercase || words.isEmpty { words.append(String(character)) } else { words[words.count - 1].append(character) }
        }
        return words
    }
}
