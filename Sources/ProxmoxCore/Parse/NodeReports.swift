import Foundation

/// One node's status (`GET /nodes/{node}/status`).
public struct NodeStatusReport: Codable, Hashable, Sendable {
    public struct Usage: Codable, Hashable, Sendable {
        public var used: Int64
        public var total: Int64
        public var free: Int64
    }

    public var node: String
    public var cpu: Double?
    public var cpus: Int?
    public var cpuModel: String?
    public var memory: Usage?
    public var swap: Usage?
    public var rootfs: Usage?
    public var uptime: Int64?
    public var loadavg: [Double]
    public var kernel: String?
    public var pveversion: String?

    public static func parse(_ document: JSONValue, node: String) throws(ParseFailure) -> NodeStatusReport {
        guard case .object = document else { throw ParseFailure("expected a JSON object of node status") }
        func usage(_ key: String) -> Usage? {
            guard let object = document[key], let total = object["total"]?.intValue else { return nil }
            let used = object["used"]?.intValue ?? 0
            let (difference, overflow) = total.subtractingReportingOverflow(used)
            return Usage(used: used, total: total, free: object["free"]?.intValue ?? (overflow ? 0 : max(0, difference)))
        }
        let kernel = document["current-kernel"]?["release"]?.stringValue
            ?? document["kversion"]?.stringValue
        return NodeStatusReport(
            node: node, cpu: document["cpu"]?.doubleValue, cpus: document["cpuinfo"]?["cpus"]?.intValue.map { Int($0) },
            cpuModel: document["cpuinfo"]?["model"]?.stringValue, memory: usage("memory"), swap: usage("swap"),
            rootfs: usage("rootfs"), uptime: document["uptime"]?.intValue,
            loadavg: document["loadavg"]?.arrayValue?.compactMap(\.doubleValue) ?? [], kernel: kernel,
            pveversion: document["pveversion"]?.stringValue)
    }
}

/// The cluster's state (`GET /cluster/status`): quorum and membership.
public struct ClusterStatusReport: Codable, Hashable, Sendable {
    public struct Member: Codable, Hashable, Sendable {
        public var name: String
        public var online: Bool
        public var local: Bool
        public var ip: String?
        public var nodeid: Int?
        /// Filled from the node's own status when it answers.
        public var pveversion: String?
        /// Whatever else the host printed for it (`level`, `id`, ...), passed on as is.
        public var unmodelled = UnmodelledFields()
    }

    /// Cluster name; nil on a standalone node (no cluster entry).
    public var name: String?
    public var quorate: Bool
    public var nodes: [Member]
    public var nodesOnline: Int { nodes.filter(\.online).count }

    public static func parse(_ document: JSONValue) throws(ParseFailure) -> ClusterStatusReport {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of cluster status") }
        let cluster = entries.first { $0["type"]?.stringValue == "cluster" }
        let members = ParseProblems.each(entries) { entry throws(ParseFailure) -> Member? in
            guard case .object = entry else { throw ParseFailure("a cluster status entry is not an object") }
            guard entry["type"]?.stringValue == "node" else { return nil }
            guard let name = entry["name"]?.stringValue else { throw ParseFailure("a node entry has no 'name' field") }
            return Member(name: name, online: entry["online"]?.boolValue ?? false,
                          local: entry["local"]?.boolValue ?? false, ip: entry["ip"]?.stringValue,
                          nodeid: entry["nodeid"]?.intValue.map { Int($0) }, pveversion: nil,
                          unmodelled: UnmodelledFields(entry, known: ["type", "name", "online", "local", "ip", "nodeid"]))
        }
        // A standalone node reports itself only; it is quorate by definition.
        let quorate = cluster?["quorate"]?.boolValue ?? !members.isEmpty
        return ClusterStatusReport(name: cluster?["name"]?.stringValue, quorate: quorate, nodes: members)
    }
}

/// One storage pool on one node.
public struct StorageSummary: Codable, Hashable, Sendable {
    public var storage: String
    public var node: String
    public var type: String
    public var content: [String]
    public var shared: Bool
    public var active: Bool
    public var used: Int64?
    public var total: Int64?
    public var available: Int64?
    /// False when the storage is disabled in the datacenter config (it is then listed, inactive).
    public var enabled: Bool?
    /// Whatever else the host printed for it (`used_fraction`, `path`, `pool`, ...), passed on as is.
    public var unmodelled: UnmodelledFields

    public init(storage: String, node: String, type: String, content: [String], shared: Bool, active: Bool, used: Int64?,
                total: Int64?, available: Int64?, enabled: Bool? = nil, unmodelled: UnmodelledFields = UnmodelledFields()) {
        self.storage = storage
        self.node = node
        self.type = type
        self.content = content
        self.shared = shared
        self.active = active
        self.used = used
        self.total = total
        self.available = available
        self.enabled = enabled
        self.unmodelled = unmodelled
    }

    /// `GET /nodes/{node}/storage` entries; a storage of a type this server does not know is
    /// listed with its type as printed, one without an id is left out (``ParseProblems``).
    public static func parseNodeList(_ document: JSONValue, node: String) throws(ParseFailure) -> [StorageSummary] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of storage") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) in
            guard let id = entry["storage"]?.stringValue else { throw ParseFailure("a storage entry has no 'storage' field") }
            let enabled = entry["enabled"]?.boolValue
            return StorageSummary(
                storage: id, node: node, type: entry["type"]?.stringValue ?? "unknown", content: contentList(entry["content"]),
                shared: entry["shared"]?.boolValue ?? false, active: entry["active"]?.boolValue ?? (enabled ?? true),
                used: entry["used"]?.intValue, total: entry["total"]?.intValue, available: entry["avail"]?.intValue,
                enabled: enabled,
                unmodelled: UnmodelledFields(entry, known: ["storage", "type", "content", "shared", "active", "used", "total", "avail", "enabled"]))
        }
    }

    /// `GET /cluster/resources --type storage` entries (every node's pools).
    public static func parseResources(_ document: JSONValue) throws(ParseFailure) -> [StorageSummary] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of resources") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) -> StorageSummary? in
            guard case .object = entry else { throw ParseFailure("a resource entry is not an object") }
            guard entry["type"]?.stringValue == "storage" else { return nil }
            guard let id = entry["storage"]?.stringValue, let node = entry["node"]?.stringValue else {
                throw ParseFailure("a storage entry has no 'storage' or 'node' field")
            }
            let used = entry["disk"]?.intValue, total = entry["maxdisk"]?.intValue
            return StorageSummary(
                storage: id, node: node, type: entry["plugintype"]?.stringValue ?? "unknown",
                content: contentList(entry["content"]), shared: entry["shared"]?.boolValue ?? false,
                active: entry["status"]?.stringValue == "available", used: used, total: total,
                available: total.flatMap { total in used.flatMap { used in
                    // Absurd figures must not trap: an overflowing difference is no figure.
                    let (difference, overflow) = total.subtractingReportingOverflow(used)
                    return overflow ? nil : difference
                } },
                unmodelled: UnmodelledFields(entry, known: ["type", "storage", "node", "disk", "maxdisk", "plugintype", "content", "shared", "status"]))
        }.sorted { ($0.node, $0.storage) < ($1.node, $1.storage) }
    }

    /// `images,rootdir` as Proxmox prints it; also a JSON array of names (some clients' and versions' form).
    static func contentList(_ value: JSONValue?) -> [String] {
        if let items = value?.arrayValue { return items.compactMap(\.stringValue) }
        return (value?.stringValue ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// One volume in a storage (`GET /nodes/{node}/storage/{storage}/content`).
public struct StorageVolume: Codable, Hashable, Sendable {
    public var volid: String
    public var content: String
    public var format: String?
    public var size: Int64?
    public var ctime: Int64?
    public var vmid: Int?
    public var notes: String?
    /// Whatever else the host printed for it (`parent`, `verification`, `protected`, ...), passed on as is.
    public var unmodelled = UnmodelledFields()

    /// A volume without a `volid` is left out and recorded in ``ParseProblems``.
    public static func parseList(_ document: JSONValue) throws(ParseFailure) -> [StorageVolume] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of volumes") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) in
            guard let volid = entry["volid"]?.stringValue else { throw ParseFailure("a volume has no 'volid' field") }
            return StorageVolume(
                volid: volid, content: entry["content"]?.stringValue ?? "unknown", format: entry["format"]?.stringValue,
                size: entry["size"]?.intValue, ctime: entry["ctime"]?.intValue, vmid: entry["vmid"]?.intValue.map { Int($0) },
                notes: entry["notes"]?.stringValue,
                unmodelled: UnmodelledFields(entry, known: ["volid", "content", "format", "size", "ctime", "vmid", "notes"]))
        }
    }
}

extension NodeStatusReport.Usage {
    static func field(_ name: String, _ what: String) -> Field {
        .object(name, "\(what), bytes", [.integer("used", "Used", required: true), .integer("total", "Total", required: true),
                                          .integer("free", "Free", required: true)])
    }
}

extension NodeStatusReport {
    public static let schema = ResultSchema.object([
        .string("node", "Node name", required: true),
        .number("cpu", "CPU use, fraction of all threads (0-1)"),
        .integer("cpus", "CPU threads"),
        .string("cpuModel", "CPU model"),
        Usage.field("memory", "Memory"), Usage.field("swap", "Swap"), Usage.field("rootfs", "Root filesystem"),
        .integer("uptime", "Seconds since boot"),
        .numbers("loadavg", "Load average over 1, 5 and 15 minutes", required: true),
        .string("kernel", "Running kernel release"),
        .string("pveversion", "pve-manager/<version>/<build>"),
    ])

    public var line: String {
        var text = "\(node): cpu \(Render.percent(cpu ?? 0)) of \(cpus ?? 0)"
        if let memory { text += ", mem \(Render.gib(memory.used))/\(Render.gib(memory.total)) GiB" }
        if let rootfs { text += ", root \(Render.gib(rootfs.used))/\(Render.gib(rootfs.total)) GiB" }
        if let uptime { text += ", up \(Render.duration(uptime))" }
        if !loadavg.isEmpty { text += ", load \(loadavg.map { String($0) }.joined(separator: " "))" }
        if let pveversion { text += ", \(pveversion)" }
        return text
    }
}

extension ClusterStatusReport {
    public static let schema = ResultSchema.object([
        .string("name", "Cluster name; absent on a standalone node"),
        .boolean("quorate", "Has quorum (changes are possible)", required: true),
        .list("nodes", "Members", ResultSchema.object([
            .string("name", "Node name", required: true),
            .boolean("online", "Online", required: true),
            .boolean("local", "The node this server is connected to", required: true),
            .string("ip", "Cluster address"),
            .integer("nodeid", "Corosync node id"),
            .string("pveversion", "pve-manager/<version>/<build>, when the node answered"),
        ], unmodelled: true), required: true),
    ])

    public var text: String {
        "\(name ?? "standalone node"): \(quorate ? "quorate" : "NOT QUORATE"), \(nodesOnline)/\(nodes.count) nodes online\n"
            + nodes.map { "\($0.name)  \($0.online ? "online" : "offline")\($0.local ? " (connected)" : "")\($0.pveversion.map { "  \($0)" } ?? "")" }
            .joined(separator: "\n")
    }
}

extension StorageSummary {
    public static let schema = ResultSchema.object([
        .string("storage", "Storage id", required: true),
        .string("node", "Node", required: true),
        .string("type", "Plugin: dir, lvmthin, zfspool, nfs, cifs, cephfs, rbd, pbs, ...", required: true),
        .strings("content", "Content types: images, rootdir, iso, vztmpl, backup, snippets, import", required: true),
        .boolean("shared", "Same storage on every node", required: true),
        .boolean("active", "Enabled and reachable", required: true),
        .integer("used", "Used, bytes"),
        .integer("total", "Size, bytes"),
        .integer("available", "Free, bytes"),
        .boolean("enabled", "false: disabled in the datacenter config (then inactive); absent where the host does not say"),
    ], unmodelled: true)

    public var line: String {
        "\(node)/\(storage)  \(type)  \(content.joined(separator: ","))\(shared ? "  shared" : "")"
            + (total.map { total in "  \(Render.gib(used ?? 0))/\(Render.gib(total)) GiB" } ?? "")
    }
}

extension StorageVolume {
    public static let schema = ResultSchema.object([
        .string("volid", "Volume id, storage:path", required: true),
        .string("content", "iso, vztmpl, backup, images, rootdir, snippets or import", required: true),
        .string("format", "raw, qcow2, iso, tar.zst, vma.zst, ..."),
        .integer("size", "Size, bytes"),
        .integer("ctime", "Created, seconds since epoch"),
        .integer("vmid", "Guest it belongs to"),
        .string("notes", "Notes (backups)"),
    ], unmodelled: true)

    public var line: String {
        "\(volid)  \(content)\(size.map { "  \(Render.gib($0)) GiB" } ?? "")\(vmid.map { "  guest \($0)" } ?? "")"
    }
}
