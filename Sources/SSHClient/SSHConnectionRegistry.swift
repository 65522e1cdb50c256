import Synchronization

/// The connections of one server process, one pool per endpoint: every cluster, tool and node
/// runner that reaches the same host as the same user with the same trust shares its connection.
public final class SSHConnectionRegistry: Sendable {
    private let pools = Mutex<[SSHEndpoint: SSHConnectionPool]>([:])

    public init() {}

    /// The pool for `endpoint`, made on first use (its connection opens on its first command).
    /// - Parameter maxConnections: connections at most to this endpoint, counted when the pool is made.
    public func pool(for endpoint: SSHEndpoint, maxConnections: Int) -> SSHConnectionPool {
        pools.withLock { pools in
            if let existing = pools[endpoint] { return existing }
            let pool = SSHConnectionPool(primary: SSHConnection(endpoint: endpoint), maxConnections: maxConnections) {
                SSHConnection(endpoint: endpoint)
            }
            pools[endpoint] = pool
            return pool
        }
    }

    /// Pools made so far (one per distinct endpoint).
    public var endpoints: Int { pools.withLock { $0.count } }

    /// Connections open now, over every pool (a pool's first connection counts while it is logged in).
    public var openConnections: Int {
        pools.withLock { pools in pools.values.reduce(0) { $0 + $1.loggedIn } }
    }

    /// Closes every connection.
    public func closeAll() {
        for pool in pools.withLock({ Array($0.values) }) { pool.close() }
    }
}
