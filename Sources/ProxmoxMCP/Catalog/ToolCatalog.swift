import Foundation
import MCP
import ProxmoxCore

/// Every tool the server offers. The docs' tool reference is generated from this list.
public enum ToolCatalog {
    public static let all: [ToolDefinition] = [nodeList, vmList]

    static let readOnly = Tool.Annotations(
        readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)

    static let nodeList = ToolDefinition(
        name: "proxmox_node_list",
        title: "List cluster nodes",
        description: "List the cluster's nodes with status, CPU, memory, root disk and uptime. Read-only.",
        properties: ["transport": SchemaFragments.transport],
        required: [],
        annotations: readOnly
    ) { arguments, environment in
        let outcome = try await environment.engine.listNodes(
            transport: try arguments.transport(default: environment.defaultTransport))
        return try ToolOutput(
            text: ResultText.nodes(outcome.value),
            structured: Structured.value(["nodes": outcome.value], outcome: outcome, environment: environment))
    }

    static let vmList = ToolDefinition(
        name: "proxmox_vm_list",
        title: "List virtual machines",
        description: "List QEMU VMs of the whole cluster (or one node) with status, node, CPU, memory, disk and tags; templates are flagged. Read-only.",
        properties: ["node": SchemaFragments.node, "transport": SchemaFragments.transport],
        required: [],
        annotations: readOnly
    ) { arguments, environment in
        let outcome = try await environment.engine.listGuests(
            kind: .qemu, node: try arguments.node(),
            transport: try arguments.transport(default: environment.defaultTransport))
        return try ToolOutput(
            text: ResultText.guests(outcome.value, noun: "VMs"),
            structured: Structured.value(["vms": outcome.value], outcome: outcome, environment: environment))
    }
}

/// Builds `structuredContent`: the tool's own fields plus how the answer was obtained.
enum Structured {
    static func value<T: Encodable, V>(_ fields: [String: T], outcome: Outcome<V>,
                                       environment: ToolEnvironment) throws -> Value {
        let data = try JSONEncoder().encode(fields)
        guard case var .object(object) = try JSONDecoder().decode(Value.self, from: data) else {
            return .null
        }
        object["transport"] = .string(outcome.family.rawValue)
        object["command"] = .string(outcome.command.description)
        if environment.simulated { object["simulated"] = true }
        return .object(object)
    }
}
