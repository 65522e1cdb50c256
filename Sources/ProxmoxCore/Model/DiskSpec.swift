/// The names and sizes the disk tools take, each refused before anything runs when it does not fit.

/// A disk's config key: `scsi0`..`scsi30`, `virtio0`..`virtio15`, `sata0`..`sata5`, `ide0`..`ide3`,
/// `efidisk0`, `tpmstate0` and `unused0`.. for VMs; `rootfs` and `mp0`.. for containers.
public struct DiskKey: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// The buses of a kind and their highest index (qemu-server's `$MAX_*` limits, pve-container's `mp`).
    static let buses: [GuestKind: [(String, Int)]] = [
        .qemu: [("scsi", 30), ("virtio", 15), ("sata", 5), ("ide", 3), ("efidisk", 0), ("tpmstate", 0), ("unused", 255)],
        .lxc: [("mp", 255), ("unused", 255)],
    ]

    /// The rule as a JSON Schema pattern, for both kinds.
    public static let pattern = "^(rootfs|(scsi|virtio|sata|ide|efidisk|tpmstate|mp|unused)[0-9]{1,3})$"

    public init(_ text: String, kind: GuestKind, field: String = "disk") throws(ProxmoxError) {
        if kind == .lxc && text == "rootfs" {
            value = text
            return
        }
        let bus = String(text.prefix { $0.isASCII && $0.isLetter })
        let index = text.dropFirst(bus.count)
        guard let limit = Self.buses[kind]?.first(where: { $0.0 == bus })?.1, !index.isEmpty, index.count <= 3,
              index.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(index), number <= limit,
              index == "0" || !index.hasPrefix("0") else {
            let examples = kind == .qemu ? "scsi0, virtio1, sata0, ide0, efidisk0, tpmstate0, unused0" : "rootfs, mp0, unused0"
            throw .invalidArgument(field: field, reason: "'\(text.prefix(40))' is not a \(kind.noun) disk key (\(examples))")
        }
        value = text
    }

    /// The bus part (`scsi`, `rootfs`, `mp`).
    public var bus: String { String(value.prefix { $0.isLetter }) }

    public var description: String { value }
}

/// A disk size as `qm disk resize` and `pct resize` take it: `+10G` (grow by) or `50G` (the new
/// size), a whole or decimal number with an optional unit K, M, G or T (binary; none: bytes).
public struct DiskSize: Hashable, Sendable, CustomStringConvertible {
    public static let pattern = "^\\+?[0-9]+(\\.[0-9]+)?[KMGT]?$"
    public let value: String
    /// `+10G`: grow by; `50G`: the new size.
    public let isIncrement: Bool
    /// The amount in bytes (the increment, or the new size).
    public let bytes: Int64

    public init(_ text: String, field: String = "size") throws(ProxmoxError) {
        var rest = Substring(text)
        let increment = rest.hasPrefix("+")
        if increment { rest = rest.dropFirst() }
        let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        var factor = 1.0
        if let last = rest.last, let unit = units[last] {
            factor = unit
            rest = rest.dropLast()
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard text.count <= 24, (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let number = Double(rest), number * factor < 9e18 else {
            throw .invalidArgument(field: field, reason: "'\(text.prefix(24))' is not a size: +10G grows by 10 GiB, 50G sets 50 GiB (units K, M, G, T)")
        }
        guard number > 0 || !increment else { throw .invalidArgument(field: field, reason: "+0 grows nothing") }
        value = text
        isIncrement = increment
        bytes = Int64(number * factor)
    }

    public var description: String { value }

    /// Bytes of a size as Proxmox writes it in a config (`32G`, `512M`, `1T`, `4194304` bytes).
    public static func bytes(ofConfigSize text: String) -> Int64? {
        (try? DiskSize(text)).map(\.bytes)
    }
}
