/// A validated request for one Proxmox operation. Its fields are already typed and checked, so
/// building a command from it cannot fail and cannot inject anything.
public enum Intent: Hashable, Sendable {
    /// All cluster nodes with their status and load.
    case listNodes
    /// All guests of the cluster, optionally one kind only and/or one node only.
    case listGuests(kind: GuestKind?, node: NodeName?)

    /// Whether the operation changes nothing on the host.
    public var isReadOnly: Bool {
        switch self {
        case .listNodes, .listGuests: true
        }
    }
}
