import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient
import Synchronization
import Testing
import TestSupport

/// Faults of the network, the host and Proxmox, each through the tools, the engine and a real
/// sshd: the error kind, how long it took, and that the next call works.
@Suite struct ReliabilityFaultTests {
    static func environment(_ fixture: SSHFixture, timeout: Duration = .seconds(30)) -> ToolEnvironment {
        fixture.toolEnvironment(timeout: timeout)
    }

    static func call(_ tool: String, _ arguments: [String: Value] = [:], _ environment: ToolEnvironment) async -> CallTool.Result {
        await callQuietly(tool, arguments, environment)
    }

    static func reason(_ result: CallTool.Result) -> String? {
        result.errorDetails["reason"]?.stringValue
    }

    /// Slack on time bounds for a machine busy with the other suites; `scripts/reliability.sh`
    /// runs each suite alone, and the figures it reports are measured that way.
    static let loadMargin = Duration.seconds(20)

    static func milliseconds(_ duration: Duration) -> Int { Int(duration / .milliseconds(1)) }

    static func record(_ figure: String, _ value: CustomStringConvertible, _ test: String) {
        ReliabilityReport.record("Faults", figure, value, test: test)
    }

    @Test func sshdKilledMidCommandThenRestarted() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { $0.faults.slowTasks["qmstart:101"] = 3 }
        let environment = Self.environment(fixture)
        #expect(await Self.call("proxmox_node_list", [:], environment).isError == false)
        async let started = Self.call("proxmox_vm_start", ["vmid": 101, "transport": "api"], environment)
        // Kill only once the start runs on the host (its task is in the cluster's task list).
        let store = StateStore(file: fixture.server.statePath)
        for _ in 0..<200 where try store.read({ $0.tasks.contains { $0.upid.type == "qmstart" && $0.status == "running" } }) == false {
            try await Task.sleep(for: .milliseconds(50))
        }
        let killed = ContinuousClock.now
        fixture.server.killAll()
        let result = await started
        let failedAfter = ContinuousClock.now - killed
        #expect(Self.reason(result) == "transport")
        #expect(text(result).hasPrefix("connection to \(fixture.server.user)@127.0.0.1:\(fixture.server.port) lost"), "\(text(result))")
        #expect(failedAfter < .seconds(2) + Self.loadMargin)
        try fixture.server.restart()
        let recovering = ContinuousClock.now
        let after = await Self.call("proxmox_node_list", [:], environment)
        #expect(after.isError == false, "\(text(after))")
        let test = "sshdKilledMidCommandThenRestarted"
        Self.record("sshd killed while a start runs: the call fails with reason `transport`, after", "\(Self.milliseconds(failedAfter)) ms", test)
        Self.record("sshd back: the next call reconnects and succeeds, in", "\(Self.milliseconds(ContinuousClock.now - recovering)) ms", test)
        // Restarted while idle: noticed, and the next call works.
        fixture.server.killAll()
        try fixture.server.restart()
        let idle = ContinuousClock.now
        #expect(await Self.call("proxmox_node_list", [:], environment).isError == false)
        Self.record("sshd restarted while idle: next call succeeds, in", "\(Self.milliseconds(ContinuousClock.now - idle)) ms", test)
    }

    @Test func frozenConnectionFailsWithinTheDeadlineAndRecovers() async throws {
        let fixture = try SSHFixture()
        let environment = Self.environment(fixture, timeout: .seconds(1))
        #expect(await Self.call("proxmox_node_list", [:], environment).isError == false)
        fixture.server.freeze()
        let frozen = ContinuousClock.now
        let result = await Self.call("proxmox_cluster_status", [:], environment)
        let failedAfter = ContinuousClock.now - frozen
        fixture.server.thaw()
        #expect(Self.reason(result) == "transport", "\(text(result))")
        // The command deadline (1 s) plus the grace `timeout -k` gets on the host (5 s) and 2 s more;
        // the margin is for a CI machine loaded by the other suites (the figure is measured alone).
        #expect(failedAfter < .seconds(9) + Self.loadMargin, "\(failedAfter)")
        let after = await Self.call("proxmox_node_list", [:], environment)
        #expect(after.isError == false, "\(text(after))")
        let test = "frozenConnectionFailsWithinTheDeadlineAndRecovers"
        Self.record("sshd frozen (SIGSTOP): a read fails with `transport` after (deadline 1 s + 7 s grace)", "\(Self.milliseconds(failedAfter)) ms", test)
        Self.record("sshd thawed: the next call succeeds", "yes", test)
    }

    @Test func hangingCommandIsStoppedOnTheHost() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { $0.faults.hangingCommands = ["pvesh get /cluster/status"] }
        let environment = Self.environment(fixture, timeout: .seconds(2))
        let started = ContinuousClock.now
        async let call = Self.call("proxmox_cluster_status", [:], environment)
        var seenRunning = false
        for _ in 0..<40 where !seenRunning {
            try await Task.sleep(for: .milliseconds(50))
            seenRunning = fixture.server.isRunning(commandContaining: "get /cluster/status")
        }
        #expect(seenRunning, "the hanging command is seen on the host while it hangs")
        let result = await call
        let failedAfter = ContinuousClock.now - started
        #expect(text(result) == "pvesh did not finish within 2 s and was stopped on the host (PROXMOX_TIMEOUT, or the call's timeout)")
        #expect(failedAfter < .seconds(4) + Self.loadMargin)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!fixture.server.isRunning(commandContaining: "get /cluster/status"))
        #expect(await Self.call("proxmox_node_list", [:], environment).isError == false)
        let test = "hangingCommandIsStoppedOnTheHost"
        Self.record("remote command hangs: error after (deadline 2 s), process gone from the host", "\(Self.milliseconds(failedAfter)) ms, gone", test)
    }

    @Test(arguments: [("garbage", "transport"), ("truncated", "transport"), ("empty", "transport"), ("empty255", "other")])
    func damagedOutputIsATypedError(_ mode: String, _ reason: String) async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { $0.faults.damagedOutput["pvesh get /nodes"] = mode }
        let result = await Self.call("proxmox_node_list", [:], Self.environment(fixture))
        #expect(result.isError == true)
        #expect(Self.reason(result) == reason, "\(mode): \(text(result))")
        #expect(!text(result).contains("\u{1b}") && !text(result).contains("<html>") && !text(result).contains("\n"))
        ReliabilityReport.record("Faults", "`pvesh get /nodes` prints \(mode == "empty" ? "nothing, exit 0" : mode == "empty255" ? "nothing, exit 255" : mode)",
                                 "reason `\(Self.reason(result) ?? "?")`: \(text(result).prefix(90))", test: "damagedOutputIsATypedError")
    }

    @Test func failingLockedAndEndlessTasks() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.faults.failingTasks["qmstart:101"] = "start failed: QEMU exited with code 1"
            cluster.faults.slowTasks["qmsnapshot:100"] = 30
            cluster.guests[cluster.guestIndex(203)!].lock = "backup"
        }
        let environment = Self.environment(fixture)
        let test = "failingLockedAndEndlessTasks"
        let failed = await Self.call("proxmox_vm_start", ["vmid": 101, "transport": "api"], environment)
        #expect(Self.reason(failed) == "task_failed")
        let upid = failed.errorDetails["upid"]?.stringValue
        #expect(upid?.hasPrefix("UPID:pve1:") == true && upid?.contains(":qmstart:101:") == true)
        Self.record("task fails: reason `task_failed` with its UPID and log", text(failed).prefix(80), test)
        let locked = await Self.call("proxmox_ct_snapshot_create", ["vmid": 203, "snapshot": "x1"], environment)
        #expect(Self.reason(locked) == "locked")
        #expect(locked.errorDetails["lock"] == "backup")
        Self.record("guest locked: reason `locked`, lock named", "lock `backup`: \(text(locked).prefix(70))", test)
        let started = ContinuousClock.now
        let endless = await Self.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "never", "timeout": 2, "transport": "api"], environment)
        let after = ContinuousClock.now - started
        #expect(Self.reason(endless) == "transport")
        #expect(text(endless) == "pvesh did not finish within 2 s and was stopped on the host (PROXMOX_TIMEOUT, or the call's timeout)")
        #expect(after < .seconds(4) + Self.loadMargin)
        Self.record("task never finishes (call timeout 2 s): error after", "\(Self.milliseconds(after)) ms", test)
    }

    @Test func hundredConcurrentChangesOfOneGuestLoseNothing() async throws {
        let fixture = try SSHFixture()
        let environment = Self.environment(fixture, timeout: .seconds(60))
        let read = await Self.call("proxmox_vm_config", ["vmid": 101], environment)
        let digest = try #require(read.structuredContent?.objectValue?["digest"]?.stringValue)
        // 100 writers, all with the digest they read: exactly one may win.
        let outcomes = await withTaskGroup(of: (Int, String?).self) { group in
            for writer in 0..<100 {
                group.addTask {
                    let result = await Self.call("proxmox_vm_config", ["vmid": 101, "set": ["description": .string("writer-\(writer)")],
                                                                     "digest": .string(digest), "transport": writer % 2 == 0 ? "ssh" : "api"], environment)
                    return (writer, result.isError == true ? "\(Self.reason(result) ?? "none"): \(text(result))" : nil)
                }
            }
            return await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
        }
        let winners = outcomes.filter { $0.1 == nil }.map(\.0)
        let refusals = outcomes.compactMap(\.1)
        #expect(winners.count == 1)
        let others = refusals.filter { !$0.hasPrefix("conflict: ") }
        #expect(others.isEmpty && refusals.count == 99, "\(others)")
        let after = await Self.call("proxmox_vm_config", ["vmid": 101], environment)
        let description = after.structuredContent?.objectValue?["config"]?.objectValue?["description"]?.stringValue
        #expect(description == "writer-\(winners.first ?? -1)")
        // 100 writers of different things (snapshots): every one lands.
        let snapshots = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask { await Self.call("proxmox_vm_snapshot_create", ["vmid": 101, "snapshot": .string("c\(index)")], environment).isError == false }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        let listed = await Self.call("proxmox_vm_snapshot_list", ["vmid": 101], environment)
        let names = Set(listed.structuredContent?.objectValue?["snapshots"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? [])
        #expect(snapshots == 100)
        #expect(names.isSuperset(of: (0..<100).map { "c\($0)" }))
        let test = "hundredConcurrentChangesOfOneGuestLoseNothing"
        Self.record("100 concurrent config changes with the same digest: succeeded / refused", "\(winners.count) / \(refusals.count) (`\(refusals.first ?? "")`), final value is the winner's", test)
        Self.record("100 concurrent snapshots of one guest: created / listed afterwards", "\(snapshots) / \(names.intersection((0..<100).map { "c\($0)" }).count)", test)
    }
}
