import Foundation

/// One snapshot of a guest, or the `current` entry (the live state).
public struct SnapshotEntry: Codable, Hashable, Sendable {
    public var name: String
    public var parent: String?
    public var description: String
    /// Unix time; absent for `current`.
    public var snaptime: Int64?
    /// Whether RAM state was saved.
    public var vmstate: Bool
    /// True for the `current` pseudo-entry.
    public var current: Bool
    /// Whatever else the host printed for it (`running`, `digest`, `snapstate`, ...), passed on as is.
    public var unmodelled: UnmodelledFields

    public init(name: String, parent: String?, description: String, snaptime: Int64?, vmstate: Bool, current: Bool,
                unmodelled: UnmodelledFields = UnmodelledFields()) {
        self.name = name
        self.parent = parent
        self.description = description
        self.snaptime = snaptime
        self.vmstate = vmstate
        self.current = current
        self.unmodelled = unmodelled
    }

    /// `GET .../snapshot`.
    public static func parseList(_ document: JSONValue) throws(ParseFailure) -> [SnapshotEntry] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of snapshots") }
        return ParseProblems.each(entries) { entry throws(ParseFailure) in
            guard let name = entry["name"]?.stringValue else { throw ParseFailure("a snapshot has no 'name' field") }
            return SnapshotEntry(name: name, parent: entry["parent"]?.stringValue,
                                 description: entry["description"]?.stringValue ?? "", snaptime: entry["snaptime"]?.intValue,
                                 vmstate: entry["vmstate"]?.boolValue ?? false, current: name == "current",
                                 unmodelled: UnmodelledFields(entry, known: ["name", "parent", "description", "snaptime", "vmstate"]))
        }
    }

    /// `qm listsnapshot` / `pct listsnapshot`: a tree, one space of indent per level, then
    /// `` `-> name  YYYY-MM-DD HH:MM:SS  description``. Long names push the columns right, so the
    /// line is read by tokens, not by column.
    public static func parseTree(_ text: String) throws(ParseFailure) -> [SnapshotEntry] {
        var entries: [SnapshotEntry] = []
        var stack: [String] = []  // names by depth
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let arrow = line.range(of: "`->") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw ParseFailure("unexpected line in snapshot list: '\(line.prefix(80))'")
            }
            let depth = line.distance(from: line.startIndex, to: arrow.lowerBound)
            var rest = line[arrow.upperBound...].drop { $0 == " " }
            let name = String(rest.prefix { $0 != " " })
            guard !name.isEmpty else { throw ParseFailure("a snapshot line has no name") }
            rest = rest.dropFirst(name.count).drop { $0 == " " }
            var snaptime: Int64?
            if rest.count >= 19, let time = Self.time(String(rest.prefix(19))) {
                snaptime = time
                rest = rest.dropFirst(19).drop { $0 == " " }
            }
            var description = rest.trimmingCharacters(in: .whitespaces)
            let current = name == "current" && snaptime == nil
            if current || description == "no-description" { description = current ? "You are here!" : "" }
            stack = Array(stack.prefix(depth))
            entries.append(SnapshotEntry(name: name, parent: stack.last, description: description, snaptime: snaptime,
                                         vmstate: false, current: current))
            stack.append(name)
        }
        return entries
    }

    /// `YYYY-MM-DD HH:MM:SS` as printed by the host, read as UTC (the host's zone is unknown).
    static func time(_ text: String) -> Int64? {
        Render.utcSeconds(text)
    }
}

/// A guest's configuration: keys and values as strings (Proxmox's property strings), and the
/// digest that guards edits (only the API prints it).
public struct GuestConfig: Codable, Hashable, Sendable {
    public var options: [String: String]
    public var digest: String?

    /// `GET .../config`: values typed by the schema come as numbers; keep them as text.
    public static func parse(_ document: JSONValue) throws(ParseFailure) -> GuestConfig {
        guard case let .object(fields) = document else { throw ParseFailure("expected a JSON object of config") }
        var options: [String: String] = [:]
        for (key, value) in fields where key != "digest" {
            switch value {
            case let .double(number): options[key] = JSONValue.numberText(number)
            case let .bool(flag): options[key] = flag ? "1" : "0"
            case let .array(pairs) where key == "lxc":
                // A container's raw `lxc.*` lines come as [key, value] pairs; one key may repeat.
                for pair in pairs {
                    guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue, let text = items[1].stringValue else { continue }
                    addRaw(&options, name, text)
                }
            case .array, .object, .null: continue
            default: options[key] = value.stringValue
            }
        }
        return GuestConfig(options: options, digest: fields["digest"]?.stringValue)
    }

    /// A raw `lxc.*` line: repeated keys (several `lxc.mount.entry`) keep every value, one per line.
    static func addRaw(_ options: inout [String: String], _ key: String, _ value: String) {
        options[key] = options[key].map { $0 + "\n" + value } ?? value
    }

    /// `qm config` / `pct config`: `key: value` lines; stops at a snapshot section (`[name]`).
    public static func parseText(_ text: String) throws(ParseFailure) -> GuestConfig {
        var options: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") { break }
            guard let colon = line.firstIndex(of: ":") else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw ParseFailure("unexpected config line: '\(line.prefix(80))'")
            }
            let key = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            if key.hasPrefix("lxc.") {
                addRaw(&options, key, String(value))
            } else {
                options[key] = key == "description" ? decodedText(String(value)) : String(value)
            }
        }
        return GuestConfig(options: options, digest: nil)
    }

    /// `qm config` / `pct config` print the description percent-encoded (PVE::Tools::encode_text:
    /// newlines, `:` and non-ASCII bytes as `%XX` of UTF-8), where the API gives it as text.
    /// Decoded the way decode_text does, so both transports read the same description; a `%`
    /// not followed by two hex digits stays as it is.
    static func decodedText(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A task's state (`GET /nodes/{node}/tasks/{upid}/status`).
public struct TaskStatus: Codable, Hashable, Sendable {
    public var upid: String
    /// `running` or `stopped`.
    public var status: String
    /// `OK`, `WARNINGS: n`, or the error, once stopped.
    public var exitstatus: String?

    public init(upid: String, status: String, exitstatus: String?) {
        self.upid = upid
        self.status = status
        self.exitstatus = exitstatus
    }

    public var isRunning: Bool { status == "running" }
    /// A task failed unless it ended `OK` or with warnings (UPID.pm `status_is_error`).
    public var succeeded: Bool {
        guard let exitstatus, !isRunning else { return false }
        return exitstatus == "OK" || exitstatus.hasPrefix("WARNINGS: ")
    }

    public static func parse(_ document: JSONValue) throws(ParseFailure) -> TaskStatus {
        guard let status = document["status"]?.stringValue else { throw ParseFailure("task status has no 'status' field") }
        return TaskStatus(upid: document["upid"]?.stringValue ?? "", status: status,
                          exitstatus: document["exitstatus"]?.stringValue)
    }
}

extension UPID {
    /// The UPID a worker endpoint printed: pvesh prints the task log first, the UPID (a JSON
    /// string) last, so only the last non-empty line counts.
    public static func fromPveshOutput(_ stdout: String) throws(ParseFailure) -> UPID {
        guard let last = stdout.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw ParseFailure("no UPID in the output")
        }
        let text: String
        if let value = try? JSONValue.parse(Array(last.utf8)), case let .string(string) = value { text = string } else {
            text = last.trimmingCharacters(in: .whitespaces)
        }
        return try UPID(parsing: text)
    }
}

extension SnapshotEntry {
    public static let schema = ResultSchema.object([
        .string("name", "Snapshot name; current = the live state", required: true),
        .string("parent", "Snapshot it was taken after"),
        .string("description", "Description", required: true),
        .integer("snaptime", "Taken, seconds since epoch; absent for current"),
        .boolean("vmstate", "RAM state saved", required: true),
        .boolean("current", "The live state, not a snapshot", required: true),
    ], unmodelled: true)

    public var line: String {
        current ? "current (live state)\(parent.map { ", after \($0)" } ?? "")"
            : "\(name)\(parent.map { " (after \($0))" } ?? "")\(description.isEmpty ? "" : ": \(description)")"
    }
}
