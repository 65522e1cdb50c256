/// What a command left behind: its two streams and how it ended.
public struct CommandOutput: Sendable, Equatable {
    /// Everything the command wrote to stdout.
    public var stdout: [UInt8]
    /// Everything the command wrote to stderr.
    public var stderr: [UInt8]
    /// The exit status (127 when the program does not exist, 128+n or the signal name's status when killed).
    public var exitStatus: Int32
    /// Wall time from start to exit, as seen by the runner.
    public var duration: Duration

    public init(stdout: [UInt8], stderr: [UInt8], exitStatus: Int32, duration: Duration = .zero) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.duration = duration
    }

    /// stdout decoded as UTF-8 (invalid bytes replaced).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr decoded as UTF-8 (invalid bytes replaced).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs commands on a Proxmox host. The SSH runner and the simulator both conform; nothing above
/// the runner knows which one it talks to.
public protocol CommandRunner: Sendable {
    /// Runs `command` and returns its output. Throws only when the command could not be run or
    /// its outcome is unknown (connection lost, deadline passed); a command that ran and failed
    /// returns normally with a non-zero `exitStatus`.
    func run(_ command: Command) async throws -> CommandOutput
}
