/// A validated request for one Proxmox operation. Its fields are already typed and checked, so
/// building a command from it cannot fail and cannot inject anything.
public enum Intent: Hashable, Sendable {
    case listNodes
    case nodeStatus(NodeName)
    case clusterStatus
    /// All guests of the cluster, optionally one kind only and/or one node only.
    case listGuests(kind: GuestKind?, node: NodeName?)
    case power(GuestRef, PowerAction)
    case createVM(node: NodeName, VMCreateSpec)
    case createContainer(node: NodeName, ContainerCreateSpec)
    case delete(GuestRef, purge: Bool, destroyUnreferencedDisks: Bool)
    case clone(GuestRef, CloneSpec)
    case snapshotCreate(GuestRef, SnapshotName, description: FreeText?, includeRAM: Bool)
    case snapshotList(GuestRef)
    case snapshotRollback(GuestRef, SnapshotName, start: Bool)
    case snapshotDelete(GuestRef, SnapshotName)
    case configGet(GuestRef)
    case configSet(GuestRef, ConfigChange)
    /// Storage pools of one node, or of every node (`/cluster/resources --type storage`).
    case storageList(node: NodeName?)
    case storageContent(node: NodeName, storage: StorageID, content: String?)
    /// The next free guest id.
    case nextID
    case taskStatus(UPID)
    case taskLog(UPID, start: Int, limit: Int)
    /// The running tasks of one guest on its node (to find the task of a command still running).
    case activeTasks(node: NodeName, vmid: VMID)

    /// Whether the operation changes nothing on the host.
    public var isReadOnly: Bool {
        switch self {
        case .listNodes, .nodeStatus, .clusterStatus, .listGuests, .snapshotList, .configGet, .storageList,
             .storageContent, .taskStatus, .taskLog, .activeTasks, .nextID:
            true
        case .power, .createVM, .createContainer, .delete, .clone, .snapshotCreate, .snapshotRollback,
             .snapshotDelete, .configSet:
            false
        }
    }

    /// Whether the operation is a power action (routed like reads under `auto`).
    public var isPower: Bool {
        if case .power = self { return true }
        return false
    }

    /// Whether the operation starts a Proxmox task (a worker with a UPID).
    public var startsTask: Bool { !isReadOnly }

    /// Whether a `qm`/`pct` form exists. Cluster-wide reads, node and storage queries and task
    /// queries exist only as API calls.
    public var hasCLIForm: Bool {
        switch self {
        case .listNodes, .nodeStatus, .clusterStatus, .listGuests, .storageList, .storageContent, .taskStatus, .taskLog,
             .activeTasks, .nextID:
            false
        case .createContainer(_, let spec):
            // `pct create --ssh-public-keys` takes a file on the host, not the keys: only the API takes them inline.
            spec.sshPublicKeys == nil
        default:
            true
        }
    }

    /// The guest the operation acts on, if any.
    public var guest: GuestRef? {
        switch self {
        case let .power(guest, _), let .delete(guest, _, _), let .clone(guest, _), let .snapshotCreate(guest, _, _, _),
             let .snapshotList(guest), let .snapshotRollback(guest, _, _), let .snapshotDelete(guest, _),
             let .configGet(guest), let .configSet(guest, _):
            guest
        default:
            nil
        }
    }

    /// The guest id a task of this operation carries (`UPID:…:qmstart:100:…`): the guest's, or the new one's.
    public var taskVMID: VMID? {
        switch self {
        case let .createVM(_, spec): spec.vmid
        case let .createContainer(_, spec): spec.vmid
        default: guest?.vmid
        }
    }

    /// The node the operation's command must run on when it is a `qm`/`pct` command.
    public var node: NodeName? {
        switch self {
        case let .createVM(node, _), let .createContainer(node, _): node
        default: guest?.node
        }
    }
}
