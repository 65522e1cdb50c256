import Foundation
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

/// Every command form of the simulator, run once through the real sshd and once in-process on a
/// fresh cluster: stdout, stderr and exit status must be identical, step by step.
@Suite struct SimulatorScriptOverSSHTests {
    static let script: [[String]] = [
        ["pvesh", "get", "/nodes", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/status", "--output-format", "json"],
        ["pvesh", "get", "/cluster/status", "--output-format", "json"],
        ["pvesh", "get", "/cluster/resources", "--output-format", "json"],
        ["pvesh", "get", "/cluster/resources", "--type", "storage", "--output-format", "json-pretty"],
        ["pvesh", "get", "/cluster/nextid", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/qemu", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve2/lxc", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu", "--vmid", "400", "--name", "script-vm", "--memory", "1024", "--scsi0", "local-lvm:4", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/start", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/qemu/400/status/current", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/suspend", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/resume", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/reboot", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/reset", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/status/shutdown", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/qemu/400/config", "--output-format", "json"],
        ["pvesh", "set", "/nodes/pve1/qemu/400/config", "--cores", "2", "--tags", "script"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/config", "--description", "async edit", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/snapshot", "--snapname", "s1", "--description", "first", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/qemu/400/snapshot", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/snapshot/s1/rollback", "--output-format", "json"],
        ["pvesh", "delete", "/nodes/pve1/qemu/400/snapshot/s1", "--output-format", "json"],
        ["pvesh", "create", "/nodes/pve1/qemu/400/clone", "--newid", "401", "--name", "script-copy", "--full", "1", "--output-format", "json"],
        ["pvesh", "delete", "/nodes/pve1/qemu/401", "--purge", "1", "--destroy-unreferenced-disks", "1", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/storage", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/storage/local/content", "--content", "vztmpl", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/tasks", "--limit", "5", "--output-format", "json"],
        ["pvesh", "get", "/nodes/pve1/nosuch", "--output-format", "json"],
        ["qm", "list"],
        ["qm", "status", "400"],
        ["qm", "start", "400"],
        ["qm", "stop", "400"],
        ["qm", "config", "400"],
        ["qm", "set", "400", "--memory", "2048"],
        ["qm", "snapshot", "400", "s2", "--description", "second"],
        ["qm", "listsnapshot", "400"],
        ["qm", "rollback", "400", "s2"],
        ["qm", "delsnapshot", "400", "s2"],
        ["qm", "clone", "400", "402", "--name", "qm-copy"],
        ["qm", "destroy", "402"],
        ["qm", "start", "999"],
        ["qm", "frobnicate"],
        ["pct", "list"],
        ["pct", "create", "410", "local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", "--hostname", "script-ct", "--rootfs", "local-lvm:2"],
        ["pct", "start", "410"],
        ["pct", "status", "410"],
        ["pct", "reboot", "410"],
        ["pct", "shutdown", "410"],
        ["pct", "config", "410"],
        ["pct", "set", "410", "--memory", "256"],
        ["pct", "snapshot", "410", "c1"],
        ["pct", "listsnapshot", "410"],
        ["pct", "rollback", "410", "c1"],
        ["pct", "delsnapshot", "410", "c1"],
        ["pct", "clone", "410", "411", "--hostname", "ct-copy"],
        ["pct", "destroy", "411"],
        ["pct", "destroy", "410"],
        ["qm", "destroy", "400"],
    ]

    @Test func everyCommandFormBehavesTheSameThroughSshd() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(30))
        let local = StateStore()
        let clock = "1764100000"
        var failures = 0
        for argv in Self.script {
            let remote = try await runner.run(Command(["env", "PVE_SIM_CLOCK=\(clock)"] + argv, isReadOnly: false))
            let inProcess = SimulatorCLI.run(program: argv[0], arguments: Array(argv.dropFirst()),
                                             environment: ["PVE_SIM_CLOCK": clock, "PVE_SIM_NODE": "pve1"], store: local)
            let same = remote.stdout == inProcess.stdout && remote.stderr == inProcess.stderr
                && remote.exitStatus == inProcess.exitStatus
            if !same { failures += 1 }
            #expect(same, "\(argv.joined(separator: " ")): remote \(remote.exitStatus) \(remote.stderrText) vs \(inProcess.exitStatus) \(inProcess.stderrText)")
        }
        #expect(failures == 0)
        // Spot checks that the script did what it says.
        let list = try await runner.run(Command(["qm", "list"], isReadOnly: true))
        #expect(!list.stdoutText.contains("script-vm"))
    }
}
