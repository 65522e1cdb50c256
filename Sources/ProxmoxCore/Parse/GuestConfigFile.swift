import Foundation

/// A guest's config file as pmxcfs keeps it, `/etc/pve/nodes/{node}/qemu-server/{vmid}.conf` or
/// `.../lxc/{vmid}.conf`: one file system on every node, so the connected node reads any guest's
/// config with `cat`, no Perl start (`pvesh get .../config` and `qm config` cost one).
public enum GuestConfigFile {
    /// Where the config of `guest` is.
    public static func path(_ guest: GuestRef) -> String {
        "/etc/pve/" + relativePath(guest.kind, node: guest.node.value, vmid: guest.vmid.value)
    }

    /// The same under /etc/pve, `nodes/{node}/qemu-server|lxc/{vmid}.conf`, as Proxmox's messages name it.
    public static func relativePath(_ kind: GuestKind, node: String, vmid: Int) -> String {
        "nodes/\(node)/\(kind == .qemu ? "qemu-server" : "lxc")/\(vmid).conf"
    }

    /// The read of that file.
    public static func read(_ guest: GuestRef) -> Command {
        Command(["cat", path(guest)], isReadOnly: true)
    }

    /// The guest whose config `path` is, when it is exactly such a path (the host guard's check):
    /// a valid node name and guest id, nothing before or after, no other spelling of the id.
    public static func guest(atPath text: String) -> GuestRef? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0].isEmpty, parts[1] == "etc", parts[2] == "pve", parts[3] == "nodes",
              parts[6].hasSuffix(".conf"), let number = Int(parts[6].dropLast(5)), let vmid = try? VMID(number),
              let node = try? NodeName(String(parts[4])) else { return nil }
        let kind: GuestKind
        switch parts[5] {
        case "qemu-server": kind = .qemu
        case "lxc": kind = .lxc
        default: return nil
        }
        let guest = GuestRef(kind: kind, vmid: vmid, node: node)
        return path(guest) == text ? guest : nil
    }

    /// What `GET .../config` answers, read from the file the way qemu-server's `parse_vm_config` and
    /// pve-container's `parse_pct_config` read it: the main section, with its pending changes applied
    /// (the API's default, `current` unset); the description from `#` lines (each decoded like
    /// decode_text, joined by newlines, trailing space dropped) or a `description:` line; snapshot and
    /// `[special:cloudinit]` sections left out; the digest the SHA-1 of the whole file, as Proxmox
    /// computes it. A line it cannot read fails the parse (the caller then asks pvesh).
    public static func parse(_ bytes: [UInt8]) throws(ParseFailure) -> GuestConfig {
        enum Section { case main, pending, other }
        var section = Section.main
        var main: [String: String] = [:], pending: [String: String] = [:]
        var descriptions: [Section: String] = [:]
        var deleted: [String] = []
        // Lines end with "\n" (a "\r\n" is one Character in Swift, so split on both).
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.allSatisfy(\.isWhitespace) { continue }
            if line.hasPrefix("[") {
                let header = line.trimmingCharacters(in: .whitespaces)
                guard header.hasSuffix("]") else { throw ParseFailure("unexpected config line: '\(line.prefix(80))'") }
                // `[PENDING]` (qemu-server) or `[pve:pending]` (pve-container); any other is a snapshot or `[special:cloudinit]`.
                let name = header.dropFirst().dropLast()
                section = name.lowercased() == "pending" || name == "pve:pending" ? .pending : .other
                continue
            }
            if section == .other { continue }
            if line.hasPrefix("#") {
                descriptions[section, default: ""] += GuestConfig.decodedText(String(line.dropFirst())) + "\n"
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw ParseFailure("unexpected config line: '\(line.prefix(80))'")
            }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch (section, key) {
            case (_, "description"):
                descriptions[section] = GuestConfig.decodedText(value)
            case (.pending, "delete"):
                deleted += value.split(separator: ",").map { String($0.hasPrefix("!") ? $0.dropFirst() : $0) }
            case (.pending, _):
                pending[key] = value
            default:
                if key.hasPrefix("lxc.") { GuestConfig.addRaw(&main, key, value) } else { main[key] = value }
            }
        }
        func trimmed(_ text: String) -> String { String(text.reversed().drop(while: \.isWhitespace).reversed()) }
        if let text = descriptions[.main] { main["description"] = trimmed(text) }
        if let text = descriptions[.pending] { pending["description"] = trimmed(text) }
        main.merge(pending) { $1 }
        for key in deleted { main[key] = nil }
        return GuestConfig(options: main, digest: SHA1.hex(bytes: bytes))
    }
}
