import ProxmoxCore

/// `qm` and `pct`. The skeleton answers `list`; other verbs arrive with the full simulator.
enum GuestCLI {
    static func run(tool: String, _ arguments: [String], environment: [String: String],
                    store: StateStore) throws -> CommandOutput {
        guard let verb = arguments.first else {
            return usage(tool, "no command specified")
        }
        switch verb {
        case "list":
            let kind = tool == "qm" ? "qemu" : "lxc"
            let text = try store.read { cluster -> String in
                guard let local = cluster.localNode(environment: environment) else { return "" }
                let guests = cluster.guests.filter { $0.kind == kind && $0.node == local.name }
                    .sorted { $0.vmid < $1.vmid }
                return tool == "qm" ? GuestListText.qm(guests) : GuestListText.pct(guests)
            }
            return CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0)
        default:
            return CommandOutput(
                stdout: [],
                stderr: Array("pve-sim (simulated Proxmox): '\(tool) \(verb)' is not simulated yet\n".utf8),
                exitStatus: 2)
        }
    }

    static func usage(_ tool: String, _ message: String) -> CommandOutput {
        CommandOutput(stdout: [], stderr: Array("ERROR: \(message)\nUSAGE: \(tool) <COMMAND> [ARGS] [OPTIONS]\n".utf8),
                      exitStatus: 255)
    }
}

/// The fixed-width tables of `qm list` and `pct list` (printf formats from qemu-server
/// `PVE/CLI/qm.pm` and pve-container `PVE/CLI/pct.pm`; samples `qm-list.txt`, `pct-list.txt`).
enum GuestListText {
    static func qm(_ guests: [SimulatedGuest]) -> String {
        guard !guests.isEmpty else { return "" }
        var text = pad("VMID", 10, right: true) + " " + pad("NAME", 20) + " " + pad("STATUS", 10) + " "
            + pad("MEM(MB)", 10) + " " + pad("BOOTDISK(GB)", 12, right: true) + " " + pad("PID", 10) + "\n"
        for guest in guests {
            let pid = guest.status == "running" ? String(10_000 + guest.vmid) : "0"
            let disk = Double(guest.maxdisk) / 1_073_741_824
            text += pad(String(guest.vmid), 10, right: true) + " " + pad(guest.name, 20) + " "
                + pad(guest.status, 10) + " " + pad(String(guest.maxmem / 1_048_576), 10) + " "
                + pad(fixed2(disk), 12, right: true) + " " + pad(pid, 10) + "\n"
        }
        return text
    }

    static func pct(_ guests: [SimulatedGuest]) -> String {
        guard !guests.isEmpty else { return "" }
        var text = pad("VMID", 10) + " " + pad("Status", 10) + " " + pad("Lock", 12) + " " + pad("Name", 20) + "\n"
        for guest in guests {
            text += pad(String(guest.vmid), 10) + " " + pad(guest.status, 10) + " " + pad(guest.lock ?? "", 12)
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
