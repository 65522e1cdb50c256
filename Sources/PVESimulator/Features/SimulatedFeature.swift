import ProxmoxCore

/// One feature of the simulated host, the counterpart of a toolset: the API routes and the
/// qm/pct verbs it answers, in `Features/<Toolset>.swift`.
protocol SimulatedFeature: Sendable {
    /// The pvesh endpoints it answers.
    static var routes: [ApiRoute] { get }
    /// The qm/pct verbs it answers for one guest kind.
    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb]
}

/// Every simulated feature; ``ApiRoutes`` and ``GuestCLI`` answer from them.
enum SimulatedFeatures {
    static let all: [any SimulatedFeature.Type] = [Guests.self, Snapshots.self, Config.self, Nodes.self, Storage.self, Tasks.self, Backups.self, API.self,
                                                   Migration.self, Disks.self, CloudInit.self, GuestAgent.self]
}
