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
        Ascii.isWord(text, length: 1...63, first: Ascii.isLetterOrDigit, inner: "-", last: Ascii.isLetterOrDigit)
    }

    public var description: String { value }
}
