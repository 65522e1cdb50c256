import MCP
import ProxmoxCore

/// Inside guests: what a VM's QEMU guest agent reports, a container's addresses, and programs
/// run inside a guest (off unless `guestExec` lists them).
enum GuestAgent {
    static let toolset = Toolset(
        id: "guest-agent", summary: "Inside guests: OS, hostname, IP addresses and file systems; allowed programs (guestExec)", isDefault: false,
        tools: [agentInfo, containerInterfaces, agentExec, containerExec])

    static let interfacesField = Field.list("interfaces", "Network interfaces inside the guest with their addresses", GuestInterface.schema, required: true)

    static let agentInfo = ToolDefinition(
        name: "proxmox_vm_agent_info", title: "VM guest agent info",
        description: "Ask a running VM's QEMU guest agent: OS, hostname, network interfaces with IPv4/IPv6 addresses, file systems with usage. Errors tell apart an agent not enabled in the config from one not answering in the guest. Read-only.",
        arguments: [Shared.vmid.erased, Shared.node.erased, Shared.transport.erased], annotations: Shared.readOnly,
        output: Shared.guestRead + Shared.provenance + [
            .object("os", "Operating system, from get-osinfo", GuestOSInfo.fields),
            .string("hostname", "Hostname inside the guest"),
            interfacesField,
            .list("filesystems", "Mounted file systems (absent when the agent cannot list them)", GuestFilesystem.schema),
        ]
    ) { call in
        let guest = try await call.guest(.qemu)
        let transport = try call.transport()
        var notes: [String] = []
        @Sendable func ask(_ query: AgentQuery.Query) async throws -> Outcome<JSONValue> {
            do { return try await call.engine.read(AgentQuery(guest, query), transport: transport) } catch let error as ProxmoxError {
                throw explained(error, guest)
            }
        }
        // The interfaces first: an agent that does not answer fails here, before the rest. The other
        // three questions then go at once (each a Perl start on the host: one wait instead of three).
        let first = try await ask(.interfaces)
        let family = first.family
        let interfaces = try ProxmoxEngine.parsing("agent") { () throws(ParseFailure) in try GuestInterface.parseAgent(first.value) }
        async let osAnswer = try? ask(.osInfo)
        async let hostAnswer = try? ask(.hostName)
        async let fsAnswer = try? ask(.filesystems)
        let (os, host, fs) = await (osAnswer, hostAnswer, fsAnswer)
        let commands = [first, os, host, fs].compactMap { $0?.command }
        var fields = Structured.guestFields(guest)
        fields["interfaces"] = try Structured.encode(interfaces)
        if let os { fields["os"] = try Structured.encode(GuestOSInfo.parse(os.value)) } else { notes.append("get-osinfo not answered") }
        if let name = host?.value["host-name"]?.stringValue { fields["hostname"] = .string(name) }
        if let fs, let filesystems = try? GuestFilesystem.parse(fs.value) {
            fields["filesystems"] = try Structured.encode(filesystems)
        } else {
            notes.append("get-fsinfo not answered (agent too old, or not allowed by its configuration)")
        }
        let addresses = interfaces.filter { $0.name != "lo" }.flatMap { interface in interface.addresses.map { "\(interface.name) \($0.address)/\($0.prefix.map(String.init) ?? "?")" } }
        let text = "VM \(guest.vmid)\(fields["hostname"]?.stringValue.map { " (\($0))" } ?? ""): " + (addresses.isEmpty ? "no addresses" : addresses.joined(separator: ", "))
        return ToolOutput(text: text, structured: Structured.read(fields, family: family, commands: commands, notes: notes, environment: call.environment))
    }

    /// Proxmox's agent errors with what to do about them; the reason stays Proxmox's.
    static func explained(_ error: ProxmoxError, _ guest: GuestRef) -> ProxmoxError {
        guard case let .commandFailed(command, status, message) = error else { return error }
        switch error.reason {
        case .agentNotConfigured:
            return .commandFailed(command: command, exitStatus: status, message: "\(message): enable it with proxmox_vm_config set {\"agent\": 1}, install qemu-guest-agent in the guest, then restart the VM")
        case .agentNotRunning:
            return .commandFailed(command: command, exitStatus: status, message: "\(message): the agent is enabled for VM \(guest.vmid) but does not answer; install or start qemu-guest-agent inside the guest")
        default:
            return error
        }
    }

    static let containerInterfaces = ToolDefinition(
        name: "proxmox_ct_interfaces", title: "Container IP addresses",
        description: "A running container's network interfaces with their IPv4/IPv6 addresses, as the host sees them (no agent needed). Read-only.",
        arguments: [Shared.vmid.erased, Shared.node.erased], annotations: Shared.readOnly,
        output: Shared.guestRead + Shared.provenance + [interfacesField]
    ) { call in
        let guest = try await call.guest(.lxc)
        let outcome = try await call.engine.read(ContainerInterfaces(guest), transport: .api)
        let addresses = outcome.value.filter { $0.name != "lo" }.flatMap { interface in interface.addresses.map { "\(interface.name) \($0.address)" } }
        return call.answer(Structured.guestFields(guest).merging(["interfaces": try Structured.encode(outcome.value)]) { $1 }, outcome,
                           text: "container \(guest.vmid): " + (addresses.isEmpty ? "no addresses" : addresses.joined(separator: ", ")))
    }

    // MARK: Programs inside guests

    /// The most bytes of stdout and of stderr a result carries.
    static let outputLimit = 16_384

    static let command = Argument<[String]>("command", ["type": "array", "minItems": 1, "maxItems": 64, "items": ["type": "string", "maxLength": 4096],
                                                       "description": "Program and its arguments as a list, e.g. [\"df\", \"-h\"]; never a shell line. The program must be in the guestExec setting"],
                                            required: true) { arguments, name in
        guard let argv = try arguments.stringList(name, maxCount: 64, maxLength: 4096), !argv.isEmpty else {
            throw ProxmoxError.invalidArgument(field: name, reason: "is required: the program, then its arguments")
        }
        return argv
    }
    static let execTimeout = Argument<Int>.integer("exec_timeout", "How long the program may run", unit: "seconds", range: 1...600, default: 30)

    /// Present once the program ran (not in a dry run).
    static let execFields: [Field] = [
        .strings("command", "Program and arguments that ran", required: true),
        .boolean("exited", "The program ended (false: still running at exec_timeout)"),
        .integer("exitCode", "Its exit status, when it exited normally"),
        .integer("signal", "Signal that ended it, if any"),
        .string("stdout", "Its standard output (at most 16 KiB)"),
        .string("stderr", "Its standard error (at most 16 KiB)"),
        .boolean("stdoutTruncated", "stdout was cut"),
        .boolean("stderrTruncated", "stderr was cut"),
    ]

    /// What the user is asked before a program runs in a guest: the command line, where, as whom.
    static func confirmation(_ kind: GuestKind) -> @Sendable (ToolCall) async throws -> ConfirmationText {
        { call in
            let guest = try await call.guest(kind)
            let line = ShellQuoting.commandLine(try program(call).argv)
            let name = try await call.engine.guest(guest.vmid)?.name.map { " (\($0))" } ?? ""
            return ConfirmationText(what: "running `\(line)` in \(kind.noun) \(guest.vmid) on \(guest.node)",
                                    question: "Run `\(line)` inside \(kind.noun) \(guest.vmid)\(name) on node \(guest.node)? It runs as root in the guest and does whatever the program does.")
        }
    }

    static func program(_ call: ToolCall) throws -> GuestProgram {
        try GuestProgram(try call[command], allowed: call.environment.guestExec)
    }

    static func answer(_ call: ToolCall, _ guest: GuestRef, _ program: GuestProgram, _ execution: Execution, _ result: GuestExecResult?,
                       commands: [Command]) throws -> ToolOutput {
        var fields = Structured.guestFields(guest)
        fields["action"] = "exec"
        fields["command"] = .array(program.argv.map { .string($0) })
        var all = execution
        all.commands = commands
        guard let result = result?.capped(at: outputLimit) else {
            return ToolOutput(text: Structured.summary(all, subject: "\(guest.kind.noun) \(guest.vmid)", action: "exec", secrets: []),
                              structured: try Structured.execution(all, fields: fields, secrets: [], environment: call.environment))
        }
        fields.merge(["exited": .bool(result.exited), "stdout": .string(result.stdout), "stderr": .string(result.stderr),
                      "stdoutTruncated": .bool(result.stdoutTruncated), "stderrTruncated": .bool(result.stderrTruncated)]) { $1 }
        if let code = result.exitCode { fields["exitCode"] = .int(code) }
        if let signal = result.signal { fields["signal"] = .int(signal) }
        let text = "`\(ShellQuoting.commandLine(program.argv))` in \(guest.kind.noun) \(guest.vmid): "
            + (result.exited ? "exit \(result.exitCode.map(String.init) ?? "signal \(result.signal ?? 0)")" : "still running")
            + (result.stdout.isEmpty ? "" : "\n" + result.stdout) + (result.stderr.isEmpty ? "" : "\nstderr:\n" + result.stderr)
        return ToolOutput(text: text, structured: try Structured.execution(all, fields: fields, secrets: [], environment: call.environment))
    }

    static let agentExec: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_vm_agent_exec", title: "Run a program in a VM",
            description: "Run an allowed program (guestExec setting) inside a running VM through its guest agent, as argv (no shell); returns exit status, stdout and stderr (16 KiB each at most).",
            arguments: [Shared.vmid.erased, Shared.node.erased, command.erased, execTimeout.erased, Shared.transport.erased, Shared.dryRun.erased],
            annotations: Shared.changing(destructive: true),
            output: Shared.subject + Shared.provenance + execFields + [
                .boolean("dryRun", "true: nothing ran", required: true), .string("ranOnNode", "Other node whose qm ran it"),
            ]
        ) { call in
            let guest = try await call.guest(.qemu)
            let program = try program(call)
            let timeout = try call[execTimeout]
            var options = try call.options()
            options.timeout = .seconds(timeout + 30)
            let execution: Execution
            do { execution = try await call.engine.perform(AgentExec(guest, program, timeout: timeout), options: options) } catch let error as ProxmoxError {
                throw explained(error, guest)
            }
            guard !execution.dryRun, let output = execution.output else { return try answer(call, guest, program, execution, nil, commands: execution.commands) }
            let document = try ProxmoxEngine.parsing("agent exec") { () throws(ParseFailure) in
                do { return try JSONValue.parse(output.stdout) } catch { throw ParseFailure("not JSON (\(output.stdout.count) bytes)") }
            }
            if execution.family == .cli {
                let result = try ProxmoxEngine.parsing("qm guest exec") { () throws(ParseFailure) in try GuestExecResult.parseAgent(document) }
                return try answer(call, guest, program, execution, result, commands: execution.commands)
            }
            // The API starts the program and answers with its pid; its status is polled until it ends.
            guard let pid = document["pid"]?.intValue else { throw ProxmoxError.unparseableOutput(command: "pvesh", detail: "no pid in the exec answer") }
            var commands = execution.commands
            let deadline = ContinuousClock.now + .seconds(timeout)
            while true {
                let status = try await call.engine.read(AgentExecStatus(guest, pid: Int(pid)), transport: .api)
                commands.append(status.command)
                if status.value.exited || ContinuousClock.now >= deadline {
                    return try answer(call, guest, program, execution, status.value, commands: commands)
                }
                try await Task.sleep(for: call.engine.pollInterval)
            }
        }
        definition.needsGuestExec = true
        definition.protection = .always
        definition.confirmationText = confirmation(.qemu)
        return definition
    }()

    static let containerExec: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_ct_exec", title: "Run a program in a container",
            description: "Run an allowed program (guestExec setting) inside a running container with pct exec on its node, as argv (no shell); returns its exit status, stdout and stderr (16 KiB each at most).",
            arguments: [Shared.vmid.erased, Shared.node.erased, command.erased, Shared.dryRun.erased],
            annotations: Shared.changing(destructive: true),
            output: Shared.subject + Shared.provenance + execFields + [
                .boolean("dryRun", "true: nothing ran", required: true), .string("ranOnNode", "Other node whose pct ran it"),
            ]
        ) { call in
            let guest = try await call.guest(.lxc)
            let program = try program(call)
            if let summary = try await call.engine.guest(guest.vmid), summary.status != "running" {
                throw ProxmoxError.refused("container \(guest.vmid) is \(summary.status): pct exec needs it running; nothing ran")
            }
            let execution = try await call.engine.perform(ContainerExec(guest, program), options: try call.options())
            guard !execution.dryRun, let output = execution.output else { return try answer(call, guest, program, execution, nil, commands: execution.commands) }
            let result = GuestExecResult(exited: true, exitCode: Int(output.exitStatus), signal: nil, stdout: output.stdoutText, stderr: output.stderrText,
                                         stdoutTruncated: false, stderrTruncated: false)
            return try answer(call, guest, program, execution, result, commands: execution.commands)
        }
        definition.needsGuestExec = true
        definition.protection = .always
        definition.confirmationText = confirmation(.lxc)
        return definition
    }()
}
