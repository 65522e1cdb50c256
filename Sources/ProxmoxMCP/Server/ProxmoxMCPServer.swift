import Foundation
import Synchronization
import Logging
import MCP
import ProxmoxCore

/// Wires the tool catalog to the SDK's `Server`.
public enum ProxmoxMCPServer {
    /// The version reported to clients.
    public static let version = BuildInfo.version

    /// Sent once at initialize: what the server is, its toolsets, and the rules that cut across tools.
    /// Every argument and result field is described in its own schema; nothing here is needed to use one.
    public static func instructions(_ fleet: Fleet) -> String {
        var text = instructions(fleet.primary)
        guard fleet.isMulti else { return text }
        let clusters = fleet.members.map { member in
            let marks = [member.cluster == fleet.defaultName ? "default" : nil, member.readOnly ? "read-only" : nil,
                         member.simulated ? "simulated" : nil].compactMap { $0 }
            return (member.cluster ?? "") + (marks.isEmpty ? "" : " (\(marks.joined(separator: ", ")))")
        }
        text += " Clusters: \(clusters.joined(separator: ", ")); tools take cluster (reads default to \(fleet.defaultName ?? ""), changes must name it)"
            + " and proxmox_fleet_overview answers for all at once."
        return text
    }

    /// The instructions for one cluster's environment.
    public static func instructions(_ environment: ToolEnvironment) -> String {
        let on = environment.toolsets.enabled
        let sets = ToolCatalog.workSets
        let enabled = sets.filter { on.contains($0.id) }.map { "\($0.id) (\($0.summary))" }.joined(separator: "; ")
        let off = sets.filter { !on.contains($0.id) }.map(\.id)
        var text = environment.simulated
            ? "This server is connected to a SIMULATED Proxmox VE cluster (no real host); results are illustrative. "
            : "Administers a Proxmox VE cluster over SSH (qm, pct, pvesh). "
        text += "Toolsets on: \(enabled.isEmpty ? "none" : enabled)."
        if !off.isEmpty {
            text += " Off: \(off.joined(separator: ", "))"
                + (environment.toolsets.dynamic ? " (proxmox_toolset_enable switches one on)." : " (the toolsets setting turns them on).")
        }
        if environment.readOnly { text += " Read-only: only tools that change nothing are offered." }
        text += " Every result lists the commands that ran and the transport used (cli: qm/pct, api: pvesh). Changes wait for their"
            + " Proxmox task and take dryRun to preview; irreversible deletes need confirm: true; errors carry a typed reason."
        return text
    }

    /// Makes the server with every capability registered (tools, resources, prompts, completions,
    /// logging), starts it on `transport`, and returns it; `waitUntilCompleted()` then runs it.
    public static func start(environment: ToolEnvironment, logger: Logger, transport: any Transport,
                             secrets: [String] = []) async throws -> Server {
        try await start(fleet: Fleet([environment]), logger: logger, transport: transport, secrets: secrets)
    }

    /// The same, for several clusters: tools take `cluster`, resources and completions carry it.
    public static func start(fleet: Fleet, logger: Logger, transport: any Transport,
                             secrets: [String] = []) async throws -> Server {
        let environment = fleet.primary
        let dynamic = environment.toolsets.dynamic
        let server = Server(name: "mcp-proxmox-admin", version: version, instructions: instructions(fleet),
                            capabilities: .init(completions: .init(), logging: .init(), prompts: .init(listChanged: dynamic),
                                                resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: dynamic)))
        let client = ClientProfile()
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: fleet.tools.map(fleet.listed))
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await handle(parameters, server: server, client: client, fleet: fleet, logger: logger)
        }
        // Over our own transport, tool calls skip the SDK's typed round trip (DirectRequests).
        if let lines = transport as? LineTransport {
            await lines.answer(CallTool.name) { id, parameters in
                await answer(id, parameters, server: server, client: client, fleet: fleet, logger: logger)
            }
        }
        await ResourceCatalog.register(on: server, fleet: fleet)
        await PromptCatalog.register(on: server, environment: environment)
        await Completions.register(on: server, fleet: fleet)
        await server.withMethodHandler(SetLoggingLevel.self) { parameters in
            MCPLogBridge.shared.setLevel(parameters.level)
            return Empty()
        }
        MCPLogBridge.shared.attach(server, secrets: secrets)
        try await server.start(transport: transport) { _, capabilities in
            client.record(capabilities)
        }
        return server
    }

    /// A `tools/call` request taken by the transport: its parameters read from the parsed line, the
    /// same handling as through the SDK, and the response encoded once.
    static func answer(_ id: ID, _ parameters: [String: Value], server: Server, client: ClientProfile, fleet: Fleet,
                       logger: Logger) async -> Data {
        do {
            guard let name = parameters["name"]?.stringValue else {
                throw MCPError.invalidParams("tools/call needs name, the tool's name as a string")
            }
            let arguments = parameters["arguments"]
            guard arguments == nil || arguments == .null || arguments?.objectValue != nil else {
                throw MCPError.invalidParams("tools/call: arguments must be an object")
            }
            let fields = parameters["_meta"]?.objectValue
            let token: ProgressToken? = switch fields?["progressToken"] {
            case let .string(text)?: .string(text)
            case let .int(number)?: .integer(number)
            default: nil
            }
            let meta = fields.map { Metadata(progressToken: token, additionalFields: $0) }
            let call = CallTool.Parameters(name: name, arguments: arguments?.objectValue, meta: meta)
            let result = try await handle(call, server: server, client: client, fleet: fleet, logger: logger)
            return ResponseLine.toolResult(id: id, result) ?? DirectRequests.encode(Response<CallTool>(id: id, result: result))
        } catch {
            let failure = error as? MCPError ?? .internalError("\(error)")
            return DirectRequests.encode(Response<CallTool>(id: id, error: failure))
        }
    }

    /// A `tools/call` request: the tool, run with what the client offers (progress, elicitation).
    static func handle(_ parameters: CallTool.Parameters, server: Server, client: ClientProfile, fleet: Fleet,
                       logger: Logger) async throws -> CallTool.Result {
        // Looked up in the whole catalog: a tool hidden by the policy gets the policy's refusal.
        guard let definition = ToolCatalog.all.first(where: { $0.name == parameters.name }) else {
            throw MCPError.invalidParams("unknown tool '\(parameters.name.prefix(64))'")
        }
        var context = CallContext()
        if let token = parameters._meta?.progressToken { context.progress = progressSender(server, token: token) }
        if client.canElicit { context.confirm = { question in await askUser(server, question) } }
        context.toolsChanged = {
            try? await server.notify(ToolListChangedNotification.message())
            try? await server.notify(PromptListChangedNotification.message())
        }
        return await CallContext.$current.withValue(context) {
            await call(definition, parameters.arguments, fleet: fleet, logger: logger)
        }
    }

    /// Sends each progress report as a `notifications/progress` for the request's token: the
    /// percent done (total 100) when the task's log tells it (backups, restores), else the elapsed
    /// time in seconds; either way it only grows.
    static func progressSender(_ server: Server, token: ProgressToken) -> ProgressHandler {
        let highest = Mutex<Double>(0)
        return { report in
            let seconds = Double(report.elapsed.components.seconds) + Double(report.elapsed.components.attoseconds) / 1e18
            let value = highest.withLock { highest in
                highest = max(highest, report.percent ?? seconds)
                return highest
            }
            try? await server.notify(ProgressNotification.message(.init(progressToken: token, progress: value,
                                                                         total: report.percent == nil ? nil : 100, message: report.message)))
        }
    }

    /// Asks the user through elicitation for a confirmation (one boolean). The question is the
    /// message alone: clients show the message and the field's title, so it appears once.
    static func askUser(_ server: Server, _ question: String) async -> ConfirmationAnswer {
        let schema = Elicitation.RequestSchema(
            title: "Confirm",
            properties: ["confirm": .object(["type": "boolean", "title": "Yes, do it",
                                             "description": "Tick to run it; left unticked, nothing runs.", "default": false])],
            required: ["confirm"])
        do {
            let answer = try await server.requestElicitation(message: question, requestedSchema: schema)
            switch answer.action {
            case .accept: return answer.content?["confirm"]?.boolValue == true ? .confirmed : .acceptedUnticked
            case .decline: return .declined
            case .cancel: return .cancelled
            }
        } catch {
            // The client failed to answer: nothing runs, and the refusal says the client gave no answer.
            return .noAnswer
        }
    }
}
