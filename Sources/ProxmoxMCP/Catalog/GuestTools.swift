import MCP
import ProxmoxCore

/// The VM and container tools: one implementation, parameterised by kind (`qm` + `/qemu` for VMs,
/// `pct` + `/lxc` for containers). Names are fixed: proxmox_vm_* and proxmox_ct_*.
enum GuestTools {
    static func all(_ kind: GuestKind) -> [ToolDefinition] {
        var tools = [list(kind)]
        let actions: [(PowerAction, String)] = kind == .qemu
            ? [(.start, "start"), (.stop, "stop"), (.reboot, "restart"), (.shutdown, "shutdown")]
            : [(.start, "start"), (.stop, "stop"), (.reboot, "restart")]
        tools += actions.map { power(kind, $0.0, toolVerb: $0.1) }
        tools += [kind == .qemu ? createVM : createContainer, delete(kind), clone(kind),
                  snapshotCreate(kind), snapshotList(kind), snapshotRestore(kind), snapshotDelete(kind)]
        if kind == .qemu { tools.append(config(kind)) }
        return tools
    }

    static func prefix(_ kind: GuestKind) -> String { kind == .qemu ? "proxmox_vm" : "proxmox_ct" }
    static func noun(_ kind: GuestKind) -> String { kind == .qemu ? "VM" : "container" }

    static let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)

    static func changing(destructive: Bool, idempotent: Bool) -> Tool.Annotations {
        Tool.Annotations(readOnlyHint: false, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: false)
    }

    /// Finds the guest the call names: vmid plus optional node.
    static func guest(_ arguments: ToolArguments, _ kind: GuestKind, _ environment: ToolEnvironment) async throws -> GuestRef {
        let vmid = try arguments.requiredVMID()
        return try await environment.engine.locate(vmid: vmid, kind: kind, node: try arguments.nodeText())
    }

    static func options(_ arguments: ToolArguments, _ environment: ToolEnvironment) throws -> OperationOptions {
        OperationOptions(
            transport: try arguments.transport(default: environment.defaultTransport), wait: try arguments.bool("wait") ?? true,
            timeout: try arguments.integer("timeout", in: 1...86_400).map { .seconds($0) } ?? environment.taskTimeout,
            dryRun: try arguments.bool("dryRun") ?? false, progress: CallContext.current?.progress)
    }

    static func guestFields(_ guest: GuestRef) -> [String: Value] {
        ["vmid": .int(guest.vmid.value), "node": .string(guest.node.value), "type": .string(guest.kind.rawValue)]
    }

    /// Runs a change on a guest and renders it.
    static func perform(_ intent: Intent, guest: GuestRef, action: String, fields: [String: Value] = [:],
                        secrets: [String] = [], arguments: ToolArguments, environment: ToolEnvironment) async throws -> ToolOutput {
        let execution = try await environment.engine.perform(intent, options: try options(arguments, environment))
        let subject = "\(guest.kind.noun) \(guest.vmid)"
        return ToolOutput(
            text: Structured.summary(execution, subject: subject, action: action, secrets: secrets),
            structured: try Structured.execution(execution, fields: guestFields(guest).merging(fields) { $1 }.merging(["action": .string(action)]) { $1 },
                                                 secrets: secrets, environment: environment))
    }

    // MARK: Tools

    static func list(_ kind: GuestKind) -> ToolDefinition {
        ToolDefinition(
            name: "\(prefix(kind))_list", title: "List \(noun(kind))s",
            description: "List \(kind == .qemu ? "QEMU VMs" : "LXC containers") of the whole cluster (or one node) with status, node, CPU, memory, disk and tags; templates are flagged. Read-only.",
            properties: ["node": SchemaFragments.node, "transport": SchemaFragments.transport], required: [], annotations: readOnly,
            outputSchema: kind == .qemu ? OutputSchemas.guestList : OutputSchemas.containerList
        ) { arguments, environment in
            let node = try await arguments.nodeText().asyncMap { try await environment.engine.node(named: $0) }
            let outcome = try await environment.engine.listGuests(
                kind: kind, node: node, transport: try arguments.transport(default: environment.defaultTransport))
            return ToolOutput(text: ResultText.guests(outcome.value, noun: "\(noun(kind))s"),
                              structured: Structured.read([kind == .qemu ? "vms" : "containers": try Structured.encode(outcome.value)],
                                                          outcome: outcome, environment: environment))
        }
    }

    static func power(_ kind: GuestKind, _ action: PowerAction, toolVerb: String) -> ToolDefinition {
        let (title, effect, hints): (String, String, Tool.Annotations) = switch action {
        case .start: ("Start", "Start a stopped \(noun(kind)).", changing(destructive: false, idempotent: false))
        case .stop: ("Stop (hard)", "Stop a \(noun(kind)) at once, like pulling the plug: unsaved data in the guest is lost. Prefer shutdown or restart.", changing(destructive: true, idempotent: false))
        case .shutdown: ("Shut down", "Shut a VM down cleanly through ACPI (the guest OS powers off).", changing(destructive: false, idempotent: false))
        case .reboot: ("Restart", "Restart a running \(noun(kind)) cleanly through its OS.", changing(destructive: false, idempotent: false))
        }
        var definition = ToolDefinition(
            name: "\(prefix(kind))_\(toolVerb)", title: "\(title) \(noun(kind))", description: "\(effect) Waits for the Proxmox task.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node].merging(SchemaFragments.taskOptions) { $1 },
            required: ["vmid"], annotations: hints, outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            return try await perform(.power(guest, action), guest: guest, action: toolVerb, arguments: arguments, environment: environment)
        }
        definition.protection = action == .start ? .never : .always
        return definition
    }

    static func delete(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_delete", title: "Delete \(noun(kind))",
            description: "Delete a stopped \(noun(kind)) and its disks. IRREVERSIBLE: needs confirm: true, else the user is asked (when the client can ask). purge also removes it from backup jobs, replication and HA.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node, "confirm": SchemaFragments.confirm,
                         "purge": ["type": "boolean", "default": false, "description": "Also remove from backup jobs, replication and HA"],
                         "destroy_unreferenced_disks": ["type": "boolean", "default": false, "description": "Also destroy disks of this id not in its config"]]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: ["vmid"], annotations: changing(destructive: true, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let dryRun = try arguments.bool("dryRun") ?? false
            if try arguments.bool("confirm") != true && !dryRun {
                try await confirmDeletion(guest, environment)
            }
            return try await perform(.delete(guest, purge: try arguments.bool("purge") ?? false,
                                             destroyUnreferencedDisks: try arguments.bool("destroy_unreferenced_disks") ?? false),
                                     guest: guest, action: "delete", arguments: arguments, environment: environment)
        }
        definition.createsOrDeletes = true
        definition.protection = .always
        return definition
    }

    /// A delete without `confirm: true`: ask the user, showing what would be lost, when the client
    /// can ask; otherwise, or unless the user confirms, refuse. Either way nothing runs unconfirmed.
    static func confirmDeletion(_ guest: GuestRef, _ environment: ToolEnvironment) async throws {
        let howTo = "call again with confirm: true"
        guard let confirm = CallContext.current?.confirm else {
            throw ProxmoxError.refused("deleting \(guest.kind.noun) \(guest.vmid) on \(guest.node) is irreversible: \(howTo) (nothing ran)")
        }
        let summary = try await environment.engine.guest(guest.vmid)
        let snapshots = (try? await environment.engine.snapshots(guest, transport: .api).value.filter { !$0.current }.count) ?? 0
        let name = summary?.name.map { " (\($0))" } ?? ""
        let question = "Delete \(guest.kind.noun) \(guest.vmid)\(name) on node \(guest.node)? It is \(summary?.status ?? "in an unknown state") "
            + "and has \(snapshots) snapshot\(snapshots == 1 ? "" : "s"). Its disks and snapshots are destroyed; this cannot be undone."
        switch await confirm(question) {
        case .confirmed:
            return
        case .declined:
            throw ProxmoxError.refused("the user declined deleting \(guest.kind.noun) \(guest.vmid); nothing ran")
        case .cancelled:
            throw ProxmoxError.refused("the user dismissed the question about deleting \(guest.kind.noun) \(guest.vmid); nothing ran")
        case .unsupported:
            throw ProxmoxError.refused("deleting \(guest.kind.noun) \(guest.vmid) on \(guest.node) is irreversible: \(howTo) (nothing ran)")
        }
    }

    static func clone(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_clone", title: "Clone \(noun(kind))",
            description: "Clone a \(noun(kind)) or template to a new id: full copy, or linked (templates only, shares the base disk). Optional target node and storage.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node, "newid": SchemaFragments.newid,
                         "name": SchemaFragments.dnsName, "full": ["type": "boolean", "description": "Full copy (default: linked for templates, full otherwise)"],
                         "target_node": SchemaFragments.node, "target_storage": SchemaFragments.storage, "description": SchemaFragments.description]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: ["vmid"], annotations: changing(destructive: false, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let spec = CloneSpec(
                newid: try await newID(arguments, "newid", environment), name: try arguments.string("name").map { text throws(ProxmoxError) in try GuestName(text) },
                full: try arguments.bool("full"),
                target: try await arguments.nodeText("target_node").asyncMap { try await environment.engine.node(named: $0) },
                storage: try arguments.string("target_storage").map { text throws(ProxmoxError) in try StorageID(text, field: "target_storage") },
                description: try arguments.text("description"))
            return try await perform(.clone(guest, spec), guest: guest, action: "clone",
                                     fields: ["newid": .int(spec.newid.value)], arguments: arguments, environment: environment)
        }
        definition.createsOrDeletes = true
        return definition
    }

    /// The id for a new guest: given (and free), or the next free one.
    static func newID(_ arguments: ToolArguments, _ field: String, _ environment: ToolEnvironment) async throws -> VMID {
        if let vmid = try arguments.vmid(field) {
            if let existing = try await environment.engine.guest(vmid) {
                throw ProxmoxError.invalidArgument(field: field, reason: "\(vmid) is already used by \(existing.type.noun) \(existing.name ?? "")")
            }
            return vmid
        }
        return try await environment.engine.nextID()
    }

    static func snapshotCreate(_ kind: GuestKind) -> ToolDefinition {
        var properties: [String: Value] = ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node,
                                           "snapshot": SchemaFragments.snapshot, "description": SchemaFragments.description]
        if kind == .qemu { properties["include_ram"] = ["type": "boolean", "default": false, "description": "Save RAM state too (a running VM resumes where it was on restore)"] }
        return ToolDefinition(
            name: "\(prefix(kind))_snapshot_create", title: "Snapshot \(noun(kind))",
            description: "Take a snapshot of a \(noun(kind))'s disks and config\(kind == .qemu ? ", optionally with RAM" : "").",
            properties: properties.merging(SchemaFragments.taskOptions) { $1 }, required: ["vmid", "snapshot"],
            annotations: changing(destructive: false, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let name = try SnapshotName(try arguments.requiredString("snapshot"))
            return try await perform(.snapshotCreate(guest, name, description: try arguments.text("description"),
                                                     includeRAM: try arguments.bool("include_ram") ?? false),
                                     guest: guest, action: "snapshot", fields: ["snapshot": .string(name.value)],
                                     arguments: arguments, environment: environment)
        }
    }

    static func snapshotList(_ kind: GuestKind) -> ToolDefinition {
        ToolDefinition(
            name: "\(prefix(kind))_snapshot_list", title: "List \(noun(kind)) snapshots",
            description: "List a \(noun(kind))'s snapshots as a tree (parent, time, description, RAM state); `current` marks the live state. Read-only.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node, "transport": SchemaFragments.transport],
            required: ["vmid"], annotations: readOnly, outputSchema: OutputSchemas.snapshots
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let outcome = try await environment.engine.snapshots(guest, transport: try arguments.transport(default: environment.defaultTransport))
            let text = outcome.value.isEmpty ? "No snapshots." : outcome.value.map { entry in
                entry.current ? "current (live state)\(entry.parent.map { ", after \($0)" } ?? "")"
                    : "\(entry.name)\(entry.parent.map { " (after \($0))" } ?? "")\(entry.description.isEmpty ? "" : ": \(entry.description)")"
            }.joined(separator: "\n")
            return ToolOutput(text: text, structured: Structured.read(
                guestFields(guest).merging(["snapshots": try Structured.encode(outcome.value)]) { $1 }, outcome: outcome, environment: environment))
        }
    }

    static func snapshotRestore(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_snapshot_restore", title: "Restore \(noun(kind)) snapshot",
            description: "Roll a \(noun(kind)) back to a snapshot. Destructive: changes since the snapshot are lost; the guest is stopped for it.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node, "snapshot": SchemaFragments.snapshot,
                         "start": ["type": "boolean", "default": false, "description": "Start the guest after the rollback"]]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: ["vmid", "snapshot"], annotations: changing(destructive: true, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let name = try SnapshotName(try arguments.requiredString("snapshot"))
            return try await perform(.snapshotRollback(guest, name, start: try arguments.bool("start") ?? false), guest: guest,
                                     action: "restore", fields: ["snapshot": .string(name.value)], arguments: arguments, environment: environment)
        }
        definition.protection = .always
        return definition
    }

    static func snapshotDelete(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_snapshot_delete", title: "Delete \(noun(kind)) snapshot",
            description: "Delete one snapshot of a \(noun(kind)); the guest and other snapshots stay. Irreversible for that snapshot.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node, "snapshot": SchemaFragments.snapshot]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: ["vmid", "snapshot"], annotations: changing(destructive: true, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let name = try SnapshotName(try arguments.requiredString("snapshot"))
            return try await perform(.snapshotDelete(guest, name), guest: guest, action: "delete snapshot",
                                     fields: ["snapshot": .string(name.value)], arguments: arguments, environment: environment)
        }
        definition.protection = .always
        return definition
    }

    static func config(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_config", title: "\(noun(kind)) configuration",
            description: "Read a \(noun(kind))'s configuration, or change it: `set` a map of options, `delete` a list of options; pass the `digest` from a read to refuse the change if someone else edited meanwhile.",
            properties: ["vmid": SchemaFragments.vmid, "node": SchemaFragments.node,
                         "set": ["type": "object", "description": "Options to set, e.g. {\"memory\": 4096, \"cores\": 2}", "additionalProperties": ["type": ["string", "number", "boolean"]]],
                         "delete": ["type": "array", "items": ["type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_-]+$"], "description": "Options to remove"],
                         "digest": ["type": "string", "pattern": "^[0-9a-fA-F]{40}$", "description": "Config digest from a previous read"],
                         "transport": SchemaFragments.transport, "dryRun": SchemaFragments.dryRun],
            required: ["vmid"], annotations: changing(destructive: false, idempotent: true), outputSchema: OutputSchemas.config
        ) { arguments, environment in
            let guest = try await guest(arguments, kind, environment)
            let set = try arguments.configMap("set")
            let delete = try arguments.keyList("delete")
            let transport = try arguments.transport(default: environment.defaultTransport)
            if set.isEmpty && delete.isEmpty {
                let outcome = try await environment.engine.config(guest, transport: transport)
                var fields = guestFields(guest)
                fields["config"] = try Structured.encode(outcome.value.options)
                if let digest = outcome.value.digest { fields["digest"] = .string(digest) }
                let text = outcome.value.options.keys.sorted().map { "\($0): \(outcome.value.options[$0]!)" }.joined(separator: "\n")
                return ToolOutput(text: text, structured: Structured.read(fields, outcome: outcome, environment: environment))
            }
            let change = try ConfigChange(set: set, delete: delete, digest: try arguments.string("digest"))
            return try await perform(.configSet(guest, change), guest: guest, action: "configure",
                                     fields: ["changed": .array(set.keys.map { .string($0.value) }.sorted { $0.stringValue! < $1.stringValue! }),
                                              "deleted": .array(delete.map { .string($0.value) })],
                                     arguments: arguments, environment: environment)
        }
        definition.protection = .whenGiven(["set", "delete"])
        return definition
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
