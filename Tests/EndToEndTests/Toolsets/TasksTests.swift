import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Synchronization
import Testing
import TestSupport

@Suite struct TasksTests {
    /// Last night's backup job in the simulator's task history, which failed for one guest.
    static let failedBackup = "UPID:pve1:0002F101:01C3AA01:69250DA0:vzdump::root@pam:"

    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_task_list", [:], both: ["pvesh get /cluster/tasks --output-format json"]),
        GoldenRow("proxmox_task_list", ["errors": true], both: ["pvesh get /cluster/tasks --output-format json"]),
        GoldenRow("proxmox_task_list", ["node": "PVE1", "errors": true, "typefilter": "vzdump", "since": 1_764_000_000, "limit": 10],
                  both: ["pvesh get /nodes/pve1/tasks --limit 10 --start 0 --source all --statusfilter error --typefilter vzdump --since 1764000000 --output-format json"]),
        GoldenRow("proxmox_task_list", ["node": "pve2", "status": "running", "vmid": 201, "user": "root@pam"],
                  both: ["pvesh get /nodes/pve2/tasks --limit 50 --start 0 --source active --vmid 201 --userfilter root@pam --output-format json"]),
        // A finished task: its log's last line settles it, one read (TaskStatusShortcutTests).
        GoldenRow("proxmox_task_status", ["upid": .string(failedBackup), "lines": 3],
                  both: ["pvesh get /nodes/pve1/tasks/\(failedBackup)/log --start 0 --limit 5000 --output-format json"]),
        GoldenRow("proxmox_task_log", ["upid": .string(failedBackup), "start": 2, "limit": 3],
                  both: ["pvesh get /nodes/pve1/tasks/\(failedBackup)/log --start 2 --limit 3 --output-format json"]),
        // A finished task: its log's last line settles it, one read (TaskWaitShortcutTests).
        GoldenRow("proxmox_task_wait", ["upid": .string(failedBackup), "timeout": 5],
                  both: ["pvesh get /nodes/pve1/tasks/\(failedBackup)/log --start 0 --limit 1000 --output-format json"]),
        GoldenRow("proxmox_task_stop", ["upid": .string(failedBackup), "confirm": true],
                  both: ["pvesh delete /nodes/pve1/tasks/\(failedBackup) --output-format json"]),
    ]

    /// This toolset's steps of the tool sweep over a real sshd.
    static let sweep: [(String, [String: Value])] = [
        ("proxmox_task_status", ["upid": .string(failedBackup)]),
        ("proxmox_task_list", ["errors": true]), ("proxmox_task_list", ["node": "pve1", "limit": 3]),
        ("proxmox_task_log", ["upid": .string(failedBackup), "start": 3, "limit": 4]),
        ("proxmox_task_wait", ["upid": .string(failedBackup), "timeout": 10]),
        ("proxmox_task_stop", ["upid": .string(failedBackup), "confirm": true, "dryRun": true]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    @Test func statusOfAFailedTask() async throws {
        let result = await Golden.call("proxmox_task_status", ["upid": .string(Self.failedBackup), "lines": 3])
        let fields = try #require(result.structuredContent?.objectValue)
        #expect(fields["status"] == "stopped")
        #expect(fields["exitstatus"] == "job errors")
        #expect(fields["succeeded"] == false)
        #expect(fields["type"] == "vzdump" && fields["node"] == "pve1" && fields["starttime"] == 1_764_036_000)
        #expect(fields["log"]?.arrayValue?.compactMap(\.stringValue) == [
            "INFO: Failed at 2025-11-25 02:02:11", "INFO: Backup job finished with errors", "TASK ERROR: job errors"])
    }

    @Test func malformedUPIDIsRefusedBeforeAnythingRuns() async {
        let result = await Golden.call("proxmox_task_status", ["upid": "UPID:pve1;rm -rf /"])
        #expect(result.isError == true)
        #expect(Golden.commands(result) == [])
        #expect(result.errorDetails["field"] == "upid")
    }

    static func tasks(_ result: CallTool.Result) -> [[String: Value]] {
        result.structuredContent?.objectValue?["tasks"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    /// "What failed last night?": the cluster-wide list, errors only, names the backup job that failed.
    @Test func whatFailedLastNight() async throws {
        for arguments: [String: Value] in [["errors": true], ["node": "pve1", "errors": true], ["status": "error", "since": 1_764_000_000]] {
            let result = await Golden.call("proxmox_task_list", arguments)
            #expect(result.isError == false, "\(result.content)")
            let failed = Self.tasks(result)
            #expect(failed.map { $0["upid"] } == [.string(Self.failedBackup)], "\(arguments)")
            #expect(failed.first?["exitstatus"] == "job errors" && failed.first?["failed"] == true && failed.first?["duration"] == 131)
            #expect(result.structuredContent?.objectValue?["failed"] == 1)
        }
    }

    @Test func newestFirstWithFiltersAndPaging() async throws {
        let all = Self.tasks(await Golden.call("proxmox_task_list", [:]))
        #expect(all.compactMap { $0["type"]?.stringValue } == ["qmsnapshot", "qmstart", "vzdump", "vzdump"])
        #expect(all.compactMap { $0["node"]?.stringValue } == ["pve1", "pve1", "pve2", "pve1"])
        #expect(all.allSatisfy { $0["status"] == "stopped" })
        let pve2 = Self.tasks(await Golden.call("proxmox_task_list", ["node": "pve2", "status": "ok"]))
        #expect(pve2.map { $0["id"] } == ["201"] && pve2.first?["failed"] == false)
        let paged = Self.tasks(await Golden.call("proxmox_task_list", ["start": 1, "limit": 2]))
        #expect(paged.compactMap { $0["type"]?.stringValue } == ["qmstart", "vzdump"])
        let guest = Self.tasks(await Golden.call("proxmox_task_list", ["node": "pve1", "vmid": 104]))
        #expect(guest.compactMap { $0["type"]?.stringValue } == ["qmstart"])
        #expect(Self.tasks(await Golden.call("proxmox_task_list", ["until": 1_764_000_000])).isEmpty)
    }

    @Test func aRunningTaskIsListedWithoutAnEnd() async throws {
        let environment = Golden.environment()
        _ = await Golden.call("proxmox_vm_start", ["vmid": 102, "transport": "api", "wait": false], environment: environment)
        let result = await Golden.call("proxmox_task_list", ["node": "pve2", "limit": 1], environment: environment)
        let newest = try #require(Self.tasks(result).first)
        #expect(newest["type"] == "qmstart" && newest["id"] == "102" && newest["exitstatus"] == "OK" && newest["failed"] == false)
    }

    @Test func contradictoryOrBadFiltersAreRefusedBeforeAnythingRuns() async {
        for arguments: [String: Value] in [["errors": true, "status": "ok"], ["typefilter": "vzdump; rm -rf /"], ["user": "-x@pam"],
                                           ["limit": 0], ["node": "pve1; id"], ["vmid": 42]] {
            let result = await Golden.call("proxmox_task_list", arguments)
            #expect(result.isError == true, "\(arguments)")
            #expect(Golden.commands(result) == [], "\(arguments)")
        }
    }
}

/// The simulator's task history with its last task (a snapshot of 100) changed.
enum TaskStates {
    /// The snapshot still running: its log has no end line yet.
    static func running() throws -> (StateStore, UPID) {
        let store = StateStore()
        try store.modify { cluster in
            cluster.tasks[3].status = "running"
            cluster.tasks[3].exitstatus = nil
            cluster.tasks[3].endtime = nil
            cluster.tasks[3].log = ["snapshotting 'drive-scsi0' (local-lvm:vm-100-disk-0)"]
        }
        return (store, try store.read { $0.tasks[3].upid })
    }
}

/// The wait's shortcut: a finished task's log ends with its status line, so one log read settles
/// it; the result is the same as the long way (status polls, then the log), and so is the whole log
/// it keeps.
@Suite struct TaskWaitShortcutTests {
    @Test func oneLogReadReturnsWhatStatusAndLogReturn() async throws {
        let store = StateStore()
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store))
        // History: a failed backup job, a good one on another node, a start, a snapshot; then a task
        // of this run with warnings, ended by hand in the state.
        let upids = try store.read { $0.tasks.map(\.upid) }
        #expect(upids.count == 4)
        let warned = upids[3]
        try store.modify { cluster in
            cluster.tasks[3].exitstatus = "WARNINGS: 2"
            cluster.tasks[3].log = ["WARN: one", "WARN: two", "TASK WARNINGS: 2"]
        }
        for upid in upids {
            let (short, shortCommands) = try await engine.waitForTask(upid, timeout: .seconds(10))
            let (long, longCommands) = try await engine.waitForTask(upid, timeout: .seconds(10), logFirst: false)
            #expect(short == long, "\(upid)")
            #expect(shortCommands.map(\.description) == ["pvesh get /nodes/\(upid.node)/tasks/\(upid)/log --start 0 --limit 1000 --output-format json"])
            #expect(longCommands.count == 2)
            // The whole log the wait read is the log a full read returns (a backup's result is parsed from it).
            #expect(short.wholeLog == (try await engine.taskLog(upid).value), "\(upid)")
        }
        let backup = try await engine.waitForTask(upids[0], timeout: .seconds(10)).0
        #expect(backup.status == "stopped" && backup.exitstatus == "job errors" && backup.log.last == "TASK ERROR: job errors")
        #expect(try await engine.waitForTask(warned, timeout: .seconds(10)).0.exitstatus == "WARNINGS: 2")
    }

    @Test func aRunningTaskGoesOnToTheStatusPolls() async throws {
        let (store, upid) = try TaskStates.running()
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store))
        let (short, shortCommands) = try await engine.waitForTask(upid, timeout: .milliseconds(300))
        let (long, _) = try await engine.waitForTask(upid, timeout: .milliseconds(300), logFirst: false)
        #expect(short == long)
        #expect(short.status == "running" && short.exitstatus == nil && short.wholeLog == nil)
        #expect(shortCommands.map(\.description) == ["pvesh get /nodes/pve1/tasks/\(upid)/log --start 0 --limit 1000 --output-format json",
                                                       "pvesh get /nodes/pve1/tasks/\(upid)/status --output-format json",
                                                       "pvesh get /nodes/pve1/tasks/\(upid)/log --start 1 --limit 1000 --output-format json"])
    }
}

/// task_status's shortcut: the log read first settles a finished task; the state and log are those
/// of the long way (status, then log).
@Suite struct TaskStatusShortcutTests {
    @Test func aFinishedTaskTakesOneRead() async throws {
        let store = StateStore()
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store))
        try store.modify { cluster in
            cluster.tasks[3].exitstatus = "WARNINGS: 2"
            cluster.tasks[3].log = ["WARN: one", "WARN: two", "TASK WARNINGS: 2"]
        }
        let upids = try store.read { $0.tasks.map(\.upid) }
        var exits: [String] = []
        for upid in upids {
            let short = try await engine.taskState(upid)
            let long = try await engine.taskState(upid, logFirst: false)
            #expect(short.status == long.status && short.log == long.log, "\(upid)")
            #expect(short.commands.map(\.description) == ["pvesh get /nodes/\(upid.node)/tasks/\(upid)/log --start 0 --limit 5000 --output-format json"])
            #expect(long.commands.count == 2)
            exits.append(short.status.exitstatus ?? "-")
        }
        #expect(exits == ["job errors", "OK", "OK", "WARNINGS: 2"])
    }

    @Test func aRunningTaskIsAskedItsStatus() async throws {
        let (store, upid) = try TaskStates.running()
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store))
        let short = try await engine.taskState(upid), long = try await engine.taskState(upid, logFirst: false)
        #expect(short.status == long.status && short.log == long.log)
        #expect(short.status.status == "running" && short.log == ["snapshotting 'drive-scsi0' (local-lvm:vm-100-disk-0)"])
        #expect(short.commands.map(\.description) == ["pvesh get /nodes/pve1/tasks/\(upid)/log --start 0 --limit 5000 --output-format json",
                                                      "pvesh get /nodes/pve1/tasks/\(upid)/status --output-format json"])
    }

    /// A worker that died leaves a log without an end line; the status endpoint says how it ended.
    @Test func aLogWithoutItsEndLineIsSettledByTheStatus() async throws {
        let store = StateStore()
        try store.modify { cluster in
            cluster.tasks[3].exitstatus = "unexpected status"
            cluster.tasks[3].log = ["snapshotting 'drive-scsi0' (local-lvm:vm-100-disk-0)"]
        }
        let upid = try store.read { $0.tasks[3].upid }
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store))
        let short = try await engine.taskState(upid), long = try await engine.taskState(upid, logFirst: false)
        #expect(short.status == long.status && short.log == long.log)
        #expect(short.status.status == "stopped" && short.status.exitstatus == "unexpected status")
        #expect(short.commands.count == 3)
    }
}

/// Tasks started elsewhere, still running: waited for with progress, and stopped. Through the
/// swift-sdk client, the built server and a real sshd (commands run side by side there).
@Suite struct RunningTaskTests {
    static func running(_ server: ServerProcess, node: String, vmid: Int) async throws -> String {
        // Generous: on a loaded machine the start reaches the host late; the tasks run long enough.
        for _ in 0..<300 {
            let listed = try await server.call("proxmox_task_list", ["node": .string(node), "status": "running", "vmid": .int(vmid)])
            if let upid = listed.structuredContent?.objectValue?["tasks"]?.arrayValue?.first?.objectValue?["upid"]?.stringValue { return upid }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }

    @Test func waitForATaskStartedElsewhereThenStopAnother() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            // Long enough to be caught running and waited for with progress on a loaded machine.
            cluster.faults.slowTasks["qmstart:102"] = 30
            cluster.faults.slowTasks["qmstart:103"] = 120
        }
        let progress = Mutex<[ProgressNotification.Parameters]>([])
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(["PROXMOX_TOOLSETS": "core,tasks"]) { $1 },
                                       workingDirectory: fixture.server.directory.path)
        await server.client.onNotification(ProgressNotification.self) { message in progress.withLock { $0.append(message.params) } }
        _ = try await server.connect()
        // Started by someone else (here: another call that is not waited for by this one).
        let started = try await server.client.send(CallTool.request(.init(name: "proxmox_vm_start", arguments: ["vmid": 102, "transport": "api"])))
        let upid = try await Self.running(server, node: "pve2", vmid: 102)
        let waited = try await server.client.send(CallTool.request(.init(name: "proxmox_task_wait", arguments: ["upid": .string(upid), "timeout": 120],
                                                                         meta: Metadata(progressToken: .string("wait"))))).value
        let fields = try #require(waited.structuredContent?.objectValue)
        #expect(fields["status"] == "stopped" && fields["exitstatus"] == "OK" && fields["succeeded"] == true && fields["timedOut"] == false,
                "\(text(waited))")
        #expect(fields["log"]?.arrayValue?.last == "TASK OK")
        let reports = progress.withLock { $0 }
        #expect(!reports.isEmpty && reports.allSatisfy { $0.progressToken == .string("wait") && $0.message?.contains(upid) == true }, "\(reports)")
        #expect(try await started.value.isError == false)

        // A 120 s start, stopped: unconfirmed it runs nothing; confirmed the task ends at once.
        let slow = try await server.client.send(CallTool.request(.init(name: "proxmox_vm_start", arguments: ["vmid": 103, "transport": "api"])))
        let stuck = try await Self.running(server, node: "pve2", vmid: 103)
        let unconfirmed = try await server.call("proxmox_task_stop", ["upid": .string(stuck)])
        #expect(unconfirmed.isError == true && text(unconfirmed).contains("call again with confirm: true (nothing ran)"), "\(text(unconfirmed))")
        let clock = ContinuousClock.now
        let stopped = try await server.call("proxmox_task_stop", ["upid": .string(stuck), "confirm": true])
        #expect(stopped.isError == false, "\(text(stopped))")
        #expect(stopped.structuredContent?.objectValue?["status"] == "stopped")
        #expect(stopped.structuredContent?.objectValue?["exitstatus"] == "interrupted by signal")
        #expect(try await slow.value.isError == true)
        #expect(ContinuousClock.now - clock < .seconds(60))
        let again = try await server.call("proxmox_task_stop", ["upid": .string(stuck), "confirm": true])
        #expect(text(again).contains("already stopped (interrupted by signal); nothing to stop, nothing ran"), "\(text(again))")
        _ = await server.finish()
    }
}
