/// A Proxmox task id: `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:` (pve-common
/// `PVE/UPID.pm`). pid is 8 hex digits, pstart 8 or 9 (after ~497 days of uptime), starttime 8.
public struct UPID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Node that runs the task (where its status must be asked).
    public let node: String
    /// Worker process id.
    public let pid: Int
    /// Worker process start, in clock ticks since boot.
    public let pstart: Int
    /// Task start, Unix seconds.
    public let starttime: Int
    /// Worker type (`qmstart`, `vzcreate`, ...).
    public let type: String
    /// Object id, usually the VMID; may be empty.
    public let id: String
    /// Who started it (`root@pam`, `user@pve!token`).
    public let user: String

    public init(node: String, pid: Int, pstart: Int, starttime: Int, type: String, id: String, user: String) {
        self.node = node
        self.pid = pid
        self.pstart = pstart
        self.starttime = starttime
        self.type = type
        self.id = id
        self.user = user
    }

    /// Parses the text form, as strictly as PVE's own decoder.
    public init(parsing text: String) throws(ParseFailure) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 9, fields[0] == "UPID", fields[8].isEmpty else {
            throw ParseFailure("'\(text.prefix(80))' is not a UPID")
        }
        func hex(_ field: String, _ digits: ClosedRange<Int>) -> Int? {
            guard digits.contains(field.count), field.allSatisfy(\.isHexDigit) else { return nil }
            return Int(field, radix: 16)
        }
        let forbidden: (Character) -> Bool = { $0 == "/" || $0.isWhitespace }
        guard NodeName.isValid(fields[1]),
              let pid = hex(fields[2], 8...8), let pstart = hex(fields[3], 8...9), let start = hex(fields[4], 8...8),
              !fields[5].isEmpty, !fields[5].contains(where: forbidden), !fields[6].contains(where: forbidden),
              !fields[7].isEmpty, !fields[7].contains(where: forbidden)
        else { throw ParseFailure("'\(text.prefix(80))' is not a UPID") }
        self.init(node: fields[1], pid: pid, pstart: pstart, starttime: start, type: fields[5], id: fields[6],
                  user: fields[7])
    }

    /// The text form, as PVE encodes it.
    public var description: String {
        "UPID:\(node):\(Self.hex(pid, 8)):\(Self.hex(pstart, 8)):\(Self.hex(starttime, 8)):\(type):\(id):\(user):"
    }

    private static func hex(_ value: Int, _ width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.detail))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
