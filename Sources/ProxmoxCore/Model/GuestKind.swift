/// The two kinds of guest Proxmox runs. Everything that differs between VMs and containers
/// (CLI tool, API path segment, wording) is a property of the kind, so guest code exists once.
public enum GuestKind: String, CaseIterable, Sendable, Codable {
    /// A QEMU/KVM virtual machine.
    case qemu
    /// An LXC container.
    case lxc

    /// The host CLI that manages this kind.
    public var cliTool: String {
        switch self {
        case .qemu: "qm"
        case .lxc: "pct"
        }
    }

    /// The API path segment under `/nodes/{node}/`.
    public var apiSegment: String { rawValue }

    /// The word Proxmox uses in messages (`VM 100 ...`, `CT 100 ...`).
    public var noun: String {
        switch self {
        case .qemu: "VM"
        case .lxc: "CT"
        }
    }
}
