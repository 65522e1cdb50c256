import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

/// The tools through MCP, the built server, libssh2 and a real sshd with the simulator behind it.
@Suite struct ToolsOverSSHTests {
    func start(_ fixture: SSHFixture, extra: [String: String] = [:]) async throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(extra) { $1 })
        _ = try await server.connect()
        return server
    }

    func object(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    @Test(arguments: ["ssh", "api"])
    func vmLifecycle(_ transport: String) async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let t = Value.string(transport)
        let created = try await server.call("proxmox_vm_create", ["vmid": 400, "name": "life", "iso": "local:iso/debian-12.8.0-amd64-netinst.iso", "disk_size": 8, "transport": t])
        #expect(created.isError == false, "\(text(created))")
        #expect(object(created)["task"]?.objectValue?["exitstatus"] == "OK")
        #expect(object(created)["transport"] == (transport == "ssh" ? "cli" : "api"))
        for (tool, arguments) in [("proxmox_vm_start", ["vmid": Value.int(400)]),
                                  ("proxmox_vm_snapshot_create", ["vmid": 400, "snapshot": "clean", "description": "fresh"]),
                                  ("proxmox_vm_stop", ["vmid": 400, "confirm": true]),
                                  ("proxmox_vm_config", ["vmid": 400, "set": ["memory": 4096]]),
                                  ("proxmox_vm_snapshot_restore", ["vmid": 400, "snapshot": "clean", "confirm": true]),
                                  ("proxmox_vm_clone", ["vmid": 400, "newid": 401, "name": "life-copy", "full": true])] {
            let result = try await server.call(tool, arguments.merging(["transport": t]) { $1 })
            #expect(result.isError == false, "\(tool) \(transport): \(text(result))")
        }
        let config = try await server.call("proxmox_vm_config", ["vmid": 400, "transport": t])
        #expect(object(config)["config"]?.objectValue?["memory"] == "2048")  // restored
        #expect(object(config)["config"]?.objectValue?["name"] == "life")
        if transport == "api" { #expect(object(config)["digest"]?.stringValue?.count == 40) }
        let snapshots = try await server.call("proxmox_vm_snapshot_list", ["vmid": 400, "transport": t])
        #expect(object(snapshots)["snapshots"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } == ["clean", "current"])
        for vmid in [401, 400] {
            let deleted = try await server.call("proxmox_vm_delete", ["vmid": .int(vmid), "confirm": true, "transport": t])
            #expect(deleted.isError == false, "\(text(deleted))")
        }
        let listed = try await server.call("proxmox_vm_list", [:])
        #expect(!(object(listed)["vms"]?.arrayValue ?? []).contains { $0.objectValue?["vmid"] == 400 || $0.objectValue?["vmid"] == 401 })
        _ = await server.finish()
    }

    @Test(arguments: ["ssh", "api"])
    func containerLifecycle(_ transport: String) async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let t = Value.string(transport)
        let created = try await server.call("proxmox_ct_create", [
            "vmid": 410, "hostname": "ct-life", "ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
            "ssh_public_keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@example", "transport": t])
        #expect(created.isError == false, "\(text(created))")
        // pct create takes keys only as a host file: with keys, the API form ran, whatever was asked.
        #expect(object(created)["transport"] == "api")
        for (tool, arguments) in [("proxmox_ct_start", ["vmid": Value.int(410)]),
                                  ("proxmox_ct_snapshot_create", ["vmid": 410, "snapshot": "base"]),
                                  ("proxmox_ct_restart", ["vmid": 410]),
                                  ("proxmox_ct_stop", ["vmid": 410, "confirm": true]),
                                  ("proxmox_ct_snapshot_restore", ["vmid": 410, "snapshot": "base", "confirm": true]),
                                  ("proxmox_ct_snapshot_delete", ["vmid": 410, "snapshot": "base", "confirm": true]),
                                  ("proxmox_ct_clone", ["vmid": 410, "newid": 411, "name": "ct-copy"]),
                                  ("proxmox_ct_delete", ["vmid": 411, "confirm": true]),
                                  ("proxmox_ct_delete", ["vmid": 410, "confirm": true])] {
            let result = try await server.call(tool, arguments.merging(["transport": t]) { $1 })
            #expect(result.isError == false, "\(tool) \(transport): \(text(result))")
        }
        _ = await server.finish()
    }

    @Test func readsOfNodesClusterAndStorage() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let cluster = try await server.call("proxmox_cluster_status")
        #expect(object(cluster)["nodesOnline"] == 2)
        #expect(object(cluster)["cluster"]?.objectValue?["quorate"] == true)
        let nodes = object(cluster)["cluster"]?.objectValue?["nodes"]?.arrayValue ?? []
        #expect(nodes.compactMap { $0.objectValue?["pveversion"]?.stringValue } == ["pve-manager/9.1.2/9b5b0c7fbf8a8d7e", "pve-manager/9.1.2/9b5b0c7fbf8a8d7e"])
        let status = try await server.call("proxmox_node_status", ["node": "pve2"])
        #expect(object(status)["status"]?.objectValue?["cpus"] == 8)
        #expect(object(status)["status"]?.objectValue?["loadavg"] == [0.08, 0.11, 0.09])
        let content = try await server.call("proxmox_storage_content", ["node": "pve1", "storage": "local", "content": "vztmpl"])
        #expect(object(content)["volumes"]?.arrayValue?.compactMap { $0.objectValue?["volid"]?.stringValue } == [
            "local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"])
        let missingNode = try await server.call("proxmox_node_status", ["node": "pve7"])
        #expect(text(missingNode) == "no node 'pve7' in this cluster; nodes: pve1, pve2, pve3")
        _ = await server.finish()
    }

    @Test func errorsArriveTypedAndNothingRunsWithoutConfirm() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.guests[cluster.guestIndex(101)!].lock = "backup"
            cluster.faults.failingTasks["qmreboot:100"] = "VM 100 qmp command 'system_reset' failed"
        }
        let server = try await start(fixture)
        let before = try fixture.server.receivedArgv().count
        let unconfirmed = try await server.call("proxmox_vm_delete", ["vmid": 102])
        #expect(unconfirmed.errorDetails["reason"] == "refused")
        // Only the read that found the guest ran; no destroy.
        #expect(try fixture.server.receivedArgv().dropFirst(before).allSatisfy { $0[1] == "get" })
        let running = try await server.call("proxmox_vm_delete", ["vmid": 100, "confirm": true, "transport": "api"])
        #expect(text(running) == "pvesh failed (exit 255): VM 100 is running - destroy failed")
        #expect(running.errorDetails["reason"] == "already_running")
        let locked = try await server.call("proxmox_vm_snapshot_create", ["vmid": 101, "snapshot": "x1"])
        #expect(locked.errorDetails["reason"] == "locked")
        #expect(locked.errorDetails["lock"] == "backup")
        let failedTask = try await server.call("proxmox_vm_restart", ["vmid": 100])
        #expect(failedTask.errorDetails["reason"] == "task_failed")
        #expect(failedTask.errorDetails["log"] == ["TASK ERROR: VM 100 qmp command 'system_reset' failed"])
        let missing = try await server.call("proxmox_vm_start", ["vmid": 777])
        #expect(text(missing) == "no VM 777 in this cluster")
        let badName = try await server.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "1bad;reboot"])
        #expect(badName.errorDetails["field"] == "snapshot")
        let dry = try await server.call("proxmox_vm_stop", ["vmid": 100, "dryRun": true])
        #expect(object(dry)["commands"] == ["pvesh create /nodes/pve1/qemu/100/status/stop --output-format json"])
        let after = try fixture.server.receivedArgv()
        #expect(!after.contains { $0.contains("destroy") || $0.contains("/nodes/pve1/qemu/100/status/stop") })
        _ = await server.finish()
    }

    @Test func safeModeRefusesCreateCloneDelete() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture, extra: ["PROXMOX_SAFE_MODE": "true"])
        for (tool, arguments) in [("proxmox_vm_delete", ["vmid": Value.int(102), "confirm": true]),
                                  ("proxmox_vm_clone", ["vmid": 100]),
                                  ("proxmox_ct_create", ["hostname": "x1", "ostemplate": "local:vztmpl/a.tar.zst", "password": "12345678"])] {
            let result = try await server.call(tool, arguments)
            #expect(text(result) == "\(tool) is disabled: the server runs in safe mode (no create, clone or delete); nothing ran")
        }
        #expect(try fixture.server.receivedArgv().isEmpty)
        let start = try await server.call("proxmox_vm_start", ["vmid": 102])
        #expect(start.isError == false)
        _ = await server.finish()
    }

    @Test func fallsBackWhenTheProgramIsMissing() async throws {
        let fixture = try SSHFixture()
        try fixture.server.removeProgram("qm")
        let server = try await start(fixture)
        let result = try await server.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "fb1", "transport": "ssh"])
        #expect(result.isError == false, "\(text(result))")
        #expect(object(result)["transport"] == "api")
        #expect(object(result)["notes"]?.arrayValue?.first?.stringValue?.hasPrefix("fell back from `qm` to `pvesh`") == true)
        _ = await server.finish()
        let strict = try await start(fixture, extra: ["PROXMOX_FALLBACK": "false"])
        let refused = try await strict.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "fb2", "transport": "ssh"])
        #expect(refused.errorDetails["reason"] == "command_missing")
        _ = await strict.finish()
    }

    @Test func qmRunsOnTheGuestsOwnNode() async throws {
        let fixture = try SSHFixture()
        let pve2 = try fixture.secondNode("pve2")
        defer { pve2.stop() }
        let knownHosts = try fixture.server.writeFile("both_known_hosts",
            try String(contentsOfFile: fixture.server.knownHostsPath, encoding: .utf8) + String(contentsOfFile: pve2.knownHostsPath, encoding: .utf8))
        let server = try await start(fixture, extra: ["PROXMOX_SSH_KNOWN_HOSTS": knownHosts,
                                                      "PROXMOX_NODE_ADDRESSES": "pve2=127.0.0.1:\(pve2.port)"])
        let started = try await server.call("proxmox_vm_start", ["vmid": 102, "transport": "ssh"])
        #expect(started.isError == false, "\(text(started))")
        #expect(object(started)["ranOnNode"] == "pve2")
        #expect(try pve2.receivedArgv() == [["qm", "start", "102"]])
        #expect(!(try fixture.server.receivedArgv().contains { $0.first == "qm" }))
        _ = await server.finish()
        // Without a way to reach pve2, the API form runs through the connected node instead.
        let unreachable = try await start(fixture, extra: ["PROXMOX_NODE_ADDRESSES": "pve2=127.0.0.1:1"])
        let stopped = try await unreachable.call("proxmox_vm_stop", ["vmid": 102, "transport": "ssh", "confirm": true])
        #expect(stopped.isError == false, "\(text(stopped))")
        #expect(object(stopped)["transport"] == "api")
        #expect(object(stopped)["notes"]?.arrayValue?.first?.stringValue?.hasPrefix("node pve2 could not be reached") == true)
        #expect(!(try fixture.server.receivedArgv().contains { $0.first == "qm" }))
        _ = await unreachable.finish()
    }

    /// Hostile strings in free-text fields arrive as one literal argument; pattern-checked fields refuse them.
    @Test func hostileStringsArriveLiterally() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture)
        let hostile = ["it's; reboot", "$(touch /tmp/pwned)", "`id`", "a\nb && c", "--force", "-x", "\"quoted\" | tee", "日本語 ✓ *?[]~"]
        for (index, value) in hostile.enumerated() {
            for transport in ["ssh", "api"] {
                let name = "h\(index)\(transport)"
                let result = try await server.call("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": .string(name), "description": .string(value), "transport": .string(transport)])
                #expect(result.isError == false, "\(value): \(text(result))")
                let argv = try #require(try fixture.server.receivedArgv().last { $0.contains(name) })
                #expect(argv.contains(value) || argv.contains("--description=\(value)"), "\(argv)")
            }
            let refused = try await server.call("proxmox_vm_clone", ["vmid": 100, "name": .string(value)])
            #expect(refused.errorDetails["field"] == "name")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
        _ = await server.finish()
    }
}
