/// A Proxmox guest id: an integer from 100 to 999 999 999 (`pve-vmid` in pve-common's JSONSchema.pm).
///
/// A `VMID` can only be built from a valid value, so an invalid id cannot reach a command line.
public struct VMID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The smallest id Proxmox accepts.
    public static let minimum = 100
    /// The largest id Proxmox accepts.
    public static let maximum = 999_999_999

    /// The numeric id.
    public let value: Int

    /// Validates `value` against Proxmox's range.
    public init(_ value: Int) throws(ProxmoxError) {
        guard (Self.minimum...Self.maximum).contains(value) else {
            throw .invalidArgument(field: "vmid", reason: "\(value) is outside \(Self.minimum)-\(Self.maximum)")
        }
        self.value = value
    }

    /// Parses the string form Proxmox uses (`^[1-9][0-9]{2,8}$`).
    public init(parsing text: String, field: String = "vmid") throws(ProxmoxError) {
        let digits = text.utf8
        guard (3...9).contains(digits.count), digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = Int(text)
        else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(40))' is not a VM id (100-999999999)")
        }
        try self.init(number)
    }

    public var description: String { String(value) }

    public static func < (lhs: VMID, rhs: VMID) -> Bool { lhs.value < rhs.value }
}
