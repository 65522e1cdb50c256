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

    /// A guest's config file, `/etc/pve/nodes/{node}/qemu-server|lxc/{vmid}.conf`, as qemu-server's
    /// `write_vm_config` writes it: the description as `#` lines (each encode_text'ed), the other keys
    /// sorted, then each snapshot (sorted by name) as a `[name]` section of its own keys with `parent`,
    /// `snaptime` and, for a VM with RAM saved, `vmstate`. Its SHA-1 is the config's digest.
    /// (The simulator's configs carry no `parent` key in the main section, in any form.)
    static func guestConfig(_ guest: SimulatedGuest) -> String {
        var text = section(guest.config)
        for snapshot in guest.snapshots.sorted(by: { $0.name < $1.name }) {
            var keys = snapshot.config
            keys["description"] = snapshot.description.isEmpty ? nil : snapshot.description
            keys["parent"] = snapshot.parent
            keys["snaptime"] = String(snapshot.snaptime)
            if guest.kind == .qemu && snapshot.vmstate {
                let storage = guest.config["scsi0"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "local-lvm"
                keys["vmstate"] = "\(storage):vm-\(guest.vmid)-state-\(snapshot.name)"
            }
            text += "\n[\(snapshot.name)]\n" + section(keys)
        }
        return text
    }

    /// One section: the description's lines as comments, then `key: value` lines by key.
    private static func section(_ config: [String: String]) -> String {
        var text = ""
        if let description = config["description"] {
            let lines = description.split(separator: "\n", omittingEmptySubsequences: false)
            text += lines.isEmpty ? "#\n" : lines.map { "#" + GuestListText.encodedText(String($0)) + "\n" }.joined()
        }
        for key in config.keys.sorted() where key != "description" { text += "\(key): \(config[key]!)\n" }
        return text
    }
}
