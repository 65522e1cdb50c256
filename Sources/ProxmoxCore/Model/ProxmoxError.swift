/// Everything that can go wrong between a tool call and its typed result, each with what a user
/// needs to act. `description` is always one line.
public enum ProxmoxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument broke Proxmox's rules; nothing ran.
    case invalidArgument(field: String, reason: String)
    /// The command ran and Proxmox reported an error (message from stderr, cleaned to one line).
    case commandFailed(command: String, exitStatus: Int32, message: String)
    /// The remote host has no such program (exit 127): not a Proxmox host, or PATH lacks it.
    case commandNotFound(program: String)
    /// The command's output did not have the expected shape.
    case unparseableOutput(command: String, detail: String)
    /// The runner could not run the command, or lost it (connection, deadline): its effect is unknown.
    case transport(String)
    /// The runner failed before the command was started (connect, host key, login, channel):
    /// provably nothing ran.
    case notStarted(String)
    /// The Proxmox task ran and failed.
    case taskFailed(upid: String, exitstatus: String, log: [String])
    /// The guest, node, storage or snapshot named does not exist.
    case notFound(String)
    /// Refused by this server's safety policy; nothing ran.
    case refused(String)
    /// The caller stopped waiting (MCP cancellation); the command or its task continues on the
    /// host. `upid` names the task when it was found, `node` where to stop it.
    case cancelled(upid: String?, node: String?)

    public var description: String {
        switch self {
        case let .invalidArgument(field, reason):
            "invalid \(field): \(reason)"
        case let .commandFailed(command, status, message):
            "\(command) failed (exit \(status)): \(message)"
        case let .commandNotFound(program):
            "'\(program)' was not found on the host: is this a Proxmox VE node, and is /usr/sbin on PATH?"
        case let .unparseableOutput(command, detail):
            "unexpected output from \(command): \(detail)"
        case let .transport(message), let .notStarted(message):
            message
        case let .taskFailed(upid, exitstatus, _):
            "task failed: \(exitstatus) (task \(upid))"
        case let .notFound(message), let .refused(message):
            message
        case let .cancelled(upid?, node):
            "cancelled: stopped waiting, but task \(upid) continues on the host; to stop it: pvesh delete /nodes/\(node ?? (try? UPID(parsing: upid))?.node ?? "NODE")/tasks/\(upid)"
        case .cancelled(nil, _):
            "cancelled: stopped waiting, but the command continues on the host (its task was not found yet: see the node's task list)"
        }
    }
}

/// What kind of failure Proxmox reported, read from its message, so callers and assistants can
/// react without parsing text. The message itself stays in the error.
public enum FailureReason: String, Codable, Sendable {
    case notFound = "not_found"
    case alreadyRunning = "already_running"
    case notRunning = "not_running"
    case locked
    case parameterVerification = "parameter_verification"
    case snapshotMissing = "snapshot_missing"
    case snapshotNameInUse = "snapshot_name_in_use"
    case alreadyExists = "already_exists"
    /// The config changed since the digest given was read (someone else edited it).
    case conflict
    case permissionDenied = "permission_denied"
    case commandMissing = "command_missing"
    case timeout
    case transport
    case taskFailed = "task_failed"
    case refused
    case cancelled
    case invalidArgument = "invalid_argument"
    /// The VM's config does not enable the QEMU guest agent (`agent: 1`).
    case agentNotConfigured = "agent_not_configured"
    /// The agent is enabled, but nothing answers inside the guest (not installed, not started, VM booting).
    case agentNotRunning = "agent_not_running"
    case other

    /// The reason behind a Proxmox message (the format strings of PROXMOX-CLI-NOTES §2).
    public static func of(message: String) -> FailureReason {
        let text = message.lowercased()
        let table: [(String, FailureReason)] = [
            ("refused by the host's guard", .refused), ("no qemu guest agent configured", .agentNotConfigured), ("guest agent is not running", .agentNotRunning),
            ("does not exist", .notFound), ("no such", .notFound), ("already running", .alreadyRunning),
            ("not running", .notRunning), ("is running - destroy failed", .alreadyRunning), ("is locked", .locked),
            ("can't lock file", .locked), ("parameter verification failed", .parameterVerification),
            ("already used", .snapshotNameInUse), ("already exists", .alreadyExists),
            ("permission denied", .permissionDenied), ("permission check failed", .permissionDenied),
            ("got timeout", .timeout), ("not enough arguments", .parameterVerification),
            ("file changed by other user", .conflict), ("detected modified configuration", .conflict),
        ]
        if text.hasPrefix("snapshot '"), text.contains("does not exist") { return .snapshotMissing }
        return table.first { text.contains($0.0) }?.1 ?? .other
    }
}

extension ProxmoxError {
    /// The failure's kind.
    public var reason: FailureReason {
        switch self {
        case .invalidArgument: .invalidArgument
        case let .commandFailed(_, _, message): FailureReason.of(message: message)
        case .commandNotFound: .commandMissing
        case .unparseableOutput, .transport, .notStarted: .transport
        case let .taskFailed(_, exitstatus, _):
            FailureReason.of(message: exitstatus) == .other ? .taskFailed : FailureReason.of(message: exitstatus)
        case .notFound: .notFound
        case .refused: .refused
        case .cancelled: .cancelled
        }
    }

    /// The lock name of a `locked` failure (`VM is locked (backup)` → `backup`).
    public var lockName: String? {
        let message: String
        switch self {
        case let .commandFailed(_, _, text): message = text
        case let .taskFailed(_, text, _): message = text
        default: return nil
        }
        guard let open = message.range(of: "is locked ("), let close = message[open.upperBound...].firstIndex(of: ")") else { return nil }
        return String(message[open.upperBound..<close])
    }
}
