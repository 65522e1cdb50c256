import Foundation
import MCP
import ProxmoxCore
import PVESimulator
import Synchronization
import Testing
import TestSupport

@Suite struct BackupsTests {
    static let nasArchive = "nas-backup:backup/vzdump-qemu-100-2025_11_20-01_00_03.vma.zst"
    static let protectedArchive = "pbs-main:backup/vm/100/2025-11-23T02:00:05Z"
    static let containerArchive = "pbs-main:backup/ct/200/2025-11-23T02:11:40Z"

    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_backup_create", ["vmids": [100], "storage": "nas-backup"],
                  cli: ["vzdump 100 --storage nas-backup --mode snapshot --compress zstd"],
                  api: ["pvesh create /nodes/pve1/vzdump --vmid 100 --storage nas-backup --mode snapshot --compress zstd --output-format json"]),
        // Guests of two nodes: one job per node; vzdump runs on each guest's node.
        GoldenRow("proxmox_backup_create", ["vmids": [100, 201, 101], "storage": "pbs-main", "mode": "stop", "compress": "0",
                                            "notes_template": "{{guestname}} before upgrade", "protected": true],
                  cli: ["vzdump 100 101 --storage pbs-main --mode stop --compress 0 --notes-template '{{guestname}} before upgrade' --protected 1",
                        "vzdump 201 --storage pbs-main --mode stop --compress 0 --notes-template '{{guestname}} before upgrade' --protected 1"],
                  api: ["pvesh create /nodes/pve1/vzdump --vmid 100,101 --storage pbs-main --mode stop --compress 0 --notes-template '{{guestname}} before upgrade' --protected 1 --output-format json",
                        "pvesh create /nodes/pve2/vzdump --vmid 201 --storage pbs-main --mode stop --compress 0 --notes-template '{{guestname}} before upgrade' --protected 1 --output-format json"]),
        GoldenRow("proxmox_backup_list", ["vmid": 100],
                  both: ["pvesh get /nodes/pve1/storage --content backup --enabled 1 --output-format json",
                         "pvesh get /nodes/pve1/storage/local/content --content backup --vmid 100 --output-format json",
                         "pvesh get /nodes/pve1/storage/nas-backup/content --content backup --vmid 100 --output-format json",
                         "pvesh get /nodes/pve1/storage/pbs-main/content --content backup --vmid 100 --output-format json"]),
        GoldenRow("proxmox_backup_list", ["storage": "pbs-main", "node": "pve2"],
                  both: ["pvesh get /nodes/pve2/storage/pbs-main/content --content backup --output-format json"]),
        GoldenRow("proxmox_backup_delete", ["volume": "nas-backup:backup/vzdump-qemu-101-2025_11_20-01_10_44.vma.zst", "confirm": true],
                  both: ["pvesh delete /nodes/pve1/storage/nas-backup/content/nas-backup:backup/vzdump-qemu-101-2025_11_20-01_10_44.vma.zst --output-format json"]),
        GoldenRow("proxmox_backup_restore", ["volume": .string(nasArchive)],
                  cli: ["qmrestore \(nasArchive) 105 --unique 1"],
                  api: ["pvesh create /nodes/pve1/qemu --vmid 105 --archive \(nasArchive) --unique 1 --output-format json"]),
        GoldenRow("proxmox_backup_restore", ["volume": .string(nasArchive), "vmid": 150, "storage": "local-lvm", "start": true],
                  cli: ["qmrestore \(nasArchive) 150 --storage local-lvm --unique 1", "qm start 150"],
                  api: ["pvesh create /nodes/pve1/qemu --vmid 150 --archive \(nasArchive) --storage local-lvm --unique 1 --output-format json",
                        "pvesh create /nodes/pve1/qemu/150/status/start --output-format json"]),
        // Over an existing (stopped) container: force, and no new MAC addresses unless asked.
        GoldenRow("proxmox_backup_restore", ["volume": .string(containerArchive), "vmid": 203, "force": true, "confirm": true],
                  cli: ["pct restore 203 \(containerArchive) --force 1"],
                  api: ["pvesh create /nodes/pve1/lxc --vmid 203 --ostemplate \(containerArchive) --restore 1 --force 1 --output-format json"]),
    ]

    /// This toolset's steps of the tool sweep over a real sshd (after the guest lifecycle).
    static let sweep: [(String, [String: Value])] = [
        ("proxmox_backup_list", ["vmid": 200]),
        ("proxmox_backup_create", ["vmids": [200], "storage": "local"]),
        ("proxmox_backup_create", ["vmids": [200], "storage": "local", "transport": "cli"]),
        ("proxmox_backup_restore", ["volume": .string(containerArchive)]),
        ("proxmox_task_list", ["node": "pve1", "typefilter": "vzrestore"]),
        ("proxmox_backup_delete", ["volume": "nas-backup:backup/vzdump-qemu-101-2025_11_20-01_10_44.vma.zst", "confirm": true]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func fields(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }
    static func error(_ result: CallTool.Result) -> [String: Value] { result.errorDetails }

    /// Back up a running VM, list it, restore it to a new id and start it: both transports.
    @Test(arguments: ["api", "cli"]) func backUpListRestoreStart(_ transport: String) async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let backup = await Golden.call("proxmox_backup_create", ["vmids": [100], "storage": "nas-backup", "transport": .string(transport),
                                                                  "notes_template": "{{guestname}} on {{node}}"], environment: environment)
        #expect(backup.isError == false, "\(backup.content)")
        let made = try #require(Self.fields(backup)["backups"]?.arrayValue?.first?.objectValue)
        let volid = try #require(made["volid"]?.stringValue)
        #expect(volid.hasPrefix("nas-backup:backup/vzdump-qemu-100-") && volid.hasSuffix(".vma.zst"))
        #expect(made["succeeded"] == true && made["duration"] == 30 && made["type"] == "qemu")
        // The size is the storage's exact figure: 16% of the 32 GiB disk with zstd.
        #expect(made["size"] == .int(5_497_558_138))
        let listed = await Golden.call("proxmox_backup_list", ["vmid": 100, "storage": "nas-backup"], environment: environment)
        let archives = Self.fields(listed)["backups"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(archives.first?["volid"]?.stringValue == volid, "newest first")
        #expect(archives.first?["notes"] == "web01 on pve1" && archives.first?["protected"] == false)
        #expect(archives.count == 2)

        let restored = await Golden.call("proxmox_backup_restore", ["volume": .string(volid), "start": true, "transport": .string(transport)],
                                         environment: environment)
        #expect(restored.isError == false, "\(restored.content)")
        #expect(Self.fields(restored)["vmid"] == 105 && Self.fields(restored)["started"] == true && Self.fields(restored)["overwrote"] == false)
        let guest = try #require(try store.read { $0.guests.first { $0.vmid == 105 } })
        #expect(guest.status == "running" && guest.config["name"] == "web01")
        #expect(guest.config["scsi0"]?.hasPrefix("local-lvm:vm-105-disk-0,") == true)
        let original = try store.read { $0.guests.first { $0.vmid == 100 }?.config["net0"] }
        #expect(guest.config["net0"] != original, "unique: a new MAC address")
        // Both tasks are in the node's history, next to last night's failed job.
        let tasks = await Golden.call("proxmox_task_list", ["node": "pve1", "limit": 10], environment: environment)
        let types = Self.fields(tasks)["tasks"]?.arrayValue?.compactMap { $0.objectValue?["type"]?.stringValue } ?? []
        #expect(Array(types.prefix(3)) == ["qmstart", "qmrestore", "vzdump"], "\(types)")
        let failed = await Golden.call("proxmox_task_list", ["errors": true], environment: environment)
        #expect(Self.fields(failed)["tasks"]?.arrayValue?.first?.objectValue?["upid"] == .string(TasksTests.failedBackup))
    }

    @Test func aProtectedBackupIsRefusedBeforeAnythingRuns() async throws {
        let store = StateStore()
        let result = await Golden.call("proxmox_backup_delete", ["volume": .string(Self.protectedArchive), "confirm": true],
                                       environment: Golden.environment(store: store))
        #expect(result.isError == true)
        #expect(Self.error(result)["reason"] == "refused")
        #expect(Self.error(result)["message"]?.stringValue?.contains("is protected; unprotect it first (pvesh set /nodes/pve1/storage/pbs-main/content/\(Self.protectedArchive) --protected 0") == true)
        #expect(try store.read { $0.storages.first { $0.id == "pbs-main" }?.volumes.count } == 3)
        // Straight at the host, the deletion task fails as pve-storage's archive_remove does.
        let output = SimulatorCLI.run(program: "pvesh", arguments: ["delete", "/nodes/pve1/storage/pbs-main/content/\(Self.protectedArchive)"],
                                      environment: [:], store: store)
        #expect(output.stderrText == "cannot remove protected archive '\(Self.protectedArchive)'\n")
    }

    @Test func deletingWithoutConfirmRunsNothingAndNoSuchArchiveIsNotFound() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let unconfirmed = await Golden.call("proxmox_backup_delete", ["volume": .string(Self.nasArchive)], environment: environment)
        #expect(Self.error(unconfirmed)["message"] == "deleting backup \(Self.nasArchive) is irreversible: call again with confirm: true (nothing ran)")
        let missing = await Golden.call("proxmox_backup_delete", ["volume": "nas-backup:backup/vzdump-qemu-100-1999_01_01-00_00_00.vma.zst", "confirm": true],
                                        environment: environment)
        #expect(Self.error(missing)["reason"] == "not_found")
        let restoreMissing = await Golden.call("proxmox_backup_restore", ["volume": "local:backup/vzdump-lxc-999-2025_01_01-00_00_00.tar.zst"],
                                               environment: environment)
        #expect(Self.error(restoreMissing)["reason"] == "not_found", "\(restoreMissing.content)")
        let deleted = await Golden.call("proxmox_backup_delete", ["volume": .string(Self.nasArchive), "confirm": true], environment: environment)
        #expect(deleted.isError == false, "\(deleted.content)")
        #expect(try store.read { $0.storages.first { $0.id == "nas-backup" }?.volumes.map(\.volid).contains(Self.nasArchive) } == false)
    }

    @Test func overwritingNeedsForceAndConfirmAndSparesProtectedGuests() async throws {
        let store = StateStore()
        let noForce = await Golden.call("proxmox_backup_restore", ["volume": .string(Self.containerArchive), "vmid": 203],
                                        environment: Golden.environment(store: store))
        #expect(Self.error(noForce)["field"] == "vmid" && Golden.commands(noForce).isEmpty)
        let unconfirmed = await Golden.call("proxmox_backup_restore", ["volume": .string(Self.containerArchive), "vmid": 203, "force": true],
                                            environment: Golden.environment(store: store))
        #expect(Self.error(unconfirmed)["reason"] == "refused")
        let protected = await Golden.call("proxmox_backup_restore", ["volume": .string(Self.containerArchive), "vmid": 203, "force": true, "confirm": true],
                                          environment: Golden.environment(store: store, protectedVMIDs: [203]))
        #expect(Self.error(protected)["message"]?.stringValue?.contains("protected (protectedVmids)") == true)
        // A running guest: Proxmox refuses the restore.
        let running = await Golden.call("proxmox_backup_restore", ["volume": .string(Self.containerArchive), "vmid": 200, "force": true, "confirm": true],
                                        environment: Golden.environment(store: store))
        #expect(Self.error(running)["message"]?.stringValue?.contains("unable to restore CT 200 - CT is running") == true, "\(running.content)")
        let done = await Golden.call("proxmox_backup_restore", ["volume": .string(Self.containerArchive), "vmid": 203, "force": true, "confirm": true],
                                     environment: Golden.environment(store: store))
        #expect(done.isError == false && Self.fields(done)["overwrote"] == true, "\(done.content)")
        #expect(try store.read { $0.guests.first { $0.vmid == 203 }?.config["hostname"] } == "dns")
    }

    @Test(arguments: ["api", "cli"]) func failureTexts(_ transport: String) async throws {
        let store = StateStore()
        try store.modify { cluster in
            cluster.faults.fullStorages = ["local"]
            cluster.faults.failingBackups["101"] = "VM 101 qmp command 'backup' failed - got timeout"
            cluster.guests[cluster.guests.firstIndex { $0.vmid == 104 }!].lock = "backup"
        }
        let environment = Golden.environment(store: store)
        func message(_ arguments: [String: Value]) async -> String {
            var arguments = arguments
            arguments["transport"] = .string(transport)
            let result = await Golden.call("proxmox_backup_create", arguments, environment: environment)
            #expect(result.isError == true)
            return Self.error(result)["message"]?.stringValue ?? "\(result.content)"
        }
        #expect(await message(["vmids": [200], "storage": "local"]).hasPrefix("task failed: job errors: backup of CT 200 failed - command 'tar' failed: exit code 2 (No space left on device)"))
        let halfway = await message(["vmids": [100, 101], "storage": "nas-backup"])
        #expect(halfway.hasPrefix("task failed: job errors: backup of VM 101 failed - VM 101 qmp command 'backup' failed - got timeout; made anyway: 100 as nas-backup:backup/vzdump-qemu-100-"), "\(halfway)")
        #expect(await message(["vmids": [104], "storage": "nas-backup"]).hasPrefix("task failed: job errors: backup of VM 104 failed - VM is locked (backup)"))
        let noStorage = await message(["vmids": [100], "storage": "nowhere"])
        #expect(noStorage.contains("storage 'nowhere' does not exist"), "\(noStorage)")
        // The halfway failure kept VM 100's archive, and its log stops at 50%.
        let archives = try store.read { $0.storages.first { $0.id == "nas-backup" }!.volumes.filter { $0.vmid == 100 }.count }
        #expect(archives == 2)
    }

    @Test func aStopBackupOfAProtectedGuestIsRefused() async {
        let result = await Golden.call("proxmox_backup_create", ["vmids": [101, 100], "storage": "local", "mode": "stop"],
                                       environment: Golden.environment(protectedVMIDs: [100]))
        #expect(Self.error(result)["reason"] == "refused" && Golden.commands(result).isEmpty)
        let snapshot = await Golden.call("proxmox_backup_create", ["vmids": [100], "storage": "local", "dryRun": true],
                                         environment: Golden.environment(protectedVMIDs: [100]))
        #expect(snapshot.isError == false)
    }

    @Test func badInputIsRefusedBeforeAnythingRuns() async {
        for arguments: [String: Value] in [["vmids": [], "storage": "local"], ["vmids": [100, 100], "storage": "local"], ["vmids": [42], "storage": "local"],
                                           ["vmids": [100], "storage": "local; rm -rf /"], ["vmids": [100], "storage": "local", "mode": "fast"],
                                           ["vmids": [100], "storage": "local", "notes_template": "two\nlines"], ["vmids": "100", "storage": "local"]] {
            let result = await Golden.call("proxmox_backup_create", arguments)
            #expect(result.isError == true, "\(arguments)")
            #expect(Golden.commands(result).isEmpty, "\(arguments)")
        }
        for volume: Value in ["local:iso/debian.iso", "not a volume", "local:../etc/passwd", "local:-x"] {
            let result = await Golden.call("proxmox_backup_restore", ["volume": volume])
            #expect(result.isError == true && Golden.commands(result).isEmpty, "\(volume)")
        }
    }

    /// The Done-when, through the swift-sdk client, the built server, libssh2 and a real sshd: a
    /// backup of a running VM with progress in percent, listed, restored to a new id and started;
    /// the task list shows both tasks and the failed one; a protected backup's deletion is refused.
    @Test func throughAnMCPClientOverSSH() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.faults.slowTasks["vzdump:100"] = 3
        }
        let progress = Mutex<[ProgressNotification.Parameters]>([])
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(["PROXMOX_TOOLSETS": "core,tasks,backup"]) { $1 },
                                       workingDirectory: fixture.server.directory.path)
        await server.client.onNotification(ProgressNotification.self) { message in progress.withLock { $0.append(message.params) } }
        _ = try await server.connect()
        let request = CallTool.request(.init(name: "proxmox_backup_create", arguments: ["vmids": [100], "storage": "nas-backup"],
                                             meta: Metadata(progressToken: .string("backup-100"))))
        let backup = try await server.client.send(request).value
        #expect(backup.isError == false, "\(text(backup))")
        let reports = progress.withLock { $0 }
        #expect(reports.count >= 2, "\(reports)")
        #expect(reports.allSatisfy { $0.total == 100 && $0.progressToken == .string("backup-100") })
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.progress <= $1.progress })
        #expect(reports.contains { $0.progress > 0 && $0.progress < 100 }, "\(reports.map(\.progress))")
        #expect(reports.last?.message?.contains(":vzdump:100:root@pam:)") == true, "\(reports.map(\.message))")
        let volid = try #require(Self.fields(backup)["backups"]?.arrayValue?.first?.objectValue?["volid"]?.stringValue)

        let listed = try await server.call("proxmox_backup_list", ["vmid": 100])
        #expect(Self.fields(listed)["backups"]?.arrayValue?.first?.objectValue?["volid"]?.stringValue == volid)
        let restored = try await server.call("proxmox_backup_restore", ["volume": .string(volid), "start": true])
        #expect(restored.isError == false && Self.fields(restored)["vmid"] == 105 && Self.fields(restored)["started"] == true, "\(text(restored))")
        #expect(try StateStore(file: fixture.server.statePath).read { $0.guests.first { $0.vmid == 105 }?.status } == "running")

        let tasks = try await server.call("proxmox_task_list", [:])
        let entries = Self.fields(tasks)["tasks"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(entries.contains { $0["type"] == "vzdump" && $0["id"] == "100" && $0["exitstatus"] == "OK" })
        #expect(entries.contains { $0["type"] == "qmrestore" && $0["id"] == "105" && $0["exitstatus"] == "OK" })
        #expect(entries.contains { $0["upid"] == .string(TasksTests.failedBackup) && $0["failed"] == true && $0["exitstatus"] == "job errors" })
        let refused = try await server.call("proxmox_backup_delete", ["volume": .string(Self.protectedArchive), "confirm": true])
        #expect(refused.isError == true && text(refused).contains("is protected"), "\(text(refused))")
        _ = await server.finish()
    }
}
