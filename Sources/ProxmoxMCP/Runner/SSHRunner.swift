import ProxmoxCore
import SSHClient

/// The runner protocol over one SSH connection: the argv is quoted once (``ShellQuoting``) and run
/// by the remote user's shell, under `timeout -k` so that a command past its deadline ends on the
/// host too (libssh2 1.10 cannot signal a remote process, and without a pty closing the channel
/// does not stop it).
public struct SSHRunner: CommandRunner {
    /// The connection every command shares.
    public let connection: SSHConnection
    /// Deadline per command on the host; the client waits a little longer for `timeout` to act.
    public let timeout: Duration
    /// Run the Proxmox tools through `sudo -n` (a non-root login).
    public let sudo: Bool
    /// More connections to the same host for when every channel of `connection` is busy; nil: one.
    public let pool: SSHConnectionPool?

    /// Seconds `timeout` waits after TERM before it sends KILL.
    static let killGrace = 5

    public init(connection: SSHConnection, timeout: Duration, sudo: Bool = false, pool: SSHConnectionPool? = nil) {
        self.connection = connection
        self.timeout = timeout
        self.sudo = sudo
        self.pool = pool
    }

    /// A runner on the shared pool of `endpoint` (see ``SSHConnectionRegistry``).
    public static func shared(_ endpoint: SSHEndpoint, registry: SSHConnectionRegistry, maxConnections: Int, timeout: Duration,
                              sudo: Bool = false) -> SSHRunner {
        let pool = registry.pool(for: endpoint, maxConnections: maxConnections)
        return SSHRunner(connection: pool.primary, timeout: timeout, sudo: sudo, pool: pool)
    }

    /// A runner on up to `maxConnections` connections to the host of `connection`.
    public static func pooled(_ connection: SSHConnection, maxConnections: Int, timeout: Duration, sudo: Bool = false) -> SSHRunner {
        let endpoint = connection.endpoint
        let pool = maxConnections > 1 ? SSHConnectionPool(primary: connection, maxConnections: maxConnections) { SSHConnection(endpoint: endpoint) } : nil
        return SSHRunner(connection: connection, timeout: timeout, sudo: sudo, pool: pool)
    }

    func execute(_ line: String, timeout: Duration) async throws -> ExecResult {
        if let pool { return try await pool.execute(line, timeout: timeout) }
        return try await connection.execute(line, timeout: timeout)
    }

    /// The command's own deadline, or the runner's.
    func deadline(_ command: Command) -> Duration { command.timeout ?? timeout }

    /// The remote command line: `timeout -k 5 <seconds> [sudo -n] <argv>`.
    public func commandLine(_ command: Command) -> String {
        let limit = deadline(command)
        let seconds = max(1, Int((limit.components.seconds) + (limit.components.attoseconds > 0 ? 1 : 0)))
        return ShellQuoting.commandLine(["timeout", "-k", String(Self.killGrace), String(seconds)]
                                        + (sudo ? ["sudo", "-n"] : []) + command.argv)
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        let clientDeadline = deadline(command) + .seconds(Self.killGrace + 2)
        let line = commandLine(command)
        let result: ExecResult
        do {
            do {
                result = try await execute(line, timeout: clientDeadline)
            } catch SSHError.connectionLost where command.isReadOnly {
                // A read lost with its connection is safe to repeat once, on a fresh connection;
                // a command that may have changed something never is.
                result = try await execute(line, timeout: clientDeadline)
            }
        } catch let error as SSHError {
            switch error {
            case .connectionLost, .timedOut, .outputTooLarge:
                // The command may have run, or may still be running on the host.
                throw ProxmoxError.transport(error.description)
            case .connectFailed, .handshakeFailed, .unknownHostKey, .hostKeyMismatch, .knownHostsUnreadable,
                 .authenticationFailed, .channelFailed, .closed:
                throw ProxmoxError.notStarted(error.description)
            }
        }
        if let address = result.answeredBy { CommandJournal.current?.answered(by: address.description) }
        CommandJournal.current?.noteOutput(result.stdout.count + result.stderr.count)
        // `timeout` exits 124 when it stopped the command (137 if it had to KILL it).
        if result.exitStatus == 124 || (result.exitStatus == 137 && result.stderr.isEmpty) {
            throw ProxmoxError.transport("\(command.program) did not finish within \(deadline(command).components.seconds) s and was stopped on the host (PROXMOX_TIMEOUT, or the call's timeout)")
        }
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        if sudo, result.exitStatus != 0, stderr.contains("sudo: a password is required") || stderr.contains("sudo: a terminal is required") {
            throw ProxmoxError.notStarted("sudo on the host asks for a password: allow \(connection.endpoint.user) to run pvesh, qm and pct without one (NOPASSWD in sudoers), or log in as root")
        }
        return CommandOutput(stdout: result.stdout, stderr: result.stderr, exitStatus: result.exitStatus,
                             duration: result.duration)
    }
}
