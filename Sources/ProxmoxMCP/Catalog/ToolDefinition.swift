import MCP
import ProxmoxCore
import Synchronization

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
    /// The toolsets that are on (the `toolsets` setting, plus those switched on in this session).
    public let toolsets: ToolsetSelection
    /// Which tools need `confirm: true` (or the user's yes) before they run.
    public let confirm: ConfirmationPolicy
    /// proxmox_api_call is listed and callable (the `allowApiWrites` setting).
    public let allowApiWrites: Bool
    /// Programs the guest exec tools may run (the `guestExec` setting); empty: those tools are off.
    public let guestExec: [String]
    /// This cluster's name in the `clusters` map; nil when the server has one cluster.
    public var cluster: String?
    /// The API schema the `proxmox_api_*` tools check calls against, found once per server.
    let apiSchemas = APISchemaCache()

    public init(engine: ProxmoxEngine, defaultTransport: TransportPreference, simulated: Bool, safeMode: Bool = false,
                defaultNode: String? = nil, taskTimeout: Duration = .seconds(300), readOnly: Bool = false,
                protectedVMIDs: Set<Int> = [], auditLog: AuditLog? = nil, toolsets: ToolsetSelection = ToolsetSelection(),
                confirm: ConfirmationPolicy = .destructive, allowApiWrites: Bool = false, guestExec: [String] = []) {
        self.engine = engine
        self.defaultTransport = defaultTransport
        self.simulated = simulated
        self.safeMode = safeMode
        self.defaultNode = defaultNode
        self.taskTimeout = taskTimeout
        self.readOnly = readOnly
        self.protectedVMIDs = protectedVMIDs
        self.auditLog = auditLog
        self.toolsets = toolsets
        self.confirm = confirm
        self.allowApiWrites = allowApiWrites
        self.guestExec = guestExec
    }

    /// The tools this server offers now: those of the toolsets that are on, and under readOnly
    /// only the ones that change nothing.
    public var tools: [ToolDefinition] {
        let on = toolsets.enabled
        return ToolCatalog.all.filter {
            on.contains($0.toolset) && (!readOnly || $0.isReadOnly) && (allowApiWrites || !$0.needsApiWrites) && (!guestExec.isEmpty || !$0.needsGuestExec)
        }
    }
}

/// A tool's answer: a short text for people and clients without structured output, and the
/// structured value.
public struct ToolOutput: Sendable {
    public var text: String
    public var structured: Value
}

/// One entry of the tool catalog: everything MCP shows about a tool and how a call runs. Its
/// arguments and its result fields are declared once (``Argument``, ``Field``); the schemas follow.
public struct ToolDefinition: Sendable {
    public let name: String
    public let title: String
    public let description: String
    let arguments: [AnyArgument]
    public let annotations: Tool.Annotations
    /// JSON Schema of `structuredContent` of a successful call: every field it can carry.
    public let outputSchema: Value
    /// Create, clone and delete tools: refused in safe mode.
    public var createsOrDeletes: Bool = false
    /// When a call would disturb a protected guest (its `vmid`).
    public var protection: GuestProtection = .never
    /// When a call must be confirmed: every destructive tool always, unless narrowed (a restore
    /// only when `force` overwrites a guest). Checked by the server before the tool runs.
    public var confirmation: GuestProtection
    /// What the user is asked, from the call (name, state, what is lost); nil: built from the
    /// tool's title and description and the guest the call names.
    var confirmationText: (@Sendable (ToolCall) async throws -> ConfirmationText)?
    /// Listed and callable only with the `allowApiWrites` setting (proxmox_api_call).
    public var needsApiWrites = false
    /// Listed and callable only when the `guestExec` setting names programs (the exec tools).
    public var needsGuestExec = false
    /// Answers about every cluster at once (the fleet overview, the toolset tools): takes no `cluster` argument.
    public var spansClusters = false
    /// The toolset it belongs to (set by its ``Toolset``).
    public internal(set) var toolset = ""
    let run: @Sendable (ToolCall) async throws -> ToolOutput

    init(name: String, title: String, description: String, arguments: [AnyArgument], annotations: Tool.Annotations,
         output: [Field], run: @escaping @Sendable (ToolCall) async throws -> ToolOutput) {
        self.name = name
        self.title = title
        self.description = description
        let destructive = annotations.destructiveHint == true
        // The rule is the catalog's: a destructive tool takes `confirm` whether or not it says so.
        self.arguments = destructive && !arguments.contains { $0.name == Shared.confirm.name } ? arguments + [Shared.confirm.erased] : arguments
        confirmation = destructive ? .always : .never
        self.annotations = annotations
        // Every answer may say which cluster and host answered (the catalog's rule, like `confirm`).
        let routing = Shared.routing.filter { field in !output.contains { $0.name == field.name } }
        outputSchema = Structured.mcpValue(ResultSchema.object(output + routing))
        self.run = run
    }

    /// JSON Schema properties of the arguments, by name.
    public var properties: [String: Value] { Dictionary(arguments.map { ($0.name, $0.property) }) { _, last in last } }
    /// The arguments a call must give.
    public var required: [String] { arguments.filter(\.isRequired).map(\.name) }

    /// Changes nothing, whatever its arguments.
    public var isReadOnly: Bool { annotations.readOnlyHint == true }

    /// The tool as `tools/list` shows it. Arguments not in the schema are refused.
    public var tool: Tool { tool(adding: [:]) }

    /// The tool with more arguments than its own (the fleet's `cluster`).
    public func tool(adding extra: [String: Value]) -> Tool {
        var schema: [String: Value] = [
            "type": "object",
            "properties": .object(properties.merging(extra) { own, _ in own }),
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
    /// When one of these arguments is given (config: `set`, `delete`); without them the call is a read.
    case whenGiven([String])
    /// When this flag is true (restore: `force`, which overwrites the guest `vmid`).
    case whenTrue(String)
}
