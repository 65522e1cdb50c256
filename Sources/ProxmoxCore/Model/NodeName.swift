/// A cluster node name: a hostname label (`pve-node`: `^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?$`).
public struct NodeName: Hashable, Sendable, CustomStringConvertible {
    /// The node name as Proxmox prints it.
    public let value: String

    /// Validates `value` against Proxmox's node-name rule.
    public init(_ value: String, field: String = "node") throws(ProxmoxError) {
        guard Self.isValid(value) else {
            throw .invalidArgument(
                field: field,
                reason: "'\(value.prefix(64))' is not a node name (letters, digits and inner '-', at most 63 characters)")
        }
        self.value = value
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    public var description: String { value }
}
