/// One cluster node as `GET /nodes` reports it.
public struct NodeSummary: Codable, Hashable, Sendable {
    /// Node name.
    public var node: String
    /// `online`, `offline` or `unknown`.
    public var status: String
    /// CPU utilisation as a fraction of all cores (0.0-1.0); absent when offline.
    public var cpu: Double?
    /// Number of CPU threads.
    public var maxcpu: Int?
    /// Used memory in bytes.
    public var mem: Int64?
    /// Total memory in bytes.
    public var maxmem: Int64?
    /// Used root filesystem space in bytes.
    public var disk: Int64?
    /// Root filesystem size in bytes.
    public var maxdisk: Int64?
    /// Seconds since boot.
    public var uptime: Int64?
    /// Subscription support level (empty without subscription).
    public var level: String?
    /// Whatever else the host printed for it (`ssl_fingerprint`, `id`, ...), passed on as is.
    public var unmodelled: UnmodelledFields

    public init(node: String, status: String, cpu: Double? = nil, maxcpu: Int? = nil, mem: Int64? = nil,
                maxmem: Int64? = nil, disk: Int64? = nil, maxdisk: Int64? = nil, uptime: Int64? = nil,
                level: String? = nil, unmodelled: UnmodelledFields = UnmodelledFields()) {
        self.node = node
        self.status = status
        self.cpu = cpu
        self.maxcpu = maxcpu
        self.mem = mem
        self.maxmem = maxmem
        self.disk = disk
        self.maxdisk = maxdisk
        self.uptime = uptime
        self.level = level
        self.unmodelled = unmodelled
    }
}

extension NodeSummary {
    /// Parses the JSON array of `pvesh get /nodes --output-format json`; an entry without a
    /// node name is left out and recorded in ``ParseProblems``.
    public static func parseList(_ document: JSONValue) throws(ParseFailure) -> [NodeSummary] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of nodes") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) in
            guard let node = entry["node"]?.stringValue, !node.isEmpty else {
                throw ParseFailure("a node entry has no 'node' field")
            }
            return NodeSummary(
                node: node,
                status: entry["status"]?.stringValue ?? "unknown",
                cpu: entry["cpu"]?.doubleValue,
                maxcpu: entry["maxcpu"]?.intValue.map { Int($0) },
                mem: entry["mem"]?.intValue,
                maxmem: entry["maxmem"]?.intValue,
                disk: entry["disk"]?.intValue,
                maxdisk: entry["maxdisk"]?.intValue,
                uptime: entry["uptime"]?.intValue,
                level: entry["level"]?.stringValue,
                unmodelled: UnmodelledFields(entry, known: modelled))
        }
    }

    /// The keys read into typed fields.
    static let modelled: Set<String> = ["node", "status", "cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime", "level"]
}

/// Why output could not be turned into a typed value; the engine adds which command produced it.
public struct ParseFailure: Error, Equatable, Sendable {
    /// What was wrong, in one line.
    public let detail: String
    public init(_ detail: String) { self.detail = detail }
}

extension NodeSummary {
    public static let schema = ResultSchema.object([
        .string("node", "Node name", required: true),
        .string("status", "online, offline or unknown", required: true),
        .number("cpu", "CPU use, fraction of all threads (0-1)"),
        .integer("maxcpu", "CPU threads"),
        .integer("mem", "Memory used, bytes"),
        .integer("maxmem", "Memory total, bytes"),
        .integer("disk", "Root filesystem used, bytes"),
        .integer("maxdisk", "Root filesystem size, bytes"),
        .integer("uptime", "Seconds since boot"),
        .string("level", "Subscription level (empty: none)"),
    ], unmodelled: true)

    public var line: String {
        var line = "\(node)  \(status)"
        if let cpu, let maxcpu { line += "  cpu \(Render.percent(cpu)) of \(maxcpu)" }
        if let mem, let maxmem { line += "  mem \(Render.gib(mem))/\(Render.gib(maxmem)) GiB" }
        if let uptime, uptime > 0 { line += "  up \(Render.duration(uptime))" }
        return line
    }
}
