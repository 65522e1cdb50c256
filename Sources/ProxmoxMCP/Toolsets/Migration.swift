import MCP
import ProxmoxCore

/// Moving guests between nodes: one migrate tool per kind, checked against what Proxmox itself
/// reports before anything runs, and a read-only plan for emptying a node.
enum Migration {
    static let toolset = Toolset(
        id: "migration", summary: "Move VMs and containers to another node; plan the evacuation of a node", isDefault: false,
        tools: [migrate(.qemu), migrate(.lxc), evacuationPlan])

    static let target = Argument<String?>("target", ["type": "string", "maxLength": 255,
                                                     "description": "Node to move to (another online node of the cluster)"], required: true) { arguments, name in
        try arguments.nodeText(name)
    }
    static let online = Argument<Bool?>.flag("online", "Live migration, the VM keeps running; default: true when it runs (a running VM needs it)")
    static let withLocalDisks = Argument<Bool>.flag("with_local_disks", "Copy disks on local (not shared) storage along; needed to move a running VM with local disks", default: false)
    static let targetStorage = Argument<StorageID?>.storage("target_storage", "Storage on the target for the copied disks; default: the same storage id")
    static let restart = Argument<Bool?>.flag("restart", "Restart migration: shut the container down, move it, start it on the target; default: true when it runs (containers cannot move live)")
    static let shutdownTimeout = Argument<Int?>.integer("shutdown_timeout", "Seconds a restart migration waits for the shutdown before it stops the container; default 180", range: 1...3600)
    static let bandwidth = Argument<Int?>.integer("bwlimit", "Bandwidth limit, KiB/s; default: the datacenter's", range: 1...100_000_000)

    static let preconditionsField = Field.object("preconditions", "What Proxmox reported about the move before it ran (absent: the host has no such report)", MigrationCheck.fields)

    static func migrate(_ kind: GuestKind) -> ToolDefinition {
        let noun = Guests.noun(kind)
        let modeArguments = kind == .qemu ? [online.erased, withLocalDisks.erased, targetStorage.erased] : [restart.erased, shutdownTimeout.erased, targetStorage.erased]
        return ToolDefinition(
            name: "\(Guests.prefix(kind))_migrate", title: "Migrate \(noun)",
            description: kind == .qemu
                ? "Move a VM to another node: live (online) when it runs, its local disks copied with with_local_disks. What Proxmox reports (allowed nodes, local disks, passthrough devices) is checked first; a move it would refuse runs nothing. Waits with progress."
                : "Move a container to another node: offline, or a restart migration when it runs (shut down, moved, started there). Proxmox's preconditions are checked first; a move it would refuse runs nothing. Waits with progress.",
            arguments: [Shared.vmid.erased, Shared.node.erased, target.erased] + modeArguments + [bandwidth.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false),
            output: Shared.change([.string("target", "Node it moves to", required: true), preconditionsField])
        ) { call in
            let guest = try await call.guest(kind)
            let to = try await destination(call, guest)
            let check = try await preconditions(call, guest, to: to)
            // Proxmox's check says whether it runs (checked on the node, fresher than the resources' status);
            // the resources only when the host has no check (containers before PVE 8.3).
            let running = if let check { check.running } else { try await call.engine.guest(guest.vmid)?.status == "running" }
            var mode = MigrationMode(targetStorage: try call[targetStorage], bandwidthLimit: try call[bandwidth])
            switch kind {
            case .qemu:
                mode.online = try call[online] ?? running
                mode.withLocalDisks = try call[withLocalDisks]
                if running && !mode.online {
                    throw ProxmoxError.invalidArgument(field: "online", reason: "VM \(guest.vmid) is running: move it live (online: true) or shut it down first")
                }
            case .lxc:
                mode.restart = try call[restart] ?? running
                mode.shutdownTimeout = try call[shutdownTimeout]
                if running && !mode.restart {
                    throw ProxmoxError.invalidArgument(field: "restart", reason: "container \(guest.vmid) is running: containers move with restart: true, or stopped")
                }
            }
            if let check, let reason = check.refusal(to: to.value, online: mode.online || mode.restart, withLocalDisks: mode.withLocalDisks || !running) {
                throw ProxmoxError.refused("cannot migrate \(kind.noun) \(guest.vmid) to \(to): \(reason); nothing ran")
            }
            var fields: [String: Value] = ["target": .string(to.value)]
            if let check { fields["preconditions"] = try Structured.encode(check) }
            return try await call.perform(Migrate(guest, to: to, mode: mode), guest: guest, action: "migrate", fields: fields)
        }
    }

    /// The target node: another node of the cluster, and online.
    static func destination(_ call: ToolCall, _ guest: GuestRef) async throws -> NodeName {
        let to = try await call.node(target)!
        if to == guest.node {
            throw ProxmoxError.invalidArgument(field: "target", reason: "\(guest.kind.noun) \(guest.vmid) is already on \(to); name another node")
        }
        let members = try await call.engine.membership()
        if members.nodes.first(where: { $0.name == to.value })?.online == false {
            throw ProxmoxError.refused("node \(to) is offline; a migration needs the target online; nothing ran")
        }
        return to
    }

    /// What Proxmox reports about the move; nil when the host has no such endpoint (containers before PVE 8.3).
    static func preconditions(_ call: ToolCall, _ guest: GuestRef, to: NodeName?) async throws -> MigrationCheck? {
        do {
            return try await call.engine.read(MigrationPreconditions(guest, to: to), transport: .api).value
        } catch let error as ProxmoxError where guest.kind == .lxc && "\(error)".contains("No 'get' handler") {
            return nil
        }
    }

    // MARK: Evacuation plan

    static let planNode = Argument<String?>.node("node", "Node about to go down; default: defaultNode setting, else the one logged in to")

    static let planEntry = ResultSchema.object([
        .integer("vmid", "Guest id", required: true),
        .choice("type", ["qemu", "lxc"], "VM or container", required: true),
        .string("name", "Guest name"),
        .string("status", "running, stopped or paused", required: true),
        .choice("action", ["migrate", "ha", "blocked"], "migrate: one migrate call moves it; ha: the HA manager moves it (node maintenance); blocked: it cannot move", required: true),
        .string("target", "Node to move it to (action migrate)"),
        .boolean("online", "Moves live (VM) or with a restart (container), as it runs", required: true),
        .boolean("withLocalDisks", "Its local disks are copied along (with_local_disks: true)", required: true),
        .integer("memory", "Memory it needs on the target, bytes", required: true),
        .string("reason", "Why it cannot move, or why HA moves it"),
    ])

    static let nodeEntry = ResultSchema.object([
        .string("node", "Online node that takes guests", required: true),
        .integer("freeBefore", "Free memory now, bytes", required: true),
        .integer("freeAfter", "Free memory after the moves of running guests, bytes", required: true),
    ])

    static let evacuationPlan = ToolDefinition(
        name: "proxmox_node_evacuation_plan", title: "Plan a node's evacuation",
        description: "For a node about to go down: which guests would move where (running ones placed by free memory on the other online nodes, within what Proxmox allows), which the HA manager moves, which cannot move and why. Read-only: each move is then one migrate call.",
        arguments: [planNode.erased], annotations: Shared.readOnly,
        output: [.string("node", "Node to empty", required: true),
                 .list("guests", "Every guest on it, running ones first", planEntry, required: true),
                 .list("targets", "Online nodes that take guests", nodeEntry, required: true),
                 ] + Shared.provenance
    ) { call in
        let node = try await call.scopeNode(planNode)
        let plan = try await EvacuationPlanner.plan(node, engine: call.engine)
        let text = plan.entries.isEmpty ? "No guests on \(node)." : plan.entries.map(\.line).joined(separator: "\n")
        var fields: [String: Value] = ["node": .string(node.value), "guests": try Structured.encode(plan.entries),
                                       "targets": try Structured.encode(plan.targets)]
        return ToolOutput(text: text, structured: Structured.read(fields, family: .api, commands: plan.commands, notes: plan.notes,
                                                                  environment: call.environment))
    }
}
