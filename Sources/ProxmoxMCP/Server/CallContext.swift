import ProxmoxCore

/// What the client that made the current tool call offers beyond the call itself: progress
/// notifications (it sent a progress token) and asking its user (it supports elicitation).
/// Bound for the duration of one call; absent for `mcp-proxmox-admin call` and in tests that call
/// tools directly.
public struct CallContext: Sendable {
    /// The current call's context.
    @TaskLocal public static var current: CallContext?

    /// Where task progress goes, when the request carried a progress token.
    public var progress: ProgressHandler?
    /// Asks the user a yes/no question; nil when the client cannot be asked.
    public var confirm: (@Sendable (_ message: String) async -> ConfirmationAnswer)?
    /// Tells the client that the tool list changed (a toolset was switched on).
    public var toolsChanged: (@Sendable () async -> Void)?

    public init(progress: ProgressHandler? = nil, confirm: (@Sendable (String) async -> ConfirmationAnswer)? = nil,
                toolsChanged: (@Sendable () async -> Void)? = nil) {
        self.progress = progress
        self.confirm = confirm
        self.toolsChanged = toolsChanged
    }
}

/// The user's answer to a confirmation question.
public enum ConfirmationAnswer: Sendable, Equatable {
    case confirmed
    /// Declined.
    case declined
    /// Accepted, but without ticking the confirmation box.
    case acceptedUnticked
    /// The client failed to deliver an answer (an error instead of a result).
    case noAnswer
    /// Dismissed without an answer.
    case cancelled
    /// The client does not support asking (no elicitation capability).
    case unsupported
}
