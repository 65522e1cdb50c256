import ProxmoxCore

/// What vzdump, qmrestore and `pct restore` do, written once for the CLI and the API. The log
/// lines follow recorded vzdump and restore logs (see Fixtures/samples/SOURCES.md).
enum BackupOperations {
    // MARK: Backup

    /// The options of a vzdump job the simulator acts on; others are accepted and have no effect.
    struct Job {
        var vmids: [Int]
        var storage: String?
        var mode: String
        var compress: String
        var notesTemplate: String?
        var protected: Bool
        /// The job as its log's first line shows it.
        var commandLine: String
    }

    /// vzdump's options (`POST /nodes/{node}/vzdump`, `vzdump ID... [OPTIONS]`).
    static let options: Set<String> = [
        "all", "bwlimit", "compress", "dumpdir", "exclude", "exclude-path", "fleecing", "ionice", "job-id", "lockwait",
        "mailnotification", "mailto", "maxfiles", "mode", "node", "notes-template", "notification-mode", "pbs-change-detection-mode",
        "performance", "pigz", "pool", "protected", "prune-backups", "quiet", "remove", "script", "stdexcludes", "stdout", "stop",
        "stopwait", "storage", "tmpdir", "vmid", "zstd",
    ]

    static func job(vmids text: [String], _ options: OptionList) throws(CLIFailure) -> Job {
        var vmids: [Int] = []
        for word in text.flatMap({ $0.split(separator: ",").map(String.init) }) { vmids.append(try Values.vmid(word)) }
        let mode = options.value("mode") ?? "snapshot"
        guard ["snapshot", "suspend", "stop"].contains(mode) else {
            throw .http(400, "Parameter verification failed.", fields: [("mode", "value '\(mode)' does not have a value in the enumeration 'snapshot, suspend, stop'")])
        }
        let compress = options.value("compress") ?? "0"
        guard ["0", "1", "gzip", "lzo", "zstd"].contains(compress) else {
            throw .http(400, "Parameter verification failed.", fields: [("compress", "value '\(compress)' does not have a value in the enumeration '0, 1, gzip, lzo, zstd'")])
        }
        if let template = options.value("notes-template"), template.contains(where: \.isNewline) {
            throw .http(400, "Parameter verification failed.", fields: [("notes-template", "value must be a single line")])
        }
        let all = try options.flag("all") ?? false
        guard !vmids.isEmpty || all else {
            throw .die("please specify a VMID, --all or --pool")
        }
        let shown = options.values.filter { $0.name != "vmid" }.map { "--\($0.name) \($0.value)" }
        return Job(vmids: vmids, storage: options.value("storage"), mode: mode, compress: compress == "1" ? "lzo" : compress,
                   notesTemplate: options.value("notes-template"), protected: try options.flag("protected") ?? false,
                   commandLine: (["vzdump"] + vmids.map(String.init) + shown).joined(separator: " "))
    }

    /// A vzdump job on `node`: checks before it starts (storage, guests), then one worker whose
    /// log is planned up front, so that a slow job shows it line by line while it runs.
    static func backup(_ job: Job, node: String, context: SimulationContext) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let now = context.now
            let storageID = job.storage ?? "local"
            guard let storage = cluster.storages.first(where: { $0.id == storageID }) else { throw .die("storage '\(storageID)' does not exist") }
            guard storage.isAvailable(on: node) else { throw .die("storage '\(storageID)' is not available on node '\(node)'") }
            guard storage.content.contains("backup") else { throw .die("storage '\(storageID)' does not support backups") }
            var vmids = job.vmids
            if vmids.isEmpty { vmids = cluster.guests.filter { $0.node == node }.map(\.vmid).sorted() }
            let local = vmids.filter { id in cluster.guests.contains { $0.vmid == id && $0.node == node } }
            let unknown = vmids.filter { id in !cluster.guests.contains { $0.vmid == id } }
            if let missing = unknown.first { throw .die("unable to find VM \(missing)") }
            let faults = context.faults(cluster)
            var plan = ["INFO: starting new backup job: \(job.commandLine)"]
            let external = vmids.filter { !local.contains($0) }
            if !external.isEmpty { plan.append("INFO: skip external VMs: \(external.map(String.init).joined(separator: ", "))") }
            var archives: [SimulatedVolume] = []
            var failed = false
            var used = storage.used(on: node)
            for vmid in local {
                let guest = cluster.guests.first { $0.vmid == vmid }!
                let result = guestBackup(guest, job: job, storage: storage, node: node, now: now, used: used, faults: faults)
                plan += result.log
                if let archive = result.archive {
                    archives.append(archive)
                    used += archive.size
                } else {
                    failed = true
                }
            }
            plan.append(failed ? "INFO: Backup job finished with errors" : "INFO: Backup job finished successfully")
            let finalPlan = plan
            let locks = local.filter { id in cluster.guests.first { $0.vmid == id }?.lock == nil }.map { (vmid: $0, name: "backup") }
            var worker = Worker(type: "vzdump", id: local.count == 1 ? String(local[0]) : "", node: node, vmid: nil,
                                running: Array(plan.dropLast()), locks: locks) { cluster throws(CLIFailure) in
                if let index = cluster.storages.firstIndex(where: { $0.id == storageID }) {
                    cluster.storages[index].volumes += archives
                }
                return finalPlan
            }
            // A job where some guest failed keeps the other archives and ends with `job errors`.
            worker.failure = failed ? "job errors" : nil
            return worker
        }
    }

    /// The log of one guest's backup, and its archive unless the backup failed.
    static func guestBackup(_ guest: SimulatedGuest, job: Job, storage: SimulatedStorage, node: String, now: Int64, used: Int64,
                            faults: SimulatedFaults) -> (log: [String], archive: SimulatedVolume?) {
        let kind = guest.kind
        let vmid = guest.vmid
        var log = ["INFO: Starting Backup of VM \(vmid) (\(kind.rawValue))", "INFO: Backup started at \(Render.utc(now))"]
        func failure(_ reason: String) -> (log: [String], archive: SimulatedVolume?) {
            (log + ["ERROR: Backup of VM \(vmid) failed - \(reason)", "INFO: Failed at \(Render.utc(now))"], nil)
        }
        if let lock = guest.lock { return failure("\(kind == .qemu ? "VM" : "CT") is locked (\(lock))") }
        log.append("INFO: status = \(guest.isRunning ? "running" : "stopped")")
        log.append(kind == .qemu ? "INFO: VM Name: \(guest.name)" : "INFO: CT Name: \(guest.name)")
        let disks = guest.diskKeys.compactMap { key -> (String, String, Int64)? in
            guard let value = guest.config[key], let size = SimulatedGuest.size(of: value) else { return nil }
            return (key, String(value.split(separator: ",")[0]), size)
        }
        for (key, volid, size) in disks {
            log.append(kind == .qemu ? "INFO: include disk '\(key)' '\(volid)' \(size / 1_073_741_824)G"
                : "INFO: including mount point \(key) ('\(key == "rootfs" ? "/" : "/mnt/\(key)")') in backup")
        }
        log += ["INFO: backup mode: \(job.mode)", "INFO: ionice priority: 7"]
        let stamp = Render.utc(now)
        let pbs = storage.type == "pbs"
        let total = disks.reduce(0) { $0 + $1.2 }
        let ratio: Double = job.compress == "0" ? 0.62 : job.compress == "zstd" ? 0.16 : 0.22
        let size = pbs ? Int64(Double(total) * 0.12) : Int64(Double(total) * ratio)
        let volid: String
        let format: String
        if pbs {
            let snapshot = "\(kind == .qemu ? "vm" : "ct")/\(vmid)/\(stamp.replacingOccurrences(of: " ", with: "T"))Z"
            volid = "\(storage.id):backup/\(snapshot)"
            format = kind == .qemu ? "pbs-vm" : "pbs-ct"
            log.append("INFO: creating Proxmox Backup Server archive '\(snapshot)'")
        } else {
            let ext = ["0": "", "gzip": ".gz", "lzo": ".lzo", "zstd": ".zst"][job.compress] ?? ""
            let name = "vzdump-\(kind.rawValue)-\(vmid)-\(stamp.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_").replacingOccurrences(of: " ", with: "-"))"
            format = (kind == .qemu ? "vma" : "tar") + ext
            volid = "\(storage.id):backup/\(name).\(format)"
            log.append("INFO: creating vzdump archive '\(dumpDirectory(storage))/\(name).\(format)'")
        }
        if kind == .qemu {
            log.append("INFO: started backup task '\(SHA1.hex("\(vmid)-\(now)").prefix(8))-0000-4000-8000-\(SHA1.hex("\(now)").prefix(12))'")
            if guest.isRunning && job.mode != "stop" { log.append("INFO: resuming VM again") }
        }
        let fullStorage = faults.fullStorages.contains(storage.id) || used + size > storage.total
        let failing = faults.failingBackups[String(vmid)]
        let gib = Double(total) / 1_073_741_824
        // Progress lines every 10%; a failing backup stops halfway, a full storage at 80%.
        let stop = failing != nil ? 50 : fullStorage ? 80 : 100
        for percent in stride(from: 10, through: stop, by: 10) {
            let done = gib * Double(percent) / 100
            let seconds = percent * 3 / 10
            log.append(String(format: "INFO: %3d%% (%.1f GiB of %.1f GiB) in %ds, read: %.1f MiB/s, write: %.1f MiB/s",
                              percent, done, gib, seconds, 1092.3, 1092.3 * ratio))
        }
        if let failing { return failure(failing) }
        if fullStorage {
            return failure(kind == .qemu ? "vma_queue_write: write error - No space left on device"
                : "command 'tar' failed: exit code 2 (No space left on device)")
        }
        let seconds = 30
        log.append(String(format: "INFO: backup is sparse: %.2f GiB (%d%%) total zero data", gib * 0.38, 38))
        log.append(String(format: "INFO: transferred %.2f GiB in %d seconds (%.1f MiB/s)", gib, seconds, gib * 1024 / Double(seconds)))
        if !pbs { log.append(String(format: "INFO: archive file size: %.2fGB", Double(size) / 1_073_741_824)) }
        var notes: String?
        if let template = job.notesTemplate {
            notes = template.replacingOccurrences(of: "{{guestname}}", with: guest.name).replacingOccurrences(of: "{{vmid}}", with: String(vmid))
                .replacingOccurrences(of: "{{node}}", with: node).replacingOccurrences(of: "{{cluster}}", with: "homelab")
            log.append("INFO: adding notes to backup")
        }
        if job.protected { log.append("INFO: marking backup as protected") }
        log += ["INFO: Finished Backup of VM \(vmid) (00:00:\(seconds))", "INFO: Backup finished at \(Render.utc(now + Int64(seconds)))"]
        let archive = SimulatedVolume(volid: volid, node: storage.shared ? nil : node, content: "backup", format: format, size: size, ctime: now,
                                      vmid: vmid, notes: notes, protected: job.protected ? true : nil,
                                      verification: nil, config: guest.config)
        return (log, archive)
    }

    /// Where a file storage keeps its backups.
    static func dumpDirectory(_ storage: SimulatedStorage) -> String {
        storage.id == "local" ? "/var/lib/vz/dump" : "/mnt/pve/\(storage.id)/dump"
    }

    // MARK: Restore

    /// A restore of `archive` as guest `vmid` of `kind` on `node` (qmrestore, `pct restore`, or
    /// the create endpoints with an archive).
    static func restore(_ archive: String, as vmid: Int, _ kind: GuestKind, node: String, storage target: String?, force: Bool,
                        unique: Bool, start: Bool) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            let noun = kind == .qemu ? "VM" : "CT"
            guard let (storage, volume) = find(archive, on: node, in: cluster) else {
                throw .die("volume '\(archive)' does not exist")
            }
            guard BackupArchive.kind(ofVolume: volume.volid) == kind else {
                throw .die("ERROR: couldn't determine archive info from '\(archive)'")
            }
            if let existing = cluster.guests.first(where: { $0.vmid == vmid }) {
                guard force else {
                    throw .die("unable to restore \(noun) \(vmid) - \(existing.kind == .qemu ? "VM" : "CT") \(vmid) already exists on node '\(existing.node)'")
                }
                guard existing.kind == kind, existing.node == node else {
                    throw .die("unable to restore \(noun) \(vmid) - \(existing.kind.noun) \(vmid) exists on node '\(existing.node)'")
                }
                if let lock = existing.lock { throw .die("\(noun) is locked (\(lock))") }
                if existing.isRunning { throw .die("unable to restore \(noun) \(vmid) - \(noun) is running") }
                if existing.config["protection"] == "1" { throw .die("unable to restore \(noun) \(vmid) - protection mode enabled") }
            }
            if let target, !cluster.storages.contains(where: { $0.id == target && $0.isAvailable(on: node) }) {
                throw .die("storage '\(target)' does not exist")
            }
            let saved = volume.config ?? [:]
            var disks: [(key: String, gib: Int64, target: String)] = []
            for key in saved.keys.sorted() where SimulatedGuest.isDiskKey(key, kind: kind) && !(saved[key]?.contains("media=cdrom") ?? false) {
                let value = saved[key]!
                let original = String(value.split(separator: ":")[0])
                disks.append((key, (SimulatedGuest.size(of: value) ?? 0) / 1_073_741_824, target ?? original))
            }
            let path = storage.type == "pbs" ? volume.volid : "\(dumpDirectory(storage))/\(volume.volid.split(separator: "/").last ?? "")"
            let plan = restoreLog(kind, vmid: vmid, archive: volume, path: path, pbs: storage.type == "pbs", disks: disks)
            return Worker(type: kind == .qemu ? "qmrestore" : "vzrestore", id: String(vmid), node: node, vmid: vmid,
                          running: plan) { cluster throws(CLIFailure) in
                // Overwriting: the old guest and all its disks go first.
                if let index = cluster.guests.firstIndex(where: { $0.vmid == vmid }) {
                    cluster.guests.remove(at: index)
                    cluster.releaseDisks(ofGuest: vmid, unreferencedToo: true, referenced: [])
                }
                var config = saved
                config["lock"] = nil
                for disk in disks {
                    let rest = saved[disk.key]!.split(separator: ",").dropFirst().filter { !$0.hasPrefix("size=") }
                    config[disk.key] = (["\(disk.target):\(disk.gib)"] + rest).joined(separator: ",")
                }
                for key in config.keys where key.hasPrefix("net") {
                    config[key] = GuestOperations.assignMAC(config[key]!, vmid: vmid, kind: kind, replacing: unique)
                }
                cluster.guests.append(SimulatedGuest(vmid: vmid, kind: kind, node: node, status: "stopped", lock: nil, config: config,
                                                     snapshots: [], parentSnapshot: nil, stats: .idle))
                cluster.allocateNewDisks(of: cluster.guests.count - 1)
                if start, let index = cluster.guests.firstIndex(where: { $0.vmid == vmid }) {
                    cluster.guests[index].status = "running"
                    cluster.guests[index].stats = GuestStats(cpu: 0.01, mem: cluster.guests[index].maxmem / 4, disk: 0, netin: 0, netout: 0,
                                                             diskread: 0, diskwrite: 0, uptime: 0, pid: 2000 + vmid % 50_000)
                }
                return plan
            }
        }
    }

    /// A restore's log: vma extraction or pbs-restore for VMs, tar extraction for containers.
    static func restoreLog(_ kind: GuestKind, vmid: Int, archive: SimulatedVolume, path: String, pbs: Bool,
                           disks: [(key: String, gib: Int64, target: String)]) -> [String] {
        var log: [String] = []
        let bytes = disks.reduce(0) { $0 + $1.gib * 1_073_741_824 }
        switch kind {
        case .qemu:
            if !pbs {
                log.append("restore vma archive: zstd -q -d -c \(path) | vma extract -v -r /var/tmp/vzdumptmp\(4000 + vmid).fifo - /var/tmp/vzdumptmp\(4000 + vmid)")
                log.append("CFG: size: \(archive.config.map { $0.count * 40 } ?? 400) name: qemu-server.conf")
                for (index, disk) in disks.enumerated() {
                    log.append("DEV: dev_id=\(index + 1) size: \(disk.gib * 1_073_741_824) devname: drive-\(disk.key)")
                }
                log.append("CTIME: \(Render.utc(archive.ctime))")
            }
            for (index, disk) in disks.enumerated() {
                log.append("  Logical volume \"vm-\(vmid)-disk-\(index)\" created.")
                log.append("new volume ID is '\(disk.target):vm-\(vmid)-disk-\(index)'")
            }
            for (index, disk) in disks.enumerated() {
                log.append(pbs ? "restore proxmox backup image: /usr/bin/pbs-restore --repository root@pam@pbs.example.lan:store1 \(path.split(separator: ":", maxSplits: 1).last.map { $0.dropFirst(7) } ?? "") drive-\(disk.key).img.fidx /dev/pve/vm-\(vmid)-disk-\(index) --verbose --format raw --skip-zero"
                    : "map 'drive-\(disk.key)' to '/dev/pve/vm-\(vmid)-disk-\(index)' (write zeros = 0)")
            }
            for percent in stride(from: 10, through: 100, by: 10) {
                log.append("progress \(percent)% (read \(bytes / 100 * Int64(percent)) bytes, duration \(percent / 10) sec)")
            }
            log.append(pbs ? "restore image complete (bytes=\(bytes), duration=10.00s, speed=\(bytes / 10 / 1_048_576).00MB/s)"
                : "total bytes read \(bytes), sparse bytes \(bytes * 38 / 100) (38%)")
            log.append("rescan volumes...")
        case .lxc:
            log.append("recovering backed-up configuration from '\(archive.volid)'")
            for (index, disk) in disks.enumerated() {
                log.append("  Logical volume \"vm-\(vmid)-disk-\(index)\" created.")
                log.append("Creating filesystem with \(disk.gib * 262_144) 4k blocks and \(disk.gib * 65_536) inodes")
            }
            log.append("restoring '\(archive.volid)' now..")
            log.append(pbs ? "restoring backup snapshot from '\(archive.volid)'" : "extracting archive '\(path)'")
            log.append("Total bytes read: \(archive.size * 4) (\(archive.size * 4 / 1_048_576)MiB, 210MiB/s)")
            log.append("Detected container architecture: \(archive.config?["arch"] ?? "amd64")")
            log.append("merging backed-up and given configuration..")
        }
        return log
    }

    /// The archive `volid` as `node` sees it.
    static func find(_ volid: String, on node: String, in cluster: SimulatedCluster) -> (SimulatedStorage, SimulatedVolume)? {
        for storage in cluster.storages where storage.isAvailable(on: node) {
            if let volume = storage.volumes(on: node).first(where: { $0.volid == volid && $0.content == "backup" }) { return (storage, volume) }
        }
        return nil
    }

    // MARK: Delete

    /// `DELETE /nodes/{node}/storage/{storage}/content/{volume}`: an `imgdel` worker; a protected
    /// backup makes it fail (pve-storage `archive_remove`).
    static func delete(_ volid: String, storage storageID: String, node: String) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        { cluster throws(CLIFailure) in
            guard let storage = cluster.storages.first(where: { $0.id == storageID }), storage.isAvailable(on: node) else {
                throw .die("storage '\(storageID)' does not exist")
            }
            guard volid.hasPrefix(storageID + ":"), let volume = storage.volumes(on: node).first(where: { $0.volid == volid }) else {
                throw .die("volume '\(volid)' does not exist")
            }
            let path = storage.type == "pbs" ? volid : "\(dumpDirectory(storage))/\(volid.split(separator: "/").last ?? "")"
            return Worker(type: "imgdel", id: "", node: node, vmid: nil) { cluster throws(CLIFailure) in
                if volume.protected == true { throw .die("cannot remove protected archive '\(path)'") }
                guard let index = cluster.storages.firstIndex(where: { $0.id == storageID }) else { return [] }
                cluster.storages[index].volumes.removeAll { $0.volid == volid && (storage.shared || $0.node == node) }
                return ["Removed volume '\(volid)'"]
            }
        }
    }
}
