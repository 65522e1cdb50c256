/// The guest tables `qm list` and `pct list` print for one node.
///
/// `qm list`: `VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID`, printed `%10s %-20s %-10s %-10s %12.2f %s`.
/// A name longer than 20 characters pushes every later column right, and a VM without a name
/// shows as `VM 104` (with a space), so a row is read from both ends: the id first, the last four
/// tokens (status, memory, boot disk, pid), and the name is what lies between.
///
/// `pct list`: `VMID Status Lock Name`, printed `%-10s %-10s %-12s %-20s` with trailing spaces.
/// The lock column is empty unless a task holds one; a row of three tokens is read by the header's
/// columns: a third token starting under `Name` is the name, under `Lock` a lock.
public enum GuestTable {
    /// The VMs of `qm list`, on `node`.
    public static func parseQemu(_ text: String, node: String) throws(ParseFailure) -> [GuestSummary] {
        let lines = try rows(text, header: "VMID", command: "qm list")
        return ParseProblems.each(lines) { line throws(ParseFailure) in
            let tokens = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard tokens.count >= 6, let vmid = Int(tokens[0]) else {
                throw ParseFailure("qm list: a row is not 'VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID': '\(line.prefix(80))'")
            }
            let tail = tokens.suffix(4)
            let (status, memory, bootDisk, pid) = (tail[tail.startIndex], tail[tail.startIndex + 1], tail[tail.startIndex + 2], tail[tail.startIndex + 3])
            guard let mebibytes = Int64(memory), let gibibytes = Double(bootDisk), let process = Int64(pid) else {
                throw ParseFailure("qm list: guest \(vmid) has no number in MEM(MB), BOOTDISK(GB) or PID: '\(line.prefix(80))'")
            }
            let name = tokens.dropFirst().dropLast(4).joined(separator: " ")
            var unmodelled = UnmodelledFields()
            if process > 0 { unmodelled.append("pid", .int(process)) }
            return GuestSummary(vmid: vmid, name: name.isEmpty ? nil : name, node: node, status: status, type: .qemu,
                                maxmem: mebibytes * 1_048_576, maxdisk: Int64((gibibytes * 1_073_741_824).rounded()), unmodelled: unmodelled)
        }.sorted { $0.vmid < $1.vmid }
    }

    /// The containers of `pct list`, on `node`.
    public static func parseContainers(_ text: String, node: String) throws(ParseFailure) -> [GuestSummary] {
        let header = text.split(separator: "\n").first { $0.contains("VMID") }.map(String.init) ?? ""
        let nameColumn = header.range(of: "Name").map { header.distance(from: header.startIndex, to: $0.lowerBound) }
        let lines = try rows(text, header: "VMID", command: "pct list")
        return ParseProblems.each(lines) { line throws(ParseFailure) in
            let tokens = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard tokens.count >= 2, let vmid = Int(tokens[0]) else {
                throw ParseFailure("pct list: a row is not 'VMID Status Lock Name': '\(line.prefix(80))'")
            }
            var lock: String?
            var name: String?
            switch tokens.count {
            case 2: break
            case 3:
                // Where the third token starts tells a name from a lock.
                let start = line.range(of: tokens[2], range: line.range(of: tokens[1])!.upperBound..<line.endIndex)!.lowerBound
                let column = line.distance(from: line.startIndex, to: start)
                if let nameColumn, column >= nameColumn { name = tokens[2] } else { lock = tokens[2] }
            default:
                lock = tokens[2]
                name = tokens[3...].joined(separator: " ")
            }
            return GuestSummary(vmid: vmid, name: name, node: node, status: tokens[1], type: .lxc, lock: lock)
        }.sorted { $0.vmid < $1.vmid }
    }

    /// The data rows: every non-empty line after the header (a warning Proxmox prints before the
    /// table, such as `ipcc_send_rec[1] failed`, is not a row).
    static func rows(_ text: String, header: String, command: String) throws(ParseFailure) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(header) }) else {
            if lines.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return [] }
            throw ParseFailure("\(command): no table header (a line starting with \(header)) in the output")
        }
        return lines[(start + 1)...].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
