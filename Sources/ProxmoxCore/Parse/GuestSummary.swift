/// One VM or container as `GET /cluster/resources --type vm` reports it.
public struct GuestSummary: Codable, Hashable, Sendable {
    /// Guest id.
    public var vmid: Int
    /// Guest name (VM name or container hostname); absent for some guests.
    public var name: String?
    /// Node the guest is on.
    public var node: String
    /// `running`, `stopped`, `paused`, ...
    public var status: String
    /// `qemu` or `lxc`.
    public var type: GuestKind
    /// Whether the guest is a template.
    public var template: Bool
    /// Tags, in the order Proxmox lists them.
    public var tags: [String]
    /// Config lock (`backup`, `snapshot`, `migrate`, ...), when locked.
    public var lock: String?
    /// CPU utilisation as a fraction of `maxcpu`.
    public var cpu: Double?
    /// Virtual CPUs.
    public var maxcpu: Double?
    /// Used memory in bytes.
    public var mem: Int64?
    /// Configured memory in bytes.
    public var maxmem: Int64?
    /// Used root disk in bytes (0 when the storage cannot tell).
    public var disk: Int64?
    /// Root disk size in bytes.
    public var maxdisk: Int64?
    /// Seconds since the guest started.
    public var uptime: Int64?
    /// The resource pool it belongs to, when in one.
    public var pool: String?
    /// Whatever else the host printed for it (`netin`, `hastate`, `diskread`, ...), passed on as is.
    public var unmodelled: UnmodelledFields

    public init(vmid: Int, name: String?, node: String, status: String, type: GuestKind, template: Bool = false,
                tags: [String] = [], lock: String? = nil, cpu: Double? = nil, maxcpu: Double? = nil,
                mem: Int64? = nil, maxmem: Int64? = nil, disk: Int64? = nil, maxdisk: Int64? = nil,
                uptime: Int64? = nil, pool: String? = nil, unmodelled: UnmodelledFields = UnmodelledFields()) {
        self.vmid = vmid
        self.name = name
        self.node = node
        self.status = status
        self.type = type
        self.template = template
        self.tags = tags
        self.lock = lock
        self.cpu = cpu
        self.maxcpu = maxcpu
        self.mem = mem
        self.maxmem = maxmem
        self.disk = disk
        self.maxdisk = maxdisk
        self.uptime = uptime
        self.pool = pool
        self.unmodelled = unmodelled
    }
}

extension GuestSummary {
    /// Parses the JSON array of `pvesh get /cluster/resources [--type vm] --output-format json`.
    /// Entries of other types (node, storage, pool, sdn, network) are skipped, so the unfiltered
    /// endpoint parses too; a guest entry that cannot be read is left out and recorded in
    /// ``ParseProblems`` (the others are still listed).
    public static func parseList(_ document: JSONValue) throws(ParseFailure) -> [GuestSummary] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of resources") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) in
            guard case let .object(fields) = entry else { throw ParseFailure("a resource entry is not an object") }
            return try row(ResourceFields(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }.sorted { $0.vmid < $1.vmid }
    }

    /// The same from the rows of ``JSONValue/parseRecords(_:)`` (a long listing: no dictionary per row).
    public static func parseList(records: [[(String, JSONValue)]]) throws(ParseFailure) -> [GuestSummary] {
        ParseProblems.each(records) { record throws(ParseFailure) in try row(ResourceFields(record)) }.sorted { $0.vmid < $1.vmid }
    }

    /// The fields of one resource row that a guest summary reads, and the rest.
    struct ResourceFields {
        var type, vmid, node, name, status, template, tags, lock, cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime, pool: JSONValue?
        var unmodelled = UnmodelledFields()

        /// Each key read, numbered: one hash per field (a `switch` over the key strings compared
        /// them one by one, which profiled as the largest cost of typing 10,000 rows).
        static let slots: [String: Int] = [
            "type": 0, "vmid": 1, "node": 2, "name": 3, "status": 4, "template": 5, "tags": 6, "lock": 7, "cpu": 8, "maxcpu": 9,
            "mem": 10, "maxmem": 11, "disk": 12, "maxdisk": 13, "uptime": 14, "pool": 15,
        ]

        /// From a row's fields in order, in one pass (the last of a repeated key wins, as in a dictionary).
        init(_ pairs: [(String, JSONValue)]) {
            for (key, value) in pairs {
                switch Self.slots[key] {
                case 0: type = value
                case 1: vmid = value
                case 2: node = value
                case 3: name = value
                case 4: status = value
                case 5: template = value
                case 6: tags = value
                case 7: lock = value
                case 8: cpu = value
                case 9: maxcpu = value
                case 10: mem = value
                case 11: maxmem = value
                case 12: disk = value
                case 13: maxdisk = value
                case 14: uptime = value
                case 15: pool = value
                default: unmodelled.append(key, value)
                }
            }
        }
    }

    /// One resource row; nil for a row that is not a guest (node, storage, pool, sdn).
    static func row(_ fields: ResourceFields) throws(ParseFailure) -> GuestSummary? {
        guard let type = fields.type?.stringValue.flatMap(GuestKind.init(rawValue:)) else { return nil }
        guard let vmid = fields.vmid?.intValue else {
            throw ParseFailure("a \(type.rawValue) entry has no 'vmid' field")
        }
        guard let node = fields.node?.stringValue else {
            throw ParseFailure("guest \(vmid) has no 'node' field")
        }
        return GuestSummary(
            vmid: Int(vmid), name: fields.name?.stringValue, node: node, status: fields.status?.stringValue ?? "unknown", type: type,
            template: fields.template?.boolValue ?? false, tags: parseTags(fields.tags), lock: fields.lock?.stringValue,
            cpu: fields.cpu?.doubleValue, maxcpu: fields.maxcpu?.doubleValue, mem: fields.mem?.intValue, maxmem: fields.maxmem?.intValue,
            disk: fields.disk?.intValue, maxdisk: fields.maxdisk?.intValue, uptime: fields.uptime?.intValue, pool: fields.pool?.stringValue,
            unmodelled: fields.unmodelled)
    }

    /// Proxmox stores tags `;`-separated and accepts `,` and spaces on input; a JSON array of
    /// tags is read too.
    static func parseTags(_ value: JSONValue?) -> [String] {
        if let items = value?.arrayValue { return items.compactMap(\.stringValue).filter { !$0.isEmpty } }
        guard let text = value?.stringValue else { return [] }
        return text.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).map(String.init)
    }
}

extension GuestSummary {
    /// The output schema of one guest, shared by every tool and resource that lists guests.
    public static let schema = ResultSchema.object([
        .integer("vmid", "Guest id", required: true),
        .string("name", "Name or hostname"),
        .string("node", "Node", required: true),
        .string("status", "running, stopped, paused...", required: true),
        .choice("type", ["qemu", "lxc"], "VM or container", required: true),
        .boolean("template", "Is a template", required: true),
        .strings("tags", "Tags", required: true),
        .string("lock", "Lock held by a task: backup, migrate..."),
        .number("cpu", "CPU use, fraction of maxcpu"),
        .number("maxcpu", "vCPUs"),
        .integer("mem", "RAM used, bytes"),
        .integer("maxmem", "RAM size, bytes"),
        .integer("disk", "Root disk used, bytes"),
        .integer("maxdisk", "Root disk size, bytes"),
        .integer("uptime", "Up, seconds"),
        .string("pool", "Resource pool it belongs to"),
    ], unmodelled: true)

    /// One line for people: id, name, status, node, usage.
    public var line: String {
        var line = "\(vmid)  \(name ?? "-")  \(status)  on \(node)"
        if template { line += "  (template)" }
        if let cpu, let maxcpu, status == "running" { line += "  cpu \(Render.percent(cpu)) of \(Render.count(maxcpu))" }
        if let maxmem { line += status == "running" ? "  mem \(Render.gib(mem ?? 0))/\(Render.gib(maxmem)) GiB" : "  mem \(Render.gib(maxmem)) GiB" }
        if !tags.isEmpty { line += "  tags \(tags.joined(separator: ","))" }
        if let lock { line += "  locked (\(lock))" }
        return line
    }
}
