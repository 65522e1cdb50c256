import Foundation
import ProxmoxCore
import Testing
import TestSupport

/// The backup and task parsers on real recorded outputs (Fixtures/backups/SOURCES.md).
@Suite struct BackupParserTests {
    func lines(_ name: String) throws -> [String] {
        String(decoding: try Paths.fixtureBytes("backups/" + name), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func json(_ name: String) throws -> JSONValue { try JSONValue.parse(Paths.fixtureBytes("backups/" + name)) }

    @Test func aPBSArchiveLineNamesTheVolume() throws {
        let log = ["INFO: Starting Backup of VM 6310 (qemu)"] + (try lines("vzdump-qemu-pbs.progress.virtio-win-756.log"))
        let backups = GuestBackup.parseLog(log, storage: "pbs1")
        #expect(backups == [GuestBackup(vmid: 6310, type: .qemu, volid: "pbs1:backup/vm/6310/2024-01-04T00:06:41Z", size: nil, duration: nil,
                                        succeeded: false, error: nil)])
    }

    @Test func percentLinesBecomeProgress() throws {
        var progress = TaskLogProgress()
        progress.consume(try lines("vzdump-qemu-pbs.progress.virtio-win-756.log"))
        #expect(progress.percent == 7)
        #expect(progress.lastLine == "INFO:   7% (17.9 GiB of 256.0 GiB) in 56s, read: 347.4 MiB/s, write: 42.3 MiB/s")
        var restore = TaskLogProgress()
        #expect(restore.percent == nil)
        restore.consume(try lines("qmrestore-zst.nixos-generators-287.log"))
        #expect(restore.percent == 13)
        var vma = TaskLogProgress()
        vma.consume(try lines("qmrestore-vma.linbit-359.log"))
        #expect(vma.percent == 12)
    }

    /// A job of two guests: the first one's 100% is half of the job; the next guest starts from there.
    @Test func aJobOfSeveralGuestsOnlyGrows() throws {
        var progress = TaskLogProgress()
        progress.consume(["INFO: starting new backup job: vzdump 100 101 --mode snapshot --storage pbs"])
        #expect(progress.guests == 2)
        let finish = try lines("vzdump-qemu-pbs.finish.joulenap-61.log")
        progress.consume(Array(finish.prefix(9)))
        #expect(progress.percent == 50)
        progress.consume(Array(finish.dropFirst(9)))
        #expect(progress.finished == 1 && progress.percent == 50)
        progress.consume(["INFO:  40% (6.0 GiB of 15.0 GiB) in 30s, read: 1 MiB/s, write: 1 MiB/s"])
        #expect(progress.percent == 70)
        var api = TaskLogProgress()
        api.consume(["INFO: starting new backup job: vzdump --vmid 100,101,102 --storage local"])
        #expect(api.guests == 3)
    }

    @Test func aFinishedGuestHasItsDuration() throws {
        let log = ["INFO: Starting Backup of VM 100 (qemu)", "INFO: creating Proxmox Backup Server archive 'vm/100/2026-09-06T09:17:01Z'"]
            + (try lines("vzdump-qemu-pbs.finish.joulenap-61.log"))
        let backups = GuestBackup.parseLog(log, storage: "pbs")
        #expect(backups.map(\.vmid) == [100, 101])
        #expect(backups[0].succeeded && backups[0].duration == 124 && backups[0].volid == "pbs:backup/vm/100/2026-09-06T09:17:01Z")
        #expect(!backups[1].succeeded && backups[1].error == nil)
    }

    @Test func aFailedGuestHasItsError() throws {
        let backups = GuestBackup.parseLog(try lines("vzdump-qemu-pbs.failed.check_pve-85.log"), storage: "pbs")
        #expect(backups == [GuestBackup(vmid: 111, type: nil, volid: nil, size: nil, duration: nil, succeeded: false,
                                        error: "VM 111 qmp command 'backup' failed - got timeout")])
        var progress = TaskLogProgress()
        progress.consume(try lines("vzdump-qemu-pbs.failed.check_pve-85.log"))
        #expect(progress.finished == 1 && progress.percent == nil)
    }

    @Test func fileArchiveNamesAndSizes() {
        let log = ["INFO: Starting Backup of VM 200 (lxc)",
                   "INFO: creating vzdump archive '/mnt/pve/nas/dump/vzdump-lxc-200-2025_11_25-02_00_00.tar.zst'",
                   "INFO: archive file size: 412MB", "INFO: Finished Backup of VM 200 (00:01:02)"]
        #expect(GuestBackup.parseLog(log, storage: "nas") == [GuestBackup(
            vmid: 200, type: .lxc, volid: "nas:backup/vzdump-lxc-200-2025_11_25-02_00_00.tar.zst", size: 432_013_312, duration: 62,
            succeeded: true, error: nil)])
    }

    @Test func aDirectoryStorageListing() throws {
        let archives = try BackupArchive.parseList(json("storage-content-backup.dir.iobroker-341.json"), node: "pve")
        #expect(archives.count == 3)
        #expect(archives[0] == BackupArchive(volid: "backup_pve:backup/vzdump-lxc-100-2025_01_09-03_00_01.tar.zst", storage: "backup_pve", node: "pve",
                                             vmid: 100, type: .lxc, ctime: 1_736_388_001, size: 3_646_750_306, format: "tar.zst", notes: "iobDev, 100",
                                             protected: false, encrypted: nil, verification: nil, verificationUpid: nil))
    }

    @Test func archiveKindFromItsName() {
        #expect(BackupArchive.kind(ofVolume: "local:backup/vzdump-qemu-100-2025_11_20-01_00_03.vma.zst") == .qemu)
        #expect(BackupArchive.kind(ofVolume: "pbs:backup/ct/200/2025-11-23T02:11:40Z") == .lxc)
        #expect(BackupArchive.kind(ofVolume: "pbs:backup/vm/100/2025-11-23T02:00:05Z") == .qemu)
        #expect(BackupArchive.kind(ofVolume: "old:backup/vzdump-openvz-101-2014_01_01-00_00_00.tar.gz") == .lxc)
        #expect(BackupArchive.kind(ofVolume: "local:iso/debian.iso") == nil)
    }

    /// A PVE 4 task list: `starttime` as a string, a job of several guests with an empty id.
    @Test func anOldTaskListWithStringTimes() throws {
        let list = TaskList(node: try NodeName("node1"), filter: TaskFilter())
        let output = CommandOutput(stdout: try Paths.fixtureBytes("backups/nodes-tasks.pve4.go-pve-test.json"), stderr: [], exitStatus: 0)
        let tasks = try list.parse(output, family: .api)
        #expect(tasks.map(\.type) == ["vzdump", "aptupdate"])
        #expect(tasks[0].starttime == 1_483_334_102 && tasks[0].duration == 8595 && tasks[0].id == "" && tasks[0].failed == false)
    }
}
