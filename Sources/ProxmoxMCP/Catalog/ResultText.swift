import Foundation
import ProxmoxCore

/// The short text rendering of results, for people and for clients without structured output.
enum ResultText {
    static func nodes(_ nodes: [NodeSummary]) -> String {
        guard !nodes.isEmpty else { return "No nodes." }
        return nodes.map { node in
            var line = "\(node.node)  \(node.status)"
            if let cpu = node.cpu, let cores = node.maxcpu { line += "  cpu \(percent(cpu)) of \(cores)" }
            if let mem = node.mem, let maxmem = node.maxmem { line += "  mem \(gib(mem))/\(gib(maxmem)) GiB" }
            if let uptime = node.uptime, uptime > 0 { line += "  up \(duration(uptime))" }
            return line
        }.joined(separator: "\n")
    }

    static func guests(_ guests: [GuestSummary], noun: String) -> String {
        guard !guests.isEmpty else { return "No \(noun)." }
        return guests.map { guest in
            var line = "\(guest.vmid)  \(guest.name ?? "-")  \(guest.status)  on \(guest.node)"
            if guest.template { line += "  (template)" }
            if let cpu = guest.cpu, let cores = guest.maxcpu, guest.status == "running" {
                line += "  cpu \(percent(cpu)) of \(String(format: "%.0f", cores))"
            }
            if let maxmem = guest.maxmem {
                line += guest.status == "running" ? "  mem \(gib(guest.mem ?? 0))/\(gib(maxmem)) GiB" : "  mem \(gib(maxmem)) GiB"
            }
            if !guest.tags.isEmpty { line += "  tags \(guest.tags.joined(separator: ","))" }
            if let lock = guest.lock { line += "  locked (\(lock))" }
            return line
        }.joined(separator: "\n")
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
    static func gib(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_073_741_824) }
    static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = (seconds % 86_400) / 3600, minutes = (seconds % 3600) / 60
        return days > 0 ? "\(days)d \(hours)h" : "\(hours)h \(minutes)m"
    }
}
