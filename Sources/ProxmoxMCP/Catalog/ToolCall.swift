import MCP
import ProxmoxCore

/// One call of a tool as its handler sees it: the checked arguments, the environment, and the
/// lookups every handler needs (its guest, its node, its transport and task options). The one
/// place where a call's target is resolved, so that choosing among several clusters lands here.
struct ToolCall: Sendable {
    let arguments: ToolArguments
    let environment: ToolEnvironment

    var engine: ProxmoxEngine { environment.engine }

    /// The typed value of a declared argument.
    subscript<T>(_ argument: Argument<T>) -> T {
        get throws { try argument.read(arguments, argument.name) }
    }

    /// Whether the call gave this argument (not null).
    func has(_ name: String) -> Bool { arguments.has(name) }

    /// The call's transport, else the configured default.
    func transport() throws -> TransportPreference { try self[Shared.transport] ?? environment.defaultTransport }

    /// The guest the call names: `vmid` plus optional `node`; its kind must match.
    func guest(_ kind: GuestKind, vmid: Argument<VMID> = Shared.vmid) async throws -> GuestRef {
        let id = try self[vmid]
        return try await engine.locate(vmid: id, kind: kind, node: try self[Shared.node])
    }

    /// A node the call names (resolved against the cluster's nodes), or nil.
    func node(_ argument: Argument<String?>) async throws -> NodeName? {
        guard let text = try self[argument] else { return nil }
        return try await engine.node(named: text)
    }

    /// The node of a node-scoped call: its own, else the configured default, else the connected node.
    func scopeNode(_ argument: Argument<String?> = Shared.scopeNode) async throws -> NodeName {
        if let text = try self[argument] ?? environment.defaultNode { return try await engine.node(named: text) }
        return try await engine.connectedNode()
    }

    /// The task options of a change: transport, wait, timeout, dry run, and progress when the client asked.
    func options() throws -> OperationOptions {
        OperationOptions(transport: try transport(), wait: try self[Shared.wait],
                         timeout: try self[Shared.timeout].map { .seconds($0) } ?? environment.taskTimeout,
                         dryRun: try self[Shared.dryRun], progress: CallContext.current?.progress)
    }

    /// A read's answer: its fields plus what ran.
    /// Entries left out as unreadable are said in the text too: a list that looks whole must be.
    func answer<V>(_ fields: [String: Value], _ outcome: Outcome<V>, text: String) -> ToolOutput {
        let skipped = outcome.notes.filter { $0.hasPrefix(ParseProblems.notePrefix) }
        return ToolOutput(text: ([text] + skipped.map { "(\($0))" }).joined(separator: "\n"),
                          structured: Structured.read(fields, outcome: outcome, environment: environment))
    }

    /// A read's answer when several commands ran (a listing over storages, a status and its log).
    func answer(_ fields: [String: Value], commands: [Command], text: String) -> ToolOutput {
        ToolOutput(text: text, structured: Structured.read(fields, family: .api, commands: commands, environment: environment))
    }

    /// Runs a change on a guest and renders it.
    func perform(_ operation: some ChangeOperation, guest: GuestRef, action: String, fields: [String: Value] = [:],
                 secrets: [String] = []) async throws -> ToolOutput {
        let execution = try await engine.perform(operation, options: try options())
        var all = Structured.guestFields(guest).merging(fields) { $1 }
        all["action"] = .string(action)
        return ToolOutput(
            text: Structured.summary(execution, subject: "\(guest.kind.noun) \(guest.vmid)", action: action, secrets: secrets),
            structured: try Structured.execution(execution, fields: all, secrets: secrets, environment: environment))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
