import Foundation

/// A typed result together with how it was obtained, so callers can show the command that ran.
public struct Outcome<Value: Sendable>: Sendable {
    /// The parsed result.
    public var value: Value
    /// The command that produced it.
    public var command: Command
    /// The family that was used.
    public var family: CommandFamily { command.family }
}

/// Carries intents through builder, runner and parser. It knows nothing of SSH or MCP.
public struct ProxmoxEngine: Sendable {
    /// Where commands run.
    public let runner: any CommandRunner

    public init(runner: any CommandRunner) {
        self.runner = runner
    }

    /// All nodes of the cluster.
    public func listNodes(transport: TransportPreference = .auto) async throws -> Outcome<[NodeSummary]> {
        try await read(.listNodes, transport: transport, parse: NodeSummary.parseList)
    }

    /// All guests of the cluster, filtered by kind and node when given.
    public func listGuests(kind: GuestKind? = nil, node: NodeName? = nil,
                           transport: TransportPreference = .auto) async throws -> Outcome<[GuestSummary]> {
        var outcome = try await read(.listGuests(kind: kind, node: node), transport: transport,
                                     parse: GuestSummary.parseList)
        outcome.value.removeAll { guest in
            (kind != nil && guest.type != kind) || (node != nil && guest.node != node?.value)
        }
        return outcome
    }

    /// Runs a read whose stdout is one pvesh JSON document and parses it.
    private func read<Value: Sendable>(
        _ intent: Intent, transport: TransportPreference,
        parse: (JSONValue) throws(ParseFailure) -> Value
    ) async throws -> Outcome<Value> {
        let family = TransportRouter.family(for: intent, preference: transport)
        let command = CommandBuilder.command(for: intent, family: family)
        let output = try await runner.run(command)
        guard output.exitStatus == 0 else { throw ErrorClassifier.classify(command, output) }
        let document: JSONValue
        do {
            document = try JSONValue.parse(output.stdout)
        } catch {
            let detail = output.stdout.isEmpty ? "no output" : "not JSON (\(output.stdout.count) bytes)"
            throw ProxmoxError.unparseableOutput(command: command.program, detail: detail)
        }
        do {
            return Outcome(value: try parse(document), command: command)
        } catch {
            throw ProxmoxError.unparseableOutput(command: command.program, detail: error.detail)
        }
    }
}
