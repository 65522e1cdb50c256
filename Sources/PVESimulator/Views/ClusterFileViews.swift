import ProxmoxCore

/// Files pmxcfs publishes under `/etc/pve`, printed byte for byte as pve-cluster's status.c does.
enum ClusterFileViews {
    /// `/etc/pve/.vmlist`: `cfs_create_vmlist_msg`'s layout (one `"id": { "node": ..., "type": ...,
    /// "version": n }` line per guest, `{"version": n}` alone without guests). The real file lists
    /// guests in hash order; here they come by id. The versions count changes on a real host; here
    /// they are derived from the state (stable between reads, different after a create or delete).
    static func vmlist(_ cluster: SimulatedCluster) -> String {
        let guests = cluster.guests.sorted { $0.vmid < $1.vmid }
        let version = guests.count + 1
        guard !guests.isEmpty else { return "{\n\"version\": \(version)\n\n}\n" }
        let lines = guests.enumerated().map { index, guest in
            "\"\(guest.vmid)\": { \"node\": \"\(guest.node)\", \"type\": \"\(guest.kind.rawValue)\", \"version\": \(index + 1) }"
        }
        return "{\n\"version\": \(version),\n\"ids\": {\n" + lines.joined(separator: ",\n") + "}\n\n}\n"
    }
}
