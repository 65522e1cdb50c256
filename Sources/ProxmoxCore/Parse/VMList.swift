/// The guest list pmxcfs publishes on every node: where each guest lives, in a plain file read with
/// `cat`, so finding a guest's node costs no Perl start (pvesh's `/cluster/resources` costs one).
public enum VMList {
    /// Where pmxcfs keeps it.
    public static let path = "/etc/pve/.vmlist"
    /// The read of that file.
    public static let read = Command(["cat", path], isReadOnly: true)

    /// The guests of the file. pve-cluster's status.c prints it as
    /// `{"version": N, "ids": {"100": { "node": "pve1", "type": "qemu", "version": 3 }, ...}}`, and
    /// `{"version": N}` alone when there are no guests. Entries of another type (`openvz` of old
    /// releases, `unknown`) are no guests the tools act on and are left out; an id or node name that
    /// is not one makes the whole file unusable (the caller then asks pvesh).
    public static func parse(_ bytes: [UInt8]) throws(ParseFailure) -> [GuestRef] {
        let document: JSONValue
        do { document = try JSONValue.parse(bytes) } catch { throw ParseFailure(".vmlist is not JSON: \(error)") }
        guard case let .object(top) = document, top["version"] != nil else { throw ParseFailure(".vmlist has no version field") }
        guard let ids = top["ids"] else { return [] }
        guard case let .object(entries) = ids else { throw ParseFailure(".vmlist's ids is not an object") }
        var guests: [GuestRef] = []
        guests.reserveCapacity(entries.count)
        for (key, entry) in entries {
            guard let number = Int(key), let vmid = try? VMID(number) else { throw ParseFailure(".vmlist id '\(key.prefix(20))' is not a guest id") }
            guard let text = entry["node"]?.stringValue, let node = try? NodeName(text) else { throw ParseFailure(".vmlist entry \(key) has no node name") }
            guard let kind = entry["type"]?.stringValue.flatMap(GuestKind.init(rawValue:)) else { continue }
            guests.append(GuestRef(kind: kind, vmid: vmid, node: node))
        }
        return guests.sorted { $0.vmid.value < $1.vmid.value }
    }
}
