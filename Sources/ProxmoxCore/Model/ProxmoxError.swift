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
    /// The runner could not run the command (connection, authentication, host key, deadline).
    case transport(String)

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
        case let .transport(message):
            message
        }
    }
}
