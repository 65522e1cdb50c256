import Logging
import MCP
import ProxmoxCore

/// Wires the tool catalog to the SDK's `Server`.
public enum ProxmoxMCPServer {
    /// The version reported to clients.
    public static let version = "0.1.0"

    /// A server with every catalog tool registered, not yet started.
    public static func make(environment: ToolEnvironment, logger: Logger) async -> Server {
        let common = """
             Transports: `ssh` runs qm/pct as an admin types them; `api` runs pvesh (the REST API over SSH); `auto`             (default) uses pvesh for reads and power, qm/pct for create, delete, snapshots and config. Reads without a             qm/pct form always use pvesh. Every result lists the commands that ran. Changes wait for the Proxmox task             (pvesh and qm run it in the foreground; wait: false only skips polling); dryRun shows the commands and runs             nothing; deletes need confirm: true.
            """
        let instructions = (environment.simulated
            ? "This server is connected to a SIMULATED Proxmox VE cluster (no real host). Results are illustrative."
            : "Administers a Proxmox VE cluster over SSH (qm, pct, pvesh).") + common
        let server = Server(name: "mcp-proxmox-admin", version: version, instructions: instructions,
                            capabilities: .init(tools: .init(listChanged: false)))
        let tools = environment.tools
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            // Looked up in the whole catalog: a tool hidden by the policy gets the policy's refusal.
            guard let definition = ToolCatalog.all.first(where: { $0.name == parameters.name }) else {
                throw MCPError.invalidParams("unknown tool '\(parameters.name.prefix(64))'")
            }
            return await call(definition, parameters.arguments, environment: environment, logger: logger)
        }
        return server
    }

    /// Runs one call; every failure becomes a tool error with one actionable line. Changing calls
    /// (and calls of changing tools refused before they ran) go to the audit log, when there is one.
    public static func call(_ definition: ToolDefinition, _ arguments: [String: Value]?, environment: ToolEnvironment,
                     logger: Logger) async -> CallTool.Result {
        let label = environment.simulated ? "[simulated cluster] " : ""
        let journal = CommandJournal()
        var changes = !definition.isReadOnly
        do {
            let parsed = try ToolArguments(arguments, allowed: Set(definition.properties.keys))
            changes = definition.changes(parsed)
            try ToolPolicy.check(definition, parsed, environment)
            let output = try await CommandJournal.$current.withValue(journal) { try await definition.run(parsed, environment) }
            if changes { audit(definition, arguments, output: output, journal: journal, environment: environment) }
            return CallTool.Result(content: [.text(text: label + output.text, annotations: nil, _meta: nil)],
                                   structuredContent: output.structured as Value?, isError: false)
        } catch {
            let proxmoxError = error as? ProxmoxError
            let message = proxmoxError?.description ?? "internal error: \(error)"
            logger.notice("tool failed", metadata: ["tool": "\(definition.name)", "error": "\(message)"])
            var details: [String: Value] = [
                "reason": .string(proxmoxError?.reason.rawValue ?? "other"), "message": .string(message),
            ]
            if let lock = proxmoxError?.lockName { details["lock"] = .string(lock) }
            if case let .taskFailed(upid, _, log)? = proxmoxError {
                details["upid"] = .string(upid)
                details["log"] = .array(log.map { .string($0) })
            }
            if case let .invalidArgument(field, _)? = proxmoxError { details["field"] = .string(field) }
            if changes {
                environment.auditLog?.append(AuditLog.Entry(
                    tool: definition.name, arguments: arguments ?? [:], outcome: journal.commands.isEmpty ? "refused" : "error",
                    transport: journal.commands.last?.family.rawValue, commands: journal.commands, message: message,
                    upid: details["upid"]?.stringValue, taskStatus: details["upid"] == nil ? nil : "stopped",
                    taskExitStatus: nil))
            }
            return CallTool.Result(content: [.text(text: label + message, annotations: nil, _meta: nil)],
                                   structuredContent: Value.object(["error": .object(details)]) as Value?, isError: true)
        }
    }

    /// The audit line of a call that returned a result.
    private static func audit(_ definition: ToolDefinition, _ arguments: [String: Value]?, output: ToolOutput,
                              journal: CommandJournal, environment: ToolEnvironment) {
        guard let auditLog = environment.auditLog else { return }
        let fields = output.structured.objectValue ?? [:]
        let dryRun = fields["dryRun"]?.boolValue == true
        let task = fields["task"]?.objectValue
        auditLog.append(AuditLog.Entry(
            tool: definition.name, arguments: arguments ?? [:], outcome: dryRun ? "dry_run" : "ok",
            transport: fields["transport"]?.stringValue,
            commands: dryRun ? [] : journal.commands, message: dryRun ? output.text : nil,
            upid: task?["upid"]?.stringValue, taskStatus: task?["status"]?.stringValue,
            taskExitStatus: task?["exitstatus"]?.stringValue))
    }
}
