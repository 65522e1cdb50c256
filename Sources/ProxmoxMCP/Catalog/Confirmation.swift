import ProxmoxCore

/// Which tools need confirming: the `confirm` setting.
public enum ConfirmationPolicy: String, Sendable, CaseIterable {
    /// Every destructive tool (the default).
    case destructive
    /// Only the tools that delete (guests, backups).
    case deletes
    /// None: for scripts that drive the server without a person.
    case never

    func requires(_ definition: ToolDefinition) -> Bool {
        switch self {
        case .destructive: true
        case .deletes: definition.createsOrDeletes && definition.annotations.destructiveHint == true
        case .never: false
        }
    }
}

/// What a confirmation is about: `what` names the change in a refusal ("deleting VM 104 on
/// pve1"); `question` is what the user is shown.
struct ConfirmationText: Sendable {
    let what: String
    let question: String
}

/// The one rule for destructive calls, applied by the server before any tool runs: without
/// `confirm: true` the user is asked (when the client can ask), else the call is refused; either
/// way nothing runs unconfirmed. A dry run runs nothing and needs no confirmation.
enum Confirmation {
    static func check(_ definition: ToolDefinition, _ call: ToolCall) async throws {
        guard call.environment.confirm.requires(definition), definition.confirmation.appliesTo(call.arguments) else { return }
        if try call[Shared.confirm] || call[Shared.dryRun] { return }
        let text = try await (definition.confirmationText ?? { call in try await generic(definition, call) })(call)
        let howTo = "\(text.what) is irreversible: call again with confirm: true (nothing ran)"
        guard let confirm = CallContext.current?.confirm else { throw ProxmoxError.refused(howTo) }
        switch await confirm(text.question) {
        case .confirmed: return
        case .declined: throw ProxmoxError.refused("the user declined \(text.what); nothing ran")
        case .acceptedUnticked:
            throw ProxmoxError.refused("the user answered the question about \(text.what) without ticking 'Yes, do it'; nothing ran")
        case .cancelled: throw ProxmoxError.refused("the user dismissed the question about \(text.what); nothing ran")
        case .noAnswer: throw ProxmoxError.refused("the client gave no answer to the question about \(text.what); nothing ran")
        case .unsupported: throw ProxmoxError.refused(howTo)
        }
    }

    /// A guest tool's question: the guest's name, node and state, the snapshot named, and the
    /// tool's own description of what is lost.
    static func generic(_ definition: ToolDefinition, _ call: ToolCall) async throws -> ConfirmationText {
        let kind: GuestKind? = definition.name.hasPrefix("proxmox_vm_") ? .qemu : definition.name.hasPrefix("proxmox_ct_") ? .lxc : nil
        guard let kind, definition.properties["vmid"] != nil else {
            return ConfirmationText(what: definition.name, question: "\(definition.title)? \(definition.description)")
        }
        let guest = try await call.guest(kind)
        let summary = try await call.engine.guest(guest.vmid)
        let snapshot = (try? call.arguments.string("snapshot")).flatMap { $0 }.map { ", snapshot '\($0)'" } ?? ""
        let name = summary?.name.map { " (\($0))" } ?? ""
        return ConfirmationText(
            what: "\(definition.name) on \(kind.noun) \(guest.vmid)\(snapshot) on \(guest.node)",
            question: "\(definition.title): \(kind.noun) \(guest.vmid)\(name) on node \(guest.node), now \(summary?.status ?? "in an unknown state")\(snapshot)? \(definition.description)")
    }
}
