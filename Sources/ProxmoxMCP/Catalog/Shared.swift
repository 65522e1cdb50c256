import MCP
import ProxmoxCore

/// Arguments and result fields that many tools share, declared once with their full meaning.
enum Shared {
    // MARK: Arguments

    static let vmid = Argument<VMID>.vmid()
    static let node = Argument<String?>.node("node", "Guest's node; default: looked up")
    /// For node-scoped reads.
    static let scopeNode = Argument<String?>.node("node", "Node; default: defaultNode setting, else the one logged in to")
    static let filterNode = Argument<String?>.node("node", "Only this node; default all")
    static let transport = Argument<TransportPreference?>.transport
    static let dryRun = Argument<Bool>.flag("dryRun", "Preview: show the commands, run nothing", default: false)
    static let wait = Argument<Bool>.flag("wait", "Wait for the task to end (false: return its UPID)", default: true)
    static let timeout = Argument<Int?>.integer("timeout", "Longest task wait, seconds; default: server's (300+)",
                                                range: 1...86_400)
    static let confirm = Argument<Bool>.flag("confirm", "Must be true for this irreversible change, else the user is asked (when the client can ask) or the call is refused; a dryRun needs none", default: false)
    static let description = Argument<FreeText?>.text("description", "Free text (web UI notes)")

    /// What every task-starting tool takes, after its own arguments.
    static let taskOptions: [AnyArgument] = [transport.erased, dryRun.erased, wait.erased, timeout.erased]

    // MARK: Result fields

    /// How every answer says what ran.
    static let provenance: [Field] = [
        .choice("transport", ["cli", "api"], "Ran as cli (qm, pct) or api (pvesh, or the /etc/pve file it answers from)", required: true),
        .strings("commands", "Command lines run (dry run: to run)", required: true),
        .strings("notes", "Fallback and routing choices"),
        .boolean("simulated", "Answered by the simulator"),
    ]

    /// Which cluster and host answered, added to every answer by the server.
    static let routing: [Field] = [
        .string("cluster", "Cluster that answered (its name in the clusters map), when several are configured"),
        .strings("answeredBy", "SSH hosts (host:port) that ran the commands: the first reachable of the cluster's hosts, a guest's own node for qm/pct"),
    ]

    /// The guest a change is about, and what was done to it.
    static let subject: [Field] = guestRead + [.string("action", "What was done", required: true)]

    /// A change: its subject, what ran (or would run), and how its task ended.
    static func change(_ extra: [Field] = []) -> [Field] {
        subject + provenance + extra + [
            .boolean("dryRun", "Nothing ran", required: true),
            .string("ranOnNode", "Other node whose qm or pct ran it"),
            Field("task", TaskReport.schema),
        ]
    }

    /// A read of one guest.
    static let guestRead: [Field] = [
        .integer("vmid", "Guest id", required: true),
        .string("node", "Guest's node", required: true),
        .choice("type", ["qemu", "lxc"], "VM or container", required: true),
    ]

    // MARK: Annotations

    static let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)

    static func changing(destructive: Bool, idempotent: Bool = false) -> Tool.Annotations {
        Tool.Annotations(readOnlyHint: false, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: false)
    }
}
