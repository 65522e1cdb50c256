import Foundation
import MCP
import ProxmoxCore

/// Builds `structuredContent`: the tool's own fields plus how the answer was obtained.
enum Structured {
    /// A model as an MCP value. Not through `Value`'s own Decodable: it runs a regular expression
    /// on every string (data-URL detection), which made result encoding the largest per-call cost;
    /// nor through JSON text and back (``JSONValueEncoder`` builds the same value directly).
    static func encode<T: Encodable>(_ value: T) throws -> Value {
        mcpValue(try JSONValueEncoder.encode(value).hoistingUnmodelled())
    }

    static func mcpValue(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case let .bool(flag): .bool(flag)
        case let .int(number): .int(Int(number))
        case let .double(number): .double(number)
        case let .string(text): .string(text)
        case let .array(elements): .array(elements.map(mcpValue))
        case let .object(fields): .object(fields.mapValues(mcpValue))
        }
    }

    /// The inverse, for arguments checked against the API schema (binary data has no JSON form).
    static func jsonValue(_ value: Value) -> JSONValue {
        switch value {
        case .null, .data: .null
        case let .bool(flag): .bool(flag)
        case let .int(number): .int(Int64(number))
        case let .double(number): .double(number)
        case let .string(text): .string(text)
        case let .array(items): .array(items.map(jsonValue))
        case let .object(fields): .object(fields.mapValues(jsonValue))
        }
    }

    static func guestFields(_ guest: GuestRef) -> [String: Value] {
        ["vmid": .int(guest.vmid.value), "node": .string(guest.node.value), "type": .string(guest.kind.rawValue)]
    }

    /// A read's result: its fields, the family that ran, the command line, notes.
    static func read<V>(_ fields: [String: Value], outcome: Outcome<V>, environment: ToolEnvironment) -> Value {
        read(fields, family: outcome.family, commands: [outcome.command], notes: outcome.notes, environment: environment)
    }

    /// A read's result when several commands ran (a listing over storages, a status and its log).
    static func read(_ fields: [String: Value], family: CommandFamily, commands: [Command], notes: [String] = [],
                     environment: ToolEnvironment) -> Value {
        var object = fields
        object["transport"] = .string(family.rawValue)
        object["commands"] = .array(commands.map { .string($0.description) })
        if !notes.isEmpty { object["notes"] = .array(notes.map { .string($0) }) }
        if environment.simulated { object["simulated"] = true }
        return .object(object)
    }

    /// A change's result: the subject, what ran (secrets redacted), and how the task ended.
    static func execution(_ execution: Execution, fields: [String: Value], secrets: [String],
                          environment: ToolEnvironment) throws -> Value {
        var object = fields
        object["dryRun"] = .bool(execution.dryRun)
        object["transport"] = .string(execution.family.rawValue)
        object["commands"] = .array(execution.commands.map { .string(Redaction.commandLine($0, secrets: secrets)) })
        if !execution.notes.isEmpty { object["notes"] = .array(execution.notes.map { .string($0) }) }
        if let node = execution.ranOnNode { object["ranOnNode"] = .string(node) }
        if let task = execution.task { object["task"] = try encode(task) }
        if environment.simulated { object["simulated"] = true }
        return .object(object)
    }

    /// One line for people: what happened.
    static func summary(_ execution: Execution, subject: String, action: String, secrets: [String]) -> String {
        if execution.dryRun {
            let lines = execution.commands.map { "`" + Redaction.commandLine($0, secrets: secrets) + "`" }
            return "dry run, nothing ran: \(action) \(subject) would run \(lines.joined(separator: " then "))"
        }
        var line = "\(action) \(subject): "
        switch execution.task {
        case let task? where task.status == "running":
            line += task.waited ? "still running at the deadline" : "started"
            if let upid = task.upid { line += " (task \(upid); it continues on the host)" }
        case let task?:
            line += task.exitstatus ?? "done"
            if let upid = task.upid { line += " (task \(upid))" }
        case nil:
            line += "done"
        }
        if let note = execution.notes.first { line += "; note: \(note)" }
        return line
    }
}
