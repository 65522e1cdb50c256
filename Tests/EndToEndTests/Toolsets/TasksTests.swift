import MCP
import Testing

@Suite struct TasksTests {
    /// Last night's backup job in the simulator's task history, which failed for one guest.
    static let failedBackup = "UPID:pve1:0002F101:01C3AA01:69250DA0:vzdump::root@pam:"

    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_task_status", ["upid": .string(failedBackup), "lines": 3],
                  both: ["pvesh get /nodes/pve1/tasks/\(failedBackup)/status --output-format json",
                         "pvesh get /nodes/pve1/tasks/\(failedBackup)/log --start 0 --limit 50000 --output-format json"]),
    ]

    /// This toolset's steps of the tool sweep over a real sshd.
    static let sweep: [(String, [String: Value])] = [
        ("proxmox_task_status", ["upid": .string(failedBackup)]),
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
        #expect(result.structuredContent?.objectValue?["error"]?.objectValue?["field"] == "upid")
    }
}
