import Foundation
import ProxmoxCore
import PVESimulator
import SSHClient
import Synchronization

/// Direct SSH connections to the other nodes of the cluster, for qm/pct of guests that live
/// there: same user, key and host-key rules as the main connection; address from the override
/// map, else the node's address in `/cluster/status`.
public final class SSHNodeRunners: NodeRunnerProvider {
    private let base: SSHEndpoint
    private let overrides: [String: (host: String, port: Int)]
    private let timeout: Duration
    private let sudo: Bool
    private let registry: SSHConnectionRegistry

    /// - Parameter registry: where the connections live, shared with every cluster of the server
    ///   (a node that is also a cluster's host answers on the same connection).
    public init(base: SSHEndpoint, overrides: [String: (host: String, port: Int)], timeout: Duration, sudo: Bool = false,
                registry: SSHConnectionRegistry = SSHConnectionRegistry()) {
        self.base = base
        self.overrides = overrides
        self.timeout = timeout
        self.sudo = sudo
        self.registry = registry
    }

    public func runner(for node: NodeName, address: String?) async -> (any CommandRunner)? {
        let key = node.value.lowercased()
        guard let target = overrides[key] ?? address.map({ ($0, base.port) }) else { return nil }
        var endpoint = base
        endpoint.host = target.0
        endpoint.port = target.1
        // A node is one host: the cluster's other addresses are not its fallbacks. Behind a jump
        // host, the node is reached through the same bastions.
        endpoint.fallbackHosts = []
        return SSHRunner.shared(endpoint, registry: registry, maxConnections: 1, timeout: timeout, sudo: sudo)
    }

    /// Ends every node connection (and every other connection of the registry).
    public func close() {
        registry.closeAll()
    }
}

/// The simulator's nodes: the same cluster, seen from another node (qm/pct act there).
public struct SimulatedNodeRunners: NodeRunnerProvider {
    public let store: StateStore
    /// The simulator's variables every node's commands see (faults, clock); the node is added.
    public let environment: [String: String]

    public init(store: StateStore, environment: [String: String] = [:]) {
        self.store = store
        self.environment = environment
    }

    public func runner(for node: NodeName, address: String?) async -> (any CommandRunner)? {
        SimulatedRunner(store: store, environment: environment.merging(["PVE_SIM_NODE": node.value]) { $1 })
    }

    /// The simulator's variables of a process environment (`PVE_SIM_FAULTS`, `PVE_SIM_STATE`,
    /// `PVE_SIM_CLOCK`, ...), empty ones left out; the node is chosen per command instead.
    public static func simulatorEnvironment(_ environment: [String: String]) -> [String: String] {
        environment.filter { $0.key.hasPrefix("PVE_SIM_") && $0.key != "PVE_SIM_NODE" && !$0.value.isEmpty }
    }
}
