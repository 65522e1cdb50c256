/// What the engine knows of the cluster's layout: which node holds which guest, which nodes exist,
/// which node the connection is on. Read from `/cluster/resources` and `/cluster/status`, kept
/// briefly (guests move, get created and deleted), dropped after every change.
actor ClusterDirectory {
    struct Snapshot {
        var guests: [GuestSummary]
        var nodes: [String]
        var fetched: ContinuousClock.Instant
    }

    private var snapshot: Snapshot?
    private var members: ClusterStatusReport?
    private let lifetime: Duration

    init(lifetime: Duration = .seconds(5)) {
        self.lifetime = lifetime
    }

    func current(load: () async throws -> (guests: [GuestSummary], nodes: [String])) async throws -> Snapshot {
        if let snapshot, ContinuousClock.now - snapshot.fetched < lifetime { return snapshot }
        let (guests, nodes) = try await load()
        let fresh = Snapshot(guests: guests, nodes: nodes, fetched: .now)
        snapshot = fresh
        return fresh
    }

    func membership(load: () async throws -> ClusterStatusReport) async throws -> ClusterStatusReport {
        if let members { return members }
        let loaded = try await load()
        members = loaded
        return loaded
    }

    func invalidate() {
        snapshot = nil
    }
}
