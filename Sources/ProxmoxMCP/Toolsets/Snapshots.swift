import MCP
import ProxmoxCore

/// Snapshots of VMs and containers: take, list, roll back, delete.
enum Snapshots {
    static let toolset = Toolset(
        id: "snapshots", summary: "Take, list, restore and delete snapshots of VMs and containers", isDefault: true,
        tools: [GuestKind.qemu, .lxc].flatMap { kind in [create(kind), list(kind), restore(kind), delete(kind)] })

    static func prefix(_ kind: GuestKind) -> String { Guests.prefix(kind) }
    static func noun(_ kind: GuestKind) -> String { Guests.noun(kind) }

    static let name = Argument<SnapshotName>.snapshot("Snapshot name: a letter, then letters, digits, '_' or '-' (2-40)")
    static let includeRAM = Argument<Bool>.flag("include_ram", "Save RAM state too (a running VM resumes where it was on restore)", default: false)
    static let startAfter = Argument<Bool>.flag("start", "Start the guest after the rollback", default: false)
    static let snapshotField = Field.string("snapshot", "Snapshot name", required: true)

    static func create(_ kind: GuestKind) -> ToolDefinition {
        ToolDefinition(
            name: "\(prefix(kind))_snapshot_create", title: "Snapshot \(noun(kind))",
            description: "Take a snapshot of a \(noun(kind))'s disks and config\(kind == .qemu ? ", optionally with RAM" : "").",
            arguments: [Shared.vmid.erased, Shared.node.erased, name.erased, Shared.description.erased] + (kind == .qemu ? [includeRAM.erased] : [])
                + Shared.taskOptions,
            annotations: Shared.changing(destructive: false), output: Shared.change([snapshotField])
        ) { call in
            let guest = try await call.guest(kind)
            let snapshot = try call[name]
            return try await call.perform(
                SnapshotCreate(guest, snapshot, description: try call[Shared.description], includeRAM: kind == .qemu ? try call[includeRAM] : false),
                guest: guest, action: "snapshot", fields: ["snapshot": .string(snapshot.value)])
        }
    }

    static func list(_ kind: GuestKind) -> ToolDefinition {
        ToolDefinition(
            name: "\(prefix(kind))_snapshot_list", title: "List \(noun(kind)) snapshots",
            description: "List a \(noun(kind))'s snapshots as a tree (parent, time, description, RAM state); `current` marks the live state. Read-only.",
            arguments: [Shared.vmid.erased, Shared.node.erased, Shared.transport.erased], annotations: Shared.readOnly,
            output: Shared.guestRead + Shared.provenance + [.list("snapshots", "Oldest first; current last", SnapshotEntry.schema, required: true)]
        ) { call in
            let guest = try await call.guest(kind)
            let outcome = try await call.engine.read(SnapshotList(guest), transport: try call.transport())
            let text = outcome.value.isEmpty ? "No snapshots." : outcome.value.map(\.line).joined(separator: "\n")
            return call.answer(Structured.guestFields(guest).merging(["snapshots": try Structured.encode(outcome.value)]) { $1 }, outcome, text: text)
        }
    }

    static func restore(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_snapshot_restore", title: "Restore \(noun(kind)) snapshot",
            description: "Roll a \(noun(kind)) back to a snapshot. Destructive: changes since the snapshot are lost; the guest is stopped for it.",
            arguments: [Shared.vmid.erased, Shared.node.erased, name.erased, startAfter.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: true), output: Shared.change([snapshotField])
        ) { call in
            let guest = try await call.guest(kind)
            let snapshot = try call[name]
            return try await call.perform(SnapshotRollback(guest, snapshot, start: try call[startAfter]), guest: guest, action: "restore",
                                          fields: ["snapshot": .string(snapshot.value)])
        }
        definition.protection = .always
        return definition
    }

    static func delete(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_snapshot_delete", title: "Delete \(noun(kind)) snapshot",
            description: "Delete one snapshot of a \(noun(kind)); the guest and other snapshots stay. Irreversible for that snapshot.",
            arguments: [Shared.vmid.erased, Shared.node.erased, name.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: true), output: Shared.change([snapshotField])
        ) { call in
            let guest = try await call.guest(kind)
            let snapshot = try call[name]
            return try await call.perform(SnapshotDelete(guest, snapshot), guest: guest, action: "delete snapshot",
                                          fields: ["snapshot": .string(snapshot.value)])
        }
        definition.protection = .always
        return definition
    }
}
