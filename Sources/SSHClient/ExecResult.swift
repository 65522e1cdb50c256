/// What a remote command left behind.
public struct ExecResult: Sendable, Equatable {
    /// Bytes written to stdout.
    public var stdout: [UInt8]
    /// Bytes written to stderr.
    public var stderr: [UInt8]
    /// Exit status; when the command died of a signal, 128 + its number as a shell reports it.
    public var exitStatus: Int32
    /// The signal name (`TERM`, `KILL`) when the command died of a signal.
    public var exitSignal: String?
    /// From request to exit.
    public var duration: Duration
    /// The address of the host that ran it (the first reachable of the endpoint's addresses).
    public var answeredBy: SSHHostAddress?

    public init(stdout: [UInt8], stderr: [UInt8], exitStatus: Int32, exitSignal: String? = nil, duration: Duration,
                answeredBy: SSHHostAddress? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.duration = duration
        self.answeredBy = answeredBy
    }
}
