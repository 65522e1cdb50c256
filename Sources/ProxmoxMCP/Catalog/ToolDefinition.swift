import MCP
import ProxmoxCore

/// What every tool call can use: the engine, the configured default transport, and whether the
/// cluster behind it is the simulator (then every answer says so).
public struct ToolEnvironment: Sendable {
    public let engine: ProxmoxEngine
    public let defaultTransport: TransportPreference
    public let simulated: Bool
    /// No create, clone or delete.
    public let safeMode: Bool
    /// Node for node-scoped tools when the call names none.
    public let defaultNode: String?
    /// Longest wait for a task when the call gives no timeout.
    public let taskTimeout: Duration
    /// Only tools that change nothing are listed and callable.
    public let readOnly: Bool
    /// Guests no tool may stop, roll back, reconfigure or delete.
    public let protectedVMIDs: Set<Int>
    /// Where changing calls are recorded, when configured.
    public let auditLog: AuditLog?

    public init(engine: ProxmoxEngine, defaultTransport: TransportPreference, simulated: Bool, safeMode: Bool = false,
                defaultNode: String? = nil, taskTimeout: Duration = .seconds(300), readOnly: Bool = false,
                protectedVMIDs: Set<Int> = [], auditLog: AuditLog? = nil) {
        self.engine = engine
        self.defaultTransport = defaultTransport
        self.simulated = simulated
        self.safeMode = safeMode
        self.defaultNode = defaultNode
        self.taskTimeout = taskTimeout
        self.readOnly = readOnly
        self.protectedVMIDs = protectedVMIDs
        self.auditLog = auditLog
    }

    /// The tools this server offers under its policy: all, or only the read-only ones.
    public var tools: [ToolDefinition] {
        readOnly ? ToolCatalog.all.filter(\.isReadOnly) : ToolCatalog.all
    }
}

/// A tool's answer: a short text for people and clients without structured output, and the
/// structured value.
public struct ToolOutput: Sendable {
    public var text: String
    public var structured: Value
}

/// One entry of the tool catalog: everything MCP shows about a tool and how a call runs.
public struct ToolDefinition: Sendable {
    public let name: String
    public let title: String
    public let description: String
    /// JSON Schema properties of the arguments, by name.
    public let properties: [String: Value]
    public let required: [String]
    public let annotations: Tool.Annotations
    /// JSON Schema of `structuredContent` of a successful call (``OutputSchemas``).
    public let outputSchema: Value
    /// Create, clone and delete tools: refused in safe mode.
    public var createsOrDeletes: Bool = false
    /// When a call would disturb a protected guest (its `vmid`).
    public var protection: GuestProtection = .never
    let run: @Sendable (ToolArguments, ToolEnvironment) async throws -> ToolOutput

    /// Changes nothing, whatever its arguments.
    public var isReadOnly: Bool { annotations.readOnlyHint == true }

    /// The tool as `tools/list` shows it. Arguments not in the schema are refused.
    public var tool: Tool {
        var schema: [String: Value] = [
            "type": "object",
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return Tool(name: name, title: title, description: description, inputSchema: .object(schema),
                    annotations: annotations, outputSchema: outputSchema)
    }
}

/// When a tool call counts as disturbing its guest, for `protectedVmids`.
public enum GuestProtection: Sendable {
    /// Never (reads, start, snapshot create, clone from it).
    case never
    /// Always (stop, shutdown, restart, rollback, delete, snapshot delete).
    case always
    /// When one of these arguments is given (config: `set`, `delete`).
    case whenGiven([String])
}
