import Foundation
import ProxmoxCore

/// The fixed-width tables of `qm list` and `pct list` (printf formats from qemu-server
/// `PVE/CLI/qm.pm` and pve-container `PVE/CLI/pct.pm`; samples `qm-list.txt`, `pct-list.txt`).
enum GuestListText {
    static func qm(_ guests: [SimulatedGuest]) -> String {
        guard !guests.isEmpty else { return "" }
        var text = pad("VMID", 10, right: true) + " " + pad("NAME", 20) + " " + pad("STATUS", 10) + " "
            + pad("MEM(MB)", 10) + " " + pad("BOOTDISK(GB)", 12, right: true) + " " + pad("PID", 10) + "\n"
        for guest in guests {
            let pid = guest.isRunning ? String(guest.stats.pid) : "0"
            let disk = Double(guest.maxdisk) / 1_073_741_824
            text += pad(String(guest.vmid), 10, right: true) + " " + pad(guest.name, 20) + " "
                + pad(guest.isRunning ? "running" : "stopped", 10) + " " + pad(String(guest.maxmem / 1_048_576), 10) + " "
                + pad(fixed2(disk), 12, right: true) + " " + pad(pid, 10) + "\n"
        }
        return text
    }

    static func pct(_ guests: [SimulatedGuest]) -> String {
        guard !guests.isEmpty else { return "" }
        var text = pad("VMID", 10) + " " + pad("Status", 10) + " " + pad("Lock", 12) + " " + pad("Name", 20) + "\n"
        for guest in guests {
            text += pad(String(guest.vmid), 10) + " " + pad(guest.isRunning ? "running" : "stopped", 10) + " " + pad(guest.lock ?? "", 12)
                + " " + pad(guest.name, 20) + "\n"
        }
        return text
    }

    /// printf `%-Ns` / `%Ns`: pads, never truncates.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// printf `%.2f`.
    static func fixed2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

/// The other text outputs of qm and pct.
extension GuestListText {
    /// `qm status` / `pct status`: one line, the QMP status for VMs (so `paused` shows).
    static func status(_ guest: SimulatedGuest) -> String {
        "status: \(guest.kind == .qemu ? guest.status : (guest.isRunning ? "running" : "stopped"))\n"
    }

    /// `qm config` / `pct config`: sorted `key: value` lines, no digest.
    /// The description is printed percent-encoded, as PVE::Tools::encode_text writes it: every
    /// byte outside 0x20-0x39 and 0x3b-0x7e (newlines, `:`, non-ASCII UTF-8) as `%XX`.
    static func config(_ config: [String: String]) -> String {
        config.keys.sorted().map { "\($0): \($0 == "description" ? encodedText(config[$0]!) : config[$0]!)\n" }.joined()
    }

    static func encodedText(_ text: String) -> String {
        text.utf8.map { byte in
            (0x20...0x39).contains(byte) || (0x3b...0x7e).contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
    }

    /// `qm listsnapshot` / `pct listsnapshot`: the tree of `print_snapshot_tree` (pve-guest-common
    /// GuestHelpers.pm): children indented one space per level, names padded to `30 - prefix`,
    /// times (UTC here) padded to 23, `current` last under its parent.
    static func snapshotTree(_ guest: SimulatedGuest) -> String {
        var text = ""
        func visit(_ name: String, depth: Int) {
            let prefix = String(repeating: " ", count: depth) + "`->"
            if name == "current" {
                text += "\(prefix) \(pad("current", 30 - prefix.count)) \(pad("", 23)) You are here!\n"
                return
            }
            guard let snapshot = guest.snapshots.first(where: { $0.name == name }) else { return }
            let description = snapshot.description.isEmpty ? "no-description" : snapshot.description
            text += "\(prefix) \(pad(name, 30 - prefix.count)) \(pad(timestamp(snapshot.snaptime), 23)) \(description)\n"
            for child in children(of: name) { visit(child, depth: depth + 1) }
        }
        for root in children(of: nil) { visit(root, depth: 0) }
        return text

        func children(of parent: String?) -> [String] {
            var names = guest.snapshots.filter { $0.parent == parent }.sorted { $0.snaptime < $1.snaptime }.map(\.name)
            if guest.parentSnapshot == parent { names.append("current") }
            return names
        }
    }

    static func timestamp(_ time: Int64) -> String {
        Render.utc(time)
    }
}
