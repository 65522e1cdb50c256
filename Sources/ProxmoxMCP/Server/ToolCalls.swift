import Foundation
import Logging
import MCP
import ProxmoxCore

extension ProxmoxMCPServer {
    /// Runs one call; every failure becomes a tool error with one actionable line. Changing calls
    /// (and calls of changing tools refused before they ran) go to the audit log, when there is one.
    /// Runs one call on the cluster it names (or the default, for a read), noting a default choice.
    public static func call(_ definition: ToolDefinition, _ arguments: [String: Value]?, fleet: Fleet,
                            logger: Logger) async -> CallTool.Result {
        let environment: ToolEnvironment
        let note: String?
        do {
            (environment, note) = try fleet.resolve(definition, arguments)
        } catch {
            let details: [String: Value] = ["reason": .string(error.reason.rawValue), "message": .string(error.description), "field": "cluster"]
            return errorResult(error.description, details: details)
        }
        let result = await Fleet.$current.withValue(fleet) {
            await call(definition, arguments, environment: environment, logger: logger)
        }
        guard let note, result.isError != true else { return result }
        var structured = result.structuredContent
        if case var .object(fields)? = structured {
            fields["notes"] = .array((fields["notes"]?.arrayValue ?? []) + [.string(note)])
            structured = .object(fields)
        }
        var content = result.content
        if case let .text(text, annotations, meta)? = content.first {
            content[0] = .text(text: text + "\n(\(note))", annotations: annotations, _meta: meta)
        }
        return CallTool.Result(content: content, structuredContent: structured, isError: result.isError)
    }

    public static func call(_ definition: ToolDefinition, _ arguments: [String: Value]?, environment: ToolEnvironment,
                     logger: Logger) async -> CallTool.Result {
        let named = definition.spansClusters ? nil : environment.cluster
        let label = (named.map { "[\($0)] " } ?? "") + (environment.simulated ? "[simulated cluster] " : "")
        let journal = CommandJournal()
        var changes = !definition.isReadOnly
        do {
            // The fleet chose this cluster already; its name is not the tool's own argument.
            let own = environment.cluster == nil ? arguments : arguments?.filter { $0.key != "cluster" }
            let parsed = try ToolArguments(own, allowed: Set(definition.properties.keys))
            changes = definition.changes(parsed)
            try ToolPolicy.check(definition, parsed, environment)
            let call = ToolCall(arguments: parsed, environment: environment)
            let output = try await CommandJournal.$current.withValue(journal) {
                try await Confirmation.check(definition, call)
                return try await definition.run(call)
            }
            if changes { audit(definition, arguments, output: output, journal: journal, environment: environment) }
            logOutcome(definition, output, logger: logger)
            if journal.outputBytes > MemoryRelease.threshold { MemoryRelease.now() }
            var structured = output.structured
            if case var .object(fields) = structured, !definition.spansClusters {
                if let cluster = environment.cluster { fields["cluster"] = .string(cluster) }
                if !journal.answeredBy.isEmpty { fields["answeredBy"] = .array(journal.answeredBy.map { .string($0) }) }
                structured = .object(fields)
            }
            return CallTool.Result(content: [.text(text: label + output.text, annotations: nil, _meta: nil)],
                                   structuredContent: structured as Value?, isError: false)
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
            if let cluster = environment.cluster { details["cluster"] = .string(cluster) }
            if changes {
                environment.auditLog?.append(AuditLog.Entry(
                    tool: definition.name, arguments: arguments ?? [:], outcome: journal.commands.isEmpty ? "refused" : "error",
                    transport: journal.commands.last?.family.rawValue, commands: journal.commands, message: message,
                    upid: details["upid"]?.stringValue, taskStatus: details["upid"] == nil ? nil : "stopped",
                    taskExitStatus: nil))
            }
            return errorResult(label + message, details: details)
        }
    }

    /// The `_meta` key of an error result's details.
    public static let errorMetaKey = "mcp-proxmox-admin/error"

    /// An error result keeps the tool's contract by carrying no `structuredContent` (the output
    /// schema describes answers only). The text is the one-line error, followed for a failed task
    /// by the end of its log; the same details, typed, are in `_meta` under ``errorMetaKey`` for
    /// programs (`reason`, `message`, and `field`, `upid`, `log`, `lock` where they apply).
    static func errorResult(_ message: String, details: [String: Value]) -> CallTool.Result {
        var text = message
        if let log = details["log"]?.arrayValue?.compactMap(\.stringValue), !log.isEmpty {
            text += "\nend of the task log:\n" + log.suffix(10).joined(separator: "\n")
        }
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: true,
                               _meta: Metadata(additionalFields: [errorMetaKey: .object(details)]))
    }

    /// What ran, for the log (and the MCP client's log): the family chosen, the command lines
    /// (already redacted), and any fallback or routing note.
    static func logOutcome(_ definition: ToolDefinition, _ output: ToolOutput, logger: Logger) {
        let fields = output.structured.objectValue ?? [:]
        let commands = fields["commands"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let transport = fields["transport"]?.stringValue ?? "?"
        logger.info("\(definition.name) via \(transport == "cli" ? "qm/pct" : "pvesh"): \(commands.joined(separator: " ; "))")
        for note in fields["notes"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            logger.notice("\(definition.name): \(note)")
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
