import MCP
import Synchronization

/// What the connected client said it can do at initialize (the SDK checks this only in strict
/// mode, so the server keeps its own record before asking the client anything).
final class ClientProfile: Sendable {
    private let capabilities = Mutex<Client.Capabilities?>(nil)

    func record(_ declared: Client.Capabilities) {
        capabilities.withLock { $0 = declared }
    }

    /// The client answers `elicitation/create` (form mode).
    var canElicit: Bool {
        capabilities.withLock { $0?.elicitation != nil }
    }
}
