import Foundation
import MCP
import ProxmoxCore
import PVESimulator
import Synchronization
import Testing

/// The daily work of an admin through a real MCP client, the server talking to a real sshd with
/// the simulator behind it: a running VM migrated online with progress, its disk grown, its
/// address read from the agent, a cloud-init user and key set without the key or password
/// appearing anywhere, an allowed program run in a container and a refused one.
@Suite struct DailyWorkOverSSHTests {
    @Test func migrateGrowReadSetAndRun() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in cluster.faults.slowTasks["qmigrate:100"] = 3 }
        let audit = fixture.server.directory.appendingPathComponent("audit.jsonl").path
        let environment = fixture.serveEnvironment.merging([
            "PROXMOX_TOOLSETS": "core,migration,disks,guest-agent,cloud-init", "PROXMOX_GUEST_EXEC": "df,uptime", "PROXMOX_AUDIT_LOG": audit,
        ]) { $1 }
        let server = try ServerProcess(arguments: ["serve"], environment: environment)
        let progress = Mutex<[ProgressNotification.Parameters]>([])
        await server.client.onNotification(ProgressNotification.self) { message in progress.withLock { $0.append(message.params) } }
        _ = try await server.connect()

        // Migrate VM 100 (running, local disk) to pve2, live, with progress from the task log.
        let request = CallTool.request(.init(name: "proxmox_vm_migrate", arguments: ["vmid": 100, "target": "pve2", "with_local_disks": true],
                                             meta: Metadata(progressToken: .string("migrate-100"))))
        let migrated = try await server.client.send(request).value
        #expect(migrated.isError == false, "\(text(migrated))")
        #expect(text(migrated).hasPrefix("migrate VM 100: OK (task UPID:pve1:"), "\(text(migrated))")
        let messages = progress.withLock { $0 }.compactMap(\.message)
        #expect(messages.count >= 2, "\(messages)")
        #expect(messages.contains { $0.contains(":qmigrate:100:root@pam:)") && $0.contains(": migration active, transferred ") }, "\(messages)")
        let vms = try await server.call("proxmox_vm_list")
        let moved = vms.structuredContent?.objectValue?["vms"]?.arrayValue?.compactMap(\.objectValue).first { $0["vmid"] == 100 }
        #expect(moved?["node"] == "pve2" && moved?["status"] == "running")

        // Grow its disk (now on pve2, reached through the API by path).
        let grown = try await server.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "+8G", "transport": "api"])
        #expect(grown.isError == false, "\(text(grown))")
        #expect(grown.structuredContent?.objectValue?["sizeAfter"] == "40G")
        #expect(Golden.commands(grown).first == "pvesh set /nodes/pve2/qemu/100/resize --disk scsi0 --size +8G --output-format json")

        // Its address, from the guest agent.
        let agent = try await server.call("proxmox_vm_agent_info", ["vmid": 100, "transport": "api"])
        let interfaces = agent.structuredContent?.objectValue?["interfaces"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(interfaces.first { $0["name"] == "ens18" }?["addresses"]?.arrayValue?.first?.objectValue?["address"] == "192.0.2.110", "\(text(agent))")

        // A cloud-init user, password and key: the host gets them, nobody else sees them.
        let password = "Daily-Work-Pass-77", keyBody = "AAAAC3NzaC1lZDI1NTE5AAAAIGRhaWx5d29ya292ZXJzc2h0ZXN0a2V5"
        let cloud = try await server.call("proxmox_vm_cloudinit", ["vmid": 103, "user": "ops", "password": .string(password),
                                                                   "ssh_keys": [.string("ssh-ed25519 \(keyBody) ops@desk")]])
        #expect(cloud.isError == false, "\(text(cloud))")
        #expect(cloud.structuredContent?.objectValue?["userData"]?.stringValue?.contains("user: ops\npassword: <redacted>\nssh_authorized_keys:\n  - <redacted>\n") == true)
        let hostConfig = try StateStore(file: fixture.server.statePath).read { $0.guests.first { $0.vmid == 103 }?.config }
        #expect(hostConfig?["sshkeys"]?.contains(keyBody) == true && hostConfig?["ciuser"] == "ops")

        // An allowed program in a container, and one that is not.
        let df = try await server.call("proxmox_ct_exec", ["vmid": 200, "command": ["df"], "confirm": true])
        #expect(df.isError == false && df.structuredContent?.objectValue?["exitCode"] == 0, "\(text(df))")
        #expect(df.structuredContent?.objectValue?["stdout"]?.stringValue?.hasPrefix("Filesystem     1K-blocks") == true)
        let refused = try await server.call("proxmox_ct_exec", ["vmid": 200, "command": ["cat", "/etc/shadow"], "confirm": true])
        #expect(refused.isError == true && refused.errorDetails["message"] == "cat is not an allowed program; guestExec allows: df, uptime; nothing ran")

        let finished = await server.finish()
        let argv = try fixture.server.receivedArgv()
        #expect(argv.contains { $0.suffix(5) == ["pct", "exec", "200", "--", "df"] }, "\(argv.suffix(3))")
        #expect(!argv.joined().contains("/etc/shadow"), "the refused program never reached the host")
        let seen = [text(cloud), "\(cloud.structuredContent.map { "\($0)" } ?? "")", finished.stderr, try String(contentsOfFile: audit, encoding: .utf8)].joined()
        #expect(seen.contains("proxmox_vm_cloudinit"))
        for secret in [password, keyBody] { #expect(!seen.contains(secret), "\(secret) leaked") }
    }
}
