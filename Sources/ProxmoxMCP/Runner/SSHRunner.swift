import ProxmoxCore
import SSHClient

/// The runner protocol over one SSH connection: the argv is quoted once (``ShellQuoting``) and run
/// by the remote user's shell.
public struct SSHRunner: CommandRunner {
    /// The connection every command shares.
    public let connection: SSHConnection
    /// Deadline per command.
    public let timeout: Duration

    public init(connection: SSHConnection, timeout: Duration) {
        self.connection = connection
        self.timeout = timeout
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        do {
            let result = try await connection.execute(ShellQuoting.commandLine(command.argv), timeout: timeout)
            return CommandOutput(stdout: result.stdout, stderr: result.stderr, exitStatus: result.exitStatus,
                                 duration: result.duration)
        } catch let error as SSHError {
            switch error {
            case .connectionLost, .timedOut:
                // The command may have run, or may still be running on the host.
                throw ProxmoxError.transport(error.description)
            case .connectFailed, .handshakeFailed, .unknownHostKey, .hostKeyMismatch, .knownHostsUnreadable,
                 .authenticationFailed, .channelFailed, .closed:
                throw ProxmoxError.notStarted(error.description)
            }
        }
    }
}
