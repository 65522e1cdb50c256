import Foundation
import MCP
import ProxmoxCore
import Synchronization

/// `completion/complete` for resource-template and prompt arguments, from the live cluster:
/// node names, guest ids (matched by id or name), storage ids and snapshot names. Lists are
/// cached for a few seconds, as a user types one character after another.
enum Completions {
    /// How long a fetched list answers completions.
    static let freshness = Duration.seconds(5)
    /// At most this many values per answer (the protocol's limit is 100).
    static let limit = 100

    static func register(on server: Server, fleet: Fleet) async {
        let cache = CompletionCache()
        await server.withMethodHandler(Complete.self) { parameters in
            let context = parameters.context?.arguments ?? [:]
            let values: [String]
            if parameters.argument.name == "cluster" {
                values = fleet.names.filter { $0.hasPrefix(parameters.argument.value.lowercased()) }
            } else {
                // The other arguments complete from the cluster the form names, else the default.
                let environment = fleet.members.first { $0.cluster != nil && $0.cluster == context["cluster"] } ?? fleet.primary
                values = try await complete(parameters.argument.name, prefix: parameters.argument.value, context: context,
                                            environment: environment, cache: cache)
            }
            return Complete.Result(completion: .init(values: Array(values.prefix(limit)), total: values.count,
                                                     hasMore: values.count > limit))
        }
    }

    /// The candidates for one argument, by its name (the same names in templates and prompts).
    static func complete(_ argument: String, prefix: String, context: [String: String], environment: ToolEnvironment,
                         cache: CompletionCache) async throws -> [String] {
        let engine = environment.engine
        let needle = prefix.lowercased()
        // Each cluster's lists apart.
        let scope = environment.cluster.map { "\($0)/" } ?? ""
        switch argument {
        case "node":
            let nodes = try await cache.value(scope + "nodes") { try await engine.listNodes().value.map(\.node) }
            return nodes.filter { $0.lowercased().hasPrefix(needle) }.sorted()
        case "vmid":
            // Ids whose digits start with the input, or whose name does: typing "web" offers web01's id.
            let guests = try await cache.value(scope + "guests") { try await engine.listGuests().value.map { "\($0.vmid)\t\($0.name ?? "")" } }
            return guests.compactMap { entry -> String? in
                let parts = entry.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                return parts[0].hasPrefix(needle) || parts[1].lowercased().hasPrefix(needle) ? parts[0] : nil
            }
        case "storage":
            let node = context["node"]
            let storages = try await cache.value(scope + "storage:\(node ?? "")") {
                let name = try await node.asyncMap { try await engine.node(named: $0) }
                return Array(Set(try await engine.storageList(node: name).value.map(\.storage))).sorted()
            }
            return storages.filter { $0.lowercased().hasPrefix(needle) }
        case "snapshot":
            guard let text = context["vmid"], let vmid = try? VMID(parsing: text), let guest = try? await engine.locate(vmid: vmid) else { return [] }
            let names = try await cache.value(scope + "snapshots:\(vmid)") {
                try await engine.snapshots(guest).value.filter { !$0.current }.map(\.name)
            }
            return names.filter { $0.lowercased().hasPrefix(needle) }
        default:
            return []
        }
    }
}

/// Lists fetched for completion, each answering for ``Completions/freshness``.
final class CompletionCache: Sendable {
    private let entries = Mutex<[String: (fetched: ContinuousClock.Instant, values: [String])]>([:])

    func value(_ key: String, fetch: () async throws -> [String]) async throws -> [String] {
        if let cached = entries.withLock({ $0[key] }), ContinuousClock.now - cached.fetched < Completions.freshness {
            return cached.values
        }
        let values = try await fetch()
        entries.withLock { $0[key] = (.now, values) }
        return values
    }
}
