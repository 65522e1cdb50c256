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

    public init(engine: ProxmoxEngine, defaultTransport: TransportPreference, simulated: Bool, safeMode: Bool = false,
                defaultNode: String? = nil, taskTimeout: Duration = .seconds(300)) {
        self.engine = engine
        self.defaultTransport = defaultTransport
        self.simulated = simulated
        self.safeMode = safeMode
        self.defaultNode = defaultNode
        self.taskTimeout = taskTimeout
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
    /// Create, clone and delete tools: refused in safe mode.
    public var createsOrDeletes: Bool = false
    let run: @Sendable (ToolArguments, ToolEnvironment) async throws -> ToolOutput

    /// The tool as `tools/list` shows it. Arguments not in the schema are refused.
    public var tool: Tool {
        var schema: [String: Value] = [
            "type": "object",
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return Tool(name: name, title: title, description: description, inputSchema: .object(schema),
                    annotations: annotations)
    }
}
