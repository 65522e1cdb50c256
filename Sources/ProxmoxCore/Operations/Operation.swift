/// One Proxmox operation, declared once in its feature's file (`Operations/<Toolset>.swift`): every
/// fact the engine needs is a requirement without a default, so a new operation that forgets one
/// does not compile. The engine keeps the mechanics (routing, fallback, node choice, task wait).
public protocol ProxmoxOperation: Hashable, Sendable {
    /// The pvesh form; every operation has one.
    var apiCommand: Command { get }
    /// The `qm`/`pct` form, or nil when none exists (cluster-wide reads, nodes, storage, tasks).
    var cliCommand: Command? { get }
    /// The family `transport: auto` picks when both forms exist: pvesh for reads and power,
    /// qm/pct for create, delete, snapshots and config (what an admin would type).
    var autoFamily: CommandFamily { get }
    /// The guest acted on or created: qm/pct run on its node, and its id is the one the task carries.
    var guest: GuestRef? { get }
    /// The node the qm/pct form must run on: the guest's, or for a per-node read (`qm list`) the node it reads.
    var cliNode: NodeName? { get }
}

/// An operation that changes nothing and answers with a typed value.
public protocol ReadOperation: ProxmoxOperation {
    associatedtype Value: Sendable
    /// Turns the output of the command that ran (pvesh JSON, or qm/pct text) into the value.
    func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> Value
}

/// An operation that changes something on the host.
public protocol ChangeOperation: ProxmoxOperation {
    /// How the host carries it out.
    var effect: ChangeEffect { get }
    /// Where its task shows while the command runs (for progress and for naming it when the
    /// call is cancelled). Derived from ``guest`` unless the task carries no guest id.
    var runningTask: ActiveTasks? { get }
    /// The exit status is a guest program's, not Proxmox's (`pct exec`): any status is an answer,
    /// returned with its output, never classified as a failure.
    var exitStatusIsTheProgramsOwn: Bool { get }
}

extension ChangeOperation {
    public var runningTask: ActiveTasks? { guest.map { ActiveTasks(node: $0.node, vmid: $0.vmid) } }
    public var exitStatusIsTheProgramsOwn: Bool { false }
}

/// How a change is carried out, which decides how its end is known.
public enum ChangeEffect: Sendable, Hashable {
    /// A worker task: pvesh prints a UPID (polled to its end), qm/pct run it in the foreground.
    case task
    /// Done when the command returns (a `PUT`, e.g. config): no task to wait for.
    case synchronous
    /// A task on current versions, done at once on older ones or for some kinds (a resize before
    /// PVE 8, a container's template): waited for when pvesh prints a UPID, done when it prints none.
    case taskIfReturned
}

extension ProxmoxOperation {
    /// Where qm/pct run: the guest's node, unless the operation reads a node of its own.
    public var cliNode: NodeName? { guest?.node }

    /// The command of `family`; operations without a qm/pct form are always built as pvesh, and
    /// ``Command/family`` tells what was built.
    public func command(for family: CommandFamily) -> Command {
        family == .cli ? cliCommand ?? apiCommand : apiCommand
    }

    /// The family that carries the operation under `preference`.
    public func family(for preference: TransportPreference) -> CommandFamily {
        guard cliCommand != nil else { return .api }
        switch preference {
        case .cli: return .cli
        case .api: return .api
        case .auto: return autoFamily
        }
    }
}

extension ReadOperation {
    /// Parses pvesh's JSON output; the usual first step of a read's parser.
    static func document(_ output: CommandOutput) throws(ParseFailure) -> JSONValue {
        do { return try JSONValue.parse(output.stdout) } catch {
            throw ParseFailure(output.stdout.isEmpty ? "no output" : "not JSON (\(output.stdout.count) bytes)")
        }
    }
}
