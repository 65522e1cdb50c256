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

    /// - Parameter directoryLifetime: how long the guest→node map answers before it is read again.
    public init(runner: any CommandRunner, nodeRunners: (any NodeRunnerProvider)? = nil, fallback: Bool = true,
                pollInterval: Duration = .milliseconds(250), directoryLifetime: Duration = .seconds(5)) {
        self.runner = runner
        self.nodeRunners = nodeRunners
        self.fallback = fallback
        self.pollInterval = pollInterval
        directory = ClusterDirectory(lifetime: directoryLifetime)
    }

    // MARK: Reads

    /// Runs a read: the family `transport` picks, its parser; an unparseable answer counts as "ran
    /// nothing useful" and may fall back to the other family once.
    public func read<Operation: ReadOperation>(_ operation: Operation, transport: TransportPreference = .auto) async throws
        -> Outcome<Operation.Value> {
        var notes: [String] = []
        var command = operation.command(for: operation.family(for: transport))
        var target = runner
        // qm/pct read only the node they run on: on another node's guest they run there.
        if command.family == .cli, let node = operation.cliNode {
            switch try await cliRunner(for: node) {
            case let .here(local): target = local
            case let .elsewhere(remote):
                target = remote
                notes.append("ran on node \(node) (qm/pct act only on the node they run on)")
            case let .unreachable(reason):
                command = operation.apiCommand
                notes.append("guest is on node \(node), which could not be reached directly (\(reason)); read through pvesh instead")
            }
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let output = try await target.run(command)
                guard output.exitStatus == 0 else { throw ErrorClassifier.classify(command, output) }
                do {
                    let (value, skipped) = try ParseProblems.collect { () throws(ParseFailure) in try operation.parse(output, family: command.family) }
                    if !skipped.isEmpty { notes.append(ParseProblems.note(skipped, command: command)) }
                    return Outcome(value: value, command: command, notes: notes)
                } catch {
                    throw ProxmoxError.unparseableOutput(command: command.program, detail: error.detail)
                }
            } catch let error as ProxmoxError {
                guard attempt == 1, let other = fallbackCommand(for: operation, isRead: true, after: command, error: error) else { throw error }
                notes.append("fell back from `\(command.program)` to `\(other.program)`: \(error)")
                command = other
                target = runner
            }
        }
    }

    /// All nodes of the cluster.
    public func listNodes(transport: TransportPreference = .auto) async throws -> Outcome<[NodeSummary]> {
        try await read(ListNodes(), transport: transport)
    }

    /// All guests of the cluster, filtered by kind and node when given.
    public func listGuests(kind: GuestKind? = nil, node: NodeName? = nil,
                           transport: TransportPreference = .auto) async throws -> Outcome<[GuestSummary]> {
        try await read(ListGuests(kind: kind, node: node), transport: transport)
    }

    public func nodeStatus(_ node: NodeName, transport: TransportPreference = .auto) async throws -> Outcome<NodeStatusReport> {
        try await read(NodeStatus(node), transport: transport)
    }

    /// Quorum and membership, with each online node's PVE version.
    public func clusterStatus(transport: TransportPreference = .auto) async throws -> Outcome<ClusterStatusReport> {
        var outcome = try await read(ClusterStatus(), transport: transport)
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

    /// The next free guest id.
    public func nextID() async throws -> VMID {
        try await read(NextFreeID(), transport: .api).value
    }

    public func storageList(node: NodeName?, transport: TransportPreference = .auto) async throws -> Outcome<[StorageSummary]> {
        try await read(StorageList(node: node), transport: transport)
    }

    public func snapshots(_ guest: GuestRef, transport: TransportPreference = .auto) async throws -> Outcome<[SnapshotEntry]> {
        try await read(SnapshotList(guest), transport: transport)
    }

    /// A guest's config, as `GET .../config` answers it. With `auto` (the server's choice) it is read
    /// from the guest's file in /etc/pve (no Perl start; the same typed result, tests compare them)
    /// unless the cluster's files could not be read here; else, and for `cli` or `api`, as asked.
    public func config(_ guest: GuestRef, transport: TransportPreference = .auto) async throws -> Outcome<GuestConfig> {
        if transport == .auto, await !directory.vmlistUnreadable, await !directory.configFilesUnreadable {
            let file = GuestConfigFile.read(guest)
            if let output = try? await runner.run(file) {
                if output.exitStatus == 0, let config = try? GuestConfigFile.parse(output.stdout) { return Outcome(value: config, command: file) }
                // A guest gone since the map was read: pvesh says so. Any other refusal: not again.
                if !output.stderrText.contains("No such file") { await directory.markConfigFilesUnreadable() }
            }
        }
        return try await read(ConfigGet(guest), transport: transport)
    }

    /// A task's whole log, read page by page (a backup's log runs to thousands of lines).
    public func taskLog(_ upid: UPID) async throws -> Outcome<[String]> {
        var lines: [String] = []
        var first: Command?
        while true {
            let page = try await read(TaskLogRead(upid, start: lines.count, limit: 5000), transport: .api)
            first = first ?? page.command
            lines += page.value.map(\.t)
            if page.value.count < 5000 { break }
        }
        return Outcome(value: lines, command: first!)
    }

    /// A task's state and whole log (task_status). The log is read first: a finished task's log ends
    /// with the line its status is read from (UPID.pm `read_status`, which the status endpoint uses
    /// too), so one read, one Perl start on the host, settles it. A log without that line (still
    /// running, or a worker that died) is followed by the status read, and when that says the task
    /// stopped in between, by the log again (its last lines).
    /// - Parameter logFirst: false reads the status first, the long way (tests compare both).
    public func taskState(_ upid: UPID, logFirst: Bool = true) async throws -> (status: TaskStatus, log: [String], commands: [Command]) {
        guard logFirst else {
            let status = try await read(TaskStatusRead(upid), transport: .api)
            let log = try await taskLog(upid)
            return (status.value, log.value, [status.command, log.command])
        }
        let log = try await taskLog(upid)
        if let last = log.value.last, let exit = TaskLogFollower.exitStatus(endLine: last) {
            return (TaskStatus(upid: upid.description, status: "stopped", exitstatus: exit), log.value, [log.command])
        }
        let status = try await read(TaskStatusRead(upid), transport: .api)
        guard !status.value.isRunning else { return (status.value, log.value, [log.command, status.command]) }
        let final = try await taskLog(upid)
        return (status.value, final.value, [log.command, status.command, final.command])
    }

    // MARK: Changes

    /// Runs a change: builds, routes to the right node, runs, and waits for its task.
    /// When the calling task is cancelled, the wait ends at once with ``ProxmoxError/cancelled(upid:node:)``
    /// naming the task that continues on the host.
    public func perform<Operation: ChangeOperation>(_ operation: Operation, options: OperationOptions) async throws -> Execution {
        let started = ContinuousClock.now
        let found = TaskSighting()
        do {
            return try await performWatched(operation, options: options, started: started, found: found)
        } catch is CancellationError {
            // Not inheriting the cancellation: one quick read to name the task that goes on.
            let upid = await Task { await self.activeTask(of: operation) }.value
            throw ProxmoxError.cancelled(upid: (found.upid ?? upid)?.description, node: (found.upid ?? upid)?.node)
        }
    }

    private func performWatched<Operation: ChangeOperation>(_ operation: Operation, options: OperationOptions, started: ContinuousClock.Instant,
                                found: TaskSighting) async throws -> Execution {
        var family = operation.family(for: options.transport)
        var notes: [String] = []
        if family == .cli && !options.wait {
            family = .api
            notes.append("wait: false needs the pvesh form: qm/pct always wait for their task")
        }
        var command = Self.withTaskTimeout(operation.command(for: family), operation, options)
        var target: (runner: any CommandRunner, node: String?) = (runner, nil)
        if command.family == .cli, let node = operation.guest?.node {
            switch try await cliRunner(for: node) {
            case let .here(runner):
                target = (runner, nil)
            case let .elsewhere(runner):
                target = (runner, node.value)
            case let .unreachable(reason):
                // Never run qm on the wrong node: use the API, which reaches any node by path.
                command = Self.withTaskTimeout(operation.apiCommand, operation, options)
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
            output = try await watched(command, on: target.runner, operation: operation, options: options, started: started, found: found)
            if output.exitStatus != 0 && !operation.exitStatusIsTheProgramsOwn { throw ErrorClassifier.classify(command, output) }
        } catch let error as ProxmoxError {
            let other: Command
            if let node = target.node, case .notStarted = error {
                // The guest's node could not be reached: never run qm elsewhere; the API reaches it by path.
                other = Self.withTaskTimeout(operation.apiCommand, operation, options)
                notes.append("node \(node) could not be reached (\(error)); ran the pvesh form through the connected node instead")
            } else {
                guard let fallback = fallbackCommand(for: operation, isRead: false, after: command, error: error) else { throw error }
                other = Self.withTaskTimeout(fallback, operation, options)
                notes.append("fell back from `\(command.program)` to `\(other.program)`: \(error)")
            }
            command = other
            commands.append(other)
            CommandJournal.current?.record(other)
            output = try await watched(other, on: runner, operation: operation, options: options, started: started, found: found)
            if output.exitStatus != 0 { throw ErrorClassifier.classify(other, output) }
            target = (runner, nil)
        }
        if let node = target.node { notes.append("ran on node \(node) (qm/pct act only on the node they run on)") }
        await directory.invalidate()
        var execution = Execution(commands: commands, family: command.family, notes: notes, output: output, task: nil,
                                  dryRun: false, ranOnNode: target.node)
        if operation.effect == .synchronous { return execution }  // e.g. PUT config: no task
        if command.family == .cli {
            // qm/pct ran the worker in the foreground and exited 0: the task succeeded.
            execution.task = TaskReport(upid: nil, status: "stopped", exitstatus: "OK",
                                        log: Self.tail(output.stdoutText.split(separator: "\n").map(String.init)), waited: true)
            return execution
        }
        let stdout = output.stdoutText
        if operation.effect == .taskIfReturned, ["", "null"].contains(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return execution
        }
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
    func watched(_ command: Command, on runner: any CommandRunner, operation: some ChangeOperation, options: OperationOptions,
                 started: ContinuousClock.Instant, found: TaskSighting) async throws -> CommandOutput {
        let work = Task { try await runner.run(command) }
        let watcher = options.progress.map { progress in
            Task {
                var follower: TaskLogFollower?
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.progressInterval)
                    if Task.isCancelled { break }
                    if found.upid == nil { found.upid = await activeTask(of: operation) }
                    if follower == nil, let upid = found.upid { follower = TaskLogFollower(upid) }
                    await follower?.advance(self)
                    await progress(follower?.report(state: "running", elapsed: .now - started)
                        ?? TaskProgress(upid: nil, state: "running", elapsed: .now - started, lastLine: nil))
                }
            }
        }
        defer { watcher?.cancel() }
        return try await CancellableWait.value(of: work)
    }

    /// The newest running task of the operation, if any (a read; failures mean "not found").
    func activeTask(of operation: some ChangeOperation) async -> UPID? {
        guard let lookup = operation.runningTask else { return nil }
        return (try? await read(lookup, transport: .api))?.value.first
    }

    /// A task-starting command may run as long as the call is willing to wait for its task.
    static func withTaskTimeout(_ command: Command, _ operation: some ChangeOperation, _ options: OperationOptions) -> Command {
        guard operation.effect != .synchronous else { return command }
        var longer = command
        longer.timeout = options.timeout
        return longer
    }

    /// Polls a task until it stops or `timeout` passes; then reads the end of its log. Success is
    /// the task's exitstatus, never pvesh's exit code (it exits 0 for failed tasks).
    ///
    /// The log is read first: a finished task's log ends with the line its status is read from
    /// (`TASK OK`, `TASK WARNINGS: n`, `TASK ERROR: ...`; UPID.pm `read_status`), so when pvesh ran
    /// the worker in the foreground, one read (one Perl start on the host) settles the task. Only
    /// a log without that line (still running, or a worker that died) goes on to the status polls.
    /// - Parameter logFirst: false reads the status first, the long way (tests compare both).
    public func waitForTask(_ upid: UPID, timeout: Duration, started: ContinuousClock.Instant = .now,
                            progress: ProgressHandler? = nil, logFirst: Bool = true) async throws -> (TaskReport, [Command]) {
        let deadline = ContinuousClock.now + timeout
        let statusRead = TaskStatusRead(upid)
        let statusCommand = statusRead.apiCommand
        var status: TaskStatus
        var delay = pollInterval
        var follower = TaskLogFollower(upid)
        var firstRead: [Command] = []
        if logFirst {
            let logCommand = follower.nextRead.apiCommand
            firstRead = [logCommand]
            try await follower.finishChecked(self)
            if let exit = follower.endLine.flatMap(TaskLogFollower.exitStatus(endLine:)) {
                let report = TaskReport(upid: upid.description, status: "stopped", exitstatus: exit, log: Self.tail(follower.tail), waited: true,
                                        wholeLog: follower.wholeLog)
                return (report, [logCommand])
            }
        }
        while true {
            let output = try await runChecked(statusCommand)
            status = try Self.parsing("pvesh") { () throws(ParseFailure) in try statusRead.parse(output, family: .api) }
            if !status.isRunning || ContinuousClock.now + delay > deadline { break }
            if let progress {
                await follower.advance(self)
                await progress(follower.report(state: status.status, elapsed: .now - started))
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
        // The end of the log, from where progress left off.
        let logCommand = follower.nextRead.apiCommand
        await follower.finish(self)
        let report = TaskReport(upid: upid.description, status: status.status, exitstatus: status.exitstatus,
                                log: Self.tail(follower.tail), waited: true, wholeLog: follower.wholeLog)
        return (report, firstRead + [statusCommand, logCommand])
    }

    /// Runs a parser, turning its failure into the engine's error for `program`'s output.
    public static func parsing<T>(_ program: String, _ body: () throws(ParseFailure) -> T) throws(ProxmoxError) -> T {
        do { return try body() } catch { throw .unparseableOutput(command: program, detail: error.detail) }
    }

    static func tail(_ lines: [String]) -> [String] { Array(lines.filter { !$0.isEmpty }.suffix(10)) }

    // MARK: Fallback

    /// The other family's command, when the first attempt provably ran nothing: the program was
    /// missing, the connection failed before exec, or (for reads) the output was unusable. Never
    /// after Proxmox itself refused, or when a change may have happened.
    func fallbackCommand(for operation: some ProxmoxOperation, isRead: Bool, after command: Command, error: ProxmoxError) -> Command? {
        guard fallback else { return nil }
        switch error {
        case .commandNotFound, .notStarted: break
        case .unparseableOutput where isRead: break
        default: return nil
        }
        let other = operation.command(for: command.family == .cli ? .api : .cli)
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
    /// compare case-insensitively, and `pve1.example.lan` matches node `pve1`. Reads where guests are
    /// from `/etc/pve/.vmlist` (no Perl start); the cluster's node list only when a node is given
    /// that is not the guest's (to say which is wrong).
    public func locate(vmid: VMID, kind: GuestKind, node: String?) async throws -> GuestRef {
        let guest = try await placements()[vmid.value]
        if let node, let guest, Self.nodeMatches(node, guest.node.value) {
            guard guest.kind == kind else { throw wrongKind(vmid: vmid.value, kind: guest.kind) }
            return guest
        }
        if let node {
            let resolved = try resolveNode(node, among: try await clusterSnapshot().nodes)
            if let guest, guest.node != resolved {
                throw ProxmoxError.notFound("\(guest.kind.noun) \(vmid) is on node \(guest.node), not on \(resolved)")
            }
        }
        guard let guest else { throw ProxmoxError.notFound("no \(kind.noun) \(vmid) in this cluster") }
        guard guest.kind == kind else { throw wrongKind(vmid: vmid.value, kind: guest.kind) }
        return guest
    }

    /// Finds a guest of either kind by its id alone (resources, completions).
    public func locate(vmid: VMID) async throws -> GuestRef {
        guard let guest = try await placements()[vmid.value] else { throw ProxmoxError.notFound("guest \(vmid) does not exist") }
        return guest
    }

    /// The node this connection is on (`local` in `/cluster/status`).
    public func connectedNode() async throws -> NodeName {
        let members = try await membership()
        guard let local = members.nodes.first(where: { $0.local }) ?? members.nodes.first else {
            throw ProxmoxError.notFound("the host reported no cluster nodes")
        }
        return try NodeName(local.name)
    }

    /// A node given by the user, matched against the cluster's nodes: the membership (read once per
    /// server), then, for a name it does not know (a node joined since), the current resources.
    public func node(named text: String) async throws -> NodeName {
        if let known = try? resolveNode(text, among: try await membership().nodes.map(\.name)) { return known }
        return try resolveNode(text, among: try await clusterSnapshot().nodes)
    }

    /// Whether a VMID is free cluster-wide (for create and clone checks).
    public func guest(_ vmid: VMID) async throws -> GuestSummary? {
        try await clusterSnapshot().guests.first { $0.vmid == vmid.value }
    }

    func wrongKind(vmid: Int, kind: GuestKind) -> ProxmoxError {
        let tools = kind == .qemu ? "proxmox_vm_*" : "proxmox_ct_*"
        return .invalidArgument(field: "vmid", reason: "\(vmid) is a \(kind == .qemu ? "VM" : "container"), use the \(tools) tools")
    }

    /// Whether a node named by the user is `node`: the same name in any case, or its name with a domain.
    static func nodeMatches(_ text: String, _ node: String) -> Bool {
        let wanted = text.lowercased(), name = node.lowercased()
        return name == wanted || name == wanted.split(separator: ".").first.map(String.init)
    }

    func resolveNode(_ text: String, among nodes: [String]) throws -> NodeName {
        let wanted = text.lowercased()
        guard let match = nodes.first(where: { $0.lowercased() == wanted }) ?? nodes.first(where: { Self.nodeMatches(text, $0) }) else {
            throw ProxmoxError.notFound("no node '\(text.prefix(64))' in this cluster; nodes: \(nodes.joined(separator: ", "))")
        }
        return try NodeName(match)
    }

    /// The cluster's members and quorum, cached like the guest→node map (and dropped with it after a change).
    public func membership() async throws -> ClusterStatusReport {
        try await directory.membership {
            try await read(ClusterStatus(), transport: .api).value
        }
    }

    /// Where every guest lives: `/etc/pve/.vmlist` when it can be read, else the guests of
    /// `/cluster/resources` (the long way, which returns the same placements: tests compare both).
    public func placements() async throws -> [Int: GuestRef] {
        try await directory.placements {
            if await !directory.vmlistUnreadable {
                do {
                    let output = try await runner.run(VMList.read)
                    if output.exitStatus == 0, let placements = try? VMList.parse(output.stdout) { return placements }
                    // Read but refused or unreadable (no pmxcfs here, no right to it, a guard without it): not again.
                    await directory.markVMListUnreadable()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // The connection's trouble, not the file's: the long way reports it, or works.
                }
            }
            return try await clusterSnapshot().guests.compactMap { guest in
                guard let vmid = try? VMID(guest.vmid), let node = try? NodeName(guest.node) else { return nil }
                return GuestRef(kind: guest.type, vmid: vmid, node: node)
            }
        }
    }

    func clusterSnapshot() async throws -> ClusterDirectory.Snapshot {
        try await directory.current {
            let resources = try await read(ClusterResources(), transport: .api).value
            return (resources.guests, resources.nodes.map(\.node).sorted())
        }
    }

    /// Forgets the guest→node map, as a change does and as its lifetime ends: the next lookup reads it again.
    public func forgetGuestMap() async {
        await directory.invalidate()
    }

    /// Runs on the connected node; a non-zero exit becomes the classified error.
    private func runChecked(_ command: Command) async throws -> CommandOutput {
        let output = try await runner.run(command)
        guard output.exitStatus == 0 else { throw ErrorClassifier.classify(command, output) }
        return output
    }
}
