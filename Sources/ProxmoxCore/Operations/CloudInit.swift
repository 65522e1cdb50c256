import Foundation

/// Cloud-init of VMs: the settings Proxmox turns into the guest's first-boot configuration, the
/// drive regenerated from them, and what the guest will read.

/// What a cloud-init change sets. `password` and `sshKeys` are secrets: they appear in no
/// result, log or record.
public struct CloudInitSettings: Hashable, Sendable {
    public var user: FreeText?
    public var password: String?
    /// Public keys, one OpenSSH line each.
    public var sshKeys: [String]?
    /// Per NIC index (`ipconfig0`...): `ip=dhcp`, `ip=10.0.0.5/24,gw=10.0.0.1`, with optional `ip6=`/`gw6=`.
    public var ipConfigs: [Int: IPConfig]
    public var nameserver: FreeText?
    public var searchdomain: FreeText?

    public init(user: FreeText? = nil, password: String? = nil, sshKeys: [String]? = nil, ipConfigs: [Int: IPConfig] = [:],
                nameserver: FreeText? = nil, searchdomain: FreeText? = nil) {
        self.user = user
        self.password = password
        self.sshKeys = sshKeys
        self.ipConfigs = ipConfigs
        self.nameserver = nameserver
        self.searchdomain = searchdomain
    }

    public var isEmpty: Bool { options.isEmpty }

    /// `--key value` pairs in key order, as `qm set` and `PUT .../config` take them.
    public var options: [(key: String, value: String)] {
        var pairs: [(String, String)] = []
        if let user { pairs.append(("ciuser", user.value)) }
        if let password { pairs.append(("cipassword", password)) }
        for (index, config) in ipConfigs.sorted(by: { $0.key < $1.key }) { pairs.append(("ipconfig\(index)", config.value)) }
        if let nameserver { pairs.append(("nameserver", nameserver.value)) }
        if let searchdomain { pairs.append(("searchdomain", searchdomain.value)) }
        if let sshKeys { pairs.append(("sshkeys", Self.urlEncoded(sshKeys.joined(separator: "\n")))) }
        return pairs
    }

    /// The values that must never be shown: the password, the keys and their encoded form.
    public var secrets: [String] {
        var values = [password].compactMap { $0 }
        if let sshKeys {
            values += sshKeys + [Self.urlEncoded(sshKeys.joined(separator: "\n"))]
            // A key's base64 body alone identifies it too.
            values += sshKeys.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
        }
        return values
    }

    /// Percent-encoding of everything but RFC 3986's unreserved characters: the `sshkeys` format
    /// Proxmox stores (it URI-unescapes the value when it writes the drive).
    static func urlEncoded(_ text: String) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        unreserved.insert(charactersIn: "-_.~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

/// One `ipconfigN` value, validated: `ip=dhcp|CIDR`, `gw=IPv4`, `ip6=auto|dhcp|CIDR`, `gw6=IPv6`.
public struct IPConfig: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ text: String, field: String) throws(ProxmoxError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var seen = Set<String>()
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, seen.insert(pair[0]).inserted else {
                throw .invalidArgument(field: field, reason: "'\(part.prefix(40))' is not key=value (ip, gw, ip6, gw6), e.g. ip=10.0.0.5/24,gw=10.0.0.1 or ip=dhcp")
            }
            let (key, value) = (pair[0], pair[1])
            let valid: Bool
            switch key {
            case "ip": valid = value == "dhcp" || Self.isCIDR(value, v6: false)
            case "gw": valid = Self.isIPv4(value)
            case "ip6": valid = ["auto", "dhcp"].contains(value) || Self.isCIDR(value, v6: true)
            case "gw6": valid = Self.isIPv6(value)
            default:
                throw .invalidArgument(field: field, reason: "'\(key.prefix(20))' is not an ipconfig key (ip, gw, ip6, gw6)")
            }
            guard valid else {
                let expected = ["ip": "dhcp or an IPv4 address with prefix (10.0.0.5/24)", "gw": "an IPv4 address",
                                "ip6": "auto, dhcp or an IPv6 address with prefix", "gw6": "an IPv6 address"][key]!
                throw .invalidArgument(field: field, reason: "\(key)='\(value.prefix(45))' is not \(expected)")
            }
        }
        if seen.contains("gw") && !seen.contains("ip") { throw .invalidArgument(field: field, reason: "gw needs an ip") }
        if seen.contains("gw"), parts.contains("ip=dhcp") { throw .invalidArgument(field: field, reason: "gw makes no sense with ip=dhcp") }
        value = text
    }

    public var description: String { value }

    static func isCIDR(_ text: String, v6: Bool) -> Bool {
        let pair = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pair.count == 2, let prefix = Int(pair[1]), pair[1].allSatisfy(\.isNumber), (0...(v6 ? 128 : 32)).contains(prefix) else { return false }
        return v6 ? isIPv6(String(pair[0])) : isIPv4(String(pair[0]))
    }

    static func isIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { $0.count <= 3 && !$0.isEmpty && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }
    }

    static func isIPv6(_ text: String) -> Bool {
        guard text.count <= 45, text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        let groups = text.components(separatedBy: ":")
        return groups.count <= 8 && text.components(separatedBy: "::").count <= 2 && groups.allSatisfy { $0.count <= 4 || isIPv4($0) }
    }
}

/// `qm set` with the cloud-init options, or `PUT .../config`. With SSH keys only the pvesh form
/// exists: `qm set --sshkeys` reads a file on the host, the API takes the keys themselves.
public struct CloudInitSet: ChangeOperation {
    public var target: GuestRef
    public var settings: CloudInitSettings
    public init(_ target: GuestRef, _ settings: CloudInitSettings) {
        self.target = target
        self.settings = settings
    }

    public var apiCommand: Command { CommandForm.pvesh("set", target.apiPath + "/config", options) }
    public var cliCommand: Command? { settings.sshKeys == nil ? CommandForm.cli(.qemu, "set", target.vmid, options) : nil }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .synchronous }

    var options: [String] { settings.options.flatMap { CommandForm.option($0.key, $0.value) } }
}

/// `qm cloudinit update` / `PUT .../cloudinit`: rebuilds the cloud-init drive from the settings
/// (a running VM reads it at its next boot).
public struct CloudInitRegenerate: ChangeOperation {
    public var target: GuestRef
    public init(_ target: GuestRef) { self.target = target }

    public var apiCommand: Command { CommandForm.pvesh("set", target.apiPath + "/cloudinit") }
    public var cliCommand: Command? { Command(["qm", "cloudinit", "update", target.vmid.description], isReadOnly: false) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .synchronous }
}

/// `qm cloudinit dump VMID user|network|meta` / `GET .../cloudinit/dump --type`: the YAML the guest reads.
public struct CloudInitDump: ReadOperation {
    public enum Part: String, CaseIterable, Sendable { case user, network, meta }
    public var target: GuestRef
    public var part: Part
    public init(_ target: GuestRef, _ part: Part) {
        self.target = target
        self.part = part
    }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/cloudinit/dump", ["--type", part.rawValue]) }
    public var cliCommand: Command? { Command(["qm", "cloudinit", "dump", target.vmid.description, part.rawValue], isReadOnly: true) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }

    /// The YAML text; pvesh prints it as one JSON string.
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> String {
        if family == .cli { return output.stdoutText }
        guard case let .string(text) = try Self.document(output) else { throw ParseFailure("expected a JSON string of YAML") }
        return text
    }

    /// The text with the password hash and the public keys replaced by the redaction marker.
    public static func redacted(_ yaml: String, secrets: [String]) -> String {
        Redaction.redact(Redaction.redactLines(yaml), secrets: secrets)
    }
}
