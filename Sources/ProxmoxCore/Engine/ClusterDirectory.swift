/// What the engine knows of the cluster's layout: which node holds which guest, which nodes exist,
/// which node the connection is on. Read from `/etc/pve/.vmlist` (where guests are), `/cluster/resources`
/// (guests with their names and state) and `/cluster/status`, kept briefly (guests move, get created
/// and deleted), dropped after every change.
actor ClusterDirectory {
    struct Snapshot {
        var guests: [GuestSummary]
        var nodes: [String]
        var fetched: ContinuousClock.Instant
    }

    private var snapshot: Snapshot?
    private var placements: (byID: [Int: GuestRef], fetched: ContinuousClock.Instant)?
    /// Whether `/etc/pve/.vmlist` could not be read (no pmxcfs, no right to read it, a guard without
    /// it): then placements come from `/cluster/resources`, without trying the file again.
    private(set) var vmlistUnreadable = false
    /// Whether guests' config files could not be read (a sudo rule or a guard that allows the guest
    /// list but not them): then configs come from pvesh, without trying the files again.
    private(set) var configFilesUnreadable = false
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

    /// Where guests live; `load` reads them when the last read is older than the lifetime.
    func placements(load: () async throws -> [GuestRef]) async throws -> [Int: GuestRef] {
        if let placements, ContinuousClock.now - placements.fetched < lifetime { return placements.byID }
        let byID = Dictionary(try await load().map { ($0.vmid.value, $0) }) { first, _ in first }
        placements = (byID, .now)
        return byID
    }

    func markVMListUnreadable() {
        vmlistUnreadable = true
    }

    func markConfigFilesUnreadable() {
        configFilesUnreadable = true
    }

    func membership(load: () async throws -> ClusterStatusReport) async throws -> ClusterStatusReport {
        if let members { return members }
        let loaded = try await load()
        members = loaded
        return loaded
    }

    func invalidate() {
        snapshot = nil
        placements = nil
    }
}
