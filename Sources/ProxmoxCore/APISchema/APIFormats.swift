import Foundation

/// The named formats of the Proxmox VE schema that this server checks, after PVE's own
/// definitions (PVE::JSONSchema and the modules that register formats). A format not listed here
/// (property strings, calendar events, ...) is checked only by type, length, pattern and the
/// control-character rule, and Proxmox checks the rest. `NAME-list` is a list of NAME separated
/// by commas, semicolons or spaces.
enum APIFormats {
    struct Rule: Sendable {
        let meaning: String
        let accepts: @Sendable (String) -> Bool
    }

    /// Format name → what it is, and its regular expression (whole value).
    static let table: [String: (meaning: String, regex: String)] = [
        "pve-node": ("a node name", #"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?"#),
        "pve-vmid": ("a guest id (100-999999999)", #"[1-9][0-9]{2,8}"#),
        "pve-storage-id": ("a storage id", #"[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]"#),
        "pve-configid": ("an id (a letter, then letters, digits, - or _)", #"[a-zA-Z][a-zA-Z0-9_\-]+"#),
        "pve-poolid": ("a pool id", #"[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+){0,2}"#),
        "pve-groupid": ("a group id", #"[A-Za-z0-9.\-_]+"#),
        "pve-roleid": ("a role id", #"[A-Za-z0-9.\-_]+"#),
        "pve-realm": ("a realm", #"[A-Za-z][A-Za-z0-9.\-_]+"#),
        "pve-userid": ("a user id (user@realm)", #"[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+"#),
        "pve-iface": ("a network interface name", #"[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?"#),
        "pve-ha-resource-or-vm-id": ("an HA resource (vm:100, ct:200 or 100)", #"((vm|ct):)?[1-9][0-9]{2,8}"#),
        "pve-replication-job-id": ("a replication job id (100-0)", #"[1-9][0-9]{2,8}-\d{1,9}"#),
        "pve-sdn-zone-id": ("an SDN zone id", #"[a-z][a-z0-9]*[a-z0-9]"#),
        "pve-sdn-vnet-id": ("an SDN vnet id", #"[a-z][a-z0-9]*[a-z0-9]"#),
        "pve-sdn-controller-id": ("an SDN controller id", #"[a-z][a-z0-9_\-]*[a-z0-9]"#),
        "pve-sdn-ipam-id": ("an SDN IPAM id", #"[a-z][a-z0-9_\-]*[a-z0-9]"#),
        "pve-sdn-dns-id": ("an SDN DNS id", #"[a-z][a-z0-9_\-]*[a-z0-9]"#),
        "pve-sdn-fabric-id": ("an SDN fabric id", #"[a-zA-Z0-9][a-zA-Z0-9_\-]*"#),
        "pve-sdn-subnet-id": ("an SDN subnet id", #"[a-z][a-z0-9]*-[0-9a-fA-F:.]+-\d+"#),
        "pve-volume-id": ("a volume id (storage:volume)", #"[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]:.+"#),
        "mac-addr": ("a MAC address", #"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}"#),
        "dns-name": ("a DNS name", #"([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?"#),
        "email": ("an e-mail address", #"[^\s@]+@[^\s@]+"#),
    ]

    /// The rule of a format, or nil for one that is not checked here.
    static func rule(_ format: String) -> Rule? {
        switch format {
        case "ip": return Rule(meaning: "an IP address") { isIP($0, v4: true, v6: true) }
        case "ipv4": return Rule(meaning: "an IPv4 address") { isIP($0, v4: true, v6: false) }
        case "ipv6": return Rule(meaning: "an IPv6 address") { isIP($0, v4: false, v6: true) }
        case "CIDR", "IPorCIDR", "IPorCIDRorAlias":
            let alias = format == "IPorCIDRorAlias"
            return Rule(meaning: format == "CIDR" ? "an address/prefix" : "an address or address/prefix\(alias ? " or an alias" : "")") {
                isCIDR($0, bare: format != "CIDR") || (alias && matches($0, pattern: #"[A-Za-z][A-Za-z0-9\-_]+"#))
            }
        default: break
        }
        if let entry = table[format] {
            return Rule(meaning: entry.meaning) { matches($0, pattern: entry.regex) }
        }
        if format.hasSuffix("-list"), let item = rule(String(format.dropLast(5))) {
            return Rule(meaning: "a list of \(item.meaning)s") { text in
                let items = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " })
                return !items.isEmpty && items.allSatisfy { item.accepts(String($0)) }
            }
        }
        return nil
    }

    /// The whole value matches the schema's pattern (Perl's `(?^:...)` read as a plain group).
    static func matches(_ text: String, pattern: String) -> Bool {
        let plain = pattern.replacingOccurrences(of: "(?^:", with: "(?:").replacingOccurrences(of: "(?^i:", with: "(?i:")
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(plain))$") else { return true }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A value that may stand in a path segment: the characters of ids and names only.
    static func pathSafe(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && text.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:@=+,!".unicodeScalars.contains($0))
        }
    }

    static func isIP(_ text: String, v4: Bool, v6: Bool) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return (v4 && inet_pton(AF_INET, text, &buffer) == 1) || (v6 && inet_pton(AF_INET6, text, &buffer) == 1)
    }

    static func isCIDR(_ text: String, bare: Bool) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let address = parts.first.map(String.init) else { return false }
        if parts.count == 1 { return bare && isIP(address, v4: true, v6: true) }
        guard parts.count == 2, let prefix = Int(parts[1]) else { return false }
        if isIP(address, v4: true, v6: false) { return (0...32).contains(prefix) }
        return isIP(address, v4: false, v6: true) && (0...128).contains(prefix)
    }
}
