import Foundation

/// A typed result together with how it was obtained, so callers can show the command that ran.
public struct Outcome<Value: Sendable>: Sendable {
    /// The parsed result.
    public var value: Value
    /// The command that produced it.
    public var command: Command
    /// Notes on choices made (fallback taken, ...).
    public var notes: [String] = []
    /// The family that was used.
    public var family: CommandFamily { command.family }
}

/// Carries intents through router, builder, runner and parser, waits for tasks, and knows where
/// guests live. It knows nothing of SSH or MCP.
public struct ProxmoxEngine: Sendable {
    /// Where commands run (the connected node).
    public let runner: any CommandRunner
    /// Runners on other nodes, for qm/pct of guests that live there.
    public let nodeRunners: (any NodeRunnerProvider)?
    /// Whether to retry with the other command family when the first attempt provably ran nothing.
    public let fallback: Bool
    /// Pause between task status polls.
    public let pollInterval: Duration
    let directory: ClusterDirectory

    public init(runner: any CommandRunner, nodeRunners: (any NodeRunnerProvider)? = nil, fallback: Bool = true,
                pollInterval: Duration = .milliseconds(250)) {
        self.runner = runner
        self.nodeRunners = nodeRunners
        self.fallback = fallback
        self.pollInterval = pollInterval
        directory = ClusterDirectory()
    }

    // MARK: Reads

    /// All nodes of the cluster.
    public func listNodes(transport: TransportPreference = .auto) async throws -> Outcome<[NodeSummary]> {
        try await read(.listNodes, transport: transport, parse: NodeSummary.parseList)
    }

    /// All guests of the cluster, filtered by kind and node when given.
    public func listGuests(kind: GuestKind? = nil, node: NodeName? = nil,
                           transport: TransportPreference = .auto) async throws -> Outcome<[GuestSummary]> {
        var outcome = try await read(.listGuests(kind: kind, node: node), transport: transport,
                                     parse: GuestSummary.parseList)
        outcome.value.removeAll { guest in
            (kind != nil && guest.type != kind) || (node != nil && guest.node != node?.value)
        }
        return outcome
    }

    public func nodeStatus(_ node: NodeName, transport: TransportPreference = .auto) async throws -> Outcome<NodeStatusReport> {
        try await read(.nodeStatus(node), transport: transport) { document throws(ParseFailure) in
            try NodeStatusReport.parse(document, node: node.value)
        }
    }

    /// Quorum and membership, with each online node's PVE version.
    public func clusterStatus(transport: TransportPreference = .auto) async throws -> Outcome<ClusterStatusReport> {
        var outcome = try await read(.clusterStatus, transport: transport, parse: ClusterStatusReport.parse)
        let versions = await withTaskGroup(of: (Int, String?).self) { group in
            for (index, member) in outcome.value.nodes.enumerated() where member.online {
                guard let name = try? NodeName(member.name) else { continue }
                group.addTask { (index, try? await nodeStatus(name, transport: transport).value.pveversion) }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        for (index, version) in versions { outcome.value.nodes[index].pveversion = version }
        return outcome
    }

    /// The next free guest id (Proxmox prints it as a string, the schema says integer: both parse).
    public func nextID() async throws -> VMID {
        let outcome = try await read(.nextID, transport: .api) { document throws(ParseFailure) in
            guard let number = document.intValue, let vmid = try? VMID(Int(number)) else { throw ParseFailure("not a VM id") }
            return vmid
        }
        return outcome.value
    }

    public func storageList(node: NodeName?, transport: TransportPreference = .auto) async throws -> Outcome<[StorageSummary]> {
        try await read(.storageList(node: node), transport: transport) { document throws(ParseFailure) in
            if let node { try StorageSummary.parseNodeList(document, node: node.value) } else { try StorageSummary.parseResources(document) }
        }
    }

    public func storageContent(node: NodeName, storage: StorageID, content: String?,
                               transport: TransportPreference = .auto) async throws -> Outcome<[StorageVolume]> {
        try await read(.storageContent(node: node, storage: storage, content: content), transport: transport,
                       parse: StorageVolume.parseList)
    }

    public func snapshots(_ guest: GuestRef, transport: TransportPreference = .auto) async throws -> Outcome<[SnapshotEntry]> {
        try await readEither(.snapshotList(guest), transport: transport,
                             json: SnapshotEntry.parseList, text: SnapshotEntry.parseTree)
    }

    public func config(_ guest: GuestRef, transport: TransportPreference = .auto) async throws -> Outcome<GuestConfig> {
        try await readEither(.configGet(guest), transport: transport, json: GuestConfig.parse, text: GuestConfig.parseText)
    }

    /// A read: pvesh JSON, or qm/pct text when that family ran.
    private func readEither<Value: Sendable>(
        _ intent: Intent, transport: TransportPreference,
        json: @escaping (JSONValue) throws(ParseFailure) -> Value,
        text: @escaping (String) throws(ParseFailure) -> Value
    ) async throws -> Outcome<Value> {
        try await read(intent, transport: transport, parseOutput: { command, output throws(ParseFailure) in
            if command.family == .cli { return try text(output.stdoutText) }
            return try json(try Self.document(output))
        })
    }

    private func read<Value: Sendable>(
        _ intent: Intent, transport: TransportPreference,
        parse: @escaping (JSONValue) throws(ParseFailure) -> Value
    ) async throws -> Outcome<Value> {
        try await read(intent, transport: transport, parseOutput: { _, output throws(ParseFailure) in
            try parse(try Self.document(output))
        })
    }

    static func document(_ output: CommandOutput) throws(ParseFailure) -> JSONValue {
        do { return try JSONValue.parse(output.stdout) } catch {
            throw ParseFailure(output.stdout.isEmpty ? "no output" : "not JSON (\(output.stdout.count) bytes)")
        }
    }

    /// Runs a read; an unparseable answer counts as "ran nothing useful" and may fall back once.
    private func read<Value: Sendable>(
        _ intent: Intent, transport: TransportPreference,
        parseOutput: @escaping (Command, CommandOutput) throws(ParseFailure) -> Value
    ) async throws -> Outcome<Value> {
        let family = TransportRouter.family(for: intent, preference: transport)
        var notes: [String] = []
        var command = CommandBuilder.command(for: intent, family: family)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let output = try await runChecked(command)
                do {
                    return Outcome(value: try parseOutput(command, output), command: command, notes: notes)
                } catch {
                    throw ProxmoxError.unparseableOutput(command: command.program, detail: error.detail)
                }
            } catch let error as ProxmoxError {
                guard attempt == 1, let other = fallbackCommand(for: intent, after: command, error: error) else { throw error }
                notes.append("fell back from `\(command.program)` to `\(other.program)`: \(error)")
                command = other
            }
        }
    }

    // MARK: Changes

    /// Runs a mutating intent: builds, routes to the right node, runs, and waits for its task.
    /// When the calling task is cancelled, the wait ends at once with ``ProxmoxError/cancelled(upid:node:)``
    /// naming the task that continues on the host.
    public func perform(_ intent: Intent, options: OperationOptions) async throws -> Execution {
        let started = ContinuousClock.now
        let found = TaskSighting()
        do {
            return try await performWatched(intent, options: options, started: started, found: found)
        } catch is CancellationError {
            // Not inheriting the cancellation: one quick read to name the task that goes on.
            let upid = await Task { await self.activeTask(of: intent) }.value
            throw ProxmoxError.cancelled(upid: (found.upid ?? upid)?.description, node: (found.upid ?? upid)?.node)
        }
    }

    private func performWatched(_ intent: Intent, options: OperationOptions, started: ContinuousClock.Instant,
                                found: TaskSighting) async throws -> Execution {
        var family = TransportRouter.family(for: intent, preference: options.transport)
        var notes: [String] = []
        if family == .cli && !options.wait {
            family = .api
            notes.append("wait: false needs the pvesh form: qm/pct always wait for their task")
        }
        var command = Self.withTaskTimeout(CommandBuilder.command(for: intent, family: family), intent, options)
        var target: (runner: any CommandRunner, node: String?) = (runner, nil)
        if command.family == .cli, let node = intent.node {
            switch try await cliRunner(for: node) {
            case let .here(runner):
                target = (runner, nil)
            case let .elsewhere(runner):
                target = (runner, node.value)
            case let .unreachable(reason):
                // Never run qm on the wrong node: use the API, which reaches any node by path.
                command = Self.withTaskTimeout(CommandBuilder.command(for: intent, family: .api), intent, options)
                notes.append("guest is on node \(node), which could not be reached directly (\(reason)); ran the pvesh form through the connected node instead")
            }
        }
        if options.dryRun {
            if let node = target.node { notes.append("would run on node \(node) (qm/pct act only on the node they run on)") }
            return Execution(commands: [command], family: command.family, notes: notes, output: nil, task: nil, dryRun: true,
                             ranOnNode: target.node)
        }
        var commands = [command]
        var output: CommandOutput
        do {
            CommandJournal.current?.record(command)
            output = try await watched(command, on: target.runner, intent: intent, options: options, started: started, found: found)
            if output.exitStatus != 0 { throw ErrorClassifier.classify(command, output) }
        } catch let error as ProxmoxError {
            let other: Command
            if let node = target.node, case .notStarted = error {
                // The guest's node could not be reached: never run qm elsewhere; the API reaches it by path.
                other = Self.withTaskTimeout(CommandBuilder.command(for: intent, family: .api), intent, options)
                notes.append("node \(node) could not be reached (\(error)); ran the pvesh form through the connected node instead")
            } else {
                guard let fallback = fallbackCommand(for: intent, after: command, error: error) else { throw error }
                other = Self.withTaskTimeout(fallback, intent, options)
                notes.append("fell back from `\(command.program)` to `\(other.program)`: \(error)")
            }
            command = other
            commands.append(other)
            CommandJournal.current?.record(other)
            output = try await watched(other, on: runner, intent: intent, options: options, started: started, found: found)
            if output.exitStatus != 0 { throw ErrorClassifier.classify(other, output) }
            target = (runner, nil)
        }
        if let node = target.node { notes.append("ran on node \(node) (qm/pct act only on the node they run on)") }
        if intent.startsTask { await directory.invalidate() }
        var execution = Execution(commands: commands, family: command.family, notes: notes, output: output, task: nil,
                                  dryRun: false, ranOnNode: target.node)
        guard intent.startsTask else { return execution }
        if command.family == .cli {
            // qm/pct ran the worker in the foreground and exited 0: the task succeeded.
            execution.task = TaskReport(upid: nil, status: "stopped", exitstatus: "OK",
                                        log: Self.tail(output.stdoutText.split(separator: "\n").map(String.init)), waited: true)
            return execution
        }
        if case .configSet = intent { return execution }  // PUT config: synchronous, no task
        let stdout = output.stdoutText
        let upid = try Self.parsing("pvesh") { () throws(ParseFailure) in try UPID.fromPveshOutput(stdout) }
        guard options.wait else {
            execution.task = TaskReport(upid: upid.description, status: "running", exitstatus: nil, log: [], waited: false)
            return execution
        }
        found.upid = upid
        let (report, polls) = try await waitForTask(upid, timeout: options.timeout, started: started, progress: options.progress)
        execution.commands += polls
        execution.task = report
        if report.status == "stopped" && !report.succeeded {
            throw ProxmoxError.taskFailed(upid: upid.description, exitstatus: report.exitstatus ?? "unknown", log: report.log)
        }
        return execution
    }

    // MARK: Watching a running command

    /// How often a running command's task is looked at for progress.
    static let progressInterval = Duration.seconds(1)

    /// Runs a command so that the caller's cancellation ends the wait at once, and, when progress is
    /// wanted, reports the guest's running task (found among its active tasks) about once a second:
    /// pvesh and qm run the worker in the foreground, so the task exists only on the host meanwhile.
    func watched(_ command: Command, on runner: any CommandRunner, intent: Intent, options: OperationOptions,
                 started: ContinuousClock.Instant, found: TaskSighting) async throws -> CommandOutput {
        let work = Task { try await runner.run(command) }
        let watcher = options.progress.map { progress in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.progressInterval)
                    if Task.isCancelled { break }
                    if found.upid == nil { found.upid = await activeTask(of: intent) }
                    var line: String?
                    if let upid = found.upid { line = await lastLogLine(upid) }
                    await progress(TaskProgress(upid: found.upid?.description, state: "running", elapsed: .now - started, lastLine: line))
                }
            }
        }
        defer { watcher?.cancel() }
        return try await CancellableWait.value(of: work)
    }

    /// The newest running task of the intent's guest, if any (a read; failures mean "not found").
    func activeTask(of intent: Intent) async -> UPID? {
        guard let vmid = intent.taskVMID, let node = intent.node ?? intent.guest?.node else { return nil }
        guard let output = try? await runChecked(CommandBuilder.command(for: .activeTasks(node: node, vmid: vmid), family: .api)),
              let entries = (try? Self.document(output))?.arrayValue else { return nil }
        return entries.lazy.compactMap { $0["upid"]?.stringValue.flatMap { try? UPID(parsing: $0) } }.first
    }

    /// The last non-empty line of a task's log (a read; nil on failure).
    func lastLogLine(_ upid: UPID) async -> String? {
        let command = CommandBuilder.command(for: .taskLog(upid, start: 0, limit: 500), family: .api)
        guard let output = try? await runChecked(command), let lines = try? TaskStatus.parseLog(try Self.document(output)) else { return nil }
        return lines.last { !$0.isEmpty }
    }

    /// A task-starting command may run as long as the call is willing to wait for its task.
    static func withTaskTimeout(_ command: Command, _ intent: Intent, _ options: OperationOptions) -> Command {
        guard intent.startsTask else { return command }
        var longer = command
        longer.timeout = options.timeout
        return longer
    }

    /// Polls a task until it stops or `timeout` passes; then reads the end of its log. Success is
    /// the task's exitstatus, never pvesh's exit code (it exits 0 for failed tasks).
    public func waitForTask(_ upid: UPID, timeout: Duration, started: ContinuousClock.Instant = .now,
                            progress: ProgressHandler? = nil) async throws -> (TaskReport, [Command]) {
        let deadline = ContinuousClock.now + timeout
        let statusCommand = CommandBuilder.command(for: .taskStatus(upid), family: .api)
        var status: TaskStatus
        var delay = pollInterval
        while true {
            let output = try await runChecked(statusCommand)
            status = try Self.parsing("pvesh") { () throws(ParseFailure) in try TaskStatus.parse(try Self.document(output)) }
            if !status.isRunning || ContinuousClock.now + delay > deadline { break }
            if let progress {
                await progress(TaskProgress(upid: upid.description, state: status.status, elapsed: .now - started,
                                            lastLine: await lastLogLine(upid)))
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
        let logCommand = CommandBuilder.command(for: .taskLog(upid, start: 0, limit: 500), family: .api)
        let logOutput = try await runner.run(logCommand)
        let log = (try? TaskStatus.parseLog(try Self.document(logOutput))) ?? []
        let report = TaskReport(upid: upid.description, status: status.status, exitstatus: status.exitstatus,
                                log: Self.tail(log), waited: true)
        return (report, [statusCommand, logCommand])
    }

    /// Runs a parser, turning its failure into the engine's error for `program`'s output.
    static func parsing<T>(_ program: String, _ body: () throws(ParseFailure) -> T) throws(ProxmoxError) -> T {
        do { return try body() } catch { throw .unparseableOutput(command: program, detail: error.detail) }
    }

    static func tail(_ lines: [String]) -> [String] { Array(lines.filter { !$0.isEmpty }.suffix(10)) }

    // MARK: Fallback

    /// The other family's command, when the first attempt provably ran nothing: the program was
    /// missing, the connection failed before exec, or (for reads) the output was unusable. Never
    /// after Proxmox itself refused, or when a change may have happened.
    func fallbackCommand(for intent: Intent, after command: Command, error: ProxmoxError) -> Command? {
        guard fallback else { return nil }
        switch error {
        case .commandNotFound, .notStarted: break
        case .unparseableOutput where intent.isReadOnly: break
        default: return nil
        }
        let other = CommandBuilder.command(for: intent, family: command.family == .cli ? .api : .cli)
        return other == command ? nil : other
    }

    // MARK: Where guests live

    enum NodeTarget {
        case here(any CommandRunner)
        case elsewhere(any CommandRunner)
        case unreachable(String)
    }

    /// The runner whose qm/pct act on `node`.
    func cliRunner(for node: NodeName) async throws -> NodeTarget {
        let members = try await membership()
        let local = members.nodes.first { $0.local }?.name
        if local == nil || local?.lowercased() == node.value.lowercased() { return .here(runner) }
        let member = members.nodes.first { $0.name.lowercased() == node.value.lowercased() }
        if member?.online == false { return .unreachable("node is offline") }
        guard let provider = nodeRunners, let remote = await provider.runner(for: node, address: member?.ip) else {
            return .unreachable("no direct connection to it is configured")
        }
        return .elsewhere(remote)
    }

    /// Finds a guest: its kind must match, and its node is looked up when not given. Node names
    /// compare case-insensitively, and `pve1.example.lan` matches node `pve1`.
    public func locate(vmid: VMID, kind: GuestKind, node: String?) async throws -> GuestRef {
        let snapshot = try await clusterSnapshot()
        let guest = snapshot.guests.first { $0.vmid == vmid.value }
        if let node {
            let resolved = try resolveNode(node, among: snapshot.nodes)
            if let guest, guest.node != resolved.value {
                throw ProxmoxError.notFound("\(guest.type.noun) \(vmid) is on node \(guest.node), not on \(resolved)")
            }
            if let guest, guest.type != kind { throw wrongKind(guest) }
            if guest == nil { throw ProxmoxError.notFound("no \(kind.noun) \(vmid) in this cluster") }
            return GuestRef(kind: kind, vmid: vmid, node: resolved)
        }
        guard let guest else { throw ProxmoxError.notFound("no \(kind.noun) \(vmid) in this cluster") }
        guard guest.type == kind else { throw wrongKind(guest) }
        return GuestRef(kind: kind, vmid: vmid, node: try NodeName(guest.node))
    }

    /// Finds a guest of either kind by its id alone (resources, completions).
    public func locate(vmid: VMID) async throws -> GuestRef {
        guard let guest = try await guest(vmid) else { throw ProxmoxError.notFound("guest \(vmid) does not exist") }
        return GuestRef(kind: guest.type, vmid: vmid, node: try NodeName(guest.node))
    }

    /// The node this connection is on (`local` in `/cluster/status`).
    public func connectedNode() async throws -> NodeName {
        let members = try await membership()
        guard let local = members.nodes.first(where: { $0.local }) ?? members.nodes.first else {
            throw ProxmoxError.notFound("the host reported no cluster nodes")
        }
        return try NodeName(local.name)
    }

    /// A node given by the user, matched against the cluster's nodes.
    public func node(named text: String) async throws -> NodeName {
        try resolveNode(text, among: try await clusterSnapshot().nodes)
    }

    /// Whether a VMID is free cluster-wide (for create and clone checks).
    public func guest(_ vmid: VMID) async throws -> GuestSummary? {
        try await clusterSnapshot().guests.first { $0.vmid == vmid.value }
    }

    func wrongKind(_ guest: GuestSummary) -> ProxmoxError {
        let tools = guest.type == .qemu ? "proxmox_vm_*" : "proxmox_ct_*"
        return .invalidArgument(field: "vmid", reason: "\(guest.vmid) is a \(guest.type == .qemu ? "VM" : "container"), use the \(tools) tools")
    }

    func resolveNode(_ text: String, among nodes: [String]) throws -> NodeName {
        let wanted = text.lowercased()
        let short = wanted.split(separator: ".").first.map(String.init) ?? wanted
        guard let match = nodes.first(where: { $0.lowercased() == wanted }) ?? nodes.first(where: { $0.lowercased() == short }) else {
            throw ProxmoxError.notFound("no node '\(text.prefix(64))' in this cluster; nodes: \(nodes.joined(separator: ", "))")
        }
        return try NodeName(match)
    }

    func membership() async throws -> ClusterStatusReport {
        try await directory.membership {
            let output = try await runChecked(CommandBuilder.command(for: .clusterStatus, family: .api))
            return try Self.parsing("pvesh") { () throws(ParseFailure) in try ClusterStatusReport.parse(try Self.document(output)) }
        }
    }

    func clusterSnapshot() async throws -> ClusterDirectory.Snapshot {
        try await directory.current {
            let command = CommandBuilder.pvesh("get", "/cluster/resources")
            let output = try await runChecked(command)
            let document = try Self.parsing("pvesh") { () throws(ParseFailure) in try Self.document(output) }
            let guests = try Self.parsing("pvesh") { () throws(ParseFailure) in try GuestSummary.parseList(document) }
            let nodes = (document.arrayValue ?? []).filter { $0["type"]?.stringValue == "node" }.compactMap { $0["node"]?.stringValue }
            return (guests, nodes.sorted())
        }
    }

    /// Runs on the connected node; a non-zero exit becomes the classified error.
    private func runChecked(_ command: Command) async throws -> CommandOutput {
        let output = try await runner.run(command)
        guard output.exitStatus == 0 else { throw ErrorClassifier.classify(command, output) }
        return output
    }
}
