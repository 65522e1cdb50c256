import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

/// The host guard in `authorized_keys` of a real sshd (`command="mcp-proxmox-guard ...",restrict`),
/// the simulator behind it: hostile lines run nothing, the host policy narrows the tools, doctor
/// sees the guard.
@Suite struct GuardOverSSHTests {
    @Test func hostileLinesRunNothingAndAreLogged() async throws {
        let fixture = try SSHFixture()
        try fixture.guardKey(GuardPolicy())
        let marker = fixture.server.directory.appendingPathComponent("pwned").path
        let lines = GuardTests.hostile + [
            "touch \(marker)", "pvesh get /nodes --output-format json; touch \(marker)", "qm config 100 && touch \(marker)",
            "qm config 100 $(touch \(marker))", "qm config 100 `touch \(marker)`", "qm config '100'; touch \(marker)",
            "timeout -k 5 60 sh -c 'touch \(marker)'", "pvesh get /nodes --output-format json\ntouch \(marker)",
        ]
        let connection = fixture.connection()
        let before = try? Data(contentsOf: URL(fileURLWithPath: fixture.server.statePath))
        for line in lines {
            let result = try await connection.execute(line, timeout: .seconds(20))
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.exitStatus == GuardMain.refusedStatus, "\(line): \(result.exitStatus) \(stderr)")
            #expect(stderr.hasPrefix("refused by the host's guard (sweep-key): ") && stderr.split(separator: "\n").count == 1, "\(line): \(stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try fixture.server.receivedArgv() == [], "no hostile line reached pvesh, qm or pct")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: fixture.server.statePath))) == before)
        let log = try String(contentsOfFile: fixture.guardLogPath, encoding: .utf8).split(separator: "\n")
        #expect(log.count == lines.count)
        #expect(log.allSatisfy { $0.contains("mcp-proxmox-admin guard: key sweep-key refused: ") })
        #expect(log.contains { $0.hasSuffix(": pvesh create /access/users --userid evil@pve --password x12345 --output-format json") })
        // An allowed command runs, through the same key.
        let nodes = try await connection.execute("pvesh get /nodes --output-format json", timeout: .seconds(20))
        let listed = try JSONValue.parse(nodes.stdout)
        #expect(nodes.exitStatus == 0 && listed.arrayValue?.count == 3)
    }

    @Test func aReadOnlyHostPolicyRefusesEveryChange() async throws {
        let fixture = try SSHFixture()
        try fixture.guardKey(GuardPolicy(readOnly: true))
        let environment = fixture.toolEnvironment()
        let list = await callQuietly("proxmox_vm_list", [:], environment)
        #expect(list.isError == false, "\(list.content)")
        for transport in ["cli", "api"] {
            let start = await callQuietly("proxmox_vm_start", ["vmid": 102, "transport": .string(transport)], environment)
            #expect(start.isError == true)
            #expect(start.errorDetails["reason"] == "refused", "\(start.errorDetails)")
            #expect(start.errorDetails["message"]?.stringValue?.contains("refused by the host's guard (sweep-key): the host policy allows this key only commands that change nothing") == true)
        }
        let snapshot = await callQuietly("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "blocked"], environment)
        #expect(snapshot.errorDetails["reason"] == "refused")
        let state = try StateStore(file: fixture.server.statePath).read { $0 }
        #expect(state.guests.first { $0.vmid == 102 }?.status == "stopped")
        #expect(state.guests.first { $0.vmid == 100 }?.snapshots.contains { $0.name == "blocked" } == false)
    }

    @Test func doctorSeesTheGuard() async throws {
        let open = try SSHFixture()
        let openChecks = await Doctor.run(try DoctorTests().configuration(open), environment: [:], slowShell: .seconds(10), verySlowShell: .seconds(60))
        let openGuard = try #require(openChecks.first { $0.name == "host guard" })
        #expect(openGuard.status == .warn && openGuard.detail == "the key runs any command on the host (no guard in authorized_keys)")
        #expect(openGuard.fix?.contains("command=\"/usr/bin/mcp-proxmox-guard --name mcp-proxmox-admin\",restrict") == true)
        let guarded = try SSHFixture()
        try guarded.guardKey(GuardPolicy())
        let checks = await Doctor.run(try DoctorTests().configuration(guarded), environment: [:], slowShell: .seconds(10), verySlowShell: .seconds(60))
        let hostGuard = try #require(checks.first { $0.name == "host guard" })
        #expect(hostGuard.status == .pass, "\(hostGuard.detail)")
        #expect(hostGuard.detail == "the key is guarded: the host refused a probe (sweep-key)")
        // All pass but the cluster files: this machine has no /etc/pve (the guard lets the read through).
        for check in checks where check.name != "cluster files" { #expect(check.status == .pass, "\(check.name): \(check.detail)") }
        #expect(checks.first { $0.name == "cluster files" }?.detail.hasPrefix("/etc/pve/.vmlist cannot be read") == true)
    }
}
