import ProxmoxCore

/// The one rule for irreversible calls: without `confirm: true` the user is asked (when the
/// client can ask), else the call is refused; either way nothing runs unconfirmed. A dry run
/// runs nothing and needs no confirmation.
enum Confirmation {
    /// Returns when the call may go on; throws the refusal otherwise. `what` names the change
    /// ("deleting VM 104 on pve1"); `question` is what the user is shown, built only when asked.
    static func require(_ call: ToolCall, _ what: String, question: () async throws -> String) async throws {
        if try call[Shared.confirm] || call[Shared.dryRun] { return }
        let howTo = "\(what) is irreversible: call again with confirm: true (nothing ran)"
        guard let confirm = CallContext.current?.confirm else { throw ProxmoxError.refused(howTo) }
        switch await confirm(try await question()) {
        case .confirmed: return
        case .declined: throw ProxmoxError.refused("the user declined \(what); nothing ran")
        case .cancelled: throw ProxmoxError.refused("the user dismissed the question about \(what); nothing ran")
        case .unsupported: throw ProxmoxError.refused(howTo)
        }
    }
}
