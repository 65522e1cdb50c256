/// What Proxmox reports before a migration (`GET /nodes/{node}/qemu|lxc/{vmid}/migrate`): where
/// the guest may go, and what holds it. VMs answer with `allowed_nodes`, `local_disks`,
/// `local_resources`; containers (PVE 8.3+) with `allowed-nodes` and `not-allowed-nodes`. Every
/// list is optional: older versions and restricted users see fewer of them.
public struct MigrationCheck: Codable, Hashable, Sendable {
    /// Running now (an online or restart migration is needed).
    public var running: Bool
    /// Nodes the guest may move to; nil when the host did not say.
    public var allowedNodes: [String]?
    /// Nodes it may not move to, and why.
    public var blockedNodes: [BlockedNode]
    /// Disks on storage that is not shared (copied over with `with-local-disks`), CD-ROMs included.
    public var localDisks: [LocalDisk]
    /// Local devices that block a migration (`hostpci0`, `usb0`, and since PVE 8.4 `amd-sev`...).
    public var localResources: [String]
    /// Resource mappings the guest uses (`hostpci0`, with a mapping on the target they may move).
    public var mappedResources: [String]
    /// HA resources that move along (positive affinity rules).
    public var dependentHAResources: [String]

    public struct BlockedNode: Codable, Hashable, Sendable {
        public var node: String
        /// Storages the guest uses that the node does not have.
        public var unavailableStorages: [String]
        /// Local resources (mapped devices) missing there.
        public var unavailableResources: [String]
        /// HA resources whose rules forbid the node.
        public var blockingHAResources: [String]

        /// One line: why the node is refused.
        public var reason: String {
            var parts: [String] = []
            if !unavailableStorages.isEmpty { parts.append("storage \(unavailableStorages.joined(separator: ", ")) not available there") }
            if !unavailableResources.isEmpty { parts.append("no \(unavailableResources.joined(separator: ", ")) there") }
            if !blockingHAResources.isEmpty { parts.append("HA rules of \(blockingHAResources.joined(separator: ", ")) forbid it") }
            return parts.isEmpty ? "not allowed by the host" : parts.joined(separator: "; ")
        }
    }

    public struct LocalDisk: Codable, Hashable, Sendable {
        public var volid: String
        /// The drive it is attached as (`scsi0`), when the host says.
        public var drive: String?
        /// Bytes, when the host says.
        public var size: Int64?
        public var cdrom: Bool
        public var unused: Bool
    }

    /// Parses either kind's answer.
    public static func parse(_ document: JSONValue) throws(ParseFailure) -> MigrationCheck {
        guard case let .object(fields) = document else { throw ParseFailure("expected a JSON object of migration preconditions") }
        func field(_ names: String...) -> JSONValue? { names.lazy.compactMap { fields[$0] }.first }
        func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap { $0.stringValue } ?? [] }
        var blocked: [BlockedNode] = []
        if case let .object(nodes)? = field("not_allowed_nodes", "not-allowed-nodes") {
            for (node, detail) in nodes.sorted(by: { $0.key < $1.key }) {
                let blocking = detail["blocking-ha-resources"]?.arrayValue?.compactMap { $0["sid"]?.stringValue ?? $0.stringValue } ?? []
                blocked.append(BlockedNode(node: node, unavailableStorages: strings(detail["unavailable_storages"]),
                                           unavailableResources: strings(detail["unavailable-resources"] ?? detail["unavailable_resources"]),
                                           blockingHAResources: blocking))
            }
        }
        let disks = (field("local_disks")?.arrayValue ?? []).compactMap { disk -> LocalDisk? in
            guard let volid = disk["volid"]?.stringValue else { return nil }
            return LocalDisk(volid: volid, drive: disk["drivename"]?.stringValue, size: disk["size"]?.intValue,
                             cdrom: disk["cdrom"]?.boolValue ?? false, unused: disk["is_unused"]?.boolValue ?? false)
        }
        var mapped = strings(field("mapped-resources"))
        if mapped.isEmpty, case let .object(info)? = field("mapped-resource-info") { mapped = info.keys.sorted() }
        return MigrationCheck(
            running: field("running")?.boolValue ?? false,
            allowedNodes: field("allowed_nodes", "allowed-nodes").map(strings),
            blockedNodes: blocked, localDisks: disks, localResources: strings(field("local_resources")),
            mappedResources: mapped, dependentHAResources: strings(field("dependent-ha-resources")))
    }

    /// What holds the guest to its node whatever the target: passthrough devices, a local CD-ROM image.
    public var tiedToNode: String? {
        if !localResources.isEmpty {
            return "local resources \(localResources.joined(separator: ", ")) tie the guest to its node (passthrough devices cannot move)"
        }
        if let cdrom = localDisks.first(where: \.cdrom) {
            return "the CD-ROM holds \(cdrom.volid) on local storage; eject it first (set the drive to none)"
        }
        return nil
    }

    /// Why a move to `target` cannot work, as Proxmox would say it; nil when nothing holds it.
    public func refusal(to target: String, online: Bool, withLocalDisks: Bool) -> String? {
        if let node = blockedNodes.first(where: { $0.node == target }) { return "\(target) is not allowed: \(node.reason)" }
        if let tied = tiedToNode { return tied }
        if running && online && !withLocalDisks, let disk = localDisks.first {
            return "\(disk.volid) is on local storage; an online migration copies it only with with_local_disks: true"
        }
        if let allowed = allowedNodes, !allowed.contains(target), !running || !online {
            return "\(target) is not among the nodes Proxmox allows (\(allowed.isEmpty ? "none" : allowed.joined(separator: ", ")))"
        }
        return nil
    }

    public static let schema = ResultSchema.object(fields)

    public static let fields: [Field] = [
        .boolean("running", "The guest runs now", required: true),
        .strings("allowedNodes", "Nodes Proxmox allows as target; absent when it did not say (PVE 7, running VMs)"),
        .list("blockedNodes", "Nodes it may not move to, and why", ResultSchema.object([
            .string("node", "Node", required: true),
            .strings("unavailableStorages", "Storages the guest uses that are missing there", required: true),
            .strings("unavailableResources", "Mapped devices missing there", required: true),
            .strings("blockingHAResources", "HA resources whose rules forbid the node", required: true),
        ]), required: true),
        .list("localDisks", "Volumes on storage that is not shared (copied along), CD-ROMs included", ResultSchema.object([
            .string("volid", "Volume id", required: true),
            .string("drive", "Drive it is attached as"),
            .integer("size", "Bytes"),
            .boolean("cdrom", "A CD-ROM image (blocks the move)", required: true),
            .boolean("unused", "Not attached (unused)", required: true),
        ]), required: true),
        .strings("localResources", "Local devices (PCI, USB passthrough) that block any migration", required: true),
        .strings("mappedResources", "Mapped devices the guest uses (may move where a mapping exists)", required: true),
        .strings("dependentHAResources", "HA resources that move along (affinity rules)", required: true),
    ]
}
