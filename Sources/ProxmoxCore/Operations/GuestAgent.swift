/// Inside guests: what the QEMU guest agent reports, a container's addresses, and commands run
/// in a guest (allowed programs only, argv only).

/// One agent query: `qm guest cmd VMID <command>` or `GET .../agent/<command>`.
public struct AgentQuery: ReadOperation {
    public enum Query: String, CaseIterable, Sendable {
        case osInfo = "get-osinfo", hostName = "get-host-name", interfaces = "network-get-interfaces", filesystems = "get-fsinfo"
    }

    public var target: GuestRef
    public var query: Query
    public init(_ target: GuestRef, _ query: Query) {
        self.target = target
        self.query = query
    }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/agent/" + query.rawValue) }
    public var cliCommand: Command? { Command(["qm", "guest", "cmd", target.vmid.description, query.rawValue], isReadOnly: true) }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    /// The agent's answer: pvesh wraps it in `{"result": ...}`, `qm guest cmd` prints it bare.
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> JSONValue {
        let document = try Self.document(output)
        if family == .api, case let .object(fields) = document, let result = fields["result"] { return result }
        return document
    }
}

/// `GET /nodes/{node}/lxc/{vmid}/interfaces`: a running container's addresses (no qm/pct form).
public struct ContainerInterfaces: ReadOperation {
    public var target: GuestRef
    public init(_ target: GuestRef) { self.target = target }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/interfaces") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [GuestInterface] {
        try GuestInterface.parseContainer(try Self.document(output))
    }
}

/// A program and its arguments to run inside a guest: never a shell line.
public struct GuestProgram: Hashable, Sendable {
    public let argv: [String]

    /// Programs that run other programs (or a shell), which would turn an allowed name into anything.
    public static let launchers: Set<String> = ["sh", "bash", "dash", "zsh", "ash", "ksh", "csh", "tcsh", "fish", "busybox", "env",
                                                "sudo", "su", "doas", "nsenter", "chroot", "xargs", "nohup", "setsid", "timeout",
                                                "nice", "ionice", "stdbuf", "script", "perl", "python", "python3", "ruby", "node", "lua",
                                                "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh"]

    /// - Parameter allowed: the `guestExec` setting; the program (as given) must be on it.
    public init(_ argv: [String], allowed: [String], field: String = "command") throws(ProxmoxError) {
        guard let program = argv.first, !program.isEmpty else { throw .invalidArgument(field: field, reason: "is empty: give the program, then its arguments") }
        if program.contains(where: { $0.isWhitespace || ";|&$`<>()\\'\"*?".contains($0) }) {
            throw .invalidArgument(field: field, reason: "'\(program.prefix(40))' is a shell line, not a program: give argv as a list, e.g. [\"df\", \"-h\"]")
        }
        guard argv.count <= 64, argv.allSatisfy({ $0.utf8.count <= 4096 && !$0.contains("\0") }) else {
            throw .invalidArgument(field: field, reason: "at most 64 arguments of 4096 bytes, without NUL")
        }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        if Self.launchers.contains(base.lowercased()) {
            throw .refused("\(base) runs other programs or a shell, which guestExec never allows; nothing ran")
        }
        guard allowed.contains(program) else {
            throw .refused("\(program.prefix(60)) is not an allowed program; guestExec allows: \(allowed.joined(separator: ", ")); nothing ran")
        }
        self.argv = argv
    }
}

/// `qm guest exec VMID --timeout N -- argv`, or `POST .../agent/exec` (then `exec-status`).
/// qm waits and prints the result; the API starts it and answers with a pid.
public struct AgentExec: ChangeOperation {
    public var target: GuestRef
    public var program: GuestProgram
    /// Seconds qm waits for the program.
    public var timeout: Int
    public init(_ target: GuestRef, _ program: GuestProgram, timeout: Int) {
        self.target = target
        self.program = program
        self.timeout = timeout
    }

    public var apiCommand: Command {
        CommandForm.pvesh("create", target.apiPath + "/agent/exec", program.argv.flatMap { CommandForm.option("command", $0) })
    }
    public var cliCommand: Command? {
        Command(["qm", "guest", "exec", target.vmid.description, "--timeout", String(timeout), "--"] + program.argv, isReadOnly: false)
    }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .synchronous }
}

/// `GET .../agent/exec-status --pid N`: how a program started through the API is doing.
public struct AgentExecStatus: ReadOperation {
    public var target: GuestRef
    public var pid: Int
    public init(_ target: GuestRef, pid: Int) {
        self.target = target
        self.pid = pid
    }

    public var apiCommand: Command { CommandForm.pvesh("get", target.apiPath + "/agent/exec-status", ["--pid", String(pid)]) }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> GuestExecResult {
        try GuestExecResult.parseAgent(try Self.document(output))
    }
}

/// `pct exec VMID -- argv`: runs in the container's namespaces on its node; the program's own exit
/// status and output come back. There is no API form, so the operation is always qm/pct-shaped.
public struct ContainerExec: ChangeOperation {
    public var target: GuestRef
    public var program: GuestProgram
    public init(_ target: GuestRef, _ program: GuestProgram) {
        self.target = target
        self.program = program
    }

    public var apiCommand: Command { Command(["pct", "exec", target.vmid.description, "--"] + program.argv, isReadOnly: false) }
    public var cliCommand: Command? { apiCommand }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .synchronous }
    public var exitStatusIsTheProgramsOwn: Bool { true }
}
