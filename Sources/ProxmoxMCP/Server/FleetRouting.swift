import MCP
import ProxmoxCore

/// The clusters one server administers, each with its own engine and policy (a
/// ``ToolEnvironment`` whose `cluster` is its name). One cluster (no `clusters` map) is a fleet of
/// one whose tools take no `cluster` argument, exactly as before.
public struct Fleet: Sendable {
    /// The fleet of the running call (bound by the server; tools that span clusters read it).
    @TaskLocal public static var current: Fleet?

    public let members: [ToolEnvironment]
    /// The cluster reads answer for when a call names none.
    public let defaultName: String?

    /// - Parameters:
    ///   - members: one environment per cluster, each named (``ToolEnvironment/cluster``) when there are several.
    ///   - defaultName: the default cluster; nil: the first.
    public init(_ members: [ToolEnvironment], defaultName: String? = nil) {
        precondition(!members.isEmpty, "a fleet has at least one cluster")
        self.members = members
        self.defaultName = defaultName ?? members.first?.cluster
    }

    /// Several clusters: tools take a `cluster` argument.
    public var isMulti: Bool { members.count > 1 }

    public var names: [String] { members.compactMap(\.cluster) }

    /// The default cluster's environment.
    public var primary: ToolEnvironment { members.first { $0.cluster == defaultName } ?? members[0] }

    /// The tools offered: every tool some cluster offers (a call is then checked by its cluster's policy).
    public var tools: [ToolDefinition] {
        let offered = Set(members.flatMap { $0.tools.map(\.name) })
        return ToolCatalog.all.filter { offered.contains($0.name) }
    }

    /// The tool as `tools/list` shows it here: with a `cluster` argument when there are several.
    public func listed(_ definition: ToolDefinition) -> Tool {
        guard isMulti, !definition.spansClusters else { return definition.tool }
        return definition.tool(adding: ["cluster": clusterProperty])
    }

    /// The `cluster` argument's schema.
    var clusterProperty: Value {
        ["type": "string", "enum": .array(names.map { .string($0) }),
         "description": .string("Cluster to act on, one of \(names.joined(separator: ", ")). Reads default to \(defaultName ?? names[0]) (defaultCluster); changes must name it")]
    }

    /// The cluster a call is for, and a note when a read went to the default. A change that names
    /// no cluster is refused: picking one for it could change the wrong cluster.
    func resolve(_ definition: ToolDefinition, _ arguments: [String: Value]?) throws(ProxmoxError) -> (ToolEnvironment, note: String?) {
        guard isMulti, !definition.spansClusters else { return (primary, nil) }
        guard let given = arguments?["cluster"], given != .null else {
            let parsed = try? ToolArguments(arguments, allowed: Set(definition.properties.keys))
            if parsed.map(definition.changes) ?? !definition.isReadOnly {
                throw .invalidArgument(field: "cluster", reason: "\(definition.name) changes something and \(members.count) clusters are configured: name the cluster (\(names.joined(separator: ", "))); nothing ran")
            }
            let others = names.filter { $0 != primary.cluster }
            return (primary, "answered for cluster '\(primary.cluster ?? "")', the default; pass cluster for another (\(others.joined(separator: ", ")))")
        }
        guard case let .string(name) = given, let member = members.first(where: { $0.cluster == name }) else {
            let text = given.stringValue ?? "\(given)"
            throw .invalidArgument(field: "cluster", reason: "'\(text.prefix(40))' is not a configured cluster: \(names.joined(separator: ", "))\(Suggestion.hint(text, in: names))")
        }
        return (member, nil)
    }
}
