import MCP
import ProxmoxCore

/// Guest configuration, for both kinds: a read-only tool that reads it (listed under readOnly),
/// and the original tool that reads or changes it.
enum Config {
    static let toolset = Toolset(
        id: "config", summary: "Read and change the configuration of VMs and containers", isDefault: true,
        tools: [GuestKind.qemu, .lxc].flatMap { kind in [read(kind), change(kind)] })

    static let set = Argument<[ConfigKey: FreeText]>(
        "set", ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean"]],
                "description": "Options to set, e.g. {\"memory\": 4096, \"cores\": 2}; booleans become 1/0; default none"]) { arguments, name in
        try arguments.configMap(name)
    }
    static let delete = Argument<[ConfigKey]>(
        "delete", ["type": "array", "items": ["type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_-]+$"],
                   "description": "Option names to remove, e.g. [\"ide2\"]; default none"]) { arguments, name in
        try arguments.keyList(name)
    }
    static let digest = Argument<String?>(
        "digest", ["type": "string", "pattern": "^[0-9a-fA-F]{40}$",
                   "description": "Digest from a read: the change is refused if the config changed since"]) { arguments, name in
        try arguments.string(name)
    }

    static let configFields: [Field] = [
        .stringMap("config", "Options as Proxmox stores them (property strings); cipassword and sshkeys shown as <redacted>"),
        .string("digest", "SHA-1 of the config, for a guarded change (pvesh only)"),
        .list("disks", "Disks of the config (CD-ROMs left out), by key", GuestDisk.schema),
    ]

    static func read(_ kind: GuestKind) -> ToolDefinition {
        ToolDefinition(
            name: "\(Guests.prefix(kind))_config_get", title: "\(Guests.noun(kind)) configuration",
            description: "Read a \(Guests.noun(kind))'s configuration (disks, network, CPU, memory, options) and its digest. Read-only.",
            arguments: [Shared.vmid.erased, Shared.node.erased, Shared.transport.erased], annotations: Shared.readOnly,
            output: Shared.guestRead + Shared.provenance + [configFields[0].always(), configFields[1], configFields[2].always()]
        ) { call in
            try await answerRead(call, try await call.guest(kind))
        }
    }

    static func answerRead(_ call: ToolCall, _ guest: GuestRef) async throws -> ToolOutput {
        let outcome = try await call.engine.config(guest, transport: try call.transport())
        var fields = Structured.guestFields(guest)
        // The cloud-init password (its hash) and keys are shown as set, never as their value.
        var options = outcome.value.options
        for key in options.keys where Redaction.secretOptions.contains(key) { options[key] = Redaction.marker }
        fields["config"] = try Structured.encode(options)
        if let digest = outcome.value.digest { fields["digest"] = .string(digest) }
        let disks = GuestDisk.disks(of: outcome.value)
        fields["disks"] = .array(disks.map { Structured.mcpValue(.object($0.fields)) })
        let text = options.keys.sorted().map { "\($0): \(options[$0]!)" }.joined(separator: "\n")
        return call.answer(fields, outcome, text: text)
    }

    static func change(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(Guests.prefix(kind))_config", title: "Change \(Guests.noun(kind)) configuration",
            description: "Change a \(Guests.noun(kind))'s configuration: `set` options, `delete` options, with the `digest` of a read to refuse a change made meanwhile. Without set or delete it reads, like \(Guests.prefix(kind))_config_get.",
            arguments: [Shared.vmid.erased, Shared.node.erased, set.erased, delete.erased, digest.erased, Shared.transport.erased, Shared.dryRun.erased],
            annotations: Shared.changing(destructive: false, idempotent: true),
            output: Shared.guestRead + Shared.provenance + configFields + [
                .string("action", "configure, when it changed something"),
                .strings("changed", "Options set"), .strings("deleted", "Options removed"),
                .boolean("dryRun", "true: nothing ran, commands shows what would"),
                .string("ranOnNode", "Node whose qm/pct ran it, when not the node logged in to"),
            ]
        ) { call in
            let guest = try await call.guest(kind)
            let set = try call[set], delete = try call[delete]
            if set.isEmpty && delete.isEmpty { return try await answerRead(call, guest) }
            let change = try ConfigChange(set: set, delete: delete, digest: try call[digest])
            return try await call.perform(ConfigSet(guest, change), guest: guest, action: "configure",
                                          fields: ["changed": .array(set.keys.map(\.value).sorted().map { .string($0) }),
                                                   "deleted": .array(delete.map { .string($0.value) })])
        }
        definition.protection = .whenGiven(["set", "delete"])
        return definition
    }
}
