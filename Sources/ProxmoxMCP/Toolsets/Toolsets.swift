import MCP
import ProxmoxCore

/// The model's view of the toolsets, with `dynamicToolsets`: which exist, which are on, and
/// switching one on for this session (the server then sends `notifications/tools/list_changed`).
enum Toolsets {
    static let id = "toolsets"

    static let toolset = Toolset(
        id: id, summary: "See the toolsets and switch one on (with dynamicToolsets)", isDefault: false,
        spansClusters: true, tools: [list, enable])

    static let setFields = ResultSchema.object([
        .string("id", "Toolset id", required: true),
        .string("summary", "What its tools are for", required: true),
        .boolean("enabled", "Its tools are listed and callable", required: true),
        .boolean("core", "Part of core (on by default)", required: true),
        .strings("tools", "Its tools (under readOnly: only those that change nothing)", required: true),
    ])

    static func entries(_ environment: ToolEnvironment) -> [Value] {
        let on = environment.toolsets.enabled
        return ToolCatalog.workSets.map { set in
            ["id": .string(set.id), "summary": .string(set.summary), "enabled": .bool(on.contains(set.id)), "core": .bool(set.isDefault),
             "tools": .array(set.tools.filter { !environment.readOnly || $0.isReadOnly }.map { .string($0.name) })]
        }
    }

    static let list = ToolDefinition(
        name: "proxmox_toolset_list", title: "List toolsets",
        description: "The toolsets of this server, one line each, and which are on. Read-only.",
        arguments: [], annotations: Shared.readOnly,
        output: [.list("toolsets", "Every toolset", setFields, required: true),
                 .boolean("simulated", "true: the server runs against the simulated cluster")]
    ) { call in
        let sets = entries(call.environment)
        let text = ToolCatalog.workSets.map { set in
            "\(set.id)\(call.environment.toolsets.isOn(set.id) ? " (on)" : ""): \(set.summary)"
        }.joined(separator: "\n")
        var fields: [String: Value] = ["toolsets": .array(sets)]
        if call.environment.simulated { fields["simulated"] = true }
        return ToolOutput(text: text, structured: .object(fields))
    }

    static let name = Argument<String>(
        "toolset", ["type": "string", "enum": .array(ToolCatalog.workSets.map { .string($0.id) }),
                    "description": "Toolset to switch on, as proxmox_toolset_list names it"], required: true) { arguments, field in
        let text = try arguments.requiredString(field)
        guard let set = ToolCatalog.workSets.first(where: { $0.id == text }) else {
            throw ProxmoxError.invalidArgument(field: field, reason: "'\(text.prefix(40))' is not a toolset (see proxmox_toolset_list)")
        }
        return set.id
    }

    static let enable = ToolDefinition(
        name: "proxmox_toolset_enable", title: "Switch a toolset on",
        description: "Switch a toolset on for this session: its tools are listed from now on. Changes nothing on any host; readOnly and safeMode still apply.",
        arguments: [name.erased], annotations: Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        output: [.string("toolset", "The toolset", required: true),
                 .boolean("changed", "false: it was already on", required: true),
                 .strings("tools", "Its tools, now listed", required: true),
                 .boolean("simulated", "true: the server runs against the simulated cluster")]
    ) { call in
        let id = try call[name]
        // Every cluster's selection: the tool list is one for the whole server.
        let changed = (Fleet.current?.members ?? [call.environment]).map { $0.toolsets.enable(id) }.contains(true)
        if changed { await CallContext.current?.toolsChanged?() }
        let tools = call.environment.tools.filter { $0.toolset == id }.map(\.name)
        var fields: [String: Value] = ["toolset": .string(id), "changed": .bool(changed), "tools": .array(tools.map { .string($0) })]
        if call.environment.simulated { fields["simulated"] = true }
        return ToolOutput(text: "\(id) is \(changed ? "now" : "already") on: \(tools.joined(separator: ", "))", structured: .object(fields))
    }
}
