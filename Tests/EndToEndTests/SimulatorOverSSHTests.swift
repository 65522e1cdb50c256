import Foundation
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient
import Testing
import TestSupport

/// The simulator as the tests' fake host: pve-sim installed as qm/pct/pvesh behind a real sshd,
/// state in a file shared by every session.
@Suite struct SimulatorOverSSHTests {
    @Test func lifecycleAcrossSessionsKeepsState() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(30))
        func run(_ argv: String...) async throws -> CommandOutput {
            try await runner.run(Command(argv, isReadOnly: false))
        }
        #expect(try await run("qm", "create", "300", "--name", "over-ssh", "--scsi0", "local-lvm:8").exitStatus == 0)
        #expect(try await run("qm", "start", "300").exitStatus == 0)
        let status = try await run("qm", "status", "300")
        #expect(status.stdoutText == "status: running\n")
        let started = try await run("pvesh", "create", "/nodes/pve1/qemu/300/status/start", "--output-format", "json")
        #expect(started.exitStatus == 0)
        #expect(started.stderrText == "VM 300 already running\n")
        let upid = try UPID(parsing: JSONValue.parse(started.stdout).stringValue ?? "")
        let task = try JSONValue.parse(try await run("pvesh", "get", "/nodes/pve1/tasks/\(upid)/status", "--output-format", "json").stdout)
        #expect(task["status"] == "stopped")
        #expect(task["exitstatus"] == "VM 300 already running")
        // A new connection (a new sshd session and pve-sim process) sees the same state.
        let other = SSHRunner(connection: fixture.connection(), timeout: .seconds(30))
        let list = try await other.run(Command(["qm", "list"], isReadOnly: true))
        #expect(list.stdoutText.contains("       300 over-ssh             running"))
    }

    @Test func concurrentChangesAreNotLost() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(60))
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await runner.run(Command(["qm", "snapshot", "101", "snap\(index)"], isReadOnly: false)).exitStatus
                }
            }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: 0, count: 12))
        let listed = try JSONValue.parse(try await runner.run(Command(
            ["pvesh", "get", "/nodes/pve1/qemu/101/snapshot", "--output-format", "json"], isReadOnly: true)).stdout)
        let names = Set(listed.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        #expect(names == Set((0..<12).map { "snap\($0)" } + ["before-migration", "current"]))
    }

    @Test func faultsThroughSshd() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.faults.hangingCommands = ["pvesh get /cluster/status"]
            cluster.faults.slowTasks["qmsnapshot:100"] = 3.0
            cluster.faults.damagedOutput["pvesh get /nodes"] = "empty"
        }
        let connection = fixture.connection()
        await #expect(throws: SSHError.timedOut(seconds: 0.5)) {
            try await connection.execute("pvesh get /cluster/status --output-format json", timeout: .milliseconds(500))
        }
        let runner = SSHRunner(connection: connection, timeout: .seconds(30))
        let empty = try await runner.run(Command(["pvesh", "get", "/nodes", "--output-format", "json"], isReadOnly: true))
        #expect(empty == CommandOutput(stdout: [], stderr: [], exitStatus: 0, duration: empty.duration))
        // A slow task is visible as running from another channel while it runs.
        async let snapshot = runner.run(Command(["qm", "snapshot", "100", "slow-one"], isReadOnly: false))
        var sawRunning = false
        for _ in 0..<100 where !sawRunning {
            try await Task.sleep(for: .milliseconds(50))
            let tasks = try JSONValue.parse(try await runner.run(Command(
                ["pvesh", "get", "/nodes/pve1/tasks", "--source", "active", "--output-format", "json"], isReadOnly: true)).stdout)
            sawRunning = tasks.arrayValue?.contains { $0["type"] == "qmsnapshot" } == true
        }
        #expect(sawRunning)
        #expect(try await snapshot.exitStatus == 0)
    }
}
